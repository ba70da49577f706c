#include "session/JobLauncher.h"

namespace faultline {

BackgroundJob *launchJob(QObject *owner, const QString &title, BackgroundJob::Work work, std::function<void()> done,
                         std::function<void(const QString &message)> failed)
{
    auto *job = new BackgroundJob(title, std::move(work), owner);
    QObject::connect(job, &BackgroundJob::succeeded, owner, [job, done = std::move(done)] {
        job->deleteLater();
        done();
    });
    QObject::connect(job, &BackgroundJob::failed, owner, [job, failed = std::move(failed)](const QString &message) {
        job->deleteLater();
        failed(message);
    });
    QObject::connect(job, &BackgroundJob::cancelled, job, &QObject::deleteLater);
    job->start();
    return job;
}

} // namespace faultline
