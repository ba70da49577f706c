#pragma once

namespace faultline {

// While alive, the calling thread runs only on CPU time nothing else wants (Linux SCHED_IDLE;
// elsewhere it does nothing). For background work the user is not waiting for, such as the
// rescan behind a reopened project, so it does not slow what the user is waiting for.
// Restores the thread's scheduling when destroyed: pool threads are reused by other jobs.
class IdleThreadPriority
{
public:
    IdleThreadPriority();
    ~IdleThreadPriority();
    IdleThreadPriority(const IdleThreadPriority &) = delete;
    IdleThreadPriority &operator=(const IdleThreadPriority &) = delete;

private:
    bool m_changed = false;
    int m_policy = 0;
    int m_priority = 0;
};

} // namespace faultline
