// Issue 12 A11: a store another process is writing is waited for with a message naming the file
// and the process (it failed after ~10 s with "database is locked Unable to fetch row"), and a
// store that cannot be written says which file or folder is read-only.

#include "common/Error.h"
#include "store/ProjectStore.h"
#include "store/StoreAccess.h"
#include "ErrorOf.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace faultline;
using faultline::testing::errorOf;

namespace {

// Python's sqlite3 holds the store's write lock (BEGIN IMMEDIATE plus a write) for
// holdSeconds, or until release() when 0: another process, as a second faultline-cli would be.
class LockHolder
{
public:
    explicit LockHolder(const QString &store, double holdSeconds = 0)
    {
        const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
        if (python.isEmpty())
            return;
        m_process.start(python, {QStringLiteral("-c"), QStringLiteral(
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "c.execute(\"INSERT OR REPLACE INTO meta VALUES('holder', 'python')\")\n"
            "print('locked', flush=True)\n"
            "time.sleep(float(sys.argv[2])) if float(sys.argv[2]) > 0 else sys.stdin.readline()\n"
            "c.execute('COMMIT')\n"), store, QString::number(holdSeconds)});
        m_locked = m_process.waitForReadyRead(10000) && m_process.readLine().trimmed() == "locked";
    }
    ~LockHolder() { release(); }
    bool locked() const { return m_locked; }
    qint64 pid() const { return m_process.processId(); }
    void release()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.write("go\n");
        m_process.waitForFinished(10000);
    }

private:
    QProcess m_process;
    bool m_locked = false;
};

} // namespace

class TestStoreAccess : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList m_waitLines;

    QString freshStore(const QString &name)
    {
        const QString path = m_dir.filePath(name + QStringLiteral("/project.sqlite"));
        ProjectStore{path}; // created, migrated, closed
        return path;
    }

private Q_SLOTS:
    void init()
    {
        m_waitLines.clear();
        setStoreWaitReporter([this](const QString &line) { m_waitLines << line; });
    }
    void cleanup()
    {
        setStoreWaitReporter({});
        qunsetenv("FAULTLINE_LOCK_TIMEOUT");
    }

    void aWriterGivesUpNamingTheFileAndTheHolder()
    {
        const QString path = freshStore(QStringLiteral("held"));
        LockHolder holder(path);
        if (!holder.locked())
            QSKIP("python3 with sqlite3 is needed to hold the lock from another process");
        ProjectStore store(path); // opening only reads
        QCOMPARE(store.meta(QStringLiteral("absent")), QString());
        qputenv("FAULTLINE_LOCK_TIMEOUT", "1");
        const QString holderName = QStringLiteral("another process (pid %1, python3)").arg(holder.pid());
        QElapsedTimer clock;
        clock.start();
        const QString error = errorOf([&] { store.setMeta(QStringLiteral("k"), QStringLiteral("v")); });
        QVERIFY(clock.elapsed() >= 1000);
        QCOMPARE(error, QStringLiteral("%1: locked by %2 for 1 s; try again when it has finished (FAULTLINE_LOCK_TIMEOUT"
                                       " sets how long to wait)").arg(path, holderName));
        QCOMPARE(m_waitLines, QStringList{QStringLiteral("%1: locked by %2; waiting for it (up to 1 s)").arg(path, holderName)});
        QCOMPARE(storeLockHolder(path), holderName);

        // Nothing was written, and the store works once the other process is done.
        holder.release();
        QCOMPARE(storeLockHolder(path), QStringLiteral("another writer"));
        store.setMeta(QStringLiteral("k"), QStringLiteral("v"));
        QCOMPARE(store.meta(QStringLiteral("k")), QStringLiteral("v"));
        QCOMPARE(store.meta(QStringLiteral("holder")), QStringLiteral("python"));
    }

    void aWriterWaitsForTheLockWithAMessage()
    {
        const QString path = freshStore(QStringLiteral("waited"));
        LockHolder holder(path, 1.5);
        if (!holder.locked())
            QSKIP("python3 with sqlite3 is needed to hold the lock from another process");
        ProjectStore store(path);
        store.setMeta(QStringLiteral("k"), QStringLiteral("after the wait"));
        QCOMPARE(store.meta(QStringLiteral("k")), QStringLiteral("after the wait"));
        QCOMPARE(m_waitLines.size(), 2);
        QVERIFY2(m_waitLines[0].startsWith(path + QStringLiteral(": locked by another process (pid ")), qPrintable(m_waitLines[0]));
        QVERIFY2(m_waitLines[0].endsWith(QStringLiteral(", python3); waiting for it (up to 120 s)")), qPrintable(m_waitLines[0]));
        QVERIFY2(m_waitLines[1].startsWith(path + QStringLiteral(": the lock is free after ")), qPrintable(m_waitLines[1]));
    }

    void lockTimeoutIsValidated()
    {
        qputenv("FAULTLINE_LOCK_TIMEOUT", "soon");
        QCOMPARE(errorOf([] { storeLockTimeoutSeconds(); }),
                 QStringLiteral("FAULTLINE_LOCK_TIMEOUT: 'soon' is not a number of seconds from 0 to 86400"));
        qputenv("FAULTLINE_LOCK_TIMEOUT", "-3");
        QVERIFY(!errorOf([] { storeLockTimeoutSeconds(); }).isEmpty());
        qputenv("FAULTLINE_LOCK_TIMEOUT", "0");
        QCOMPARE(storeLockTimeoutSeconds(), 0);
        qunsetenv("FAULTLINE_LOCK_TIMEOUT");
        QCOMPARE(storeLockTimeoutSeconds(), 120);
    }

    void processAliveKnowsTheLivingAndTheGone()
    {
        QVERIFY(processAlive(QCoreApplication::applicationPid()));
        QVERIFY(!processAlive(0));
        QProcess sleeper;
        sleeper.start(QStringLiteral("sleep"), {QStringLiteral("30")});
        QVERIFY(sleeper.waitForStarted());
        const qint64 pid = sleeper.processId();
        QVERIFY(processAlive(pid));
        sleeper.kill();
        QVERIFY(sleeper.waitForFinished());
        QVERIFY(!processAlive(pid));
    }
};

QTEST_GUILESS_MAIN(TestStoreAccess)
#include "test_store_access.moc"
