#include "export/GeneratedSampleExporter.h"

#include "common/Error.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"

#include <QDir>
#include <QLocale>
#include <QMap>
#include <QPair>

#include <algorithm>
#include <limits>

namespace faultline {

namespace {

// Indices into SAMPLES per group, groups in the order they first appear.
QVector<QPair<QString, QVector<int>>> indicesByGroup(const QVector<GeneratedSample> &samples)
{
    QVector<QPair<QString, QVector<int>>> groups;
    for (int i = 0; i < samples.size(); ++i) {
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto &g) { return g.first == samples[i].group; });
        if (it == groups.end())
            it = groups.insert(groups.end(), {samples[i].group, {}});
        it->second.append(i);
    }
    return groups;
}

QString shortest(double value) { return QString::number(value, 'g', QLocale::FloatingPointShortest); }
QString shortest(const std::optional<double> &value) { return value ? shortest(*value) : QString(); }

QString provenanceHeader()
{
    return csvLine({QStringLiteral("id"), QStringLiteral("class"), QStringLiteral("group"), QStringLiteral("origin"),
                    QStringLiteral("prompt"), QStringLiteral("alpha"), QStringLiteral("seed"), QStringLiteral("backend"),
                    QStringLiteral("path"), QStringLiteral("source"), QStringLiteral("prediction"),
                    QStringLiteral("confidence"), QStringLiteral("classifier"), QStringLiteral("created")});
}

QString provenanceRow(const GeneratedSample &sample, const QString &exportedPath)
{
    return csvLine({QString::number(sample.id), sample.className, sample.group, sample.origin, sample.prompt,
                    shortest(sample.alpha), QString::number(sample.seed), sample.backend, exportedPath, sample.file,
                    sample.prediction, shortest(sample.confidence), sample.classifier,
                    sample.created.toUTC().toString(Qt::ISODateWithMs)});
}

// SAMPLES' exported rows (sample index → destination-relative path) into DEST/generated.csv, or
// the next free name; returns the path written.
QString writeProvenance(const QString &dest, const QVector<GeneratedSample> &samples, const QMap<int, QString> &exported)
{
    QDir().mkpath(dest); // nothing to export leaves no group folder behind to have created it
    const QString path = freeCsvPath(dest, QStringLiteral("generated"));
    if (path.isEmpty())
        throw Error(QStringLiteral("no free name for generated.csv in '%1'").arg(dest));
    AtomicFileWriter file(path);
    file.write(provenanceHeader());
    for (auto it = exported.cbegin(); it != exported.cend(); ++it)
        file.write(provenanceRow(samples[it.key()], it.value()));
    file.commit();
    return path;
}

} // namespace

ExportSummary exportGeneratedSamples(const QString &datasetRoot, const QVector<GeneratedSample> &samples,
                                     const QString &destination, ExportMode mode, JobControl *control)
{
    const QString dest = QDir(destination).absolutePath();
    ExportSummary summary;
    QMap<int, QString> exported; // sample index → destination-relative path, in sample order
    for (const auto &[group, indices] : indicesByGroup(samples)) {
        QVector<ExportItem> items;
        for (int index : indices) // no decision value, so no rank: the group's manifest says "nan" and 0
            items.append({samples[index].file, samples[index].className, std::numeric_limits<double>::quiet_NaN(), 0});
        const QString groupDir = sanitizeFileName(group);
        const ExportSummary part = exportHardSubset(datasetRoot, items, dest + QLatin1Char('/') + groupDir, mode, control);
        summary.exported += part.exported;
        summary.skippedExisting += part.skippedExisting;
        summary.diagnostics += part.diagnostics;
        for (qsizetype k = 0; k < part.exportedItems.size(); ++k) {
            const int index = indices[part.exportedItems[k]];
            const QString file = k < part.exportedFiles.size() ? groupDir + QLatin1Char('/') + part.exportedFiles[k] : QString();
            summary.exportedItems.append(index);
            if (!file.isEmpty())
                summary.exportedFiles.append(file);
            exported.insert(index, file);
        }
        if (part.stoppedEarly) {
            summary.stoppedEarly = true;
            break;
        }
    }
    summary.manifestPath = writeProvenance(dest, samples, exported);
    return summary;
}

} // namespace faultline
