#pragma once

// A small real project for the interpretation commands and docks, built with faultline-cli (FAULTLINE_CLI) and
// the tiny reference CLIP (FAULTLINE_CLIP_REFERENCE): classes cat and dog, train 8 / val 16 /
// test 12 images each, with a planted failure — every red cat is predicted "dog" (blue cats are
// right), every green dog "cat" (yellow dogs are right). `root` is embedded by the checkpoint
// (its run knows it); `imported` holds the same images with the embeddings imported from a .npy
// (its run does not know which CLIP made them). Run 1 of each is analysed.

#include "TestImages.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QHash>

namespace faultline::testing {

struct InterpretTestProject
{
    QString root;
    QString imported;
    QString modelPath;
    QHash<QString, bool> wrong; // dataset-relative path → the classifier predicted it wrong

    QString projectPath() const { return ProjectStore::defaultPath(root); }
    QString importedProjectPath() const { return ProjectStore::defaultPath(imported); }

    // Builds both projects under `dir`; returns why it failed, or an empty string.
    QString build(const QString &dir)
    {
        const QString cli = qEnvironmentVariable("FAULTLINE_CLI");
        modelPath = QDir(qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE")).filePath(QStringLiteral("tiny_clip.safetensors"));
        if (cli.isEmpty() || !QFileInfo(cli).isExecutable() || !QFileInfo::exists(modelPath))
            return QStringLiteral("FAULTLINE_CLI / FAULTLINE_CLIP_REFERENCE are not set (run through ctest)");
        root = QDir(dir).filePath(QStringLiteral("data"));
        imported = QDir(dir).filePath(QStringLiteral("imported"));
        QString csv = QStringLiteral("path,prediction\n");
        const struct { const char *split; int n; } splits[] = {{"train", 8}, {"val", 16}, {"test", 12}};
        int seed = 0;
        for (const auto &split : splits)
            for (const QString &cls : {QStringLiteral("cat"), QStringLiteral("dog")})
                for (int i = 0; i < split.n; ++i, ++seed) {
                    const bool cat = cls == QLatin1String("cat");
                    const bool wrong = i % 2 == 0; // red cats, green dogs
                    const QString rel = QStringLiteral("%1/%2/%3.png").arg(QLatin1String(split.split), cls).arg(i);
                    const QByteArray png = cat ? (wrong ? colourPng(24, 24, 210, 30, 30, seed) : colourPng(24, 24, 30, 40, 210, seed))
                                               : (wrong ? colourPng(24, 24, 30, 200, 40, seed) : colourPng(24, 24, 220, 210, 30, seed));
                    if (!writeBytes(QDir(root).filePath(rel), png) || !writeBytes(QDir(imported).filePath(rel), png))
                        return QStringLiteral("cannot write ") + rel;
                    this->wrong.insert(rel, wrong);
                    csv += QStringLiteral("%1,%2\n").arg(rel, wrong ? (cat ? QStringLiteral("dog") : QStringLiteral("cat")) : cls);
                }
        for (const QString &folder : {root, imported})
            if (!writeText(QDir(folder).filePath(QStringLiteral("predictions.csv")), csv))
                return QStringLiteral("cannot write predictions.csv");
        const QString npy = QDir(dir).filePath(QStringLiteral("E.npy"));
        const QList<QStringList> commands = {
            {QStringLiteral("embed"), QStringLiteral("--dataset"), root, QStringLiteral("--model"), modelPath,
             QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--threads"), QStringLiteral("2"),
             QStringLiteral("--out"), npy},
            {QStringLiteral("analyze"), QStringLiteral("--dataset"), root, QStringLiteral("--threads"), QStringLiteral("2")},
            {QStringLiteral("analyze"), QStringLiteral("--dataset"), imported, QStringLiteral("--embeddings"), npy,
             QStringLiteral("--embedding-paths"), QDir(dir).filePath(QStringLiteral("E.paths.txt")),
             QStringLiteral("--threads"), QStringLiteral("2")}};
        for (const QStringList &args : commands) {
            QProcess process;
            process.start(cli, args);
            if (!process.waitForFinished(300000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
                return QStringLiteral("faultline-cli %1 failed: %2")
                    .arg(args.join(QLatin1Char(' ')), QString::fromUtf8(process.readAllStandardError()));
        }
        return QString();
    }
};

} // namespace faultline::testing
