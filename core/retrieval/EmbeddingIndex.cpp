#include "retrieval/EmbeddingIndex.h"

#include "common/Error.h"
#include "common/Fnv1a.h"
#include "retrieval/IvfPartition.h"
#include "retrieval/ProjectionSketch.h"

#include <QDataStream>
#include <QIODevice>
#include <QString>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>

#ifdef Q_OS_LINUX
#include <sys/mman.h>
#endif

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define FAULTLINE_X86_SIMD 1
#include <immintrin.h>
#endif

namespace faultline {

// ---------------------------------------------------------------------------------------------
// Storage

struct EmbeddingIndex::Data
{
    qint64 n = 0;
    int dim = 0;
    int stride = 0; // dim rounded up to a multiple of 16; the padding is zero
    Precision precision = Precision::Float16;
    void *values = nullptr; // n × stride Eigen::half or float, 64-byte aligned
    std::vector<float> scale; // 1 / |stored row| (0 for zero rows)
    // Approximate search: at most one of the two candidate generators; neither = exact only.
    std::unique_ptr<IvfPartition> ivf;
    std::unique_ptr<ProjectionSketch> sketch;
    qint64 approximateFromRows = 0;    // searches of fewer rows (subsets) stay exact
    bool calibrated = false;           // approximation was calibrated (or restored)
    EmbeddingIndex::ApproximationInfo approximation;

    Data() = default;
    Data(const Data &) = delete;
    Data &operator=(const Data &) = delete;
    ~Data() { std::free(values); }

    size_t valueBytes() const { return precision == Precision::Float16 ? sizeof(Eigen::half) : sizeof(float); }
    const Eigen::half *halfs() const { return static_cast<const Eigen::half *>(values); }
    const float *floats() const { return static_cast<const float *>(values); }
};

namespace {

using Neighbor = EmbeddingIndex::Neighbor;
using Data = EmbeddingIndex::Data;

constexpr int kAlign = 64;
constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kHugeMinBytes = size_t(32) << 20;
constexpr int kBlock = 128;                         // rows scored per kernel call
constexpr qint64 kChunkBytes = qint64(2) << 20;     // stored bytes per unit of work (2 MiB)
constexpr qint64 kParallelMinBytes = qint64(4) << 20; // smaller searches stay on the caller

// A function object, not a function: the heap and selection algorithms inline it.
struct Better
{
    bool operator()(const Neighbor &a, const Neighbor &b) const
    {
        return a.cosine > b.cosine || (a.cosine == b.cosine && a.row < b.row);
    }
};
constexpr Better better{};
// Above this k (a sketch's candidate pool) a thread keeps a buffer of up to 2k candidates and
// selects the best k when it fills (amortised O(1) per candidate) instead of a k-entry heap.
constexpr size_t kHeapMaxK = 256;

// ---------------------------------------------------------------------------------------------
// A persistent pool: hardware_concurrency() − 1 workers; the caller is participant 0 and does
// its share too. Work is handed out by the job itself (an atomic chunk counter), so a worker that
// is not scheduled in time does not hold the caller up: a worker joins a run only if it wakes
// while the run is open, and the caller closes the run when its own loop finds no work left, then
// waits only for the workers that joined. The pool is created on first use and lives until the
// process exits (never destroyed, so no thread is joined during static destruction). Runs are
// serialised: one multi-threaded search or build at a time; a run allocates nothing.

class WorkerPool
{
public:
    using Fn = void (*)(void *ctx, int participant);

    static WorkerPool &instance()
    {
        static WorkerPool *pool = new WorkerPool();
        return *pool;
    }

    int maxParticipants() const { return int(m_threads.size()) + 1; }

    // fn(ctx, id) on the caller (id 0) and on up to participants − 1 workers (ids 1, 2, …, in
    // the order they join). fn must take its work from a shared counter: an id may never run.
    void run(int participants, Fn fn, void *ctx)
    {
        participants = std::clamp(participants, 1, maxParticipants());
        if (participants == 1) {
            fn(ctx, 0);
            return;
        }
        std::lock_guard<std::mutex> serial(m_runMutex);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_fn = fn;
            m_ctx = ctx;
            m_slots = participants - 1;
            m_joined = 0;
            m_finished = 0;
            m_open = true;
            ++m_generation;
        }
        m_wake.notify_all();
        fn(ctx, 0);
        std::unique_lock<std::mutex> lock(m_mutex);
        m_open = false;
        m_done.wait(lock, [this] { return m_finished == m_joined; });
    }

private:
    WorkerPool()
    {
        const int hardware = int(std::thread::hardware_concurrency());
        const int workers = std::clamp(hardware - 1, 0, 15);
        m_threads.reserve(size_t(workers));
        for (int i = 0; i < workers; ++i)
            m_threads.emplace_back([this] { loop(); });
    }

