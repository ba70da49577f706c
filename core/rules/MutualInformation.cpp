#include "rules/MutualInformation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace faultline {

double digammaOfInteger(int n)
{
    // Summing from the small terms up keeps the rounding error at a few ulps for any n here.
    double harmonic = 0;
    for (int k = n - 1; k >= 1; --k)
        harmonic += 1.0 / k;
    return harmonic - 0.57721566490153286060651209008240243;
}

namespace {

// Distance to the k-th nearest other member of a sorted group, for every member (1-D: the k
// nearest lie in the k positions either side, merged from the inside out).
std::vector<double> kthNeighbourDistance(const std::vector<double> &sorted, int k)
{
    const int n = int(sorted.size());
    std::vector<double> distance(n);
    for (int i = 0; i < n; ++i) {
        int left = i - 1, right = i + 1;
        double d = 0;
        for (int taken = 0; taken < k; ++taken) {
            const double dl = left >= 0 ? sorted[i] - sorted[left] : INFINITY;
            const double dr = right < n ? sorted[right] - sorted[i] : INFINITY;
            if (dl <= dr) {
                d = dl;
                --left;
            } else {
                d = dr;
                ++right;
            }
        }
        distance[i] = d;
    }
    return distance;
}

// How many of the sorted values lie within `radius` of `centre` (|x − centre| ≤ radius, the
// test scikit-learn's KDTree.query_radius makes), the centre itself included.
int countWithin(const std::vector<double> &sorted, double centre, double radius)
{
    // Binary search on the bounds, then the exact |x − centre| ≤ radius test at the edges,
    // where centre ± radius may round differently from the distance.
    auto lo = std::lower_bound(sorted.begin(), sorted.end(), centre - radius);
    while (lo != sorted.begin() && std::abs(*(lo - 1) - centre) <= radius)
        --lo;
    while (lo != sorted.end() && std::abs(*lo - centre) > radius && *lo < centre)
        ++lo;
    auto hi = std::upper_bound(lo, sorted.end(), centre + radius);
    while (hi != sorted.end() && std::abs(*hi - centre) <= radius)
        ++hi;
    while (hi != lo && std::abs(*(hi - 1) - centre) > radius && *(hi - 1) > centre)
        --hi;
    return int(hi - lo);
}

// Standard normal draws from SplitMix64 + Box–Muller: the same numbers on every platform.
class NormalNoise
{
public:
    explicit NormalNoise(quint64 seed) : m_state(seed) {}
    double next()
    {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        const double u1 = (double(nextBits() >> 11) + 1.0) / 9007199254740993.0; // (0, 1]
        const double u2 = double(nextBits() >> 11) / 9007199254740992.0;
        const double r = std::sqrt(-2.0 * std::log(u1));
        m_spare = r * std::sin(6.283185307179586 * u2);
        m_hasSpare = true;
        return r * std::cos(6.283185307179586 * u2);
    }

private:
    quint64 nextBits()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    quint64 m_state;
    double m_spare = 0;
    bool m_hasSpare = false;
};

} // namespace

double mutualInformation(const std::vector<double> &feature, const std::vector<int> &labels, int neighbours,
                         quint64 seed)
{
    const size_t n = feature.size();
    if (n == 0)
        return 0;
    // scale(with_mean=False): divide by the population standard deviation (1 where it is 0).
    const double mean = std::accumulate(feature.begin(), feature.end(), 0.0) / double(n);
    double variance = 0;
    for (double x : feature)
        variance += (x - mean) * (x - mean);
    variance /= double(n);
    // A constant feature says nothing; scikit-learn's noise would give it an arbitrary estimate.
    if (variance == 0)
        return 0;
    const double scale = std::sqrt(variance);

    std::vector<double> x(n);
    double meanAbs = 0;
    for (size_t i = 0; i < n; ++i) {
        x[i] = feature[i] / scale;
        meanAbs += std::abs(x[i]);
    }
    const double noise = 1e-10 * std::max(1.0, meanAbs / double(n));
    NormalNoise normal(seed);
    for (double &v : x)
        v += noise * normal.next();

    std::map<int, std::vector<double>> groups;
    for (size_t i = 0; i < n; ++i)
        groups[labels[i]].push_back(x[i]);

    std::vector<double> all;
    std::vector<double> radii;
    double sumDigammaK = 0, sumDigammaCount = 0;
    for (auto &[label, values] : groups) {
        const int count = int(values.size());
        if (count < 2)
            continue; // a label seen once carries no neighbourhood
        const int k = std::min(neighbours, count - 1);
        std::sort(values.begin(), values.end());
        for (double d : kthNeighbourDistance(values, k))
            radii.push_back(std::nextafter(d, 0.0));
        sumDigammaK += count * digammaOfInteger(k);
        sumDigammaCount += count * digammaOfInteger(count);
        all.insert(all.end(), values.begin(), values.end());
    }
    const int kept = int(all.size());
    if (kept == 0)
        return 0;
    std::vector<double> sortedAll = all;
    std::sort(sortedAll.begin(), sortedAll.end());
    std::vector<double> digamma(kept + 1); // ψ(1..kept), by ψ(m + 1) = ψ(m) + 1/m
    digamma[1] = digammaOfInteger(1);
    for (int m = 1; m < kept; ++m)
        digamma[m + 1] = digamma[m] + 1.0 / m;
    double sumDigammaM = 0;
    for (int i = 0; i < kept; ++i)
        sumDigammaM += digamma[countWithin(sortedAll, all[i], radii[i])];
    const double mi = digammaOfInteger(kept) + (sumDigammaK - sumDigammaCount - sumDigammaM) / kept;
    return std::max(0.0, mi);
}

} // namespace faultline
