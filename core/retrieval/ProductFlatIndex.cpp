#include "retrieval/ProductFlatIndex.h"

#include "analysis/FloatProduct.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

namespace faultline {

namespace {

using idx_t = faiss::Index::idx_t;

// The k best of `scores` (count values), best first; −inf and −1 past count.
void topColumns(const float *scores, idx_t count, idx_t k, float *bestScores, idx_t *bestColumns)
{
    if (k == 1) {
        const float *best = std::max_element(scores, scores + count);
        *bestScores = count > 0 ? *best : -std::numeric_limits<float>::infinity();
        *bestColumns = count > 0 ? idx_t(best - scores) : -1;
        return;
    }
    std::vector<idx_t> order(static_cast<size_t>(count));
    std::iota(order.begin(), order.end(), idx_t(0));
    const idx_t kept = std::min(k, count);
    std::partial_sort(order.begin(), order.begin() + kept, order.end(),
                      [&](idx_t a, idx_t b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); });
    for (idx_t i = 0; i < k; ++i) {
        bestScores[i] = i < kept ? scores[order[size_t(i)]] : -std::numeric_limits<float>::infinity();
        bestColumns[i] = i < kept ? order[size_t(i)] : -1;
    }
}

} // namespace

void ProductFlatIndex::search(idx_t n, const float *x, idx_t k, float *distances, idx_t *labels,
                              const faiss::SearchParameters *) const
{
    constexpr idx_t kBlock = 2048; // queries per product: 2048 × 4096 centroids = 32 MiB of scores
    std::vector<float> block;
    for (idx_t begin = 0; begin < n; begin += kBlock) {
        const idx_t rows = std::min(kBlock, n - begin);
        block.resize(size_t(rows * ntotal));
        floatProductTransposed(x + begin * d, int(rows), get_xb(), int(ntotal), int(d), block.data());
        for (idx_t r = 0; r < rows; ++r)
            topColumns(block.data() + r * ntotal, ntotal, k, distances + (begin + r) * k, labels + (begin + r) * k);
    }
}

} // namespace faultline
