#pragma once
// A small real dataset folder for end-to-end tests: PNG images in ROOT/<split>/<class>/, a
// predictions.csv, and embeddings (E.npy + E.paths.txt) in which each class's misclassified
// images share a planted direction, so the analysis finds a strong failure mode.

#include "TestImages.h"
#include "io/NpyFile.h"

#include <QDir>
#include <QStringList>
#include <random>
#include <vector>

namespace faultline::testing {

struct SyntheticDataset
{
    QString root;
    QString npyPath;
    QString pathsFile;
    QStringList classes;
    int imagesPerClassAndSplit = 0;
};

// Classes "c0".."c{n-1}"; splits train/val/test/pool; every 4th image misclassified as the
// next class, with +signal on embedding dimension (class index) so the failure is learnable.
inline bool writeSyntheticDataset(SyntheticDataset &out, const QString &root, int classes = 4, int perSplit = 40,
                                  int dim = 16, float signal = 4.0f)
{
    out.root = root;
    out.imagesPerClassAndSplit = perSplit;
    out.classes.clear();
    for (int c = 0; c < classes; ++c)
        out.classes << QStringLiteral("c%1").arg(c);
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0.f, 1.f);
    QString csv = QStringLiteral("path,prediction,confidence\n");
    QString paths;
    std::vector<float> values;
    int seed = 0;
    for (const char *split : {"train", "val", "test", "pool"}) {
        for (int c = 0; c < classes; ++c) {
            for (int i = 0; i < perSplit; ++i) {
                const QString rel = QStringLiteral("%1/%2/img%3.png").arg(QLatin1String(split), out.classes[c]).arg(i);
                if (!writeBytes(QDir(root).filePath(rel), pngBytesWithChannels(24, 24, 3, ++seed)))
                    return false;
                const bool wrong = i % 4 == 0;
                const QString prediction = wrong ? out.classes[(c + 1) % classes] : out.classes[c];
                csv += QStringLiteral("%1,%2,%3\n").arg(rel, prediction, wrong ? QStringLiteral("0.2") : QStringLiteral("0.9"));
                paths += rel + QLatin1Char('\n');
                for (int d = 0; d < dim; ++d)
                    values.push_back(normal(rng) + (wrong && d == c % dim ? signal : 0.f));
            }
        }
    }
    out.npyPath = QDir(root).filePath(QStringLiteral("embeddings.npy"));
    out.pathsFile = QDir(root).filePath(QStringLiteral("embeddings.paths.txt"));
    writeNpyMatrix(out.npyPath, values.data(), qint64(values.size() / size_t(dim)), dim);
    return writeText(QDir(root).filePath(QStringLiteral("predictions.csv")), csv) && writeText(out.pathsFile, paths);
}

} // namespace faultline::testing
