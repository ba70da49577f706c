#include "report/RulesReportWriter.h"

#include "common/Error.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"

#include <QDir>

namespace faultline {

namespace {

QString fixed6(double value)
{
    return QString::number(value, 'f', 6);
}

} // namespace

void writeRulesReport(const QVector<ClassFailureRules> &rules, const QString &outDir)
{
    if (!QDir().mkpath(outDir))
        throw Error(QStringLiteral("%1: cannot create the output folder").arg(outDir));
    const QDir out(outDir);

    AtomicFileWriter leaves(out.filePath(QStringLiteral("rules.csv")));
    leaves.write(csvLine({QStringLiteral("class"), QStringLiteral("leaf"), QStringLiteral("rule"), QStringLiteral("n"),
                          QStringLiteral("failures"), QStringLiteral("error_rate"), QStringLiteral("error_coverage"),
                          QStringLiteral("importance")}));
    AtomicFileWriter trees(out.filePath(QStringLiteral("trees.csv")));
    trees.write(csvLine({QStringLiteral("class"), QStringLiteral("base_error_rate"), QStringLiteral("aler"),
                         QStringLiteral("n"), QStringLiteral("failures"), QStringLiteral("status")}));
    AtomicFileWriter selected(out.filePath(QStringLiteral("features.csv")));
    selected.write(csvLine({QStringLiteral("class"), QStringLiteral("feature"), QStringLiteral("mutual_information"),
                            QStringLiteral("rank")}));
    AtomicFileWriter images(out.filePath(QStringLiteral("rule_images.csv")));
    images.write(csvLine({QStringLiteral("class"), QStringLiteral("leaf"), QStringLiteral("path"), QStringLiteral("failure")}));

    for (const ClassFailureRules &c : rules) {
        if (!c.skipReason.isEmpty()) {
            trees.write(csvLine({c.className, QString(), QString(), QStringLiteral("0"), QStringLiteral("0"),
                                 QStringLiteral("skipped: ") + c.skipReason}));
            continue;
        }
        trees.write(csvLine({c.className, fixed6(c.tree.baseErrorRate), fixed6(c.tree.averageLeafErrorRate),
                             QString::number(c.tree.samples), QString::number(c.tree.failures), QStringLiteral("ok")}));
        for (const FailureRuleLeaf &leaf : c.tree.leaves)
            leaves.write(csvLine({c.className, QString::number(leaf.node), leaf.rule, QString::number(leaf.samples),
                                  QString::number(leaf.failures), fixed6(leaf.errorRate), fixed6(leaf.errorCoverage),
                                  fixed6(leaf.importance)}));
        for (size_t r = 0; r < c.tree.ranked.size(); ++r) {
            const int column = c.tree.ranked[r];
            selected.write(csvLine({c.className, c.tree.names[qsizetype(column)],
                                    QString::number(c.tree.mutualInformation[size_t(column)], 'g', 12),
                                    r < c.tree.selected.size() ? QString::number(r + 1) : QString()}));
        }
        for (qsizetype i = 0; i < c.paths.size(); ++i)
            images.write(csvLine({c.className, QString::number(c.leafOfRow[size_t(i)]), c.paths[i],
                                  QString::number(c.failure[size_t(i)])}));
    }
    leaves.commit();
    trees.commit();
    selected.commit();
    images.commit();
}

} // namespace faultline
