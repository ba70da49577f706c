#pragma once
// What the retrieval benchmarks share: a steady clock, latency percentiles, "1000,2000"-style
// size lists and a fast deterministic random source.
#include <Eigen/Core>
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

// xorshift64 with approximately normal draws (sum of 4 uniforms): fast enough for 5·10⁹ values.
// `offset` mixes into the seed (each benchmark keeps its own, so its documented data stays the same).
struct Rng
{
    quint64 s;
    explicit Rng(quint64 seed, quint64 offset = 1) : s(seed * 0x9E3779B97F4A7C15ull + offset) {}
    quint64 next()
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    float gauss()
    {
        float sum = 0;
        for (int i = 0; i < 4; ++i)
            sum += float(next() >> 40) * (1.0f / float(1 << 24)) - 0.5f;
        return sum * 1.7320508f;
    }
    Eigen::VectorXf unit(int dim)
    {
        Eigen::VectorXf v(dim);
        for (int c = 0; c < dim; ++c)
            v[c] = gauss();
        return v.normalized();
    }
};

} // namespace faultline::bench
