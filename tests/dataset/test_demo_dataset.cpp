// The installed demo dataset and its writable working copy (dataset/DemoDataset): found where an
// installation puts it, copied whole and only once, never half-copied, and read-only sources
// give writable copies.

#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/DemoDataset.h"
#include "ErrorOf.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace faultline;

namespace {

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestDemoDataset : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_bundled;
    QStringList m_files{QStringLiteral("predictions.csv"), QStringLiteral("embeddings.npy"),
                        QStringLiteral("train/Bag/a.png"), QStringLiteral("test/Ankle boot/b c.png")};

    void makeReadOnly(const QString &root)
    {
        for (const QString &file : m_files)
            QFile::setPermissions(QDir(root).filePath(file), QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_bundled = m_dir.filePath(QStringLiteral("share/faultline/demo/fashion-mnist"));
        for (const QString &file : m_files)
            QVERIFY(writeFile(QDir(m_bundled).filePath(file), file.toUtf8() + "\n"));
        makeReadOnly(m_bundled); // as inside an AppImage
    }

    void foundThroughTheEnvironmentAndTheDataDirectories()
    {
        qputenv("FAULTLINE_DEMO_DATASET", m_bundled.toUtf8());
        QCOMPARE(bundledDemoDataset(), QFileInfo(m_bundled).canonicalFilePath());
        qunsetenv("FAULTLINE_DEMO_DATASET");
        const QByteArray dataDirs = qgetenv("XDG_DATA_DIRS");
        qputenv("XDG_DATA_DIRS", m_dir.filePath(QStringLiteral("share")).toUtf8() + ":/usr/share");
        QCOMPARE(bundledDemoDataset(), QFileInfo(m_bundled).canonicalFilePath());
        // a folder without predictions.csv is no demo
        qputenv("XDG_DATA_DIRS", m_dir.filePath(QStringLiteral("nowhere")).toUtf8());
        qputenv("FAULTLINE_DEMO_DATASET", m_dir.filePath(QStringLiteral("share")).toUtf8());
        QVERIFY(bundledDemoDataset().isEmpty());
        qunsetenv("FAULTLINE_DEMO_DATASET");
        qputenv("XDG_DATA_DIRS", dataDirs);
    }

    void workingCopyIsInTheUsersDataFolder()
    {
        const QString copy = demoWorkingCopyPath(m_bundled);
        QVERIFY(copy.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)));
        QVERIFY(copy.endsWith(QStringLiteral("/demo/fashion-mnist")));
    }

    void copiesEveryFileOnceAndWritable()
    {
        const QString target = m_dir.filePath(QStringLiteral("copy/fashion-mnist"));
        JobControl control;
        qint64 lastDone = -1, lastTotal = -1;
        control.setProgressHandler([&](qint64 done, qint64 total, const QString &) { lastDone = done; lastTotal = total; });
        QCOMPARE(prepareDemoDataset(m_bundled, target, &control), target);
        QCOMPARE(lastDone, qint64(m_files.size()));
        QCOMPARE(lastTotal, qint64(m_files.size()));
        for (const QString &file : m_files) {
            QCOMPARE(readFile(QDir(target).filePath(file)), file.toUtf8() + "\n");
            QVERIFY2(QFileInfo(QDir(target).filePath(file)).isWritable(), qPrintable(file));
        }
        QVERIFY(!QFileInfo::exists(target + QStringLiteral(".partial")));

        // Results written into the copy survive the next call: it is not copied again.
        QVERIFY(writeFile(QDir(target).filePath(QStringLiteral(".faultline/project.sqlite")), "results"));
        QVERIFY(writeFile(QDir(target).filePath(QStringLiteral("predictions.csv")), "edited"));
        QCOMPARE(prepareDemoDataset(m_bundled, target), target);
        QCOMPARE(readFile(QDir(target).filePath(QStringLiteral(".faultline/project.sqlite"))), QByteArray("results"));
        QCOMPARE(readFile(QDir(target).filePath(QStringLiteral("predictions.csv"))), QByteArray("edited"));
    }

    void anInterruptedCopyIsNeverTakenForADoneOne()
    {
        const QString target = m_dir.filePath(QStringLiteral("cancelled/fashion-mnist"));
        JobControl control;
        control.requestCancel();
        QVERIFY_THROWS_EXCEPTION(JobCancelled, prepareDemoDataset(m_bundled, target, &control));
        QVERIFY(!QFileInfo::exists(target));
        // what a killed copy leaves: a partial folder with a stale file; the next copy replaces it
        QVERIFY(writeFile(target + QStringLiteral(".partial/predictions.csv"), "half"));
        QVERIFY(writeFile(target + QStringLiteral(".partial/stale.png"), "stale"));
        QCOMPARE(prepareDemoDataset(m_bundled, target), target);
        QCOMPARE(readFile(QDir(target).filePath(QStringLiteral("predictions.csv"))), QByteArray("predictions.csv\n"));
        QVERIFY(!QFileInfo::exists(QDir(target).filePath(QStringLiteral("stale.png"))));
        QVERIFY(!QFileInfo::exists(target + QStringLiteral(".partial")));
    }

    void failuresNameTheFolder()
    {
        const QString notDemo = m_dir.filePath(QStringLiteral("share"));
        const QString message = testing::errorOf([&] { prepareDemoDataset(notDemo, m_dir.filePath(QStringLiteral("x"))); });
        QVERIFY2(message.contains(QDir::toNativeSeparators(notDemo)) && message.contains(QStringLiteral("predictions.csv")),
                 qPrintable(message));

        // a destination that cannot be made (its parent is a file: refused for root as well)
        const QString file = m_dir.filePath(QStringLiteral("plain-file"));
        QVERIFY(writeFile(file, "x"));
        const QString into = QDir(file).filePath(QStringLiteral("fashion-mnist"));
        const QString refused = testing::errorOf([&] { prepareDemoDataset(m_bundled, into); });
        QVERIFY2(refused.contains(QDir::toNativeSeparators(into)), qPrintable(refused));
        QVERIFY(!QFileInfo(into).isDir());
    }
};

QTEST_GUILESS_MAIN(TestDemoDataset)
#include "test_demo_dataset.moc"
