#include "report/RunReportWriter.h"

#include "common/Error.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"
#include "store/ProjectStore.h"

#include <QDir>

namespace faultline {

namespace {

QString fixed6(double value)
{
    return QString::number(value, 'f', 6);
}

} // namespace

void writeRunReport(const ProjectStore &store, qint64 runId, const QString &outDir)
{
    store.run(runId); // throws for an unknown run
    if (!QDir().mkpath(outDir))
        throw Error(QStringLiteral("%1: cannot create the output folder").arg(outDir));
    const QDir out(outDir);

    AtomicFileWriter classes(out.filePath(QStringLiteral("classes.csv")));
    classes.write(csvLine({QStringLiteral("class"), QStringLiteral("n_val"), QStringLiteral("n_val_errors"),
                           QStringLiteral("cv_balanced_accuracy"), QStringLiteral("C"), QStringLiteral("status")}));
    for (const RunClassRow &row : store.runClasses(runId))
        classes.write(csvLine({row.className, QString::number(row.nFit), QString::number(row.nFitErrors),
                               row.cvBalancedAccuracy ? fixed6(*row.cvBalancedAccuracy) : QString(),
                               row.C ? QString::number(*row.C, 'g', 6) : QString(), row.status}));
    classes.commit();

    AtomicFileWriter scores(out.filePath(QStringLiteral("scores.csv")));
    scores.write(csvLine({QStringLiteral("path"), QStringLiteral("split"), QStringLiteral("label"),
                          QStringLiteral("prediction"), QStringLiteral("correct"), QStringLiteral("decision_value"),
                          QStringLiteral("hardness")}));
    for (const RunScoreRow &row : store.runScores(runId))
        scores.write(csvLine({row.path, splitName(row.split), row.label, row.prediction,
                              row.label == row.prediction ? QStringLiteral("1") : QStringLiteral("0"),
                              row.decisionValue ? fixed6(*row.decisionValue) : QString(),
                              row.hardness ? fixed6(*row.hardness) : QString()}));
    scores.commit();
}

} // namespace faultline
