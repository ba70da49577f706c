#pragma once
// The fixtures of tests/classify/make_tiny_classifier.py (tiny TorchScript classifiers, PNGs and
// Python's probabilities for them), generated at test time with Debian's python3-torch.

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>

namespace faultline::testing {

// Writes the fixtures into `outDir`; returns why not (empty on success).
inline QString makeTinyClassifiers(const QString &outDir)
{
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(FAULTLINE_TINY_CLASSIFIER_SCRIPT), outDir});
    if (!python.waitForFinished(120000) || python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0)
        return QStringLiteral("make_tiny_classifier.py failed: ") + QString::fromUtf8(python.readAll());
    return QString();
}

inline QJsonObject readJsonObject(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object() : QJsonObject();
}

} // namespace faultline::testing
