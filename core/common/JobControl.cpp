#include "common/JobControl.h"

#include "common/Error.h"

namespace faultline {

void JobControl::setProgressHandler(ProgressHandler handler)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_handler = std::move(handler);
}

void JobControl::checkCancelled() const
{
    if (isCancelled())
        throw JobCancelled();
}

void JobControl::report(qint64 done, qint64 total, const QString &stage)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_handler)
        m_handler(done, total, stage);
}

} // namespace faultline
