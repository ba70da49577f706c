#include "common/Error.h"
#include "common/JobControl.h"
#include "jobs/BackgroundJob.h"
#include "jobs/IdleThreadPriority.h"

#include <QSignalSpy>
#include <QtTest>

#include <atomic>
#include <thread>

#ifdef Q_OS_LINUX
#include <pthread.h>
#include <sched.h>
#endif

using namespace faultline;

class TestBackgroundJob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void idlePriorityIsRestored()
    {
#if defined(Q_OS_LINUX) && defined(SCHED_IDLE)
        const auto policy = [] {
            int p = -1;
            sched_param param{};
            pthread_getschedparam(pthread_self(), &p, &param);
            return p;
        };
        const int before = policy();
        {
            IdleThreadPriority idle;
            QCOMPARE(policy(), SCHED_IDLE);
        }
        // The (pooled) thread is as it was for the next job.
        QCOMPARE(policy(), before);
#else
        QSKIP("SCHED_IDLE is Linux only");
#endif
    }

    void reportsProgressAndSuccessOnTheOwnerThread()
    {
        Qt::HANDLE workerThread = nullptr;
        BackgroundJob job(QStringLiteral("count"), [&](JobControl &control) {
            workerThread = QThread::currentThreadId();
            for (int i = 1; i <= 5; ++i)
                control.report(i, 5, QStringLiteral("count"));
        });
        QSignalSpy progress(&job, &BackgroundJob::progressChanged);
        QSignalSpy done(&job, &BackgroundJob::succeeded);
        job.start();
        QVERIFY(done.wait(5000));
        QVERIFY(workerThread != QThread::currentThreadId());
        // Reports are coalesced while one is queued: at least one arrives, the last is the newest.
        QVERIFY(progress.size() >= 1 && progress.size() <= 5);
        QCOMPARE(progress.last().at(0).toLongLong(), 5);
        QCOMPARE(progress.last().at(2).toString(), QStringLiteral("count"));
        QVERIFY(!job.isRunning());
    }

    void startReturnsWithoutWaiting()
    {
        std::atomic<bool> release{false};
        BackgroundJob job(QStringLiteral("slow"), [&](JobControl &) {
            while (!release)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        });
        QSignalSpy done(&job, &BackgroundJob::succeeded);
        job.start();
        QVERIFY(job.isRunning()); // start() came back while the work is still blocked
        release = true;
        QVERIFY(done.wait(5000));
    }

    void errorsArriveAsFailedWithTheMessage()
    {
        BackgroundJob job(QStringLiteral("bad"), [](JobControl &) {
            throw Error(QStringLiteral("p.csv:3: prediction: unknown class"));
        });
        QSignalSpy failed(&job, &BackgroundJob::failed);
        job.start();
        QVERIFY(failed.wait(5000));
        QCOMPARE(failed.first().at(0).toString(), QStringLiteral("p.csv:3: prediction: unknown class"));
    }

    void cancelStopsTheWork()
    {
        std::atomic<int> iterations{0};
        BackgroundJob job(QStringLiteral("endless"), [&](JobControl &control) {
            for (;;) {
                control.checkCancelled();
                ++iterations;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        });
        QSignalSpy cancelled(&job, &BackgroundJob::cancelled);
        job.start();
        QTRY_VERIFY(iterations > 0);
        job.cancel();
        QVERIFY(cancelled.wait(5000));
    }

    void deletingARunningJobCancelsIt()
    {
        std::atomic<bool> sawCancel{false};
        auto *job = new BackgroundJob(QStringLiteral("orphan"), [&](JobControl &control) {
            while (!control.isCancelled())
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            sawCancel = true;
        });
        job->start();
        delete job;
        QTRY_VERIFY(sawCancel.load());
        BackgroundJob::jobPool()->waitForDone();
        QCoreApplication::processEvents(); // the queued delivery must find no receiver and do nothing
    }
};

QTEST_GUILESS_MAIN(TestBackgroundJob)
#include "test_background_job.moc"
