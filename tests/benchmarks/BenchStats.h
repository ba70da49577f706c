#pragma once
// Timing helpers shared by the retrieval benchmarks: a steady clock, latency percentiles and
// "1000,2000"-style size lists.
#include <QtGlobal>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace faultline::bench {

inline double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Stats
{
    double median = 0, p95 = 0, max = 0;
};

inline Stats stats(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    Stats s;
    s.median = ms[ms.size() / 2];
    s.p95 = ms[std::min(ms.size() - 1, size_t(std::ceil(0.95 * double(ms.size()))) - 1)];
    s.max = ms.back();
    return s;
}

inline std::vector<qint64> parseList(const char *s)
{
    std::vector<qint64> values;
    for (const char *p = s; *p;) {
        values.push_back(std::strtoll(p, const_cast<char **>(&p), 10));
        if (*p == ',')
            ++p;
    }
    return values;
}

} // namespace faultline::bench