    void loop()
    {
        quint64 seen = 0;
        std::unique_lock<std::mutex> lock(m_mutex);
        for (;;) {
            m_wake.wait(lock, [&] { return m_generation != seen; });
            seen = m_generation;
            if (!m_open || m_joined >= m_slots)
                continue;
            const int id = ++m_joined;
            const Fn fn = m_fn;
            void *const ctx = m_ctx;
            lock.unlock();
            fn(ctx, id);
            lock.lock();
            if (++m_finished == m_joined)
                m_done.notify_one();
        }
    }

    std::vector<std::thread> m_threads;
    std::mutex m_runMutex;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    quint64 m_generation = 0;
    int m_slots = 0;
    int m_joined = 0;
    int m_finished = 0;
    bool m_open = false;
    Fn m_fn = nullptr;
    void *m_ctx = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Kernels. score(d, rows, first, count, q, out): out[i] = dot(stored row, q) for the rows
// rows[0..count) (or first..first+count when rows is null); q has d.stride floats (zero padded).

using ScoreFn = void (*)(const Data &d, const qint64 *rows, qint64 first, int count, const float *q,
                         float *out);
// Stores src (stride floats, padding zero) into dst (stride values) and returns the sum of the
// squares of the stored values, in double.
using StoreHalfFn = double (*)(const float *src, int stride, Eigen::half *dst);

template <typename T>
void scoreScalar(const Data &d, const qint64 *rows, qint64 first, int count, const float *q, float *out)
{
    const T *base = static_cast<const T *>(d.values);
    const qint64 stride = d.stride;
    for (int i = 0; i < count; ++i) {
        const T *r = base + (rows ? rows[i] : first + i) * stride;
        float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (qint64 c = 0; c < stride; c += 4) {
            for (int j = 0; j < 4; ++j)
                acc[j] += float(r[c + j]) * q[c + j];
        }
        out[i] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    }
}

double storeHalfScalar(const float *src, int stride, Eigen::half *dst)
{
    double sum = 0.0;
    for (int c = 0; c < stride; ++c) {
        dst[c] = Eigen::half(src[c]); // round to nearest even, as F16C's vcvtps2ph with imm 0
        const double v = double(float(dst[c]));
        sum += v * v;
    }
    return sum;
}

#ifdef FAULTLINE_X86_SIMD

// Four rows at a time: two 8-lane accumulators per row (8 independent FMA chains), the query
// loaded once per 16 values for all four rows. A partial group repeats its last row, so every
// row is always computed by the same instruction sequence (equal rows give equal cosines).
template <bool Half>
__attribute__((target("avx2,f16c,fma"))) inline __m256 load8(const void *base, qint64 offset)
{
    if constexpr (Half)
        return _mm256_cvtph_ps(_mm_loadu_si128(
            reinterpret_cast<const __m128i *>(static_cast<const quint16 *>(base) + offset)));
    else
        return _mm256_loadu_ps(static_cast<const float *>(base) + offset);
}

template <bool Half>
__attribute__((target("avx2,f16c,fma"))) void scoreAvx2(const Data &d, const qint64 *rows, qint64 first,
                                                         int count, const float *q, float *out)
{
    const qint64 stride = d.stride;
    const size_t rowBytes = size_t(stride) * (Half ? 2 : 4);
    const char *base = static_cast<const char *>(d.values);
    for (int i = 0; i < count; i += 4) {
        const int m = std::min(4, count - i);
        const void *r[4];
        for (int j = 0; j < 4; ++j) {
            const int t = i + std::min(j, m - 1);
            r[j] = base + size_t(rows ? rows[t] : first + t) * rowBytes;
        }
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(),
               a3 = _mm256_setzero_ps(), a4 = _mm256_setzero_ps(), a5 = _mm256_setzero_ps(),
               a6 = _mm256_setzero_ps(), a7 = _mm256_setzero_ps();
        for (qint64 c = 0; c < stride; c += 16) {
            const __m256 q0 = _mm256_loadu_ps(q + c);
            const __m256 q1 = _mm256_loadu_ps(q + c + 8);
            a0 = _mm256_fmadd_ps(load8<Half>(r[0], c), q0, a0);
            a1 = _mm256_fmadd_ps(load8<Half>(r[0], c + 8), q1, a1);
            a2 = _mm256_fmadd_ps(load8<Half>(r[1], c), q0, a2);
            a3 = _mm256_fmadd_ps(load8<Half>(r[1], c + 8), q1, a3);
            a4 = _mm256_fmadd_ps(load8<Half>(r[2], c), q0, a4);
            a5 = _mm256_fmadd_ps(load8<Half>(r[2], c + 8), q1, a5);
            a6 = _mm256_fmadd_ps(load8<Half>(r[3], c), q0, a6);
            a7 = _mm256_fmadd_ps(load8<Half>(r[3], c + 8), q1, a7);
        }
        const __m256 s0 = _mm256_add_ps(a0, a1), s1 = _mm256_add_ps(a2, a3);
        const __m256 s2 = _mm256_add_ps(a4, a5), s3 = _mm256_add_ps(a6, a7);
        // hadd(hadd(s0, s1), hadd(s2, s3)) = per 128-bit lane [Σs0, Σs1, Σs2, Σs3].
        const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(s0, s1), _mm256_hadd_ps(s2, s3));
        const __m128 sum = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
        if (m == 4) {
            _mm_storeu_ps(out + i, sum);
        } else {
            alignas(16) float tmp[4];
            _mm_store_ps(tmp, sum);
            for (int j = 0; j < m; ++j)
                out[i + j] = tmp[j];
        }
    }
}

__attribute__((target("avx2,f16c,fma"))) double storeHalfF16c(const float *src, int stride, Eigen::half *dst)
{
    __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
    for (int c = 0; c < stride; c += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + c), _MM_FROUND_TO_NEAREST_INT);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + c), h);
        const __m256 back = _mm256_cvtph_ps(h);
        const __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(back));
        const __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(back, 1));
        acc0 = _mm256_fmadd_pd(lo, lo, acc0);
        acc1 = _mm256_fmadd_pd(hi, hi, acc1);
    }
    alignas(32) double t[4];
    _mm256_store_pd(t, _mm256_add_pd(acc0, acc1));
    return (t[0] + t[1]) + (t[2] + t[3]);
}

