// Latency of the difficulty slider's retrieval (issue 4): for a query vector, the k nearest of N
// normalised 512-d embeddings by cosine. Compares, in one run on the same data, Faultline's
// EmbeddingIndex (fp16 and float32 storage) with the naive baseline one writes first: a float32
// Eigen matrix-vector product over all rows + std::partial_sort of all row indices.
//
//   bench_retrieval [--rows 100000,1000000] [--dim 512] [--k 32] [--queries 50] [--steps 60]
//                   [--seed 1]
//
// For each N: build time, median/p95 latency over --queries random queries, a "slider drag"
// (difficulty stepping 0 → −1 in --steps steps: difficultyVector + search per step), a subset
// search over 10 % of the rows (one class of one split), single-thread latency, and recall of the
// fp16 top-k against the exact float32 top-k. Built only with -DFAULTLINE_BUILD_BENCHMARKS=ON.

#include "retrieval/EmbeddingIndex.h"
#include "retrieval/Slerp.h"
#include "BenchSupport.h"

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <numeric>
#include <set>
#include <string>
#include <vector>

using namespace faultline;
using namespace faultline::bench;
using Neighbor = EmbeddingIndex::Neighbor;
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

std::vector<float> randomUnitRows(qint64 n, int dim, quint64 seed)
{
    std::vector<float> rows(size_t(n) * size_t(dim));
    Rng rng(seed);
    for (qint64 r = 0; r < n; ++r) {
        float *row = rows.data() + r * dim;
        double sum = 0;
        for (int c = 0; c < dim; ++c) {
            row[c] = rng.gauss();
            sum += double(row[c]) * row[c];
        }
        const float inv = float(1.0 / std::sqrt(sum));
        for (int c = 0; c < dim; ++c)
            row[c] *= inv;
    }
    return rows;
}

// The baseline: what one writes first.
void naiveNearest(const Eigen::Map<const RowMatrix> &m, const Eigen::VectorXf &query, int k,
                  std::vector<Neighbor> &out)
{
    const Eigen::VectorXf q = query.normalized();
    const Eigen::VectorXf scores = m * q;
    std::vector<qint64> order(size_t(m.rows()));
    std::iota(order.begin(), order.end(), qint64(0));
    const size_t kept = std::min<size_t>(size_t(k), order.size());
    std::partial_sort(order.begin(), order.begin() + qint64(kept), order.end(), [&](qint64 a, qint64 b) {
        return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
    });
    out.clear();
    for (size_t i = 0; i < kept; ++i)
        out.push_back({order[i], scores[order[i]]});
}

using Search = std::function<void(const Eigen::VectorXf &query, std::vector<Neighbor> &out)>;

Stats timeQueries(const Search &search, const std::vector<Eigen::VectorXf> &queries, int warmup = 3)
{
    std::vector<Neighbor> out;
    for (int i = 0; i < warmup; ++i)
        search(queries[size_t(i) % queries.size()], out);
    std::vector<double> ms;
    for (const Eigen::VectorXf &q : queries) {
        const double t0 = now();
        search(q, out);
        ms.push_back((now() - t0) * 1e3);
    }
    return stats(ms);
}

