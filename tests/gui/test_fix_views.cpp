// Fix and confirm in the workbench (issue 13): the Interventions dock retrains the run's
// classifier head as a job and shows before/after; the new head's predictions become a model the
// switcher offers; the Models dock's heatmap holds the failures' IoU, and a cell shows the images
// both models get wrong. The project: a synthetic dataset classified by a TorchScript MLP with
// features() and fc (made with Debian's python3-torch), analysed through core.

#include "DockScreenshot.h"
#include "window/MainWindow.h"
#include "session/ProjectSession.h"
#include "SyntheticDataset.h"
#include "TinyClassifiers.h"
#include "analysis/AnalysisJob.h"
#include "classify/DatasetPredictor.h"
#include "compare/ModelComparison.h"
#include "compare/ModelsDock.h"
#include "dataset/DatasetScanner.h"
#include "dataset/EmbeddingImporter.h"
#include "dataset/PredictionsImporter.h"
#include "fix/BeforeAfterChart.h"
#include "fix/InterventionsDock.h"
#include "gallery/GalleryModel.h"
#include "store/ProjectStore.h"

#include <QComboBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace faultline;

class TestFixViews : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    testing::SyntheticDataset m_data;
    QString m_csvOnly; // the same dataset with a predictions CSV and no classifier

    static void analyse(const testing::SyntheticDataset &data, const QString *classifier)
    {
        ProjectStore store(ProjectStore::defaultPath(data.root));
        QVERIFY(DatasetScanner::scan(data.root, store).images > 0);
        // The planted predictions make the run (as in test_cli_retrain); the classifier's own
        // then replace them, keeping its spec for retraining.
        QVERIFY(importPredictions(QDir(data.root).filePath(QStringLiteral("predictions.csv")), store).imported > 0);
        const qint64 modelId = importEmbeddings(data.npyPath, data.pathsFile, store).modelId;
        AnalysisParams params;
        params.threads = 2;
        QVERIFY(runAnalysis(store, modelId, params).classesOk > 0);
        if (classifier)
            QVERIFY(predictDataset(store, data.root, testing::retrainableClassifierSpec(*classifier)).predicted > 0);
    }

    static void openIn(ProjectSession &session, MainWindow &window, const QString &root)
    {
        window.openDataset(root);
        QTRY_VERIFY_WITH_TIMEOUT(session.state().latestRun > 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 30000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_tmp.isValid());
        const QString failed = testing::runFixtureScript(QStringLiteral(FAULTLINE_RETRAINABLE_CLASSIFIER_SCRIPT),
                                                         m_tmp.filePath(QStringLiteral("models")));
        if (failed.contains(QLatin1String("No module named 'torch'")))
            QSKIP("Debian's python3-torch is needed to make the classifier");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const QString classifier = m_tmp.filePath(QStringLiteral("models/retrainable.pt"));
        QVERIFY(testing::writeSyntheticDataset(m_data, m_tmp.filePath(QStringLiteral("data")), 2, 12));
        analyse(m_data, &classifier);
        testing::SyntheticDataset csvOnly;
        QVERIFY(testing::writeSyntheticDataset(csvOnly, m_tmp.filePath(QStringLiteral("csv-only")), 2, 12));
        analyse(csvOnly, nullptr);
        m_csvOnly = csvOnly.root;
    }

    void retrainShowsBeforeAfterAndANewModel()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.resize(1024, 700);
        window.show();
        openIn(session, window, m_data.root);
        QVERIFY(!window.modelSwitcher()->isVisibleTo(&window)); // one model: nothing to switch

        InterventionsDock *dock = window.interventionsDock();
        dock->show();
        dock->raise();
        QCOMPARE(dock->armCombo()->count(), 5);
        QVERIFY(!dock->factorSpin()->isEnabled()); // filtering: no factor, no λ
        QVERIFY(!dock->lambdaSpin()->isEnabled());
        dock->armCombo()->setCurrentIndex(3); // upweight
        QVERIFY(dock->factorSpin()->isEnabled());
        dock->armCombo()->setCurrentIndex(0); // filter-svm
        dock->kSpin()->setValue(3);

        QSignalSpy retrained(&session, &ProjectSession::retrained);
        QTest::mouseClick(dock->retrainButton(), Qt::LeftButton);
        QVERIFY(!dock->retrainButton()->isEnabled());
        QVERIFY(dock->cancelButton()->isEnabled());
        QVERIFY(retrained.wait(120000));
        QTRY_VERIFY_WITH_TIMEOUT(dock->retrainButton()->isEnabled(), 5000);
        QVERIFY(!dock->cancelButton()->isEnabled());
        const RetrainReport report = retrained.first().first().value<RetrainReport>();
        QCOMPARE(report.predictionSet, QStringLiteral("retrain-1"));
        QCOMPARE(report.addedImages, 6);
        QVERIFY(QFileInfo::exists(report.outputFile));
        QVERIFY(report.outputFile.startsWith(QDir(m_data.root).filePath(QStringLiteral(".faultline/classifiers/"))));

        // The chart: overall and the hard subpopulation first, then each class's hard images.
        const QStringList groups = dock->chart()->groups();
        QCOMPARE(groups.mid(0, 2), (QStringList{BeforeAfterChart::tr("all\ntest"), BeforeAfterChart::tr("hard\n(all)")}));
        QCOMPARE(groups.size(), qsizetype(2 + 2));
        QCOMPARE(dock->chart()->before().at(0), report.overall.before());
        QCOMPARE(dock->chart()->after().at(1), report.hard.after());
        QCOMPARE(dock->table()->rowCount(), 2);
        QVERIFY2(dock->statusText().contains(QLatin1String("retrain-1")), qPrintable(dock->statusText()));
        QVERIFY(dock->showModelButton()->isEnabled());

        // Two models now: the switcher appears, and the Models dock compares them by itself.
        QTRY_VERIFY_WITH_TIMEOUT(window.modelSwitcher()->isVisibleTo(&window), 5000);
        QCOMPARE(window.modelSwitcher()->count(), 2);
        QCOMPARE(window.modelSwitcher()->currentText(), QStringLiteral("default"));
        ModelsDock *models = window.modelsDock();
        QTRY_COMPARE_WITH_TIMEOUT(models->heatmap()->rowCount(), 2, 20000);
        const ModelComparison direct = compareModels(ProjectStore(session.projectPath()), {});
        std::optional<double> iou;
        int both = 0;
        for (const FailureOverlap &overlap : direct.overlaps)
            if (overlap.className == QLatin1String("all")) {
                iou = overlap.iou();
                both = overlap.intersection();
            }
        QVERIFY(models->heatmap()->item(0, 1));
        QCOMPARE(models->heatmap()->item(0, 1)->text(), iou ? QLocale().toString(*iou, 'f', 2) : QStringLiteral("–"));
        QCOMPARE(models->heatmap()->item(1, 0)->text(), models->heatmap()->item(0, 1)->text());
        QVERIFY(models->heatmap()->item(0, 0)->text().startsWith(ModelsDock::tr("acc. %1").left(5)));
        Q_EMIT models->heatmap()->cellClicked(0, 1);
        QCOMPARE(models->imagesModel()->rowCount(), both);
        Q_EMIT models->heatmap()->cellClicked(0, 0);
        int wrong = 0;
        for (const ModelAccuracy &accuracy : direct.accuracy)
            if (accuracy.model == QLatin1String("default") && accuracy.className == QLatin1String("all"))
                wrong = accuracy.images - accuracy.correct;
        QCOMPARE(models->imagesModel()->rowCount(), wrong);
        models->classCombo()->setCurrentIndex(1); // one class: its own numbers
        QCOMPARE(models->heatmap()->rowCount(), 2);
        Q_EMIT models->heatmap()->cellClicked(1, 1); // the retrained head's errors of that class, in the shots

        for (const QSize &size : {QSize(1024, 700), QSize(1920, 1080)}) {
            window.resize(size);
            window.resetLayout(); // the default dock sizes for this window size
            dock->raise();
            QVERIFY(testing::saveScreenshot(&window, window.findChild<ThumbnailCache *>(),
                                            QStringLiteral("interventions-%1x%2.png").arg(size.width()).arg(size.height())));
            models->raise();
            QVERIFY(testing::saveScreenshot(&window, window.findChild<ThumbnailCache *>(),
                                            QStringLiteral("models-%1x%2.png").arg(size.width()).arg(size.height())));
        }

        // Showing the new model: every view follows it; it has no run yet, and says so.
        QTest::mouseClick(dock->showModelButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(session.state().currentModel, QStringLiteral("retrain-1"), 10000);
        QCOMPARE(session.state().latestRun, qint64(0));
        QCOMPARE(window.modelSwitcher()->currentText(), QStringLiteral("retrain-1"));
        QVERIFY(session.state().notes.join(QLatin1Char(' ')).contains(QLatin1String("retrain-1")));
        QCOMPARE(ProjectStore(session.projectPath()).currentPredictionSet(), QStringLiteral("retrain-1"));
        // And back through the switcher.
        window.modelSwitcher()->setCurrentIndex(0);
        Q_EMIT window.modelSwitcher()->activated(0);
        QTRY_COMPARE_WITH_TIMEOUT(session.state().currentModel, QStringLiteral("default"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(session.state().latestRun > 0, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 10000);
    }

    // A project whose predictions came from a CSV has no classifier to retrain: one clear line.
    void withoutAClassifierRetrainingSaysWhy()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.resize(1024, 700);
        window.show();
        openIn(session, window, m_csvOnly);
        InterventionsDock *dock = window.interventionsDock();
        QTest::mouseClick(dock->retrainButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dock->statusText().startsWith(InterventionsDock::tr("Retraining failed: %1").left(19)), 30000);
        QVERIFY2(dock->statusText().contains(QLatin1String("no classifier file to retrain")), qPrintable(dock->statusText()));
        QVERIFY(dock->retrainButton()->isEnabled());
        QVERIFY(!dock->showModelButton()->isEnabled());
        QVERIFY(ProjectStore(session.projectPath()).retrains().isEmpty());
    }
};

QTEST_MAIN(TestFixViews)
#include "test_fix_views.moc"