bool cpuHasAvx2F16cFma()
{
    // libgcc's check includes the OS's support for the AVX register state (XGETBV).
    static const bool has = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c")
            && __builtin_cpu_supports("fma");
    }();
    return has;
}

#else

bool cpuHasAvx2F16cFma()
{
    return false;
}

#endif

std::atomic<bool> g_simdEnabled{true};

ScoreFn scoreKernel(EmbeddingIndex::Precision precision)
{
    const bool half = precision == EmbeddingIndex::Precision::Float16;
#ifdef FAULTLINE_X86_SIMD
    if (EmbeddingIndex::simdActive())
        return half ? &scoreAvx2<true> : &scoreAvx2<false>;
#endif
    return half ? &scoreScalar<Eigen::half> : &scoreScalar<float>;
}

StoreHalfFn storeHalfKernel()
{
#ifdef FAULTLINE_X86_SIMD
    if (EmbeddingIndex::simdActive())
        return &storeHalfF16c;
#endif
    return &storeHalfScalar;
}

// Rows per unit of work handed to a thread: about kChunkBytes of stored values, whole blocks.
qint64 chunkRows(const Data &d)
{
    const qint64 rowBytes = qint64(d.stride) * qint64(d.valueBytes());
    const qint64 rows = std::max<qint64>(1, kChunkBytes / rowBytes);
    return std::max<qint64>(kBlock, rows / kBlock * kBlock);
}

// ---------------------------------------------------------------------------------------------
// Build

struct BuildJob
{
    const float *src = nullptr;
    Data *data = nullptr;
    StoreHalfFn storeHalf = nullptr;
    bool normalise = true; // false: rows stored as given, scale 1 (buildDotProduct)
    qint64 chunk = 0;
    std::atomic<qint64> next{0};
    std::atomic<qint64> badRow{std::numeric_limits<qint64>::max()};
};

