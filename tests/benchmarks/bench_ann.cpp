// Retrieval at millions of images (issue 15 views 7): the slider's and the search's k nearest
// neighbours over N CLIP-like 512-d embeddings, side by side in one run on the same data:
//   exact      EmbeddingIndex's fp16 scan (every row),
//   the app    EmbeddingIndex's approximate search (from 500,000 rows on): candidates from faiss
//              k-means lists or from a PCA sketch, whichever its calibration finds cheaper,
//              re-scored exactly by the same fp16 kernel,
//   faiss      faiss's IndexIVFScalarQuantizer (8-bit codes, its own list scanner) over the very
//              same lists and centroids, at the calibrated probe count and at twice it.
// Recall@k of each against the exact top-k.
//
//   bench_ann [--rows 1000000,10000000] [--dim 512] [--k 32] [--queries 90] [--steps 60]
//             [--clusters 1000] [--folder /tmp] [--faiss 1] [--seed 1]
//
// Data: `clusters` classes of CLIP-like embeddings (see Clusters below), written to a
// memory-mapped float file in --folder (10M × 512 is 20 GB). Queries: unseen images of the same
// classes ("more like this"), captions across the modality gap (text search), and a slider drag
// (60 steps, difficulty 0 → −1, from a class's caption along the direction between
// two classes). Built only with -DFAULTLINE_BUILD_BENCHMARKS=ON and faiss.

#include "analysis/MappedEmbeddings.h"
#include "retrieval/EmbeddingIndex.h"
#include "retrieval/IvfPartition.h"
#include "retrieval/ProductFlatIndex.h"
#include "retrieval/Slerp.h"
#include "BenchSupport.h"

#include <faiss/IndexScalarQuantizer.h>

#include <Eigen/Core>
#include <QDir>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace faultline;
using namespace faultline::bench;
using Neighbor = EmbeddingIndex::Neighbor;

