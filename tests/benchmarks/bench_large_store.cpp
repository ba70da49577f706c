// A synthetic project store at dataset scale (issue 12 C: 10M images × 512 dims) and what it
// costs to use: opening it, what the workbench reads on open, one analysis (memory-mapped
// embeddings), and loading one class as the gallery does.
//
//   bench_large_store make DIR [--images 10000000] [--dim 512] [--classes 10] [--val 0.005]
//                              [--test 0.005] [--seed 1]
//   bench_large_store measure DIR [--threads 0]
//   bench_large_store open DIR
//
// `make` writes DIR/.faultline/project.sqlite through ProjectStore (no image files: the store
// alone is measured), every class with 20 % errors planted along a class direction so every
// class is fitted. `measure` prints each step's wall time, the peak resident memory (VmHWM)
// and the peak anonymous memory (RssAnon, sampled every 50 ms: what the process holds; the
// mapped embeddings are file pages the kernel reclaims under pressure). Built only with
// -DFAULTLINE_BUILD_BENCHMARKS=ON.

#include "analysis/AnalysisJob.h"
#include "analysis/EmbeddingModelChoice.h"
#include "interpret/RunImages.h"
#include "store/ProjectStore.h"

#include "BenchMemory.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <thread>

using namespace faultline;
using namespace faultline::bench;

