#include "CliSupport.h"
#include "Commands.h"
#include "RunOptions.h"

#include "classify/ImageClassifier.h"
#include "classify/ProjectClassifier.h"
#include "common/Error.h"
#include "fix/HeadRetraining.h"
#include "interpret/RunImages.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFileInfo>
#include <cmath>
#include <cstdio>

using namespace faultline;

namespace {

QString percent(const BeforeAfter &tally, bool after)
{
    return tally.images > 0 ? QString::number(100.0 * (after ? tally.after() : tally.before()), 'f', 1) : QStringLiteral("-");
}

void printTable(const RetrainReport &report)
{
    std::printf("%-24s %-6s %7s %8s %8s %8s\n", "class", "subset", "images", "before", "after", "gain");
    const auto line = [](const QString &name, const char *subset, const BeforeAfter &tally) {
        if (tally.images == 0)
            return;
        std::printf("%-24s %-6s %7d %7s%% %7s%% %+7.1f\n", name.toLocal8Bit().constData(), subset, tally.images,
                    percent(tally, false).toLatin1().constData(), percent(tally, true).toLatin1().constData(),
                    100.0 * (tally.after() - tally.before()));
    };
    for (const ClassBeforeAfter &c : report.classes) {
        line(c.className, "all", c.all);
        line(c.className, "hard", c.hard);
        line(c.className, "rest", c.rest);
    }
    line(QStringLiteral("(all classes)"), "all", report.overall);
    line(QStringLiteral("(all classes)"), "hard", report.hard);
    line(QStringLiteral("(all classes)"), "rest", report.rest);
    line(QStringLiteral("(generated)"), "held", report.heldOut);
}

// DIR/retrain.csv: class, subset, images, right before, right after, accuracy before and after.
void writeReport(const RetrainReport &report, const QString &folder)
{
    if (!QDir().mkpath(folder))
        throw Error(QStringLiteral("%1: cannot create the report folder").arg(folder));
    QString text = csvLine({QStringLiteral("class"), QStringLiteral("subset"), QStringLiteral("images"),
                            QStringLiteral("right_before"), QStringLiteral("right_after"),
                            QStringLiteral("accuracy_before"), QStringLiteral("accuracy_after")});
    const auto row = [&](const QString &name, const QString &subset, const BeforeAfter &tally) {
        text += csvLine({name, subset, QString::number(tally.images), QString::number(tally.rightBefore),
                         QString::number(tally.rightAfter), QString::number(tally.before(), 'g', 17),
                         QString::number(tally.after(), 'g', 17)});
    };
    for (const ClassBeforeAfter &c : report.classes) {
        row(c.className, QStringLiteral("all"), c.all);
        row(c.className, QStringLiteral("hard"), c.hard);
        row(c.className, QStringLiteral("rest"), c.rest);
    }
    row(QStringLiteral("all"), QStringLiteral("all"), report.overall);
    row(QStringLiteral("all"), QStringLiteral("hard"), report.hard);
    row(QStringLiteral("all"), QStringLiteral("rest"), report.rest);
    if (report.heldOut.images > 0)
        row(QStringLiteral("generated"), QStringLiteral("held-out"), report.heldOut);
    AtomicFileWriter file(QDir(folder).filePath(QStringLiteral("retrain.csv")));
    file.write(text);
    file.commit();
}

// The options retrain and interventions share: the project, the classifier and the training.
void addRetrainOptions(QCommandLineParser &parser)
{
    cli::addDatasetOptions(parser);
    parser.addOption({QStringLiteral("classifier"),
                      QStringLiteral("TorchScript classifier with a features(x) method (default: the one predict"
                                     " stored; its preprocessing is kept)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("head"), QStringLiteral("The head's submodule (default: the last torch.nn.Linear)."),
                      QStringLiteral("NAME")});
    cli::addRunIdOption(parser);
    parser.addOption({QStringLiteral("factor"), QStringLiteral("upweight: the hard images' weight (default 5)."),
                      QStringLiteral("F"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("groups"),
                      QStringLiteral("synthetic: the generated samples' groups, comma-separated (default hard)."),
                      QStringLiteral("G,…"), QStringLiteral("hard")});
    parser.addOption({QStringLiteral("eval-k"),
                      QStringLiteral("The hard subpopulation: each class's K hardest test images (default 50)."),
                      QStringLiteral("K"), QStringLiteral("50")});
    parser.addOption({QStringLiteral("epochs"), QStringLiteral("Training epochs (default 1000, paper 002)."),
                      QStringLiteral("N"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("lr"), QStringLiteral("Learning rate (default 0.2, paper 002)."), QStringLiteral("LR"),
                      QStringLiteral("0.2")});
    parser.addOption({QStringLiteral("device"), QStringLiteral("auto (default), cpu or cuda."), QStringLiteral("DEVICE"),
                      QStringLiteral("auto")});
}

// A request from the shared options (the arm, K and seed are the caller's).
RetrainRequest requestFromOptions(const QCommandLineParser &parser)
{
    RetrainRequest request;
    request.evalK = cli::positiveInt(parser, QStringLiteral("eval-k"), cli::kMaxPerClass);
    request.factor = cli::numberOption(parser, QStringLiteral("factor"));
    request.training.epochs = cli::positiveInt(parser, QStringLiteral("epochs"), 1000000);
    request.training.learningRate = cli::numberOption(parser, QStringLiteral("lr"));
    request.training.device = parseComputeDevice(parser.value(QStringLiteral("device")));
    request.headName = parser.value(QStringLiteral("head"));
    request.sampleGroups = parser.value(QStringLiteral("groups")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &group : request.sampleGroups)
        if (group != QLatin1String("hard") && group != QLatin1String("easy") && group != QLatin1String("reference"))
            throw Error(QStringLiteral("--groups: '%1' is not hard, easy or reference").arg(group));
    return request;
}

// The classifier whose predictions the run analysed, or --classifier's file with its preprocessing.
std::unique_ptr<ImageClassifier> classifierToRetrain(const QCommandLineParser &parser, const ProjectStore &store,
                                                     qint64 runId)
{
    auto classifier = loadRunClassifier(store, runId, parser.value(QStringLiteral("classifier")));
    if (!classifier)
        throw Error(QStringLiteral("no classifier to retrain: run faultline-cli predict --classifier FILE first, or pass"
                                   " --classifier FILE"));
    return classifier;
}

} // namespace

int retrainCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addRetrainOptions(parser);
    parser.addOption({QStringLiteral("intervention"),
                      QStringLiteral("filter-svm (the K pool images per class with the most negative decision values),"
                                     " filter-confidence (the K least confident), filter-random, upweight (the K"
                                     " hardest training images per class, weighted by --factor) or synthetic (the"
                                     " generated samples, weighted by --lambda)."),
                      QStringLiteral("ARM"), QStringLiteral("filter-svm")});
    parser.addOption({QStringLiteral("k"), QStringLiteral("Images per class the intervention adds or upweights (default 50)."),
                      QStringLiteral("K"), QStringLiteral("50")});
    parser.addOption({QStringLiteral("threshold"),
                      QStringLiteral("upweight: flag training images with a decision value below T instead of K per class."),
                      QStringLiteral("T")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("filter-random's seed (default 0)."), QStringLiteral("N"),
                      QStringLiteral("0")});
    parser.addOption({QStringLiteral("lambda"), QStringLiteral("synthetic: eq. 1's weight of the generated set (default 0.5)."),
                      QStringLiteral("L"), QStringLiteral("0.5")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Write the retrained classifier here (TorchScript)."),
                      QStringLiteral("NEW.pt")});
    parser.addOption({QStringLiteral("name"),
                      QStringLiteral("Store the retrained head's predictions as this model (default retrain-<id>); compare"
                                     " it with the original by faultline-cli compare."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("report"), QStringLiteral("Write DIR/retrain.csv: before and after per class and subset."),
                      QStringLiteral("DIR")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("retrain"),
                               QStringLiteral("Retrain the classifier's head on the training split plus an intervention's"
                                              " images and compare it with the original on the test split."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        RetrainRequest request = requestFromOptions(parser);
        const std::optional<Intervention> arm = interventionFromName(parser.value(QStringLiteral("intervention")));
        if (!arm)
            throw Error(QStringLiteral("--intervention: '%1' is not filter-svm, filter-confidence, filter-random, upweight or"
                                       " synthetic")
                            .arg(parser.value(QStringLiteral("intervention"))));
        request.intervention = *arm;
        request.k = cli::positiveInt(parser, QStringLiteral("k"), cli::kMaxPerClass);
        if (parser.isSet(QStringLiteral("threshold")))
            request.hardThreshold = cli::numberOption(parser, QStringLiteral("threshold"));
        request.seed = quint64(cli::nonNegativeInt(parser, QStringLiteral("seed"), std::numeric_limits<int>::max()));
        request.lambda = cli::numberOption(parser, QStringLiteral("lambda"));

        QString root;
        auto store = cli::openProject(parser, &root);
        request.runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        const auto classifier = classifierToRetrain(parser, *store, request.runId);
        request.outputFile = parser.value(QStringLiteral("out"));
        request.predictionSet = parser.value(QStringLiteral("name"));
        if (parser.isSet(QStringLiteral("name")))
            ProjectStore::checkPredictionSetName(request.predictionSet);
        cli::ConsoleJob job;
        const RetrainReport report = retrainHead(*store, root, *classifier, request, job.control());
        std::fprintf(stderr, "run %lld, %s: head '%s' retrained on %d training images%s; loss %.4f → %.4f (%d epochs)\n",
                     static_cast<long long>(report.runId), report.intervention.toUtf8().constData(),
                     report.headName.toUtf8().constData(), report.trainImages,
                     (report.addedImages       ? QStringLiteral(" + %1 pool images").arg(report.addedImages)
                      : report.upweightedImages ? QStringLiteral(", %1 of them upweighted ×%2").arg(report.upweightedImages).arg(request.factor)
                      : report.syntheticImages  ? QStringLiteral(" + %1 generated samples (λ = %2)").arg(report.syntheticImages).arg(request.lambda)
                                                : QString()).toUtf8().constData(),
                     report.training.initialLoss, report.training.finalLoss, request.training.epochs);
        if (report.skippedImages > 0)
            std::fprintf(stderr, "left out %d images (not decodable, or a label the classifier has no output for)\n",
                         report.skippedImages);
        printTable(report);
        if (!report.outputFile.isEmpty())
            std::fprintf(stderr, "wrote %s\n", report.outputFile.toUtf8().constData());
        std::fprintf(stderr, "the retrained head's predictions are the model '%s' (faultline-cli compare --models %s,%s)\n",
                     report.predictionSet.toUtf8().constData(), store->run(report.runId).predictionSet.toUtf8().constData(),
                     report.predictionSet.toUtf8().constData());
        if (parser.isSet(QStringLiteral("report")))
            writeReport(report, parser.value(QStringLiteral("report")));
        return cli::Ok;
    }, QStringLiteral("cancelled; nothing was written"));
}

namespace {

// "10,50,100" → {10, 50, 100}; Error naming --k otherwise.
QVector<int> kList(const QString &text)
{
    QVector<int> ks;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int k = part.trimmed().toInt(&ok);
        if (!ok || k < 1 || k > cli::kMaxPerClass)
            throw Error(QStringLiteral("--k: '%1' is not a count from 1 to %2").arg(part, QString::number(cli::kMaxPerClass)));
        ks << k;
    }
    if (ks.isEmpty())
        throw Error(QStringLiteral("--k: give at least one K"));
    return ks;
}

struct ArmResult
{
    QString arm;
    int k = 0;
    double hardGain = 0;    // accuracy points on the hard subpopulation, after − before
    double overallGain = 0;
    double hardAfter = 0;
    int seeds = 1;
};

} // namespace

int interventionsCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addRetrainOptions(parser);
    parser.addOption({QStringLiteral("k"), QStringLiteral("Images per class, comma-separated (default 10,50)."),
                      QStringLiteral("K,…"), QStringLiteral("10,50")});
    parser.addOption({QStringLiteral("random-seeds"),
                      QStringLiteral("filter-random is averaged over this many seeds (default 3)."), QStringLiteral("N"),
                      QStringLiteral("3")});
    parser.addOption({QStringLiteral("lambda"),
                      QStringLiteral("Also the synthetic intervention at each λ, comma-separated (paper 002 Fig. 5:"
                                     " test and held-out accuracy against λ; needs generated samples)."),
                      QStringLiteral("L,…")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Write DIR/interventions.csv (and DIR/lambda.csv)."),
                      QStringLiteral("DIR")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("interventions"),
                               QStringLiteral("Paper 000 Fig. 6: retrain the head with each filtering arm (decision value,"
                                              " confidence, random) and upweighting at each K; the gain on each class's"
                                              " hardest test images and overall."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        RetrainRequest base = requestFromOptions(parser);
        base.storePredictions = false; // many arms: the table is the result
        const QVector<int> ks = kList(parser.value(QStringLiteral("k")));
        const int seeds = cli::positiveInt(parser, QStringLiteral("random-seeds"), 100);
        const QVector<double> lambdas = parser.isSet(QStringLiteral("lambda"))
            ? cli::numberList(parser, QStringLiteral("lambda"), 0.0, std::numeric_limits<double>::infinity())
            : QVector<double>();
        QString root;
        auto store = cli::openProject(parser, &root);
        const qint64 runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        const auto classifier = classifierToRetrain(parser, *store, runId);
        cli::ConsoleJob job;
        checkHeadTrainingParams(base.training);
        // The run's rows and the classifier's features are read once for every arm, K and seed.
        HeadRetrainer retrainer(*store, root, *classifier, runId, base.headName, job.control());
        QVector<ArmResult> results;
        for (const int k : ks)
            for (const Intervention arm : {Intervention::FilterSvm, Intervention::FilterConfidence,
                                           Intervention::FilterRandom, Intervention::Upweight}) {
                ArmResult result;
                result.arm = interventionName(arm);
                result.k = k;
                result.seeds = arm == Intervention::FilterRandom ? seeds : 1;
                for (int seed = 0; seed < result.seeds; ++seed) {
                    RetrainRequest request = base;
                    request.intervention = arm;
                    request.k = k;
                    request.seed = quint64(seed);
                    const RetrainReport report = retrainer.retrain(request, job.control());
                    result.hardGain += 100.0 * (report.hard.after() - report.hard.before()) / result.seeds;
                    result.overallGain += 100.0 * (report.overall.after() - report.overall.before()) / result.seeds;
                    result.hardAfter += 100.0 * report.hard.after() / result.seeds;
                }
                results << result;
            }

        std::printf("%-18s %6s %12s %14s %12s  %s\n", "arm", "K", "hard gain", "overall gain", "hard after", "vs random");
        QString csv = csvLine({QStringLiteral("arm"), QStringLiteral("k"), QStringLiteral("seeds"), QStringLiteral("hard_gain"),
                               QStringLiteral("overall_gain"), QStringLiteral("hard_accuracy_after")});
        for (const ArmResult &r : results) {
            double random = 0;
            for (const ArmResult &other : results)
                if (other.k == r.k && other.arm == QLatin1String("filter-random"))
                    random = other.hardGain;
            const QString verdict = r.arm == QLatin1String("filter-random") ? QStringLiteral("(mean of %1 seeds)").arg(r.seeds)
                                    : r.hardGain > random                  ? QStringLiteral("beats random")
                                                                           : QStringLiteral("does not beat random");
            std::printf("%-18s %6d %+11.1f%% %+13.1f%% %11.1f%%  %s\n", r.arm.toUtf8().constData(), r.k, r.hardGain,
                        r.overallGain, r.hardAfter, verdict.toUtf8().constData());
            csv += csvLine({r.arm, QString::number(r.k), QString::number(r.seeds), QString::number(r.hardGain, 'g', 17),
                            QString::number(r.overallGain, 'g', 17), QString::number(r.hardAfter, 'g', 17)});
        }
        // Fig. 5: accuracy on the test split and on the held-out generated samples against λ.
        QString lambdaCsv = csvLine({QStringLiteral("lambda"), QStringLiteral("test_accuracy"), QStringLiteral("hard_accuracy"),
                                     QStringLiteral("heldout_accuracy")});
        if (!lambdas.isEmpty())
            std::printf("\n%-8s %14s %14s %18s\n", "lambda", "test after", "hard after", "generated held-out");
        for (const double lambda : lambdas) {
            RetrainRequest request = base;
            request.intervention = Intervention::Synthetic;
            request.lambda = lambda;
            const RetrainReport report = retrainer.retrain(request, job.control());
            std::printf("%-8g %13.1f%% %13.1f%% %17.1f%%\n", lambda, 100 * report.overall.after(), 100 * report.hard.after(),
                        100 * report.heldOut.after());
            lambdaCsv += csvLine({QString::number(lambda), QString::number(report.overall.after(), 'g', 17),
                                  QString::number(report.hard.after(), 'g', 17), QString::number(report.heldOut.after(), 'g', 17)});
        }
        if (parser.isSet(QStringLiteral("out"))) {
            const QString folder = parser.value(QStringLiteral("out"));
            if (!QDir().mkpath(folder))
                throw Error(QStringLiteral("%1: cannot create the folder").arg(folder));
            AtomicFileWriter file(QDir(folder).filePath(QStringLiteral("interventions.csv")));
            file.write(csv);
            file.commit();
            if (!lambdas.isEmpty()) {
                AtomicFileWriter sweep(QDir(folder).filePath(QStringLiteral("lambda.csv")));
                sweep.write(lambdaCsv);
                sweep.commit();
            }
        }
        return cli::Ok;
    }, QStringLiteral("cancelled; nothing was written"));
}
