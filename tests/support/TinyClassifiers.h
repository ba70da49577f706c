#pragma once
// TorchScript classifiers for the tests, written at test time with Debian's python3-torch:
// - tests/classify/make_tiny_classifier.py: tiny classifiers, PNGs and Python's probabilities
//   for them (FAULTLINE_TINY_CLASSIFIER_SCRIPT);
// - tests/generation/make_colour_classifier.py: colour.pt, which makes the interpretation test
//   project's planted mistakes (FAULTLINE_COLOUR_CLASSIFIER_SCRIPT);
// - tests/fix/make_retrainable_classifier.py: retrainable.pt, an MLP with features(x) and a head
//   `fc` for retraining (FAULTLINE_RETRAINABLE_CLASSIFIER_SCRIPT).
// Each maker is there when its test defines the script's path.

#include "classify/ClassifierSpec.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>

namespace faultline::testing {

// Runs a fixture script with `outDir` as its argument; returns why it failed (empty on success).
inline QString runFixtureScript(const QString &script, const QString &outDir)
{
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start(QStringLiteral("/usr/bin/python3"), {script, outDir});
    if (!python.waitForFinished(120000) || python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0)
        return QFileInfo(script).fileName() + QStringLiteral(" failed: ") + QString::fromUtf8(python.readAll());
    return QString();
}

#ifdef FAULTLINE_TINY_CLASSIFIER_SCRIPT
// Writes make_tiny_classifier.py's fixtures into `outDir`.
inline QString makeTinyClassifiers(const QString &outDir)
{
    return runFixtureScript(QStringLiteral(FAULTLINE_TINY_CLASSIFIER_SCRIPT), outDir);
}
#endif

#ifdef FAULTLINE_COLOUR_CLASSIFIER_SCRIPT
// Writes `outDir`/colour.pt: blue and green images are "cat", red and yellow ones "dog".
inline QString makeColourClassifier(const QString &outDir)
{
    return runFixtureScript(QStringLiteral(FAULTLINE_COLOUR_CLASSIFIER_SCRIPT), outDir);
}

// How colour.pt is fed: 16 × 16 RGB in [0, 1], on the CPU.
inline ClassifierSpec colourClassifierSpec(const QString &path)
{
    ClassifierSpec spec;
    spec.path = path;
    spec.inputSize = 16;
    spec.mean = {0, 0, 0};
    spec.std = {1, 1, 1};
    spec.device = ComputeDevice::Cpu;
    return spec;
}
#endif

#ifdef FAULTLINE_RETRAINABLE_CLASSIFIER_SCRIPT
// How retrainable.pt (and the planted-subgroup classifier) is fed: 8 × 8 RGB, Normalize(0.5, 0.25), on the CPU.
inline ClassifierSpec retrainableClassifierSpec(const QString &path)
{
    ClassifierSpec spec;
    spec.path = path;
    spec.inputSize = 8;
    spec.mean = {0.5f, 0.5f, 0.5f};
    spec.std = {0.25f, 0.25f, 0.25f};
    spec.device = ComputeDevice::Cpu;
    return spec;
}
#endif

inline QJsonObject readJsonObject(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object() : QJsonObject();
}

} // namespace faultline::testing
