#include "analysis/NearestRows.h"

#include "analysis/FloatProduct.h"

#include <QtConcurrent/QtConcurrentMap>
#include <algorithm>
#include <numeric>

namespace faultline {

namespace {

constexpr int kBlockRows = 256;      // query rows per similarity block (256 × |P| floats)
constexpr int kCandidateMargin = 8;  // float candidates re-ranked in double beyond k
constexpr int kScanChunk = 32;       // similarities skipped together when none can enter the heap

// The largest of n values; eight independent lanes, so the compiler emits packed max
// instructions (one running maximum is a serial dependency chain it may not reorder).
float chunkMaximum(const float *values, int n)
{
    float lane[8];
    int i = 0;
    if (n >= 8) {
        std::copy(values, values + 8, lane);
        for (i = 8; i + 8 <= n; i += 8)
            for (int l = 0; l < 8; ++l)
                lane[l] = lane[l] > values[i + l] ? lane[l] : values[i + l];
    } else {
        std::fill(lane, lane + 8, values[0]);
    }
    for (; i < n; ++i)
        lane[0] = lane[0] > values[i] ? lane[0] : values[i];
    return *std::max_element(lane, lane + 8);
}

} // namespace

std::vector<std::vector<int>> nearestByProduct(const DoubleRows &queries, const std::vector<int> &self,
                                               const DoubleRows &pool, int k)
{
    using FloatRows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const FloatRows poolF = pool.cast<float>();
    const int q = int(queries.rows()), p = int(pool.rows()), dim = int(pool.cols());
    std::vector<std::vector<int>> neighbours(static_cast<size_t>(q));
    std::vector<int> blocks((q + kBlockRows - 1) / kBlockRows);
    std::iota(blocks.begin(), blocks.end(), 0);
    QtConcurrent::blockingMap(blocks, [&](int block) {
        const int first = block * kBlockRows, count = std::min(kBlockRows, q - first);
        const FloatRows queriesF = queries.middleRows(first, count).cast<float>();
        std::vector<float> similarity(static_cast<size_t>(count) * static_cast<size_t>(p));
        floatProductTransposed(queriesF.data(), count, poolF.data(), p, dim, similarity.data());
        std::vector<std::pair<float, int>> heap; // the best `wanted` so far, the worst on top
        for (int r = 0; r < count; ++r) {
            const int query = first + r;
            const int skip = self[size_t(query)];
            const int wanted = std::min<int>(p - (skip >= 0 && skip < p ? 1 : 0), k + kCandidateMargin);
            // Larger similarity first, equal ones by lower pool index: a strict order, so the
            // best `wanted` are one set whichever way they are picked.
            const auto better = [](const std::pair<float, int> &a, const std::pair<float, int> &b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            };
            heap.clear();
            const float *row = similarity.data() + static_cast<size_t>(r) * static_cast<size_t>(p);
            for (int start = 0; start < p && wanted > 0; start += kScanChunk) {
                const int end = std::min(p, start + kScanChunk);
                // Once the heap is full almost every chunk holds nothing better than its worst:
                // skip it on its maximum (a reduction the compiler vectorises) instead of
                // comparing each value. Strictly less only: an equal value may still win on index.
                if (int(heap.size()) == wanted && chunkMaximum(row + start, end - start) < heap.front().first)
                    continue;
                for (int j = start; j < end; ++j) {
                    if (j == skip)
                        continue;
                    const std::pair<float, int> candidate{row[j], j};
                    if (int(heap.size()) < wanted) {
                        heap.push_back(candidate);
                        std::push_heap(heap.begin(), heap.end(), better);
                    } else if (row[j] >= heap.front().first && better(candidate, heap.front())) {
                        std::pop_heap(heap.begin(), heap.end(), better);
                        heap.back() = candidate;
                        std::push_heap(heap.begin(), heap.end(), better);
                    }
                }
            }
            std::vector<std::pair<double, int>> exact;
            exact.reserve(heap.size());
            for (const auto &entry : heap)
                exact.push_back({queries.row(query).dot(pool.row(entry.second)), entry.second});
            std::sort(exact.begin(), exact.end(),
                      [](const auto &a, const auto &b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
            std::vector<int> &mine = neighbours[size_t(query)];
            for (int i = 0; i < std::min<int>(k, int(exact.size())); ++i)
                mine.push_back(exact[size_t(i)].second);
        }
    });
    return neighbours;
}

} // namespace faultline
