// The export dialog over a real run: a small synthetic dataset is scanned, its predictions and
// embeddings imported and analysed through core; the dialog then reads the run, previews, exports
// (copy, symlink, manifest, one class, into the same folder again), cancels, and shows bad input
// in place.

#include "dialogs/ExportDialog.h"
#include "SyntheticDataset.h"
#include "analysis/AnalysisJob.h"
#include "dataset/DatasetScanner.h"
#include "dataset/EmbeddingImporter.h"
#include "dataset/PredictionsImporter.h"
#include "jobs/BackgroundJob.h"
#include "store/ProjectStore.h"

#include <QApplication>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSemaphore>
#include <QThreadPool>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace faultline;

namespace {

const char *const kClasses[] = {"c0", "c1", "c2"};

QStringList filesUnder(const QString &dir)
{
    QStringList files;
    for (const QFileInfo &info : QDir(dir).entryInfoList(QDir::Files | QDir::System | QDir::NoDotAndDotDot))
        files << info.fileName();
    return files;
}

} // namespace

class TestExportDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_root;
    QString m_storePath;
    qint64 m_runId = 0;

    QString outDir(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }

    // A dialog whose run has been read (its split list and preview are filled).
    std::unique_ptr<ExportDialog> openDialog(const QString &selectedClass = QString())
    {
        auto dialog = std::make_unique<ExportDialog>(m_root, m_storePath, m_runId, selectedClass);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(dialog->runLoaded(), 10000); }();
        return dialog;
    }

    static void waitForPreview(ExportDialog &dialog, const QString &expected)
    {
        QTRY_COMPARE_WITH_TIMEOUT(dialog.previewText(), expected, 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // 3 classes × train/val/test/pool × 20 images, every 4th misclassified along a planted direction.
        testing::SyntheticDataset data;
        m_root = QDir(m_tmp.path()).filePath(QStringLiteral("data"));
        QVERIFY(testing::writeSyntheticDataset(data, m_root, 3, 20));
        m_storePath = ProjectStore::defaultPath(m_root);
        ProjectStore store(m_storePath);
        QCOMPARE(DatasetScanner::scan(m_root, store).images, 240);
        QCOMPARE(importPredictions(QDir(m_root).filePath(QStringLiteral("predictions.csv")), store).imported, 240);
        const qint64 modelId = importEmbeddings(data.npyPath, data.pathsFile, store).modelId;
        AnalysisParams params;
        params.threads = 2;
        const AnalysisOutcome outcome = runAnalysis(store, modelId, params);
        QCOMPARE(outcome.classesOk, 3);
        m_runId = outcome.runId;
    }

    void listsTheRunsSplitsAndPreviews()
    {
        auto dialog = openDialog();
        QComboBox *split = dialog->splitCombo();
        QStringList items;
        for (int i = 0; i < split->count(); ++i)
            items << split->itemText(i);
        QCOMPARE(items, (QStringList{QStringLiteral("Train (60 image(s))"), QStringLiteral("Validation (60 image(s))"),
                                     QStringLiteral("Test (60 image(s))"), QStringLiteral("Pool (60 image(s))")}));
        QCOMPARE(split->currentData().toInt(), int(Split::Pool)); // pool by default
        QVERIFY(dialog->exportButton()->isEnabled());
        QVERIFY(dialog->exportButton()->isDefault());

        dialog->perClassSpin()->setValue(4);
        waitForPreview(*dialog, QStringLiteral("Will export 12 image(s) of 3 class(es) from Pool"));
        split->setCurrentIndex(split->findData(int(Split::Val)));
        dialog->perClassSpin()->setValue(100); // more than a class has: all of them
        waitForPreview(*dialog, QStringLiteral("Will export 60 image(s) of 3 class(es) from Validation"));

        // A threshold below every decision value selects nothing, and says what to do.
        dialog->thresholdRadio()->setChecked(true);
        QVERIFY(dialog->thresholdSpin()->isEnabled());
        QVERIFY(!dialog->perClassSpin()->isEnabled());
        dialog->thresholdSpin()->setValue(-1e5);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->previewText().startsWith(QStringLiteral("Nothing to export")), 10000);
        dialog->thresholdSpin()->setValue(1e5);
        waitForPreview(*dialog, QStringLiteral("Will export 60 image(s) of 3 class(es) from Validation"));
        QVERIFY(!dialog->onlyClassCheck()->isVisibleTo(dialog.get())); // no class was selected
    }

    // Export by tag (issue 15): only the images tagged hard, all of them or the K hardest per class.
    void onlyTaggedImages()
    {
        QVector<qint64> tagged;
        {
            ProjectStore store(m_storePath);
            for (const RunScoreRow &row : store.runScores(m_runId))
                if (row.split == Split::Pool && tagged.size() < 5)
                    tagged << row.imageId;
            store.setImageTag(tagged, QStringLiteral("hard"));
        }
        auto dialog = openDialog();
        dialog->thresholdRadio()->setChecked(true);
        dialog->thresholdSpin()->setValue(1e5);
        waitForPreview(*dialog, QStringLiteral("Will export 60 image(s) of 3 class(es) from Pool"));
        dialog->tagCombo()->setCurrentIndex(dialog->tagCombo()->findData(QStringLiteral("hard")));
        QTRY_VERIFY_WITH_TIMEOUT(dialog->previewText().startsWith(QStringLiteral("Will export 5 image(s)")), 10000);
        dialog->tagCombo()->setCurrentIndex(dialog->tagCombo()->findData(QStringLiteral("ok")));
        QTRY_VERIFY_WITH_TIMEOUT(dialog->previewText().startsWith(QStringLiteral("Nothing to export")), 10000);
        ProjectStore(m_storePath).setImageTag(tagged, QString());
    }

    void exportsCopiesThenSkipsThemOnTheSecondRun()
    {
        const QString out = outDir(QStringLiteral("hard-copy"));
        for (int round = 0; round < 2; ++round) {
            auto dialog = openDialog();
            QSignalSpy started(dialog.get(), &ExportDialog::jobStarted);
            dialog->perClassSpin()->setValue(3);
            dialog->destinationEdit()->setText(out);
            waitForPreview(*dialog, QStringLiteral("Will export 9 image(s) of 3 class(es) from Pool"));
            QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
            QCOMPARE(started.count(), 1);
            QVERIFY(started.at(0).at(0).value<BackgroundJob *>() != nullptr);
            QTRY_COMPARE_WITH_TIMEOUT(dialog->page(), ExportDialog::Page::Summary, 10000);
            QVERIFY(dialog->errorText().isEmpty());
            QVERIFY(dialog->openFolderButton()->isVisibleTo(dialog.get()));
            QCOMPARE(dialog->cancelButton()->text(), QStringLiteral("Close"));
            const QString manifest = QDir(out).filePath(round == 0 ? QStringLiteral("manifest.csv")
                                                                   : QStringLiteral("manifest-2.csv"));
            QVERIFY2(dialog->summaryText().contains(QStringLiteral("Manifest: %1").arg(QDir::toNativeSeparators(manifest))),
                     qPrintable(dialog->summaryText()));
            if (round == 0) {
                QVERIFY2(dialog->summaryText().startsWith(QStringLiteral("Exported 9 image(s) to")), qPrintable(dialog->summaryText()));
                QVERIFY(!dialog->summaryText().contains(QStringLiteral("skipped")));
                QCOMPARE(dialog->problemLines(), QStringList{QStringLiteral("None.")});
            } else {
                QVERIFY(dialog->summaryText().startsWith(QStringLiteral("Exported 0 image(s) to")));
                QVERIFY(dialog->summaryText().contains(QStringLiteral("9 image(s) were already there and were skipped.")));
                QCOMPARE(dialog->problemLines().size(), 9); // each skipped file, named
                QVERIFY(dialog->problemLines().at(0).contains(QStringLiteral("hard-copy")));
            }
            QVERIFY(QFileInfo(manifest).isFile());
            for (const char *cls : kClasses)
                QCOMPARE(filesUnder(QDir(out).filePath(QLatin1String(cls))).size(), 3);
            QFile csv(QDir(out).filePath(QStringLiteral("manifest.csv")));
            QVERIFY(csv.open(QIODevice::ReadOnly));
            const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
            QCOMPARE(lines.size(), 10);
            QCOMPARE(lines.at(0), QByteArray("path,class,decision_value,rank"));
            QVERIFY(lines.at(1).startsWith("pool/c0/"));

            // Close: Esc on the summary page closes the dialog.
            dialog->show();
            QTest::keyClick(dialog.get(), Qt::Key_Escape);
            QCOMPARE(dialog->result(), int(QDialog::Rejected));
            QVERIFY(!dialog->isVisible());
        }
    }

    void manifestOfOneClassByThreshold()
    {
        const QString out = outDir(QStringLiteral("c1-manifest"));
        auto dialog = openDialog(QStringLiteral("c1"));
        QVERIFY(dialog->onlyClassCheck()->isVisibleTo(dialog.get()));
        QVERIFY(dialog->onlyClassCheck()->text().contains(QStringLiteral("c1")));
        dialog->onlyClassCheck()->setChecked(true);
        dialog->thresholdRadio()->setChecked(true);
        dialog->thresholdSpin()->setValue(1e5);
        waitForPreview(*dialog, QStringLiteral("Will export 20 image(s) of 1 class(es) from Pool"));
        dialog->modeCombo()->setCurrentIndex(dialog->modeCombo()->findData(int(ExportMode::Manifest)));
        dialog->destinationEdit()->setText(out);
        dialog->startExport();
        QTRY_COMPARE_WITH_TIMEOUT(dialog->page(), ExportDialog::Page::Summary, 10000);
        QVERIFY(dialog->summaryText().startsWith(QStringLiteral("Exported 20 image(s)")));
        QCOMPARE(filesUnder(out), QStringList{QStringLiteral("manifest.csv")}); // no image files
        QFile csv(QDir(out).filePath(QStringLiteral("manifest.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = csv.readAll().trimmed().split('\n').mid(1);
        QCOMPARE(rows.size(), 20);
        for (const QByteArray &row : rows)
            QVERIFY(row.startsWith("pool/c1/"));
    }

    void symlinksPointIntoTheDataset()
    {
        const QString out = outDir(QStringLiteral("links"));
        auto dialog = openDialog();
        dialog->perClassSpin()->setValue(1);
        dialog->modeCombo()->setCurrentIndex(dialog->modeCombo()->findData(int(ExportMode::Symlink)));
        dialog->destinationEdit()->setText(out);
        dialog->show();
        QVERIFY(QTest::qWaitForWindowExposed(dialog.get()));
        QTest::keyClick(dialog->destinationEdit(), Qt::Key_Return); // Enter: Export is the default button
        QTRY_COMPARE_WITH_TIMEOUT(dialog->page(), ExportDialog::Page::Summary, 10000);
        QVERIFY(dialog->summaryText().startsWith(QStringLiteral("Exported 3 image(s)")));
        for (const char *cls : kClasses) {
            const QStringList files = filesUnder(QDir(out).filePath(QLatin1String(cls)));
            QCOMPARE(files.size(), 1);
            const QFileInfo link(QDir(out).filePath(QStringLiteral("%1/%2").arg(QLatin1String(cls), files.at(0))));
            QVERIFY(link.isSymLink());
            QVERIFY(link.symLinkTarget().startsWith(QDir(m_root).filePath(QStringLiteral("pool/%1/").arg(QLatin1String(cls)))));
        }
    }

    void cancelKeepsTheDialogAndSaysWhatHappened()
    {
        const QString out = outDir(QStringLiteral("cancelled"));
        auto dialog = openDialog();
        dialog->destinationEdit()->setText(out);
        // Hold every job thread so the export cannot start before Cancel.
        QSemaphore release;
        const int threads = BackgroundJob::jobPool()->maxThreadCount();
        for (int i = 0; i < threads; ++i)
            BackgroundJob::jobPool()->start([&release] { release.acquire(); });
        dialog->startExport();
        QCOMPARE(dialog->page(), ExportDialog::Page::Running);
        QCOMPARE(dialog->cancelButton()->text(), QStringLiteral("Cancel"));
        QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
        QVERIFY(!dialog->cancelButton()->isEnabled());
        QCOMPARE(dialog->result(), 0); // still open
        release.release(threads);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->page(), ExportDialog::Page::Options, 10000);
        QVERIFY2(dialog->errorText().startsWith(QStringLiteral("Export cancelled.")), qPrintable(dialog->errorText()));
        QVERIFY(QFileInfo(QDir(out).filePath(QStringLiteral("manifest.csv"))).isFile()); // lists what was done: nothing
        QVERIFY(dialog->cancelButton()->isEnabled());
        QVERIFY(dialog->exportButton()->isVisibleTo(dialog.get()));
    }

    void aFileAsDestinationIsAnErrorInPlace()
    {
        const QString file = outDir(QStringLiteral("not-a-folder.txt"));
        QVERIFY(testing::writeText(file, QStringLiteral("x")));
        auto dialog = openDialog();
        dialog->destinationEdit()->setText(file);
        dialog->startExport();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->errorText().isEmpty(), 10000);
        QCOMPARE(dialog->page(), ExportDialog::Page::Options);
        QVERIFY2(dialog->errorText().startsWith(QStringLiteral("Export failed: cannot create export folder")),
                 qPrintable(dialog->errorText()));
        QVERIFY(dialog->exportButton()->isVisibleTo(dialog.get()));
        QCOMPARE(QFileInfo(file).size(), 1); // untouched

        // No destination at all: said before anything starts.
        QSignalSpy started(dialog.get(), &ExportDialog::jobStarted);
        dialog->destinationEdit()->clear();
        dialog->startExport();
        QCOMPARE(started.count(), 0);
        QCOMPARE(dialog->errorText(), QStringLiteral("Choose a destination folder first."));
    }

    void aMissingSourceIsListedAsAProblem()
    {
        const QString missing = QDir(m_root).filePath(QStringLiteral("pool/c2/img0.png"));
        QVERIFY(QFile::rename(missing, missing + QStringLiteral(".moved")));
        const QString out = outDir(QStringLiteral("all-pool"));
        auto dialog = openDialog();
        dialog->thresholdRadio()->setChecked(true);
        dialog->thresholdSpin()->setValue(1e5);
        dialog->destinationEdit()->setText(out);
        waitForPreview(*dialog, QStringLiteral("Will export 60 image(s) of 3 class(es) from Pool"));
        dialog->startExport();
        QTRY_COMPARE_WITH_TIMEOUT(dialog->page(), ExportDialog::Page::Summary, 10000);
        QVERIFY(QFile::rename(missing + QStringLiteral(".moved"), missing));
        QVERIFY(dialog->summaryText().startsWith(QStringLiteral("Exported 59 image(s)")));
        QCOMPARE(dialog->problemLines().size(), 1);
        QVERIFY2(dialog->problemLines().at(0).contains(QStringLiteral("pool/c2/img0.png")),
                 qPrintable(dialog->problemLines().at(0)));
    }

    void aRunThatIsNotThereIsAnErrorInPlace()
    {
        ExportDialog dialog(m_root, m_storePath, 9999);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.errorText().isEmpty(), 10000);
        QVERIFY2(dialog.errorText().startsWith(QStringLiteral("Cannot read run 9999")), qPrintable(dialog.errorText()));
        QVERIFY(!dialog.exportButton()->isEnabled());
        QVERIFY(!dialog.splitCombo()->isEnabled());
        // Esc on the options page closes.
        dialog.show();
        QTest::keyClick(&dialog, Qt::Key_Escape);
        QVERIFY(!dialog.isVisible());
    }
};

QTEST_MAIN(TestExportDialog)
#include "test_export_dialog.moc"
