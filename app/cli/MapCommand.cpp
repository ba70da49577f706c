// faultline-cli map: a class's images — or the whole run's — on a 2-D projection of their CLIP
// embeddings (PCA or t-SNE), the workbench's Map dock headless; stored in the project like the dock's.
#include "CliSupport.h"
#include "Commands.h"
#include "RunOptions.h"

#include "analysis/TsneProjection.h"
#include "common/Error.h"
#include "interpret/ClassMap.h"
#include "interpret/RunImages.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"
#include "store/ProjectStore.h"

#include <cstdio>

using namespace faultline;

int mapCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    cli::addRunIdOption(parser);
    parser.addOption({QStringLiteral("class"), QStringLiteral("The class to map."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("all"), QStringLiteral("Map every class of the run together instead.")});
    parser.addOption({QStringLiteral("method"),
                      QStringLiteral("pca (default) or tsne (exact up to %1 images, Barnes-Hut up to %2).")
                          .arg(kMaxExactTsneRows).arg(kMaxTsneRows),
                      QStringLiteral("pca|tsne"), QStringLiteral("pca")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Write path,label,x,y per image here (CSV)."), QStringLiteral("FILE")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("map"),
                               QStringLiteral("Map a class's (or every class's) images to 2-D (PCA or t-SNE of their CLIP embeddings)."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        const bool all = parser.isSet(QStringLiteral("all"));
        if (parser.isSet(QStringLiteral("class")) == all)
            throw Error(QStringLiteral("give one of --class C and --all"));
        const QString methodName = parser.value(QStringLiteral("method"));
        if (methodName != QLatin1String("pca") && methodName != QLatin1String("tsne"))
            throw Error(QStringLiteral("--method: '%1' is not pca or tsne").arg(methodName));
        if (!parser.isSet(QStringLiteral("out")))
            throw Error(QStringLiteral("--out FILE is required"));
        QString root;
        auto store = cli::openProject(parser, &root);
        const qint64 runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        cli::ConsoleJob job;
        const RunClassImages images = all ? loadRunImages(*store, runId, job.control())
                                          : loadRunClassImages(*store, runId, parser.value(QStringLiteral("class")));
        const ClassMap map = classMap(*store, runId, images,
                                      methodName == QLatin1String("tsne") ? MapMethod::Tsne : MapMethod::Pca, job.control());
        QString csv = csvLine({QStringLiteral("path"), QStringLiteral("label"), QStringLiteral("x"), QStringLiteral("y")});
        for (qsizetype i = 0; i < images.size(); ++i)
            csv += csvLine({images.paths[i], labelOf(images, i), QString::number(double(map.xy[size_t(i) * 2]), 'g', 9),
                            QString::number(double(map.xy[size_t(i) * 2 + 1]), 'g', 9)});
        AtomicFileWriter out(parser.value(QStringLiteral("out")));
        out.write(csv);
        out.commit();
        std::fprintf(stderr, "%s: %lld images mapped by %s%s\n",
                     (all ? QStringLiteral("every class") : images.className).toUtf8().constData(),
                     static_cast<long long>(images.size()), methodName.toLatin1().constData(),
                     map.fromStore ? " (stored)" : "");
        return cli::Ok;
    });
}
