#include "jobs/IdleThreadPriority.h"

#include <QtGlobal>

#ifdef Q_OS_LINUX
#include <pthread.h>
#include <sched.h>
#endif

namespace faultline {

IdleThreadPriority::IdleThreadPriority()
{
#if defined(Q_OS_LINUX) && defined(SCHED_IDLE)
    sched_param param{};
    if (pthread_getschedparam(pthread_self(), &m_policy, &param) != 0)
        return;
    m_priority = param.sched_priority;
    sched_param idle{};
    m_changed = pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle) == 0;
#endif
}

IdleThreadPriority::~IdleThreadPriority()
{
#if defined(Q_OS_LINUX) && defined(SCHED_IDLE)
    if (!m_changed)
        return;
    sched_param param{};
    param.sched_priority = m_priority;
    pthread_setschedparam(pthread_self(), m_policy, &param);
#endif
}

} // namespace faultline
