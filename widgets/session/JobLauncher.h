#pragma once

#include "jobs/BackgroundJob.h"

#include <functional>

namespace faultline {

// Starts `work` as a BackgroundJob owned by `owner` and deletes the job when it ends. On the GUI
// thread, `done` runs after success and `failed` after an Error (cancellation calls neither);
// deleting the job first delivers nothing. Callers drop stale results with their own counters.
BackgroundJob *launchJob(QObject *owner, const QString &title, BackgroundJob::Work work, std::function<void()> done,
                         std::function<void(const QString &message)> failed);

} // namespace faultline
