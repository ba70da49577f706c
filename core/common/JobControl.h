#pragma once

#include <QString>
#include <atomic>
#include <functional>
#include <mutex>

namespace faultline {

// Shared between a running job and whoever watches it (CLI progress line, GUI Jobs dock):
// the job reports progress and polls for cancellation; the watcher may cancel from any thread.
class JobControl
{
public:
    using ProgressHandler = std::function<void(qint64 done, qint64 total, const QString &stage)>;

    void setProgressHandler(ProgressHandler handler);
    void requestCancel() { m_cancelled.store(true); }
    bool isCancelled() const { return m_cancelled.load(); }

    // Throws JobCancelled when cancellation was requested: jobs call it between units of work.
    void checkCancelled() const;
    // Thread-safe; the handler runs on the calling (worker) thread.
    void report(qint64 done, qint64 total, const QString &stage);

private:
    std::atomic<bool> m_cancelled{false};
    std::mutex m_mutex;
    ProgressHandler m_handler;
};

} // namespace faultline
