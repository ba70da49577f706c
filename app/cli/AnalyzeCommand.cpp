#include "CliSupport.h"
#include "Commands.h"

#include "analysis/AnalysisJob.h"
#include "analysis/EmbeddingModelChoice.h"
#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "dataset/EmbeddingImporter.h"
#include "dataset/PredictionsImporter.h"
#include "report/RunReportWriter.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFileInfo>
#include <cstdio>

using namespace faultline;

namespace {

void report(const QString &line)
{
    std::fprintf(stderr, "%s\n", line.toLocal8Bit().constData());
}

// The named stored embeddings, else the newest complete ones (said on stderr, with any newer
// incomplete ones passed over).
qint64 embeddingModelToUse(const ProjectStore &store, const QString &requested)
{
    if (!requested.isEmpty()) {
        QStringList names;
        for (const EmbeddingModelInfo &model : store.embeddingModels()) {
            if (model.name == requested)
                return model.id;
            names << model.name;
        }
        throw Error(QStringLiteral("no stored embeddings from '%1' (stored: %2)")
                        .arg(requested, names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "))));
    }
    const EmbeddingModelChoice choice = chooseEmbeddingModel(store);
    if (!choice.model)
        throw Error(QStringLiteral("the project has no embeddings: pass --embeddings E.npy --embedding-paths P.txt"));
    report(choice.describe());
    return choice.model->id;
}

Split parseSplit(const QString &name, const QString &option)
{
    Split split;
    if (!splitFromName(name, &split) || split == Split::Unassigned)
        throw Error(QStringLiteral("--%1: '%2' is not a split (train, val, test, pool)").arg(option, name));
    return split;
}

constexpr int kMaxFolds = 100;

int parseFolds(const QString &text)
{
    bool ok = false;
    const qlonglong folds = text.toLongLong(&ok);
    if (ok && folds > kMaxFolds) // more folds than that leaves a fold too few images to score
        throw Error(QStringLiteral("--folds must be between 2 and %1, got %2").arg(kMaxFolds).arg(text));
    if (!ok || folds < 2)
        throw Error(QStringLiteral("--folds: '%1' is not an integer of at least 2").arg(text));
    return int(folds);
}

} // namespace

int analyzeCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    parser.addOption({QStringLiteral("predictions"),
                      QStringLiteral("Predictions CSV: path,prediction[,label,split,confidence] (default: the stored"
                                     " predictions, else DIR/predictions.csv)."), QStringLiteral("CSV")});
    parser.addOption({QStringLiteral("predictions-name"),
                      QStringLiteral("The model whose predictions are analysed (and --predictions imported as; default:"
                                     " the current one, or \"default\"). See faultline-cli predictions."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("embeddings"), QStringLiteral("Embeddings to import, [N, D] float32/float16 .npy."),
                      QStringLiteral("NPY")});
    parser.addOption({QStringLiteral("embedding-paths"),
                      QStringLiteral("Dataset-relative path of each embedding row, one per line."), QStringLiteral("TXT")});
    parser.addOption({QStringLiteral("embedding-model"),
                      QStringLiteral("Stored embeddings to use (default: the newest that cover every predicted image)."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("fit-split"), QStringLiteral("Split the SVMs are fit on (default val)."),
                      QStringLiteral("SPLIT"), QStringLiteral("val")});
    parser.addOption({QStringLiteral("whiten-split"),
                      QStringLiteral("Split whose mean/std whiten the embeddings (default train; all images when"
                                     " absent)."), QStringLiteral("SPLIT"), QStringLiteral("train")});
    parser.addOption({QStringLiteral("folds"), QStringLiteral("Cross-validation folds (default 2)."),
                      QStringLiteral("K"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Worker threads (default: one per core)."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("no-hardness"),
                      QStringLiteral("Only the paper's recipe: skip the hardness ranking (scores.csv's hardness column"
                                     " stays empty).")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Also write classes.csv and scores.csv here."),
                      QStringLiteral("DIR")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("analyze"),
                               QStringLiteral("Fit a failure direction per class and store the run."), &exitCode))
        return exitCode;

    return cli::runReportingErrors([&] {
        AnalysisParams params;
        params.fitSplit = parseSplit(parser.value(QStringLiteral("fit-split")), QStringLiteral("fit-split"));
        params.whitenSplit = parseSplit(parser.value(QStringLiteral("whiten-split")), QStringLiteral("whiten-split"));
        params.folds = parseFolds(parser.value(QStringLiteral("folds")));
        params.threads = cli::nonNegativeInt(parser, QStringLiteral("threads"), cli::kMaxThreads);
        params.predictionSet = parser.value(QStringLiteral("predictions-name"));
        params.hardness = !parser.isSet(QStringLiteral("no-hardness"));
        if (parser.isSet(QStringLiteral("predictions-name")))
            ProjectStore::checkPredictionSetName(params.predictionSet);
        const bool hasEmbeddings = parser.isSet(QStringLiteral("embeddings"));
        if (hasEmbeddings != parser.isSet(QStringLiteral("embedding-paths")))
            throw Error(QStringLiteral("--embeddings and --embedding-paths go together"));

        QString root;
        auto store = cli::openProject(parser, &root);
        if (!params.predictionSet.isEmpty() && !parser.isSet(QStringLiteral("predictions")))
            store->predictionSet(params.predictionSet); // an unknown model is refused before the scan
        cli::ConsoleJob job;

        cli::printScanReport(DatasetScanner::scan(root, *store, job.control()));

        QString predictions = parser.value(QStringLiteral("predictions"));
        const QString defaultPredictions = QDir(root).filePath(QStringLiteral("predictions.csv"));
        if (predictions.isEmpty() && store->predictionSetNames().isEmpty() && QFileInfo::exists(defaultPredictions))
            predictions = defaultPredictions;
        if (!predictions.isEmpty()) {
            const PredictionsReport imported = importPredictions(predictions, *store, params.predictionSet);
            report(QStringLiteral("predictions: %1 of %2 rows imported from %3%4 (model '%5')")
                       .arg(imported.imported).arg(imported.rows).arg(predictions)
                       .arg(imported.outsideClasses > 0
                                ? QStringLiteral(" (%1 predict a class outside the dataset: kept as errors)")
                                      .arg(imported.outsideClasses)
                                : QString())
                       .arg(store->currentPredictionSet()));
            cli::printDiagnostics(imported.diagnostics);
        }

        QString modelName = parser.value(QStringLiteral("embedding-model"));
        if (hasEmbeddings) {
            const EmbeddingImportReport imported = importEmbeddings(parser.value(QStringLiteral("embeddings")),
                                                                    parser.value(QStringLiteral("embedding-paths")),
                                                                    *store, modelName);
            report(QStringLiteral("embeddings: %1 × %2 imported as '%3'").arg(imported.rows).arg(imported.dim)
                       .arg(imported.modelName));
            modelName = imported.modelName;
        }
        const qint64 modelId = embeddingModelToUse(*store, modelName);

        const AnalysisOutcome outcome = runAnalysis(*store, modelId, params, job.control());
        cli::printDiagnostics(outcome.diagnostics);
        report(QStringLiteral("run %1: %2 images, %3 classes fitted, %4 skipped (model '%5')")
                   .arg(outcome.runId).arg(outcome.rows).arg(outcome.classesOk).arg(outcome.classesSkipped)
                   .arg(store->run(outcome.runId).predictionSet));

        std::printf("%-24s %6s %7s %8s %8s  %s\n", "class", "n_fit", "errors", "cv_bacc", "C", "status");
        for (const RunClassRow &row : store->runClasses(outcome.runId))
            std::printf("%-24s %6d %7d %8s %8s  %s\n", row.className.toLocal8Bit().constData(), row.nFit,
                        row.nFitErrors,
                        row.cvBalancedAccuracy ? QString::number(*row.cvBalancedAccuracy, 'f', 3).toLatin1().constData() : "-",
                        row.C ? QString::number(*row.C, 'g', 3).toLatin1().constData() : "-",
                        (row.status == QLatin1String("ok") ? row.status : row.status + QStringLiteral(": ") + row.reason)
                            .toLocal8Bit().constData());
        if (parser.isSet(QStringLiteral("out"))) {
            writeRunReport(*store, outcome.runId, parser.value(QStringLiteral("out")));
            report(QStringLiteral("wrote %1/classes.csv and scores.csv").arg(parser.value(QStringLiteral("out"))));
        }
        return cli::Ok;
    }, QStringLiteral("cancelled; finished classes are kept in the project"));
}
