// Head retraining (issue 13, fix/HeadTraining) on the same files as the PyTorch recipe in
// tests/fix/head_training_reference.py, for a side-by-side timing (docs/BENCHMARKS.md):
//   bench_head_training DIR LR MOMENTUM WEIGHT_DECAY EPOCHS THREADS
// reads DIR/{x,labels,weights,w0,b0}.npy, trains, writes DIR/{w,b}.cpp.npy. With --make DIR N F C
// it first writes N rows of F Gaussian features in C classes (and a random head) there.

#include "clip/ClipModel.h"
#include "fix/HeadTraining.h"
#include "io/NpyFile.h"

#include <QCoreApplication>
#include <QDir>

#include <cstdio>
#include <random>

using namespace faultline;

namespace {

void make(const QString &dir, int n, int f, int c)
{
    QDir().mkpath(dir);
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.f, 1.f);
    std::vector<float> x(size_t(n) * size_t(f));
    std::vector<float> labels(static_cast<size_t>(n));
    std::vector<float> weights(static_cast<size_t>(n), 1.f);
    for (int i = 0; i < n; ++i) {
        labels[size_t(i)] = float(i % c);
        for (int j = 0; j < f; ++j)
            x[size_t(i) * size_t(f) + size_t(j)] = normal(rng) + (j % c == i % c ? 1.f : 0.f);
    }
    std::vector<float> w(size_t(c) * size_t(f));
    std::vector<float> b(static_cast<size_t>(c), 0.f);
    for (float &v : w)
        v = 0.01f * normal(rng);
    writeNpyMatrix(QDir(dir).filePath(QStringLiteral("x.npy")), x.data(), n, f);
    writeNpyMatrix(QDir(dir).filePath(QStringLiteral("labels.npy")), labels.data(), n, 1);
    writeNpyMatrix(QDir(dir).filePath(QStringLiteral("weights.npy")), weights.data(), n, 1);
    writeNpyMatrix(QDir(dir).filePath(QStringLiteral("w0.npy")), w.data(), c, f);
    writeNpyMatrix(QDir(dir).filePath(QStringLiteral("b0.npy")), b.data(), 1, c);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList a = app.arguments();
    if (a.size() == 6 && a[1] == QLatin1String("--make")) {
        make(a[2], a[3].toInt(), a[4].toInt(), a[5].toInt());
        return 0;
    }
    if (a.size() != 7) {
        std::fprintf(stderr, "usage: bench_head_training DIR LR MOMENTUM WEIGHT_DECAY EPOCHS THREADS | --make DIR N F C\n");
        return 2;
    }
    const QDir dir(a[1]);
    const NpyMatrix x = readNpyMatrix(dir.filePath(QStringLiteral("x.npy")));
    const NpyMatrix labels = readNpyMatrix(dir.filePath(QStringLiteral("labels.npy")));
    const NpyMatrix weights = readNpyMatrix(dir.filePath(QStringLiteral("weights.npy")));
    const NpyMatrix w0 = readNpyMatrix(dir.filePath(QStringLiteral("w0.npy")));
    const NpyMatrix b0 = readNpyMatrix(dir.filePath(QStringLiteral("b0.npy")));
    HeadTrainingSet set;
    set.features = int(x.cols);
    set.x = x.values;
    for (float v : labels.values)
        set.labels.push_back(int(v));
    set.weights = weights.values;
    LinearHead head{int(w0.rows), int(w0.cols), w0.values, b0.values};
    HeadTrainingParams params;
    params.learningRate = a[2].toDouble();
    params.momentum = a[3].toDouble();
    params.weightDecay = a[4].toDouble();
    params.epochs = a[5].toInt();
    params.device = ComputeDevice::Cpu;
    ClipModel::setThreadCount(a[6].toInt());
    const HeadTrainingResult result = trainLinearHead(set, head, params);
    writeNpyMatrix(dir.filePath(QStringLiteral("w.cpp.npy")), result.head.weight.data(), head.classes, head.features);
    writeNpyMatrix(dir.filePath(QStringLiteral("b.cpp.npy")), result.head.bias.data(), 1, head.classes);
    std::printf("loss %.6f -> %.6f\n", result.initialLoss, result.finalLoss);
    return 0;
}
