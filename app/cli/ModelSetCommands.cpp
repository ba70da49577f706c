// The project's models (prediction sets): `predictions` lists and chooses them, `compare` puts
// them side by side (issue 13; paper 002 Sec. 5.2).
#include "CliSupport.h"
#include "Commands.h"
#include "RunOptions.h"

#include "common/Error.h"
#include "compare/ModelComparison.h"
#include "report/ComparisonReportWriter.h"
#include "store/ProjectStore.h"

#include <QMap>

#include <cstdio>

using namespace faultline;

int predictionsCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    parser.addOption({QStringLiteral("use"),
                      QStringLiteral("Make NAME the current model (what analyze and the workbench read by default)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("remove"),
                      QStringLiteral("Delete the model NAME's predictions (runs made from them keep their rows)."),
                      QStringLiteral("NAME")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("predictions"),
                               QStringLiteral("List the project's models: one prediction set each, from predict --name,"
                                              " analyze --predictions-name or retrain. * marks the current one."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        QString root;
        auto store = cli::openProject(parser, &root);
        if (parser.isSet(QStringLiteral("remove"))) {
            store->removePredictionSet(parser.value(QStringLiteral("remove")));
            std::fprintf(stderr, "removed model '%s'\n", parser.value(QStringLiteral("remove")).toUtf8().constData());
        }
        if (parser.isSet(QStringLiteral("use")))
            store->setCurrentPredictionSet(parser.value(QStringLiteral("use")));
        const QString current = store->currentPredictionSet();
        std::printf("  %-24s %8s %9s  %-24s  %s\n", "model", "images", "accuracy", "stored (UTC)", "source");
        for (const PredictionSetInfo &set : store->predictionSets()) {
            int correct = 0, images = 0;
            for (const LabeledImage &image : store->labeledImages(set.name)) {
                ++images;
                correct += image.correct();
            }
            std::printf("%c %-24s %8d %9s  %-24s  %s\n", set.name == current ? '*' : ' ', set.name.toUtf8().constData(),
                        images, images > 0 ? QString::number(double(correct) / images, 'f', 4).toLatin1().constData() : "-",
                        set.created.toString(Qt::ISODate).toLatin1().constData(), set.source.toUtf8().constData());
        }
        return cli::Ok;
    });
}

int compareCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    parser.addOption({QStringLiteral("models"), QStringLiteral("Models to compare, comma-separated (default: all of them)."),
                      QStringLiteral("A,B,…")});
    parser.addOption({QStringLiteral("split"), QStringLiteral("Images compared: train, val, test (default), pool or all."),
                      QStringLiteral("SPLIT"), QStringLiteral("test")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("Write models.csv, failure_iou.csv, collective_failures.csv and direction_cosines.csv"
                                     " here."), QStringLiteral("DIR")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("compare"),
                               QStringLiteral("Compare the project's models on the same images: accuracy per class, the"
                                              " overlap of their failures (IoU), the images all of them get wrong, and"
                                              " the cosine between their failure directions."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        ModelComparisonRequest request;
        request.models = parser.value(QStringLiteral("models")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (QString &model : request.models)
            model = model.trimmed();
        if (parser.value(QStringLiteral("split")) == QLatin1String("all"))
            request.split.reset();
        else
            request.split = cli::splitOption(parser);
        QString root;
        auto store = cli::openProject(parser, &root);
        const ModelComparison comparison = compareModels(*store, request);
        for (const QString &note : comparison.notes)
            std::fprintf(stderr, "%s\n", note.toUtf8().constData());
        std::printf("%d images of the %s split, predicted by every model\n\n", comparison.images,
                    comparison.split.toUtf8().constData());
        std::printf("%-24s %9s %8s\n", "model", "accuracy", "errors");
        for (const ModelAccuracy &row : comparison.accuracy)
            if (row.className == QLatin1String("all"))
                std::printf("%-24s %9.4f %8d\n", row.model.toUtf8().constData(), row.accuracy(), row.images - row.correct);
        std::printf("\n%-24s %-24s %8s %8s %7s\n", "model a", "model b", "both", "either", "IoU");
        for (const FailureOverlap &row : comparison.overlaps)
            if (row.className == QLatin1String("all"))
                std::printf("%-24s %-24s %8d %8d %7s\n", row.modelA.toUtf8().constData(), row.modelB.toUtf8().constData(),
                            row.intersection(), row.unionCount,
                            row.iou() ? QString::number(*row.iou(), 'f', 3).toLatin1().constData() : "-");
        std::printf("\n%d images every model gets wrong\n", int(comparison.collective.size()));
        if (parser.isSet(QStringLiteral("out"))) {
            writeComparisonReport(comparison, parser.value(QStringLiteral("out")));
            std::fprintf(stderr, "wrote %s/models.csv, failure_iou.csv, collective_failures.csv, direction_cosines.csv\n",
                         parser.value(QStringLiteral("out")).toUtf8().constData());
        }
        return cli::Ok;
    });
}
