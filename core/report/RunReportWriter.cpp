#include "report/RunReportWriter.h"

#include "common/Error.h"
#include "io/CsvWriter.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QSaveFile>

namespace faultline {

namespace {

class AtomicTextFile
{
public:
    explicit AtomicTextFile(const QString &path) : m_file(path)
    {
        if (!m_file.open(QIODevice::WriteOnly))
            throw Error(QStringLiteral("%1: cannot write: %2").arg(path, m_file.errorString()));
    }
    void write(const QString &text) { m_file.write(text.toUtf8()); }
    void commit()
    {
        if (!m_file.commit())
            throw Error(QStringLiteral("%1: cannot write: %2").arg(m_file.fileName(), m_file.errorString()));
    }

private:
    QSaveFile m_file;
};

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

    AtomicTextFile classes(out.filePath(QStringLiteral("classes.csv")));
    classes.write(csvLine({QStringLiteral("class"), QStringLiteral("n_val"), QStringLiteral("n_val_errors"),
                           QStringLiteral("cv_balanced_accuracy"), QStringLiteral("C"), QStringLiteral("status")}));
    for (const RunClassRow &row : store.runClasses(runId))
        classes.write(csvLine({row.className, QString::number(row.nFit), QString::number(row.nFitErrors),
                               row.cvBalancedAccuracy ? fixed6(*row.cvBalancedAccuracy) : QString(),
                               row.C ? QString::number(*row.C, 'g', 6) : QString(), row.status}));
    classes.commit();

    AtomicTextFile scores(out.filePath(QStringLiteral("scores.csv")));
    scores.write(csvLine({QStringLiteral("path"), QStringLiteral("split"), QStringLiteral("label"),
                          QStringLiteral("prediction"), QStringLiteral("correct"), QStringLiteral("decision_value")}));
    for (const RunScoreRow &row : store.runScores(runId))
        scores.write(csvLine({row.path, splitName(row.split), row.label, row.prediction,
                              row.label == row.prediction ? QStringLiteral("1") : QStringLiteral("0"),
                              row.decisionValue ? fixed6(*row.decisionValue) : QString()}));
    scores.commit();
}

} // namespace faultline