void buildChunks(void *ctx, int)
{
    BuildJob &job = *static_cast<BuildJob *>(ctx);
    Data &d = *job.data;
    std::vector<float> tmp(size_t(d.stride), 0.0f);
    for (;;) {
        const qint64 begin = job.next.fetch_add(job.chunk, std::memory_order_relaxed);
        if (begin >= d.n)
            return;
        const qint64 end = std::min(d.n, begin + job.chunk);
        for (qint64 row = begin; row < end; ++row) {
            const float *in = job.src + row * d.dim;
            double partial[4] = {0.0, 0.0, 0.0, 0.0}; // four chains: not bound by the add latency
            int c = 0;
            for (; c + 4 <= d.dim; c += 4) {
                for (int j = 0; j < 4; ++j)
                    partial[j] += double(in[c + j]) * double(in[c + j]);
            }
            for (; c < d.dim; ++c)
                partial[0] += double(in[c]) * double(in[c]);
            double sum = (partial[0] + partial[1]) + (partial[2] + partial[3]);
            if (!std::isfinite(sum)) { // a NaN or infinite value (squares of finite floats fit a double)
                qint64 seen = job.badRow.load();
                while (row < seen && !job.badRow.compare_exchange_weak(seen, row)) {
                }
                sum = 0.0;
            }
            const double inv = !job.normalise ? 1.0 : sum > 0.0 ? 1.0 / std::sqrt(sum) : 0.0;
            for (int j = 0; j < d.dim; ++j)
                tmp[size_t(j)] = float(double(in[j]) * inv);
            double stored = 0.0;
            if (d.precision == EmbeddingIndex::Precision::Float16) {
                Eigen::half *out = static_cast<Eigen::half *>(d.values) + row * d.stride;
                stored = job.storeHalf(tmp.data(), d.stride, out);
            } else {
                float *out = static_cast<float *>(d.values) + row * d.stride;
                std::memcpy(out, tmp.data(), size_t(d.stride) * sizeof(float));
                for (int j = 0; j < d.dim; ++j)
                    stored += double(tmp[size_t(j)]) * double(tmp[size_t(j)]);
            }
            d.scale[size_t(row)] = !job.normalise ? 1.0f : stored > 0.0 ? float(1.0 / std::sqrt(stored)) : 0.0f;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Search

struct SearchJob
{
    const Data *data = nullptr;
    const float *query = nullptr;
    const qint64 *subset = nullptr;
    qint64 total = 0;
    qint64 chunk = 0;
    int k = 0;
    ScoreFn score = nullptr;
    std::vector<Neighbor> *heaps = nullptr;
    float *scores = nullptr;
    std::atomic<qint64> next{0};
};

void searchChunks(void *ctx, int participant)
{
    SearchJob &job = *static_cast<SearchJob *>(ctx);
    std::vector<Neighbor> &heap = job.heaps[participant]; // cleared by the caller
    float *scores = job.scores + size_t(participant) * kBlock;
    const float *scale = job.data->scale.data();
    const size_t k = size_t(job.k);
    // Worst cosine in a full heap: anything below it cannot enter. −inf while not full.
    float threshold = -std::numeric_limits<float>::infinity();
    for (;;) {
        const qint64 begin = job.next.fetch_add(job.chunk, std::memory_order_relaxed);
        if (begin >= job.total)
            return;
        const qint64 end = std::min(job.total, begin + job.chunk);
        for (qint64 b = begin; b < end; b += kBlock) {
            const int count = int(std::min<qint64>(kBlock, end - b));
            const qint64 *rows = job.subset ? job.subset + b : nullptr;
            job.score(*job.data, rows, b, count, job.query, scores);
            for (int i = 0; i < count; ++i) {
                const qint64 row = rows ? rows[i] : b + i;
                const float cosine = scores[i] * scale[row];
                if (cosine < threshold)
                    continue;
                const Neighbor candidate{row, cosine};
                if (k > kHeapMaxK) {
                    heap.push_back(candidate);
                    if (heap.size() == 2 * k) {
                        std::nth_element(heap.begin(), heap.begin() + qint64(k) - 1, heap.end(), better);
                        heap.resize(k);
                        threshold = heap.back().cosine; // the k-th best so far
                    }
                } else if (heap.size() < k) {
                    heap.push_back(candidate);
                    std::push_heap(heap.begin(), heap.end(), better); // front = the worst kept
                    if (heap.size() == k)
                        threshold = heap.front().cosine;
                } else if (better(candidate, heap.front())) {
                    std::pop_heap(heap.begin(), heap.end(), better);
                    heap.back() = candidate;
                    std::push_heap(heap.begin(), heap.end(), better);
                    threshold = heap.front().cosine;
                }
            }
        }
    }
}

thread_local SearchScratch t_scratch;

} // namespace

// ---------------------------------------------------------------------------------------------

EmbeddingIndex::EmbeddingIndex()
    : m_data(std::make_shared<Data>())
{
}

namespace {

constexpr qint64 kApproximateMinRows = 500000;
std::atomic<qint64> g_approximateMinRows{kApproximateMinRows}; // tests lower it
constexpr qint64 kApproximateAlwaysMinRows = 640; // 16 lists of 40 rows
constexpr int kCalibratedK = 32;

// The stored rows as the unit vectors searches compare with, for the IVF partition's k-means.
void decodeRows(const Data &d, qint64 begin, qint64 count, float *out)
{
    for (qint64 r = begin; r < begin + count; ++r) {
        const float scale = d.scale[size_t(r)];
        float *dst = out + (r - begin) * d.dim;
        if (d.precision == EmbeddingIndex::Precision::Float16) {
            const Eigen::half *src = d.halfs() + r * d.stride;
            for (int c = 0; c < d.dim; ++c)
                dst[c] = float(src[c]) * scale;
        } else {
            const float *src = d.floats() + r * d.stride;
            for (int c = 0; c < d.dim; ++c)
                dst[c] = src[c] * scale;
        }
    }
}

} // namespace

qint64 EmbeddingIndex::approximateMinRows() { return g_approximateMinRows.load(std::memory_order_relaxed); }

void EmbeddingIndex::setApproximateMinRowsForTesting(qint64 rows)
{
    g_approximateMinRows.store(rows > 0 ? rows : kApproximateMinRows, std::memory_order_relaxed);
}

void EmbeddingIndex::calibrateApproximation(Data &data, Approximation approximation, const JobControl *control)
{
    // Both generators are calibrated on the rows as stored; the one reading fewer bytes per
    // search is kept if it reads at most kMaxBytesShare of what the exact scan reads.
    const auto t0 = std::chrono::steady_clock::now();
    const Data &stored = data;
    const RowDecoder decode = [&stored](qint64 begin, qint64 count, float *out) { decodeRows(stored, begin, count, out); };
    ApproximationInfo &info = data.approximation;
    const double exactBytes = double(data.n) * double(data.stride) * double(data.valueBytes());
    double ivfBytes = std::numeric_limits<double>::infinity(), sketchBytes = ivfBytes;
    std::unique_ptr<IvfPartition> ivf;
#ifdef FAULTLINE_HAVE_FAISS
    IvfPartition::Options listOptions;
    listOptions.calibrationK = kCalibratedK;
    listOptions.control = control;
    ivf = std::make_unique<IvfPartition>(IvfPartition::build(data.n, data.dim, decode, listOptions));
    info.lists = ivf->lists();
    info.probes = ivf->probes();
    info.listsScannedShare = ivf->scannedShare();
    info.listsRecall = ivf->calibratedRecall();
    ivfBytes = ivf->scannedShare() * exactBytes;
#endif
    std::unique_ptr<ProjectionSketch> sketch;
    if (data.dim >= 64) { // sketches of dim / 8 or dim / 4 dimensions (at least 16) can pay off
        EmbeddingIndex exact;
        exact.m_data = std::shared_ptr<const Data>(&data, [](const Data *) {}); // exact: nothing attached yet
        SearchScratch scratch;
        std::vector<Neighbor> hits;
        ProjectionSketch::Options sketchOptions;
        sketchOptions.calibrationK = kCalibratedK;
        sketchOptions.control = control;
        sketch = std::make_unique<ProjectionSketch>(ProjectionSketch::build(
            data.n, data.dim, decode,
            [&](const float *query, int k, std::vector<qint64> &rows) {
                exact.nearest(query, k, hits, scratch);
                rows.clear();
                for (const Neighbor &hit : hits)
                    rows.push_back(hit.row);
            },
            sketchOptions));
        info.sketchDims = sketch->dims();
        info.sketchPool = sketch->pool();
        info.sketchRecall = sketch->calibratedRecall();
        if (sketch->pool() > 0)
            sketchBytes = double(data.n) * double((sketch->dims() + 15) / 16 * 16) * 2.0
                + double(sketch->pool()) * double(data.stride) * double(data.valueBytes());
    }
    const double best = std::min(ivfBytes, sketchBytes);
    info.declined = !(best <= kMaxBytesShare * exactBytes);
    if (!info.declined) {
        info.bytesShare = best / exactBytes;
        if (ivfBytes <= sketchBytes) {
            info.method = Method::InvertedLists;
            info.memoryBytes = ivf->memoryBytes();
            data.ivf = std::move(ivf);
        } else {
            info.method = Method::Sketch;
            info.memoryBytes = sketch->memoryBytes();
            data.sketch = std::move(sketch);
        }
    }
    data.approximateFromRows = approximation == Approximation::Auto ? approximateMinRows() : kApproximateAlwaysMinRows;
    data.calibrated = true;
    info.buildSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}



namespace {

// The rows in the index's layout (normalised unless `normalise` is false).
std::shared_ptr<Data> storeRows(const float *rows, qint64 n, int dim, EmbeddingIndex::Precision precision, bool normalise)
{
    if (n < 0)
        throw Error(QStringLiteral("embedding index: negative row count %1").arg(n));
    if (dim < 1)
        throw Error(QStringLiteral("embedding index: dimension must be at least 1, got %1").arg(dim));
    if (n > 0 && !rows)
        throw Error(QStringLiteral("embedding index: no row data for %1 rows").arg(n));

    auto data = std::make_shared<Data>();
    data->n = n;
    data->dim = dim;
    data->stride = (dim + 15) / 16 * 16;
    data->precision = precision;
    const size_t bytes = size_t(n) * size_t(data->stride) * data->valueBytes();
    // Large blocks: 2 MiB-aligned and marked for transparent huge pages, so a full scan does not
    // walk the page tables every 4 KiB (Linux with THP in "madvise" or "always" mode).
    const size_t align = bytes >= kHugeMinBytes ? kHugePage : size_t(kAlign);
    const size_t allocated = std::max<size_t>(align, (bytes + align - 1) / align * align);
    data->values = std::aligned_alloc(align, allocated);
#ifdef Q_OS_LINUX
    if (data->values && align == kHugePage)
        madvise(data->values, allocated, MADV_HUGEPAGE); // advisory: failure changes nothing
#endif
    if (!data->values)
        throw Error(QStringLiteral("embedding index: cannot allocate %1 MiB for %2 rows × %3")
                        .arg(double(allocated) / (1024.0 * 1024.0), 0, 'f', 1).arg(n).arg(dim));
    // Every row is written whole, padding included (zeros), by the build threads (which also
    // take the page faults of the fresh block in parallel); only the rounding tail is cleared here.
    std::memset(static_cast<char *>(data->values) + bytes, 0, allocated - bytes);
    data->scale.assign(size_t(n), 0.0f);

    BuildJob job;
    job.src = rows;
    job.data = data.get();
    job.storeHalf = storeHalfKernel();
    job.normalise = normalise;
    job.chunk = chunkRows(*data);
    const qint64 chunks = (n + job.chunk - 1) / job.chunk;
    int participants = 1;
    if (qint64(bytes) >= kParallelMinBytes)
        participants = int(std::min<qint64>(WorkerPool::instance().maxParticipants(), chunks));
    if (participants > 1)
        WorkerPool::instance().run(participants, &buildChunks, &job);
    else
        buildChunks(&job, 0);
    if (job.badRow.load() != std::numeric_limits<qint64>::max())
        throw Error(QStringLiteral("embedding index: row %1 has a non-finite value").arg(job.badRow.load()));
    return data;
}

} // namespace

namespace {

constexpr quint32 kSavedMagic = 0x464C4158; // "FLAX"
constexpr quint32 kSavedVersion = 1;

// FNV-1a over the shape and the stored bytes of up to 1,024 evenly spaced rows: saved lists or a
// sketch belong to these rows, not merely to as many.
quint64 rowsFingerprint(const Data &d)
{
    quint64 hash = fnv1a(&d.n, sizeof d.n);
    hash = fnv1a(&d.dim, sizeof d.dim, hash);
    const size_t rowBytes = size_t(d.stride) * d.valueBytes();
    const qint64 samples = std::min<qint64>(d.n, 1024);
    for (qint64 s = 0; s < samples; ++s)
        hash = fnv1a(static_cast<const char *>(d.values) + size_t(s * d.n / samples) * rowBytes, rowBytes, hash);
    return hash;
}

} // namespace

QByteArray EmbeddingIndex::savedApproximation() const
{
    const Data &d = *m_data;
    if (!d.calibrated)
        return {};
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_0);
    const ApproximationInfo &a = d.approximation;
    out << kSavedMagic << kSavedVersion << d.n << qint32(d.dim) << qint32(d.precision) << rowsFingerprint(d)
        << d.approximateFromRows << qint32(a.method) << a.declined << qint32(a.lists) << qint32(a.probes)
        << a.listsScannedShare << a.listsRecall << qint32(a.sketchDims) << qint32(a.sketchPool) << a.sketchRecall
        << a.bytesShare << a.buildSeconds << a.memoryBytes;
    if (d.ivf)
        d.ivf->save(out);
    if (d.sketch)
        d.sketch->save(out);
    return bytes;
}

EmbeddingIndex EmbeddingIndex::restore(const float *rows, qint64 n, int dim, Precision precision, const QByteArray &saved,
                                       const JobControl *control)
{
    std::shared_ptr<Data> data = storeRows(rows, n, dim, precision, true);
    QDataStream in(saved);
    in.setVersion(QDataStream::Qt_6_0);
    quint32 magic = 0, version = 0;
    qint64 savedN = -1;
    qint32 savedDim = 0, savedPrecision = -1, method = -1, lists = 0, probes = 0, sketchDims = 0, sketchPool = 0;
    quint64 fingerprint = 0;
    ApproximationInfo &a = data->approximation;
    in >> magic >> version >> savedN >> savedDim >> savedPrecision >> fingerprint >> data->approximateFromRows >> method
        >> a.declined >> lists >> probes >> a.listsScannedShare >> a.listsRecall >> sketchDims >> sketchPool >> a.sketchRecall
        >> a.bytesShare >> a.buildSeconds >> a.memoryBytes;
    if (in.status() != QDataStream::Ok || magic != kSavedMagic || version != kSavedVersion || method < 0 || method > 2)
        throw Error(QStringLiteral("saved search index: damaged or of another version"));
    if (savedN != n || savedDim != dim || savedPrecision != qint32(precision) || fingerprint != rowsFingerprint(*data))
        throw Error(QStringLiteral("saved search index: made for other rows (%1 × %2 saved, %3 × %4 here)")
                        .arg(savedN).arg(savedDim).arg(n).arg(dim));
    a.method = Method(method);
    a.lists = lists, a.probes = probes, a.sketchDims = sketchDims, a.sketchPool = sketchPool;
    if (a.method == Method::InvertedLists)
        data->ivf = std::make_unique<IvfPartition>(IvfPartition::restore(in, n, dim));
    if (a.method == Method::Sketch) {
        const Data &stored = *data;
        const RowDecoder decode = [&stored](qint64 begin, qint64 count, float *out) { decodeRows(stored, begin, count, out); };
        data->sketch = std::make_unique<ProjectionSketch>(ProjectionSketch::restore(in, n, dim, decode, control));
    }
    data->calibrated = true;
    EmbeddingIndex index;
    index.m_data = std::move(data);
    return index;
}

EmbeddingIndex EmbeddingIndex::buildDotProduct(const float *rows, qint64 n, int dim)
{
    EmbeddingIndex index;
    index.m_data = storeRows(rows, n, dim, Precision::Float16, false);
    return index;
}

EmbeddingIndex EmbeddingIndex::build(const float *rows, qint64 n, int dim, Precision precision,
                                     Approximation approximation, const JobControl *control)
{
    std::shared_ptr<Data> data = storeRows(rows, n, dim, precision, true);
    const bool approximate = (approximation == Approximation::Auto && n >= approximateMinRows())
        || (approximation == Approximation::Always && n >= kApproximateAlwaysMinRows);
    if (approximate)
        calibrateApproximation(*data, approximation, control);

    EmbeddingIndex index;
    index.m_data = std::move(data);
    return index;
}

qint64 EmbeddingIndex::size() const { return m_data->n; }
int EmbeddingIndex::dim() const { return m_data->dim; }
int EmbeddingIndex::stride() const { return m_data->stride; }
EmbeddingIndex::Precision EmbeddingIndex::precision() const { return m_data->precision; }

qint64 EmbeddingIndex::memoryBytes() const
{
    const Data &d = *m_data;
    return d.n * d.stride * qint64(d.valueBytes()) + d.n * qint64(sizeof(float)) + (d.ivf ? d.ivf->memoryBytes() : 0)
        + (d.sketch ? d.sketch->memoryBytes() : 0);
}

const IvfPartition *EmbeddingIndex::ivfPartition() const { return m_data->ivf.get(); }

EmbeddingIndex::ApproximationInfo EmbeddingIndex::approximation() const
{
    return m_data->approximation;
}

// The exact search: every row of `subset` (total rows; null = rows 0 … total − 1) scored against
// the normalised query in scratch.m_query, the best `kept` into `out`.
void EmbeddingIndex::scanRows(const Data &d, const qint64 *subset, qint64 total, int kept, SearchScratch &scratch,
                              std::vector<Neighbor> &out)
{
    SearchJob job;
    job.data = &d;
    job.query = scratch.m_query.data();
    job.subset = subset;
    job.total = total;
    job.chunk = chunkRows(d);
    job.k = kept;
    job.score = scoreKernel(d.precision);

    const qint64 chunks = (total + job.chunk - 1) / job.chunk;
    int participants = 1;
    if (total * d.stride * qint64(d.valueBytes()) >= kParallelMinBytes && chunks > 1) {
        participants = WorkerPool::instance().maxParticipants();
        if (scratch.m_maxThreads > 0)
            participants = std::min(participants, scratch.m_maxThreads);
        participants = int(std::min<qint64>(participants, chunks));
    }
    if (scratch.m_heaps.size() < size_t(participants))
        scratch.m_heaps.resize(size_t(participants));
    for (int p = 0; p < participants; ++p) {
        scratch.m_heaps[size_t(p)].clear(); // a participant may never run (WorkerPool::run)
        scratch.m_heaps[size_t(p)].reserve(size_t(kept) > kHeapMaxK ? 2 * size_t(kept) : size_t(kept));
    }
    if (scratch.m_scores.size() < size_t(participants) * kBlock)
        scratch.m_scores.resize(size_t(participants) * kBlock);
    job.heaps = scratch.m_heaps.data();
    job.scores = scratch.m_scores.data();

    if (participants > 1)
        WorkerPool::instance().run(participants, &searchChunks, &job);
    else
        searchChunks(&job, 0);

    // Merge: at most participants × 2k candidates; the best k, sorted.
    for (int p = 0; p < participants; ++p) {
        const std::vector<Neighbor> &heap = scratch.m_heaps[size_t(p)];
        out.insert(out.end(), heap.begin(), heap.end());
    }
    if (out.size() > size_t(kept)) {
        std::nth_element(out.begin(), out.begin() + kept - 1, out.end(), better);
        out.resize(size_t(kept));
    }
    std::sort(out.begin(), out.end(), better);
    for (Neighbor &n : out)
        n.cosine = std::clamp(n.cosine, -1.0f, 1.0f) + 0.0f; // + 0 turns −0 into 0
}

void EmbeddingIndex::nearest(const float *query, int k, std::vector<Neighbor> &out, SearchScratch &scratch,
                             const std::vector<qint64> *subset) const
{
    out.clear();
    const Data &d = *m_data;
    if (k < 0)
        throw Error(QStringLiteral("nearest: k must not be negative, got %1").arg(k));
    if (!query && d.dim > 0)
        throw Error(QStringLiteral("nearest: no query vector"));

    // The normalised query, padded with zeros to the stride (no allocation once grown).
    scratch.m_query.resize(size_t(d.stride));
    double sum = 0.0;
    for (int c = 0; c < d.dim; ++c)
        sum += double(query[c]) * double(query[c]);
    if (!std::isfinite(sum))
        throw Error(QStringLiteral("nearest: the query has a non-finite value"));
    const double inv = sum > 0.0 ? 1.0 / std::sqrt(sum) : 0.0; // zero query: every cosine is 0
    for (int c = 0; c < d.dim; ++c)
        scratch.m_query[size_t(c)] = float(double(query[c]) * inv);
    std::fill(scratch.m_query.begin() + d.dim, scratch.m_query.end(), 0.0f);

    if (subset) {
        for (const qint64 row : *subset) {
            if (row < 0 || row >= d.n)
                throw Error(QStringLiteral("nearest: subset row %1 is out of range (the index has %2 rows)")
                                .arg(row).arg(d.n));
        }
    }
    const qint64 searched = subset ? qint64(subset->size()) : d.n;
    const int kept = int(std::min<qint64>(k, searched));
    if (kept == 0)
        return;

    if (d.ivf && scratch.m_approximate && inv > 0.0 && searched >= d.approximateFromRows) {
        // The probed lists' rows, scanned exactly. More neighbours need more lists; a subset
        // holding a fraction f of the rows needs ~1/f times as many to hold as many members.
        const double wanted = std::max(1.0, double(kept) / double(kCalibratedK)) * double(d.n) / double(searched);
        const int probes = int(std::min<double>(d.ivf->lists(), std::ceil(d.ivf->probes() * wanted)));
        scratch.m_candidates.clear();
        d.ivf->candidates(scratch.m_query.data(), probes, scratch.m_candidates, scratch.m_listScores, scratch.m_listOrder);
        if (subset) {
            scratch.m_members.resize(size_t((d.n + 63) / 64), 0);
            for (const qint64 row : *subset)
                scratch.m_members[size_t(row >> 6)] |= quint64(1) << (row & 63);
            const auto notMember = [&](qint64 row) { return !(scratch.m_members[size_t(row >> 6)] >> (row & 63) & 1); };
            scratch.m_candidates.erase(std::remove_if(scratch.m_candidates.begin(), scratch.m_candidates.end(), notMember),
                                       scratch.m_candidates.end());
            for (const qint64 row : *subset)
                scratch.m_members[size_t(row >> 6)] = 0;
        }
        if (qint64(scratch.m_candidates.size()) >= kept) {
            scanRows(d, scratch.m_candidates.data(), qint64(scratch.m_candidates.size()), kept, scratch, out);
            return;
        }
    }
    if (d.sketch && scratch.m_approximate && inv > 0.0 && searched >= d.approximateFromRows) {
        // The sketch's best candidates (of the subset, if any), re-scored exactly; more
        // neighbours, more candidates.
        const double wanted = std::max(1.0, double(kept) / double(kCalibratedK));
        const int pool = int(std::min<double>(double(searched), std::ceil(d.sketch->pool() * wanted)));
        if (!scratch.m_inner)
            scratch.m_inner = std::make_unique<SearchScratch>();
        scratch.m_inner->setMaxThreads(scratch.m_maxThreads);
        d.sketch->candidates(scratch.m_query.data(), pool, scratch.m_candidates, *scratch.m_inner, subset);
        if (qint64(scratch.m_candidates.size()) >= kept) {
            scanRows(d, scratch.m_candidates.data(), qint64(scratch.m_candidates.size()), kept, scratch, out);
            return;
        }
    }
    scanRows(d, subset ? subset->data() : nullptr, searched, kept, scratch, out);
}

void EmbeddingIndex::nearest(const float *query, int k, std::vector<Neighbor> &out,
                             const std::vector<qint64> *subset) const
{
    nearest(query, k, out, t_scratch, subset);
}

void EmbeddingIndex::nearest(const Eigen::VectorXf &query, int k, std::vector<Neighbor> &out,
                             const std::vector<qint64> *subset) const
{
    if (query.size() != m_data->dim)
        throw Error(QStringLiteral("nearest: the query has %1 dimensions, the index %2")
                        .arg(query.size()).arg(m_data->dim));
    nearest(query.data(), k, out, t_scratch, subset);
}

Eigen::VectorXf EmbeddingIndex::storedRow(qint64 row) const
{
    const Data &d = *m_data;
    if (row < 0 || row >= d.n)
        throw Error(QStringLiteral("embedding index: row %1 is out of range (%2 rows)").arg(row).arg(d.n));
    Eigen::VectorXf v(d.dim);
    const float scale = d.scale[size_t(row)];
    for (int c = 0; c < d.dim; ++c) {
        const float value = d.precision == Precision::Float16 ? float(d.halfs()[row * d.stride + c])
                                                              : d.floats()[row * d.stride + c];
        v[c] = value * scale;
    }
    return v;
}

bool EmbeddingIndex::simdActive()
{
    return g_simdEnabled.load(std::memory_order_relaxed) && cpuHasAvx2F16cFma();
}

void EmbeddingIndex::setSimdEnabledForTesting(bool enabled)
{
    g_simdEnabled.store(enabled, std::memory_order_relaxed);
}

SearchScratch::SearchScratch() = default;
SearchScratch::~SearchScratch() = default;

void SearchScratch::setMaxThreads(int threads)
{
    m_maxThreads = std::max(0, threads);
}

} // namespace faultline
