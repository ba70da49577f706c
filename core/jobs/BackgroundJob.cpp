#include "jobs/BackgroundJob.h"

#include "common/Error.h"
#include "common/JobControl.h"

#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace faultline {

BackgroundJob::BackgroundJob(QString title, Work work, QObject *parent)
    : QObject(parent), m_title(std::move(title)), m_work(std::move(work)), m_control(std::make_shared<JobControl>())
{
}

BackgroundJob::~BackgroundJob()
{
    m_control->requestCancel();
}

void BackgroundJob::start(QThreadPool *pool)
{
    if (m_running)
        return;
    m_running = true;
    QPointer<BackgroundJob> self(this);
    std::shared_ptr<JobControl> control = m_control;
    // Progress is coalesced by the receiver's event loop; only the newest report matters.
    control->setProgressHandler([self](qint64 done, qint64 total, const QString &stage) {
        QMetaObject::invokeMethod(self, [self, done, total, stage] {
            if (self)
                Q_EMIT self->progressChanged(done, total, stage);
        }, Qt::QueuedConnection);
    });
    Work work = m_work;
    auto deliver = [self](std::function<void(BackgroundJob *)> emitter) {
        QMetaObject::invokeMethod(self, [self, emitter] {
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
