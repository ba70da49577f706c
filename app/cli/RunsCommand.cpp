#include "CliSupport.h"
#include "Commands.h"

#include "common/Error.h"
#include "store/ProjectStore.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using namespace faultline;

int runsCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("runs"),
                               QStringLiteral("List the analysis runs stored in the project, then the head"
                                              " retrainings made from them."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        QString root;
        auto store = cli::openProject(parser, &root);
        std::printf("%5s  %-24s  %-11s  %-16s  %s\n", "id", "created (UTC)", "status", "model", "parameters");
        for (const RunInfo &run : store->runs())
            std::printf("%5lld  %-24s  %-11s  %-16s  %s\n", static_cast<long long>(run.id),
                        run.created.toString(Qt::ISODate).toLatin1().constData(), run.status.toLatin1().constData(),
                        run.predictionSet.isEmpty() ? "-" : run.predictionSet.toUtf8().constData(),
                        run.params.toUtf8().constData());
        const QVector<StoredRetrain> retrains = store->retrains();
        if (!retrains.isEmpty()) {
            std::printf("\n%5s  %-24s  %4s  %-18s  %-22s  %s\n", "id", "retrained (UTC)", "run", "intervention",
                        "accuracy before→after", "classifier written");
            for (const StoredRetrain &retrain : retrains) {
                const QJsonObject overall =
                    QJsonDocument::fromJson(retrain.report.toUtf8()).object().value(QStringLiteral("overall")).toObject();
                const double n = overall.value(QStringLiteral("images")).toDouble();
                const QString accuracy = n > 0 ? QStringLiteral("%1 → %2")
                                                     .arg(overall.value(QStringLiteral("right_before")).toDouble() / n, 0, 'f', 3)
                                                     .arg(overall.value(QStringLiteral("right_after")).toDouble() / n, 0, 'f', 3)
                                               : QStringLiteral("-");
                std::printf("%5lld  %-24s  %4lld  %-18s  %-22s  %s\n", static_cast<long long>(retrain.id),
                            retrain.created.toString(Qt::ISODate).toLatin1().constData(),
                            static_cast<long long>(retrain.runId), retrain.intervention.toUtf8().constData(),
                            accuracy.toUtf8().constData(),
                            retrain.output.isEmpty() ? "-" : retrain.output.toUtf8().constData());
            }
        }
        return cli::Ok;
    });
}
