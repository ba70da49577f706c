#include "report/ComparisonReportWriter.h"

#include "common/Error.h"
#include "compare/ModelComparison.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"

#include <QDir>

namespace faultline {

void writeComparisonReport(const ModelComparison &comparison, const QString &outDir)
{
    if (!QDir().mkpath(outDir))
        throw Error(QStringLiteral("%1: cannot create the output folder").arg(outDir));
    const QDir out(outDir);
    const auto number = [](double value) { return QString::number(value, 'f', 6); };

    AtomicFileWriter models(out.filePath(QStringLiteral("models.csv")));
    models.write(csvLine({QStringLiteral("model"), QStringLiteral("class"), QStringLiteral("n"), QStringLiteral("accuracy")}));
    for (const ModelAccuracy &row : comparison.accuracy)
        models.write(csvLine({row.model, row.className, QString::number(row.images), number(row.accuracy())}));
    models.commit();

    AtomicFileWriter iou(out.filePath(QStringLiteral("failure_iou.csv")));
    iou.write(csvLine({QStringLiteral("class"), QStringLiteral("model_a"), QStringLiteral("model_b"),
                       QStringLiteral("intersection"), QStringLiteral("union"), QStringLiteral("iou")}));
    for (const FailureOverlap &row : comparison.overlaps)
        iou.write(csvLine({row.className, row.modelA, row.modelB, QString::number(row.intersection()),
                           QString::number(row.unionCount), row.iou() ? number(*row.iou()) : QString()}));
    iou.commit();

    AtomicFileWriter collective(out.filePath(QStringLiteral("collective_failures.csv")));
    QStringList header{QStringLiteral("path"), QStringLiteral("label")};
    for (const QString &model : comparison.models)
        header << QStringLiteral("prediction_%1").arg(model);
    collective.write(csvLine(header));
    for (const CollectiveFailure &row : comparison.collective)
        collective.write(csvLine(QStringList{row.path, row.label} + row.predictions));
    collective.commit();

    AtomicFileWriter cosines(out.filePath(QStringLiteral("direction_cosines.csv")));
    cosines.write(csvLine({QStringLiteral("class"), QStringLiteral("model_a"), QStringLiteral("model_b"),
                           QStringLiteral("run_a"), QStringLiteral("run_b"), QStringLiteral("cosine")}));
    for (const DirectionCosine &row : comparison.cosines)
        cosines.write(csvLine({row.className, row.modelA, row.modelB, QString::number(row.runA),
                               QString::number(row.runB), number(row.cosine)}));
    cosines.commit();
}

} // namespace faultline