namespace {

constexpr quint64 kSeedOffset = 0x2545F4914F6CDD1Dull; // the data of the documented runs

// CLIP-like embeddings: `count` classes whose centres sit in a common cone, each image its class
// centre plus noise. Both the centres' spread and the noise follow a power-law spectrum (axis j
// has standard deviation ∝ 1/√j, so the first 32 of 512 axes carry ~60 % of the variance), as
// the PCA spectrum of real CLIP embeddings does. Same-class cosines ≈ 0.75, across classes ≈ 0.4.
// Text queries sit across a "modality gap" (a fixed offset): cosine ≈ 0.4 to their class's images.
struct Clusters
{
    std::vector<Eigen::VectorXf> centres;
    Eigen::VectorXf spread, modality;
    Clusters(int count, int dim, quint64 seed)
    {
        Rng rng(seed, kSeedOffset);
        spread.resize(dim);
        for (int j = 0; j < dim; ++j)
            spread[j] = 1.0f / std::sqrt(float(j + 1));
        spread.normalize();
        const Eigen::VectorXf cone = rng.unit(dim);
        modality = 2.5f * rng.unit(dim);
        for (int c = 0; c < count; ++c)
            centres.push_back(cone + shaped(rng));
    }
    Eigen::VectorXf shaped(Rng &rng) const
    {
        Eigen::VectorXf v(spread.size());
        for (int j = 0; j < int(spread.size()); ++j)
            v[j] = rng.gauss() * spread[j];
        return v;
    }
    // Image r: class r % count (rows past the index's N are unseen images of the same classes).
    void row(qint64 r, int dim, quint64 seed, float *out) const
    {
        Rng rng(seed * 1000003ull + quint64(r), kSeedOffset);
        const Eigen::VectorXf &centre = centres[size_t(r % qint64(centres.size()))];
        Eigen::Map<Eigen::VectorXf>(out, dim) = (centre + 0.8f * shaped(rng)).normalized();
    }
    Eigen::VectorXf text(size_t cls, Rng &rng) const { return (modality + centres[cls] + shaped(rng)).normalized(); }
};

using Search = std::function<void(const Eigen::VectorXf &query, std::vector<qint64> &rows)>;

struct Measured
{
    Stats latency;
    double recall = 0;
};

Measured measure(const Search &search, const std::vector<Eigen::VectorXf> &queries,
                 const std::vector<std::vector<qint64>> &truth)
{
    std::vector<qint64> rows;
    for (int i = 0; i < 3; ++i)
        search(queries[size_t(i) % queries.size()], rows);
    std::vector<double> ms;
    double recall = 0;
    for (size_t q = 0; q < queries.size(); ++q) {
        const double t0 = now();
        search(queries[q], rows);
        ms.push_back((now() - t0) * 1e3);
        const std::set<qint64> want(truth[q].begin(), truth[q].end());
        int hits = 0;
        for (const qint64 r : rows)
            hits += want.count(r) ? 1 : 0;
        recall += double(hits) / double(std::max<size_t>(1, want.size()));
    }
    return {stats(ms), recall / double(queries.size())};
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<qint64> sizes = {1000000, 10000000};
    int dim = 512, k = 32, nQueries = 90, steps = 60, clusterCount = 1000;
    bool withFaiss = true;
    quint64 seed = 1;
    QString folder = QDir::tempPath();
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--rows") sizes = parseList(argv[i + 1]);
        else if (a == "--dim") dim = std::atoi(argv[i + 1]);
        else if (a == "--k") k = std::atoi(argv[i + 1]);
        else if (a == "--queries") nQueries = std::atoi(argv[i + 1]);
        else if (a == "--steps") steps = std::atoi(argv[i + 1]);
        else if (a == "--clusters") clusterCount = std::atoi(argv[i + 1]);
        else if (a == "--folder") folder = QString::fromLocal8Bit(argv[i + 1]);
        else if (a == "--faiss") withFaiss = std::atoi(argv[i + 1]) != 0;
        else if (a == "--seed") seed = quint64(std::atoll(argv[i + 1]));
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    const Clusters clusters(clusterCount, dim, seed);
    std::printf("dim %d, k %d, %d image and %d caption queries + %d drag steps, %d clusters, %u threads\n\n", dim, k,
                nQueries, nQueries, steps,
                clusterCount, std::thread::hardware_concurrency());

    for (const qint64 n : sizes) {
        double t0 = now();
        MappedEmbeddings data(folder, n, dim);
        {
            const int threads = int(std::max(1u, std::thread::hardware_concurrency()));
            std::vector<std::thread> pool;
            for (int t = 0; t < threads; ++t)
                pool.emplace_back([&, t] {
                    for (qint64 r = t; r < n; r += threads)
                        clusters.row(r, dim, seed, data.data() + r * dim);
                });
            for (std::thread &th : pool)
                th.join();
        }
        const double generated = now() - t0;

        t0 = now();
        const EmbeddingIndex index = EmbeddingIndex::build(data.data(), n, dim, EmbeddingIndex::Precision::Float16,
                                                           EmbeddingIndex::Approximation::Auto);
        const double built = now() - t0;
        const EmbeddingIndex::ApproximationInfo info = index.approximation();
        const char *methods[] = {"exact (declined: neither generator halves the bytes)", "inverted lists", "projection sketch"};
        std::printf("N = %lld: data %.1f s; index built in %.1f s, of which calibrating the approximate search %.1f s.\n"
                    "  inverted lists: %d lists, %d probes scanning %.1f %% of the rows, calibrated recall %.4f\n"
                    "  projection sketch: %d of %d dimensions, %d candidates, calibrated recall %.4f\n"
                    "  chosen: %s, reading %.1f %% of the exact scan's bytes (%.1f MiB beside the %.1f MiB of fp16 rows)\n",
                    static_cast<long long>(n), generated, built, info.buildSeconds, info.lists, info.probes,
                    100.0 * info.listsScannedShare, info.listsRecall, info.sketchDims, dim, info.sketchPool,
                    info.sketchRecall, info.declined ? methods[0] : methods[int(info.method)], 100.0 * info.bytesShare,
                    double(info.memoryBytes) / 1048576.0, double(index.memoryBytes() - info.memoryBytes) / 1048576.0);
        std::fflush(stdout);

        // Queries: unseen images ("more like this"), captions (text search), the slider drag's steps.
        Rng rng(seed + 77, kSeedOffset);
        std::vector<Eigen::VectorXf> imageQueries, textQueries, dragQueries;
        std::vector<float> row(static_cast<size_t>(dim));
        for (int q = 0; q < nQueries; ++q) {
            clusters.row(n + qint64(rng.next() % quint64(n)), dim, seed, row.data());
            imageQueries.push_back(Eigen::Map<const Eigen::VectorXf>(row.data(), dim));
            textQueries.push_back(clusters.text(size_t(rng.next() % quint64(clusterCount)), rng));
        }
        const size_t from = size_t(rng.next() % quint64(clusterCount)), to = (from + 1 + size_t(rng.next() % quint64(clusterCount - 1))) % size_t(clusterCount);
        const Eigen::VectorXf reference = clusters.text(from, rng);
        const Eigen::VectorXf direction = (clusters.centres[from] - clusters.centres[to]).normalized();
        for (int step = 0; step < steps; ++step)
            dragQueries.push_back(difficultyVector(reference, direction, -double(step) / double(steps - 1)));

        SearchScratch exactScratch, ivfScratch;
        exactScratch.setApproximate(false);
        std::vector<Neighbor> found;
        const auto truthOf = [&](const std::vector<Eigen::VectorXf> &queries) {
            std::vector<std::vector<qint64>> truth;
            for (const Eigen::VectorXf &q : queries) {
                index.nearest(q.data(), k, found, exactScratch);
                std::vector<qint64> rows;
                for (const Neighbor &f : found)
                    rows.push_back(f.row);
                truth.push_back(rows);
            }
            return truth;
        };
        const std::vector<std::vector<qint64>> imageTruth = truthOf(imageQueries), textTruth = truthOf(textQueries),
                                               dragTruth = truthOf(dragQueries);

        struct Method
        {
            std::string name;
            Search search;
        };
        std::vector<Method> searches;
        searches.push_back({"exact fp16 scan (EmbeddingIndex)", [&](const Eigen::VectorXf &q, std::vector<qint64> &rows) {
                               index.nearest(q.data(), k, found, exactScratch);
                               rows.clear();
                               for (const Neighbor &f : found)
                                   rows.push_back(f.row);
                           }});
        searches.push_back({"EmbeddingIndex approximate (the app)", [&](const Eigen::VectorXf &q, std::vector<qint64> &rows) {
                               index.nearest(q.data(), k, found, ivfScratch);
                               rows.clear();
                               for (const Neighbor &f : found)
                                   rows.push_back(f.row);
                           }});

        // faiss's own IVF index over the same lists: the IVF's centroids as its trained quantizer.
        std::unique_ptr<ProductFlatIndex> quantizer;
        std::unique_ptr<faiss::IndexIVFScalarQuantizer> sq8;
        double faissBuilt = 0;
        std::unique_ptr<IvfPartition> ownLists;
        if (withFaiss && !index.ivfPartition()) { // the index kept the sketch: the same lists again
            IvfPartition::Options options;
            ownLists = std::make_unique<IvfPartition>(IvfPartition::build(
                n, dim, [&](qint64 begin, qint64 count, float *out) { std::copy_n(data.data() + begin * dim, count * dim, out); },
                options));
        }
        if (withFaiss) {
            t0 = now();
            const IvfPartition &ivf = ownLists ? *ownLists : *index.ivfPartition();
            quantizer = std::make_unique<ProductFlatIndex>(dim);
            quantizer->add(ivf.lists(), ivf.centroids().data());
            sq8 = std::make_unique<faiss::IndexIVFScalarQuantizer>(quantizer.get(), size_t(dim), size_t(ivf.lists()),
                                                                   faiss::ScalarQuantizer::QT_8bit,
                                                                   faiss::METRIC_INNER_PRODUCT);
            const qint64 trainRows = std::min<qint64>(n, 100000);
            std::vector<float> train(size_t(trainRows) * size_t(dim));
            for (qint64 i = 0; i < trainRows; ++i)
                std::copy_n(data.data() + (i * (n / trainRows)) * dim, dim, train.data() + i * dim);
            sq8->train(trainRows, train.data()); // the quantizer is trained: only the 8-bit ranges
            constexpr qint64 kAdd = 65536;
            for (qint64 b = 0; b < n; b += kAdd)
                sq8->add(std::min(kAdd, n - b), data.data() + b * dim);
            faissBuilt = now() - t0;
            for (const int factor : {1, 2}) {
                const int probes = std::min(ivf.lists(), ivf.probes() * factor);
                searches.push_back({"faiss IndexIVFScalarQuantizer SQ8, nprobe " + std::to_string(probes),
                                   [&, probes](const Eigen::VectorXf &q, std::vector<qint64> &rows) {
                                       faiss::SearchParametersIVF params;
                                       params.nprobe = size_t(probes);
                                       std::vector<float> distances(static_cast<size_t>(k));
                                       std::vector<faiss::Index::idx_t> labels(static_cast<size_t>(k));
                                       sq8->search(1, q.data(), k, distances.data(), labels.data(), &params);
                                       rows.assign(labels.begin(), labels.end());
                                   }});
            }
            std::printf("N = %lld: faiss IndexIVFScalarQuantizer (SQ8) over the same lists built in %.1f s (%.1f MiB of codes)\n",
                        static_cast<long long>(n), faissBuilt, double(n) * dim / 1048576.0);
        }

        std::printf("\n| N | method | queries | median | p95 | max | recall@%d |\n", k);
        std::printf("|---|---|---|---|---|---|---|\n");
        for (const Method &m : searches) {
            const std::pair<const char *, Measured> kinds[] = {{"images", measure(m.search, imageQueries, imageTruth)},
                                                              {"captions", measure(m.search, textQueries, textTruth)},
                                                              {"slider drag", measure(m.search, dragQueries, dragTruth)}};
            for (const auto &[kind, r] : kinds)
                std::printf("| %lld | %s | %s | %.2f ms | %.2f ms | %.2f ms | %.4f |\n", static_cast<long long>(n),
                            m.name.c_str(), kind, r.latency.median, r.latency.p95, r.latency.max, r.recall);
            std::fflush(stdout);
        }

        // One class of ten (10 % subset): exact below 500,000 rows, through the lists or sketch above.
        std::vector<qint64> subset;
        for (qint64 r = 3; r < n; r += 10)
            subset.push_back(r);
        std::vector<double> ms;
        double recall = 0;
        std::vector<Neighbor> want;
        for (const Eigen::VectorXf &q : imageQueries) {
            index.nearest(q.data(), k, want, exactScratch, &subset);
            const double s0 = now();
            index.nearest(q.data(), k, found, ivfScratch, &subset);
            ms.push_back((now() - s0) * 1e3);
            std::set<qint64> truth;
            for (const Neighbor &w : want)
                truth.insert(w.row);
            int hits = 0;
            for (const Neighbor &f : found)
                hits += truth.count(f.row) ? 1 : 0;
            recall += double(hits) / double(want.size());
        }
        const Stats sub = stats(ms);
        std::printf("\nN = %lld: a 10 %% subset (%zu rows), image queries: median %.2f ms, p95 %.2f ms, max %.2f ms, recall@%d %.4f\n\n",
                    static_cast<long long>(n), subset.size(), sub.median, sub.p95, sub.max, k, recall / double(imageQueries.size()));
        std::fflush(stdout);
    }
    return 0;
}
