// Memory/time benchmark of the analysis core at 1M × 512 embeddings (the goal: < 3 GiB).
//
//   bench_analysis_memory [--classes 100] [--per-class 10000] [--dim 512] [--val 0.2] [--train 0.2]
//                         [--threads 0] [--seed 1]
//
// Builds an AnalysisData in memory (float32 embeddings, one planted failure direction per class,
// 10-30 % errors), runs FailureDirectionFitter::run and prints the wall time of each stage and the
// peak RSS (getrusage ru_maxrss). Built only with -DFAULTLINE_BUILD_BENCHMARKS=ON.

#include "analysis/AnalysisTypes.h"
#include "analysis/FailureDirectionFitter.h"

#include "BenchMemory.h"

#include <QCoreApplication>
#include <QString>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

using namespace faultline;
using namespace faultline::bench;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int classes = 100, perClass = 10000, dim = 512, threads = 0;
    double valFraction = 0.2, trainFraction = 0.2;
    unsigned seed = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        const char *value = argv[i + 1];
        if (key == "--classes") classes = std::atoi(value);
        else if (key == "--per-class") perClass = std::atoi(value);
        else if (key == "--dim") dim = std::atoi(value);
        else if (key == "--val") valFraction = std::atof(value);
        else if (key == "--train") trainFraction = std::atof(value);
        else if (key == "--threads") threads = std::atoi(value);
        else if (key == "--seed") seed = unsigned(std::atoi(value));
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    const long long rows = (long long)classes * perClass;
    std::printf("bench_analysis_memory: %d classes × %d images = %lld rows × %d dims (%.0f %% val, %.0f %% train),"
                " embeddings %.2f GiB\n", classes, perClass, rows, dim, valFraction * 100, trainFraction * 100,
                double(rows) * dim * 4 / (1024.0 * 1024 * 1024));

    Clock total;
    AnalysisData data;
    {
        Clock clock;
        std::mt19937_64 rng(seed);
        std::normal_distribution<float> normal(0.f, 1.f);
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        for (int c = 0; c < classes; ++c)
            data.classNames << QStringLiteral("class_%1").arg(c, 4, 10, QLatin1Char('0'));
        data.embeddings.resize(rows, dim);
        data.label.reserve(size_t(rows));
        data.correct.reserve(size_t(rows));
        data.split.reserve(size_t(rows));
        std::vector<float> scale(static_cast<size_t>(dim)), mean(static_cast<size_t>(dim)),
            direction(static_cast<size_t>(dim));
        for (float &s : scale)
            s = std::exp(0.6f * normal(rng));
        long long row = 0;
        for (int c = 0; c < classes; ++c) {
            const double errorRate = 0.1 + 0.2 * uniform(rng);
            const float strength = float(0.5 + 2.5 * uniform(rng));
            double norm = 0;
            for (int j = 0; j < dim; ++j) {
                mean[size_t(j)] = 1.5f * normal(rng);
                direction[size_t(j)] = normal(rng);
                norm += double(direction[size_t(j)]) * direction[size_t(j)];
            }
            for (int j = 0; j < dim; ++j)
                direction[size_t(j)] = float(direction[size_t(j)] / std::sqrt(norm)) * scale[size_t(j)];
            for (int i = 0; i < perClass; ++i, ++row) {
                const double u = double(i) / perClass;
                const Split split = u < valFraction ? Split::Val
                                  : u < valFraction + trainFraction ? Split::Train : Split::Test;
                const bool wrong = uniform(rng) < errorRate;
                float *x = data.embeddings.row(row).data();
                for (int j = 0; j < dim; ++j)
                    x[j] = mean[size_t(j)] + normal(rng) * scale[size_t(j)]
                           - (wrong ? strength * direction[size_t(j)] : 0.f);
                data.label.push_back(c);
                data.correct.push_back(!wrong);
                data.split.push_back(split);
            }
        }
        std::printf("generate: %.1f s, RSS now %.0f MiB, peak %.0f MiB\n", clock.seconds(), currentRssMiB(),
                    peakRssMiB());
    }

    AnalysisParams params;
    params.threads = threads;
    Clock fitClock;
    FailureDirectionFitter fitter(data, params);
    std::printf("whitener: %.2f s\n", fitClock.seconds());
    int ok = 0, skipped = 0;
    double bacc = 0;
    long long scored = 0;
    fitter.run(nullptr, [&](const ClassResult &result) {
        (result.ok ? ok : skipped) += 1;
        if (result.ok) {
            bacc += result.cvBalancedAccuracy;
            scored += (long long)result.decisionValues.size();
        }
    });
    const double fitSeconds = fitClock.seconds();
    std::printf("fit: %.1f s for %d classes (%d ok, %d skipped), %lld rows scored, mean CV balanced accuracy %.3f\n",
                fitSeconds, classes, ok, skipped, scored, ok ? bacc / ok : 0.0);
    std::printf("total: %.1f s; peak RSS %.0f MiB (%.2f GiB; goal < 3 GiB: %s)\n", total.seconds(), peakRssMiB(),
                peakRssMiB() / 1024.0, peakRssMiB() < 3072 ? "met" : "NOT met");
    return peakRssMiB() < 3072 ? 0 : 1;
}
