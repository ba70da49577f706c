#include "jobs/BackgroundJob.h"

#include "common/Error.h"
#include "common/JobControl.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <tuple>

namespace faultline {

BackgroundJob::BackgroundJob(QString title, Work work, QObject *parent)
    : QObject(parent), m_title(std::move(title)), m_work(std::move(work)), m_control(std::make_shared<JobControl>())
{
}

BackgroundJob::~BackgroundJob()
{
    m_control->requestCancel();
}

QThreadPool *BackgroundJob::jobPool()
{
    // Jobs mostly wait on the engine's own pools or on I/O; enough threads that a long analysis
    // never holds up loading a class or a thumbnail-sized query.
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool;
        p->setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
        return p;
    }();
    return pool;
}

void BackgroundJob::start(QThreadPool *pool)
{
    if (m_running)
        return;
    if (!pool)
        pool = jobPool();
    m_running = true;
    // Reports and results are posted to the application object, which outlives every job, and
    // delivered only if the job still exists then: posting to the job itself from the worker
    // could race with its deletion on the GUI thread.
    QPointer<BackgroundJob> self(this);
    std::shared_ptr<JobControl> control = m_control;
    QObject *receiver = QCoreApplication::instance();
    // Coalesced: while a report is waiting in the event queue, newer ones only update it, so a
    // 100k-image scan posts a handful of events, not 100k.
    auto pending = std::make_shared<std::atomic<bool>>(false);
    auto latest = std::make_shared<std::tuple<qint64, qint64, QString>>();
    auto latestMutex = std::make_shared<std::mutex>();
    control->setProgressHandler([self, receiver, pending, latest, latestMutex](qint64 done, qint64 total,
                                                                              const QString &stage) {
        {
            std::lock_guard<std::mutex> lock(*latestMutex);
            *latest = {done, total, stage};
        }
        if (pending->exchange(true))
            return;
        QMetaObject::invokeMethod(receiver, [self, pending, latest, latestMutex] {
            pending->store(false);
            std::tuple<qint64, qint64, QString> report;
            {
                std::lock_guard<std::mutex> lock(*latestMutex);
                report = *latest;
            }
            if (self)
                Q_EMIT self->progressChanged(std::get<0>(report), std::get<1>(report), std::get<2>(report));
        }, Qt::QueuedConnection);
    });
    Work work = m_work;
    auto deliver = [self, receiver](std::function<void(BackgroundJob *)> emitter) {
        QMetaObject::invokeMethod(receiver, [self, emitter] {
            if (!self)
                return;
            self->m_running = false;
            emitter(self);
        }, Qt::QueuedConnection);
    };
    (void)QtConcurrent::run(pool, [work, control, deliver] {
        try {
            work(*control);
            deliver([](BackgroundJob *job) { Q_EMIT job->succeeded(); });
        } catch (const JobCancelled &) {
            deliver([](BackgroundJob *job) { Q_EMIT job->cancelled(); });
        } catch (const Error &error) {
            const QString message = error.message();
            deliver([message](BackgroundJob *job) { Q_EMIT job->failed(message); });
        } catch (const std::exception &error) {
            const QString message = QString::fromLocal8Bit(error.what());
            deliver([message](BackgroundJob *job) { Q_EMIT job->failed(message); });
        }
    });
}

void BackgroundJob::cancel()
{
    m_control->requestCancel();
}

} // namespace faultline
