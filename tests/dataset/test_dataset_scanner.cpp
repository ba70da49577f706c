#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/DatasetScanner.h"
#include "store/ProjectStore.h"
#include "TestImages.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace faultline;
using faultline::testing::writeBytes;
using faultline::testing::writePng;
using faultline::testing::writeText;

namespace {

const Diagnostic *findDiagnostic(const Diagnostics &diagnostics, const QString &file)
{
    for (const Diagnostic &d : diagnostics)
        if (d.file == file)
            return &d;
    return nullptr;
}

QHash<QString, StoredImage> imagesByPath(const ProjectStore &store)
{
    QHash<QString, StoredImage> out;
    for (const StoredImage &image : store.images())
        out.insert(image.path, image);
    return out;
}

bool setMTime(const QString &path, const QDateTime &time)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return false;
    return file.setFileTime(time, QFileDevice::FileModificationTime);
}

QString diagnosticsText(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines << d.toString();
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestDatasetScanner : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_root;
    std::unique_ptr<ProjectStore> m_store;

    QString path(const QString &rel) const { return QDir(m_root).filePath(rel); }
    ProjectStore &store() { return *m_store; }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_root = QDir(m_tmp->path()).filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(m_root));
        m_store = std::make_unique<ProjectStore>(ProjectStore::defaultPath(m_root));
    }

    void cleanup()
    {
        m_store.reset();
        m_tmp.reset();
    }

    void classLayout()
    {
        QVERIFY(writePng(path(QStringLiteral("cat/1.png")), 1));
        QVERIFY(writePng(path(QStringLiteral("cat/2.PNG")), 2)); // extension case-insensitive
        QVERIFY(writePng(path(QStringLiteral("cat/nested/deeper/3.png")), 3)); // nested: still the class
        QVERIFY(writePng(path(QStringLiteral("dog/1.png")), 4));
        QVERIFY(writeText(path(QStringLiteral("predictions.csv")), QStringLiteral("path,prediction\n")));

        const ScanReport report = DatasetScanner::scan(m_root, store());
        QCOMPARE(report.layout, DatasetLayout::ClassFile);
        QCOMPARE(report.images, 4);
        QCOMPARE(report.added, 4);
        QCOMPARE(report.changed, 0);
        QCOMPARE(report.unchanged, 0);
        QCOMPARE(report.removed, 0);
        QCOMPARE(report.unreadable, 0);
        QCOMPARE(report.skippedNonImage, 0); // predictions.csv at the root is not a dataset file
        QCOMPARE(report.skippedHidden, 0);   // .faultline itself is not counted
        QCOMPARE(report.classes, (QStringList{QStringLiteral("cat"), QStringLiteral("dog")}));
        QVERIFY2(report.diagnostics.isEmpty(), qPrintable(diagnosticsText(report.diagnostics)));

        const auto images = imagesByPath(store());
        QCOMPARE(images.size(), 4);
        QVERIFY(images.contains(QStringLiteral("cat/2.PNG")));
        const StoredImage nested = images.value(QStringLiteral("cat/nested/deeper/3.png"));
        QCOMPARE(nested.folderClass, QStringLiteral("cat"));
        QCOMPARE(nested.folderSplit, Split::Unassigned);
        QVERIFY(nested.readable);
        QCOMPARE(nested.stamp.size, QFileInfo(path(QStringLiteral("cat/nested/deeper/3.png"))).size());
        QCOMPARE(images.value(QStringLiteral("dog/1.png")).folderClass, QStringLiteral("dog"));
        QCOMPARE(DatasetScanner::recordedRoot(store()), QDir(m_root).absolutePath());
    }

    void splitLayoutFolderNamesAreCaseInsensitive()
    {
        QVERIFY(writePng(path(QStringLiteral("Train/cat/a.png"))));
        QVERIFY(writePng(path(QStringLiteral("Validation/cat/b.png"))));
        QVERIFY(writePng(path(QStringLiteral("VALID/dog/c.png"))));
        QVERIFY(writePng(path(QStringLiteral("val/dog/d.png"))));
        QVERIFY(writePng(path(QStringLiteral("TEST/cat/e.png"))));
        QVERIFY(writePng(path(QStringLiteral("Extra/dog/f.png"))));
        QVERIFY(writePng(path(QStringLiteral("pool/bird/g.png"))));

        const ScanReport report = DatasetScanner::scan(m_root, store());
        QCOMPARE(report.layout, DatasetLayout::SplitClassFile);
        QCOMPARE(report.images, 7);
        QCOMPARE(report.classes, (QStringList{QStringLiteral("bird"), QStringLiteral("cat"), QStringLiteral("dog")}));
        QVERIFY2(report.diagnostics.isEmpty(), qPrintable(diagnosticsText(report.diagnostics)));

        const auto images = imagesByPath(store());
        QCOMPARE(images.value(QStringLiteral("Train/cat/a.png")).folderSplit, Split::Train);
        QCOMPARE(images.value(QStringLiteral("Validation/cat/b.png")).folderSplit, Split::Val);
        QCOMPARE(images.value(QStringLiteral("VALID/dog/c.png")).folderSplit, Split::Val);
        QCOMPARE(images.value(QStringLiteral("val/dog/d.png")).folderSplit, Split::Val);
        QCOMPARE(images.value(QStringLiteral("TEST/cat/e.png")).folderSplit, Split::Test);
        QCOMPARE(images.value(QStringLiteral("Extra/dog/f.png")).folderSplit, Split::Pool);
        QCOMPARE(images.value(QStringLiteral("pool/bird/g.png")).folderSplit, Split::Pool);
        QCOMPARE(images.value(QStringLiteral("VALID/dog/c.png")).folderClass, QStringLiteral("dog"));
    }

    void nonSplitFolderBesideSplitsIsAWarning()
    {
        QVERIFY(writePng(path(QStringLiteral("train/cat/a.png"))));
        QVERIFY(writePng(path(QStringLiteral("val/cat/b.png"))));
        QVERIFY(writePng(path(QStringLiteral("misc/cat/c.png"))));

        const ScanReport report = DatasetScanner::scan(m_root, store());
        QCOMPARE(report.layout, DatasetLayout::SplitClassFile);
        QCOMPARE(report.images, 2);
        const Diagnostic *d = findDiagnostic(report.diagnostics, QStringLiteral("misc"));
        QVERIFY2(d, qPrintable(diagnosticsText(report.diagnostics)));
        QCOMPARE(d->severity, Diagnostic::Severity::Warning);
        QVERIFY2(d->message.contains(QLatin1String("not a split")), qPrintable(d->message));
        QVERIFY(!imagesByPath(store()).contains(QStringLiteral("misc/cat/c.png")));
    }

    void looseImageOutsideClassFolderIsAWarning()
    {
        QVERIFY(writePng(path(QStringLiteral("cat/a.png"))));
        QVERIFY(writePng(path(QStringLiteral("stray.png"))));
        const ScanReport report = DatasetScanner::scan(m_root, store());
        QCOMPARE(report.images, 1);
        const Diagnostic *d = findDiagnostic(report.diagnostics, QStringLiteral("stray.png"));
        QVERIFY2(d, qPrintable(diagnosticsText(report.diagnostics)));
        QCOMPARE(d->severity, Diagnostic::Severity::Warning);
        QVERIFY(d->message.contains(QLatin1String("outside a class folder")));
    }

    void hiddenAndNonImageFilesAreCounted()
    {
        QVERIFY(writePng(path(QStringLiteral("cat/a.png"))));
        QVERIFY(writePng(path(QStringLiteral("cat/.hidden.png"))));         // hidden image
        QVERIFY(writeText(path(QStringLiteral("cat/.DS_Store")), QStringLiteral("x"))); // hidden file
        QVERIFY(writePng(path(QStringLiteral("cat/.thumbs/t.png"))));      // hidden folder: not entered
        QVERIFY(writeText(path(QStringLiteral("cat/notes.txt")), QStringLiteral("hello")));
        QVERIFY(writeText(path(QStringLiteral("cat/labels.json")), QStringLiteral("{}")));
        QVERIFY(writeText(path(QStringLiteral("cat/noextension")), QStringLiteral("?")));
        QVERIFY(writePng(path(QStringLiteral(".cache/x/y.png"))));         // hidden folder at the root

        const ScanReport report = DatasetScanner::scan(m_root, store());
        QCOMPARE(report.images, 1);
        QCOMPARE(report.skippedHidden, 4);
        QCOMPARE(report.skippedNonImage, 3);
        QCOMPARE(report.classes, QStringList{QStringLiteral("cat")});
        QCOMPARE(store().images().size(), qsizetype(1));
    }

    void corruptAndEmptyImagesAreUnreadable()
    {
        QVERIFY(writePng(path(QStringLiteral("cat/good.png"))));
        QByteArray garbage;
        for (int i = 0; i < 512; ++i)
            garbage.append(char((i * 73 + 11) & 0xFF));
        QVERIFY(writeBytes(path(QStringLiteral("cat/corrupt.png")), garbage));
        QVERIFY(writeBytes(path(QStringLiteral("dog/empty.jpg")), QByteArray()));
        // A PNG cut in half: valid signature, truncated data.
        QVERIFY(writeBytes(path(QStringLiteral("dog/truncated.png")), faultline::testing::pngBytes(8, 8).left(40)));

        const ScanReport report = DatasetScanner::scan(m_root, store());
        QCOMPARE(report.images, 4);
        QCOMPARE(report.unreadable, 3);
        for (const QString &bad : {QStringLiteral("cat/corrupt.png"), QStringLiteral("dog/empty.jpg"),
                                   QStringLiteral("dog/truncated.png")}) {
            const Diagnostic *d = findDiagnostic(report.diagnostics, bad);
            QVERIFY2(d, qPrintable(bad + QStringLiteral(" not reported:\n") + diagnosticsText(report.diagnostics)));
            QCOMPARE(d->severity, Diagnostic::Severity::Error);
            QVERIFY2(d->message.startsWith(QLatin1String("cannot decode image")), qPrintable(d->message));
            QVERIFY(d->toString().startsWith(bad + QStringLiteral(": error:")));
        }
        QVERIFY(findDiagnostic(report.diagnostics, QStringLiteral("dog/empty.jpg"))->message.contains(QLatin1String("empty file")));
        QVERIFY(!findDiagnostic(report.diagnostics, QStringLiteral("cat/good.png")));

        // Stored as unreadable, with the reason, and left out of the labelled images.
        const auto images = imagesByPath(store());
        QVERIFY(images.value(QStringLiteral("cat/good.png")).readable);
        QVERIFY(!images.value(QStringLiteral("cat/corrupt.png")).readable);
        QVERIFY(!images.value(QStringLiteral("cat/corrupt.png")).readError.isEmpty());
        QCOMPARE(images.value(QStringLiteral("dog/empty.jpg")).readError, QStringLiteral("empty file"));

        // A rescan reports them again from the store.
        const ScanReport again = DatasetScanner::scan(m_root, store());
        QCOMPARE(again.unchanged, 4);
        QCOMPARE(again.unreadable, 3);
        QVERIFY(findDiagnostic(again.diagnostics, QStringLiteral("dog/empty.jpg")));
    }

    void rescanWithoutChangesDoesNotDecodeAgain()
    {
        const int n = 12;
        for (int i = 0; i < n; ++i)
            QVERIFY(writePng(path(QStringLiteral("c%1/%2.png").arg(i % 3).arg(i)), i));
        const ScanReport first = DatasetScanner::scan(m_root, store());
        QCOMPARE(first.added, n);
        const auto before = imagesByPath(store());

        const ScanReport second = DatasetScanner::scan(m_root, store());
        QCOMPARE(second.images, n);
        QCOMPARE(second.added, 0);
        QCOMPARE(second.changed, 0);
        QCOMPARE(second.unchanged, n);
        QCOMPARE(second.removed, 0);
        QCOMPARE(second.unreadable, 0);

        // Proof that unchanged files are not read: replace one file's bytes with garbage of the
        // same size and give it back its mtime. The scanner must trust the stamp and not notice.
        const QString victim = path(QStringLiteral("c0/0.png"));
        const QFileInfo info(victim);
        const QDateTime mtime = info.lastModified();
        QVERIFY(writeBytes(victim, QByteArray(int(info.size()), 'x')));
        QVERIFY(setMTime(victim, mtime));
        QCOMPARE(QFileInfo(victim).lastModified().toMSecsSinceEpoch(), mtime.toMSecsSinceEpoch());
        const ScanReport third = DatasetScanner::scan(m_root, store());
        QCOMPARE(third.unchanged, n);
        QCOMPARE(third.changed, 0);
        QCOMPARE(third.unreadable, 0);
        QVERIFY(imagesByPath(store()).value(QStringLiteral("c0/0.png")).readable);

        // Touching its mtime makes it 'changed': now it is decoded, and found corrupt.
        QVERIFY(setMTime(victim, mtime.addSecs(10)));
        const ScanReport fourth = DatasetScanner::scan(m_root, store());
        QCOMPARE(fourth.changed, 1);
        QCOMPARE(fourth.unchanged, n - 1);
        QCOMPARE(fourth.added, 0);
        QCOMPARE(fourth.unreadable, 1);
        QVERIFY(findDiagnostic(fourth.diagnostics, QStringLiteral("c0/0.png")));
        const auto after = imagesByPath(store());
        QCOMPARE(after.value(QStringLiteral("c0/0.png")).id, before.value(QStringLiteral("c0/0.png")).id); // same row
        QVERIFY(!after.value(QStringLiteral("c0/0.png")).readable);
        QCOMPARE(after.value(QStringLiteral("c0/0.png")).stamp.mtimeMs, mtime.addSecs(10).toMSecsSinceEpoch());

        // Fixing it is a change too, and it becomes readable again.
        QVERIFY(writePng(victim, 99));
        QVERIFY(setMTime(victim, mtime.addSecs(20)));
        const ScanReport fifth = DatasetScanner::scan(m_root, store());
        QCOMPARE(fifth.changed, 1);
        QCOMPARE(fifth.unreadable, 0);
        QVERIFY(imagesByPath(store()).value(QStringLiteral("c0/0.png")).readable);
    }

    void changedContentLosesItsEmbedding()
    {
        QVERIFY(writePng(path(QStringLiteral("cat/a.png")), 1));
        QVERIFY(writePng(path(QStringLiteral("cat/b.png")), 2));
        DatasetScanner::scan(m_root, store());
        const auto images = imagesByPath(store());
        const QVector<qint64> ids{images.value(QStringLiteral("cat/a.png")).id, images.value(QStringLiteral("cat/b.png")).id};
        const qint64 model = store().ensureEmbeddingModel(QStringLiteral("m"), 2, QString());
        const float values[] = {1, 2, 3, 4};
        store().storeEmbeddings(model, ids, values, 2);

        // A new mtime over the same bytes keeps the embedding; new bytes lose it.
        QVERIFY(setMTime(path(QStringLiteral("cat/a.png")), QDateTime::currentDateTime().addSecs(30)));
        QCOMPARE(DatasetScanner::scan(m_root, store()).changed, 0);
        float kept[4] = {};
        QCOMPARE(store().loadEmbeddings(model, ids, kept, 2), QVector<qint64>{});
        QCOMPARE(kept[0], 1.f);
        QVERIFY(writePng(path(QStringLiteral("cat/a.png")), 7));
        QCOMPARE(DatasetScanner::scan(m_root, store()).changed, 1);
        float out[4] = {};
        const QVector<qint64> missing = store().loadEmbeddings(model, ids, out, 2);
        QCOMPARE(missing, QVector<qint64>{ids[0]});
        QCOMPARE(out[2], 3.f);
        QCOMPARE(out[3], 4.f);
    }

    void removedFilesAreMarkedMissing()
    {
        QVERIFY(writePng(path(QStringLiteral("cat/a.png"))));
        QVERIFY(writePng(path(QStringLiteral("cat/b.png"))));
        QVERIFY(writePng(path(QStringLiteral("dog/c.png"))));
        QCOMPARE(DatasetScanner::scan(m_root, store()).added, 3);

        QVERIFY(QFile::remove(path(QStringLiteral("cat/b.png"))));
        QVERIFY(QDir(path(QStringLiteral("dog"))).removeRecursively());
        const ScanReport report = DatasetScanner::scan(m_root, store());
        QCOMPARE(report.removed, 2);
        QCOMPARE(report.unchanged, 1);
        QCOMPARE(report.images, 1);
        QCOMPARE(report.classes, QStringList{QStringLiteral("cat")});
        const auto images = imagesByPath(store());
        QCOMPARE(images.size(), 1);
        QVERIFY(images.contains(QStringLiteral("cat/a.png")));
        QCOMPARE(report.missing, 2);
        QCOMPARE(store().images(true).size(), qsizetype(3)); // kept until pruned
        QCOMPARE(store().pruneMissing(), 2);
        QCOMPARE(store().images(true).size(), qsizetype(1));
    }

    void unicodeFileAndClassNames()
    {
        const QString cls = QStringLiteral("猫 Katze ñ");
        const QString file = QStringLiteral("Straße_日本語 é.png");
        QVERIFY(writePng(path(QStringLiteral("train/") + cls + QLatin1Char('/') + file)));
        QVERIFY(writePng(path(QStringLiteral("val/Ölçü/😀.jpg.png"))));

        const ScanReport report = DatasetScanner::scan(m_root, store());
        QCOMPARE(report.images, 2);
        QCOMPARE(report.unreadable, 0);
        QVERIFY(report.classes.contains(cls));
        QVERIFY(report.classes.contains(QStringLiteral("Ölçü")));
        const auto images = imagesByPath(store());
        const QString rel = QStringLiteral("train/") + cls + QLatin1Char('/') + file;
        QVERIFY2(images.contains(rel), qPrintable(images.keys().join(QLatin1Char('|'))));
        QCOMPARE(images.value(rel).folderClass, cls);
        QVERIFY(images.value(rel).readable);
        QVERIFY(images.value(QStringLiteral("val/Ölçü/😀.jpg.png")).readable);
        // Unchanged on rescan: the stored unicode path matches the file system's.
        QCOMPARE(DatasetScanner::scan(m_root, store()).unchanged, 2);
    }

    void missingRootIsAnError()
    {
        const QString missing = QDir(m_tmp->path()).filePath(QStringLiteral("nope"));
        try {
            DatasetScanner::scan(missing, store());
            QFAIL("expected Error");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(missing), qPrintable(e.message()));
        }
    }

    void cancelledScanStoresNothing()
    {
        for (int i = 0; i < 5; ++i)
            QVERIFY(writePng(path(QStringLiteral("cat/%1.png").arg(i))));
        JobControl control;
        control.requestCancel();
        QVERIFY_THROWS_EXCEPTION(JobCancelled, DatasetScanner::scan(m_root, store(), &control));
        QCOMPARE(store().images().size(), qsizetype(0));
    }

    void progressIsReported()
    {
        for (int i = 0; i < 6; ++i)
            QVERIFY(writePng(path(QStringLiteral("cat/%1.png").arg(i))));
        JobControl control;
        qint64 lastDone = 0, lastTotal = 0;
        std::atomic<int> calls{0};
        std::mutex m;
        QString badStage;
        control.setProgressHandler([&](qint64 done, qint64 total, const QString &stage) {
            std::lock_guard<std::mutex> lock(m);
            ++calls;
            lastDone = std::max(lastDone, done);
            lastTotal = total;
            if (stage != QLatin1String("verify images"))
                badStage = stage;
        });
        DatasetScanner::scan(m_root, store(), &control);
        QVERIFY2(badStage.isEmpty(), qPrintable(badStage));
        QCOMPARE(calls.load(), 6);
        QCOMPARE(lastDone, 6);
        QCOMPARE(lastTotal, 6);
    }
};

QTEST_GUILESS_MAIN(TestDatasetScanner)
#include "test_dataset_scanner.moc"