// The slider drag: each step computes the slerped vector and searches.
Stats timeDrag(const Search &search, const Eigen::VectorXf &reference, const Eigen::VectorXf &direction, int steps)
{
    std::vector<Neighbor> out;
    search(reference, out);
    std::vector<double> ms;
    for (int step = 0; step < steps; ++step) {
        const double difficulty = -double(step) / double(steps - 1);
        const double t0 = now();
        const Eigen::VectorXf v = difficultyVector(reference, direction, difficulty);
        search(v, out);
        ms.push_back((now() - t0) * 1e3);
    }
    return stats(ms);
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<qint64> sizes = {100000, 1000000};
    int dim = 512, k = 32, nQueries = 50, steps = 60;
    quint64 seed = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--rows") sizes = parseList(argv[i + 1]);
        else if (a == "--dim") dim = std::atoi(argv[i + 1]);
        else if (a == "--k") k = std::atoi(argv[i + 1]);
        else if (a == "--queries") nQueries = std::atoi(argv[i + 1]);
        else if (a == "--steps") steps = std::atoi(argv[i + 1]);
        else if (a == "--seed") seed = quint64(std::atoll(argv[i + 1]));
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    std::printf("dim %d, k %d, %d queries, %d drag steps, SIMD kernels: %s\n\n", dim, k, nQueries, steps,
                EmbeddingIndex::simdActive() ? "AVX2+F16C+FMA" : "scalar");
    std::printf("| N | method | storage | build | query median | query p95 | drag median | drag p95 | drag max | GB/s (median) |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");

    for (const qint64 n : sizes) {
        const std::vector<float> rows = randomUnitRows(n, dim, seed);
        const std::vector<float> qraw = randomUnitRows(nQueries + 2, dim, seed + 1000);
        std::vector<Eigen::VectorXf> queries;
        for (int i = 0; i < nQueries; ++i)
            queries.push_back(Eigen::Map<const Eigen::VectorXf>(qraw.data() + i * dim, dim));
        const Eigen::VectorXf reference = Eigen::Map<const Eigen::VectorXf>(qraw.data() + nQueries * dim, dim);
        const Eigen::VectorXf direction = Eigen::Map<const Eigen::VectorXf>(qraw.data() + (nQueries + 1) * dim, dim);

        double t0 = now();
        const EmbeddingIndex half = EmbeddingIndex::build(rows.data(), n, dim);
        const double buildHalf = now() - t0;
        t0 = now();
        const EmbeddingIndex full = EmbeddingIndex::build(rows.data(), n, dim, EmbeddingIndex::Precision::Float32);
        const double buildFull = now() - t0;
        const Eigen::Map<const RowMatrix> matrix(rows.data(), n, dim);

        SearchScratch scratch, single;
        single.setMaxThreads(1);
        const Search naive = [&](const Eigen::VectorXf &q, std::vector<Neighbor> &out) { naiveNearest(matrix, q, k, out); };
        const Search fp16 = [&](const Eigen::VectorXf &q, std::vector<Neighbor> &out) { half.nearest(q.data(), k, out, scratch); };
        const Search fp16one = [&](const Eigen::VectorXf &q, std::vector<Neighbor> &out) { half.nearest(q.data(), k, out, single); };
        const Search fp32 = [&](const Eigen::VectorXf &q, std::vector<Neighbor> &out) { full.nearest(q.data(), k, out, scratch); };

        struct Row { const char *method; const char *storage; double build; Stats q; Stats d; double bytes; };
        std::vector<Row> table;
        const double halfBytes = double(n) * half.stride() * 2.0, fullBytes = double(n) * full.stride() * 4.0;
        table.push_back({"naive: Eigen gemv + partial_sort", "float32", 0.0, timeQueries(naive, queries),
                         timeDrag(naive, reference, direction, steps), double(n) * dim * 4.0});
        table.push_back({"EmbeddingIndex, all threads", "fp16", buildHalf, timeQueries(fp16, queries),
                         timeDrag(fp16, reference, direction, steps), halfBytes});
        table.push_back({"EmbeddingIndex, 1 thread", "fp16", buildHalf, timeQueries(fp16one, queries),
                         timeDrag(fp16one, reference, direction, steps), halfBytes});
        table.push_back({"EmbeddingIndex, all threads", "float32", buildFull, timeQueries(fp32, queries),
                         timeDrag(fp32, reference, direction, steps), fullBytes});
        for (const Row &r : table)
            std::printf("| %lld | %s | %s | %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.1f |\n",
                        static_cast<long long>(n), r.method, r.storage,
                        r.build > 0 ? (std::to_string(int(r.build * 1000)) + " ms").c_str() : "—", r.q.median,
                        r.q.p95, r.d.median, r.d.p95, r.d.max, r.bytes / (r.q.median * 1e-3) / 1e9);
        const Row &base = table[0];
        std::printf("\nN = %lld: speed-up over naive (median query / median drag step): fp16 all threads %.1fx / %.1fx, "
                    "fp16 1 thread %.1fx / %.1fx, float32 all threads %.1fx / %.1fx\n",
                    static_cast<long long>(n), base.q.median / table[1].q.median, base.d.median / table[1].d.median,
                    base.q.median / table[2].q.median, base.d.median / table[2].d.median,
                    base.q.median / table[3].q.median, base.d.median / table[3].d.median);

        // Subset: 10 % of the rows (one class of one split), sorted as a store query returns them.
        std::vector<qint64> subset;
        for (qint64 r = 0; r < n; r += 10)
            subset.push_back(r);
        const Search fp16subset = [&](const Eigen::VectorXf &q, std::vector<Neighbor> &out) {
            half.nearest(q.data(), k, out, scratch, &subset);
        };
        const Stats sub = timeQueries(fp16subset, queries);
        std::printf("N = %lld: subset of %zu rows (fp16, all threads): median %.2f ms, p95 %.2f ms\n",
                    static_cast<long long>(n), subset.size(), sub.median, sub.p95);

        // Agreement with the exact float32 answer.
        std::vector<Neighbor> exact, got16, got32;
        double recall = 0;
        int identical32 = 0;
        for (const Eigen::VectorXf &q : queries) {
            naiveNearest(matrix, q, k, exact);
            half.nearest(q.data(), k, got16, scratch);
            full.nearest(q.data(), k, got32, scratch);
            std::set<qint64> truth;
            for (const Neighbor &e : exact)
                truth.insert(e.row);
            int hit = 0;
            for (const Neighbor &g : got16)
                hit += truth.count(g.row) ? 1 : 0;
            recall += double(hit) / double(exact.size());
            bool same = got32.size() == exact.size();
            for (size_t i = 0; same && i < exact.size(); ++i)
                same = got32[i].row == exact[i].row;
            identical32 += same ? 1 : 0;
        }
        std::printf("N = %lld: fp16 recall@%d vs exact float32: %.4f; float32 index identical to naive in %d/%d queries\n\n",
                    static_cast<long long>(n), k, recall / double(queries.size()), identical32, int(queries.size()));
        std::fflush(stdout);
    }
    return 0;
}