namespace {

struct MakeOptions
{
    qint64 images = 10'000'000;
    int dim = 512;
    int classes = 10;
    double val = 0.005;
    double test = 0.005;
    unsigned seed = 1;
};

QString className(int c)
{
    return QStringLiteral("class%1").arg(c, 2, 10, QLatin1Char('0'));
}

// Which split image i is in: a fixed pattern, so every class has val and test images.
Split splitOf(qint64 i, const MakeOptions &o)
{
    const double u = double((i * 2654435761LL) % 1000003) / 1000003.0;
    return u < o.val ? Split::Val : u < o.val + o.test ? Split::Test : Split::Train;
}

int make(const QString &root, const MakeOptions &o)
{
    const QString path = ProjectStore::defaultPath(root);
    if (QFileInfo::exists(path)) {
        std::fprintf(stderr, "%s exists; remove it first\n", qPrintable(path));
        return 2;
    }
    Clock total;
    ProjectStore store(path);
    store.setMeta(QStringLiteral("dataset_root"), QDir(root).absolutePath());
    constexpr qint64 kChunk = 200'000;
    {
        Clock clock;
        for (qint64 start = 0; start < o.images; start += kChunk) {
            QVector<StoredImage> images;
            for (qint64 i = start; i < std::min(o.images, start + kChunk); ++i) {
                StoredImage image;
                image.folderClass = className(int(i % o.classes));
                image.folderSplit = splitOf(i, o);
                image.path = QStringLiteral("%1/%2/%3.png").arg(splitName(image.folderSplit), image.folderClass).arg(i, 8, 10, QLatin1Char('0'));
                image.stamp = {1000 + i % 5000, 1700000000000LL + i};
                image.contentHash = QStringLiteral("%1").arg(i, 64, 16, QLatin1Char('0'));
                images << image;
            }
            store.applyScan(images, {});
        }
        std::printf("make: %lld images stored in %.1f s\n", static_cast<long long>(o.images), clock.seconds());
    }
    // A fresh store numbers its images 1, 2, … in insertion order.
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<bool> wrong(size_t(o.images));
    {
        Clock clock;
        QVector<PredictionRecord> predictions;
        predictions.reserve(o.images);
        for (qint64 i = 0; i < o.images; ++i) {
            wrong[size_t(i)] = uniform(rng) < 0.2;
            const int c = int(i % o.classes);
            PredictionRecord p;
            p.imageId = i + 1;
            p.prediction = className(wrong[size_t(i)] ? (c + 1) % o.classes : c);
            p.confidence = wrong[size_t(i)] ? 0.55 : 0.9;
            p.sourceLine = int(std::min<qint64>(i + 2, 2'000'000'000));
            predictions << p;
        }
        store.replacePredictions(predictions, QStringLiteral("predictions.csv"));
        std::printf("make: %lld predictions stored in %.1f s\n", static_cast<long long>(o.images), clock.seconds());
    }
    {
        Clock clock;
        // Per class a mean and a failure direction; the errors sit 2.5 further along it.
        std::normal_distribution<float> normal(0.f, 1.f);
        std::vector<std::vector<float>> mean(size_t(o.classes), std::vector<float>(size_t(o.dim)));
        std::vector<std::vector<float>> direction = mean;
        for (int c = 0; c < o.classes; ++c)
            for (int d = 0; d < o.dim; ++d) {
                mean[size_t(c)][size_t(d)] = normal(rng);
                direction[size_t(c)][size_t(d)] = normal(rng) / std::sqrt(float(o.dim));
            }
        const qint64 model = store.ensureEmbeddingModel(QStringLiteral("clip:synthetic"), o.dim, QStringLiteral("synthetic"));
        std::minstd_rand noise(o.seed);
        for (qint64 start = 0; start < o.images; start += kChunk / 4) {
            const qint64 end = std::min(o.images, start + kChunk / 4);
            QVector<qint64> ids;
            std::vector<float> values(size_t(end - start) * size_t(o.dim));
            for (qint64 i = start; i < end; ++i) {
                ids << i + 1;
                const int c = int(i % o.classes);
                const float shift = wrong[size_t(i)] ? 2.5f : -2.5f;
                float *x = values.data() + (i - start) * o.dim;
                for (int d = 0; d < o.dim; ++d) // uniform noise of unit variance: cheap and enough
                    x[d] = mean[size_t(c)][size_t(d)] + shift * direction[size_t(c)][size_t(d)]
                           + 3.4641f * (float(noise()) / float(std::minstd_rand::max()) - 0.5f);
            }
            store.storeEmbeddings(model, ids, values.data(), o.dim);
        }
        std::printf("make: %lld × %d embeddings stored in %.1f s\n", static_cast<long long>(o.images), o.dim, clock.seconds());
    }
    std::printf("make: done in %.1f s; %s is %.1f GB\n", total.seconds(), qPrintable(path),
                double(QFileInfo(path).size()) / 1e9);
    return 0;
}

// The largest RssAnon seen while it runs.
class AnonSampler
{
public:
    AnonSampler()
        : m_thread([this] {
              while (!m_stop) {
                  const double now = statusMiB("RssAnon");
                  double seen = m_peak;
                  while (now > seen && !m_peak.compare_exchange_weak(seen, now)) {
                  }
                  std::this_thread::sleep_for(std::chrono::milliseconds(50));
              }
          })
    {
    }
    ~AnonSampler() { stop(); }
    double stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        return m_peak;
    }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<double> m_peak{0};
    std::thread m_thread;
};

// Opening the store and what the workbench reads when it opens a project (ProjectSession's
// readState): the model to use, or nullopt.
std::optional<qint64> openAndReadState(const ProjectStore &store, double openSeconds)
{
    std::printf("open: %.3f s (ProjectStore on %s, %.1f GB)\n", openSeconds, qPrintable(store.path()),
                double(QFileInfo(store.path()).size()) / 1e9);
    Clock stateClock;
    const ImageCounts counts = store.imageCounts();
    const double countsSeconds = stateClock.seconds();
    const qint64 predictions = store.predictionCount();
    const EmbeddingModelChoice embeddings = chooseEmbeddingModel(store);
    const qint64 latest = store.latestCompletedRun();
    std::printf("window state: %.3f s (image counts %.3f s): %d images, %lld predictions, %s, latest run %lld\n",
                stateClock.seconds(), countsSeconds, counts.images, static_cast<long long>(predictions),
                qPrintable(embeddings.describe()), static_cast<long long>(latest));
    return embeddings.model ? std::optional<qint64>(embeddings.model->id) : std::nullopt;
}

int measure(const QString &root, int threads, bool openOnly)
{
    AnonSampler anon;
    Clock openClock;
    ProjectStore store(ProjectStore::defaultPath(root));
    const std::optional<qint64> model = openAndReadState(store, openClock.seconds());
    if (!model)
        return 1;
    if (openOnly) {
        if (const qint64 latest = store.latestCompletedRun()) {
            Clock countsClock;
            const QVector<RunClassCount> perClass = store.runClassCounts(latest);
            std::printf("classes dock (runClassCounts of run %lld): %.1f s for %lld classes\n", static_cast<long long>(latest),
                        countsClock.seconds(), static_cast<long long>(perClass.size()));
        }
        return 0;
    }

    Clock analysisClock;
    AnalysisParams params;
    params.threads = threads;
    const AnalysisOutcome outcome = runAnalysis(store, *model, params);
    std::printf("analysis: %.1f s, run %lld: %d images, %d classes fitted, %d skipped; peak RSS so far %.0f MiB,"
                " peak anonymous %.0f MiB\n", analysisClock.seconds(), static_cast<long long>(outcome.runId), outcome.rows,
                outcome.classesOk, outcome.classesSkipped, statusMiB("VmHWM"), anon.stop());
    for (const RunClassRow &row : store.runClasses(outcome.runId))
        std::printf("  %s: n_val %d, errors %d, cv %.3f, %s\n", qPrintable(row.className), row.nFit, row.nFitErrors,
                    row.cvBalancedAccuracy.value_or(0), qPrintable(row.status));

    Clock countsClock;
    const QVector<RunClassCount> perClass = store.runClassCounts(outcome.runId);
    std::printf("classes dock (runClassCounts): %.1f s for %lld classes\n", countsClock.seconds(),
                static_cast<long long>(perClass.size()));
    AnonSampler classAnon;
    Clock classClock;
    const RunClassImages one = loadRunClassImages(store, outcome.runId, className(0));
    std::printf("class load: %.1f s for %lld images of %s (scores, paths and embeddings); peak anonymous %.0f MiB\n",
                classClock.seconds(), static_cast<long long>(one.size()), qPrintable(one.className), classAnon.stop());
    Clock testClock;
    const RunClassImages test = loadRunClassImages(store, outcome.runId, className(0), Split::Test);
    std::printf("class load, test split: %.2f s for %lld images\n", testClock.seconds(), static_cast<long long>(test.size()));
    std::printf("peak RSS %.0f MiB\n", statusMiB("VmHWM"));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // each step's line as it finishes, also into a file
    const QStringList args = app.arguments();
    const QStringList modes{QStringLiteral("make"), QStringLiteral("measure"), QStringLiteral("open")};
    if (args.size() < 3 || !modes.contains(args[1])) {
        std::fprintf(stderr, "usage: bench_large_store make|measure|open DIR [options]\n");
        return 2;
    }
    MakeOptions options;
    int threads = 0;
    for (int i = 3; i + 1 < args.size(); i += 2) {
        const QString &key = args[i];
        const QString &value = args[i + 1];
        if (key == QLatin1String("--images")) options.images = value.toLongLong();
        else if (key == QLatin1String("--dim")) options.dim = value.toInt();
        else if (key == QLatin1String("--classes")) options.classes = value.toInt();
        else if (key == QLatin1String("--val")) options.val = value.toDouble();
        else if (key == QLatin1String("--test")) options.test = value.toDouble();
        else if (key == QLatin1String("--seed")) options.seed = value.toUInt();
        else if (key == QLatin1String("--threads")) threads = value.toInt();
        else {
            std::fprintf(stderr, "unknown option %s\n", qPrintable(key));
            return 2;
        }
    }
    try {
        return args[1] == QLatin1String("make") ? make(args[2], options)
                                                 : measure(args[2], threads, args[1] == QLatin1String("open"));
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_large_store: %s\n", e.what());
        return 1;
    }
}
