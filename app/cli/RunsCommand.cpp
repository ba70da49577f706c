#include "CliSupport.h"
#include "Commands.h"

#include "common/Error.h"
#include "store/ProjectStore.h"

#include <cstdio>

using namespace faultline;

int runsCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("runs"),
                               QStringLiteral("List the analysis runs stored in the project."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        QString root;
        auto store = cli::openProject(parser, &root);
        std::printf("%5s  %-24s  %-11s  %s\n", "id", "created (UTC)", "status", "parameters");
        for (const RunInfo &run : store->runs())
            std::printf("%5lld  %-24s  %-11s  %s\n", static_cast<long long>(run.id),
                        run.created.toString(Qt::ISODate).toLatin1().constData(), run.status.toLatin1().constData(),
                        run.params.toUtf8().constData());
        return cli::Ok;
    });
}
