// faultline-cli generate | check-generated: new test images for a class's failure mode from
// its captions, its slider vectors or its uncommon backgrounds, and the classifier's verdict on
// them (paper 000 Sec. 2.2–2.3, 4.1, A.6–A.7; paper 002 Sec. 4.3).
#include "CliSupport.h"
#include "Commands.h"
#include "RunOptions.h"

#include "classify/ImageClassifier.h"
#include "classify/ProjectClassifier.h"
#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "common/Error.h"
#include "embedding/TextEmbedder.h"
#include "generation/ClassSampleJob.h"
#include "generation/SampleCheck.h"
#include "interpret/RunImages.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"
#include "store/ProjectStore.h"

#include <QFileInfo>
#include <cmath>
#include <limits>
#include <cstdio>

using namespace faultline;

namespace {

void addBackendOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("backend"),
                      QStringLiteral("automatic1111 (text-to-image server), embedding-decoder (CLIP-vector server,"
                                     " docs/GENERATION_PROTOCOL.md) or retrieval (nearest real images; the default"
                                     " without --url)."), QStringLiteral("KIND")});
    parser.addOption({QStringLiteral("url"), QStringLiteral("The generation server's base URL."), QStringLiteral("URL")});
    parser.addOption({QStringLiteral("token"),
                      QStringLiteral("Bearer token for the server (default: $FAULTLINE_GENERATION_TOKEN)."),
                      QStringLiteral("TOKEN")});
    parser.addOption({QStringLiteral("timeout"), QStringLiteral("Seconds per request attempt (default 180)."),
                      QStringLiteral("S"), QStringLiteral("180")});
    parser.addOption({QStringLiteral("retries"), QStringLiteral("Retries after a transient failure (default 2)."),
                      QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("concurrency"), QStringLiteral("Requests in flight at once (default 2)."),
                      QStringLiteral("N"), QStringLiteral("2")});
}

GenerationBackendConfig backendConfig(const QCommandLineParser &parser)
{
    GenerationBackendConfig config;
    config.url = parser.value(QStringLiteral("url"));
    config.kind = parser.isSet(QStringLiteral("backend")) ? parser.value(QStringLiteral("backend"))
                  : config.url.isEmpty()                   ? QStringLiteral("retrieval")
                                                           : QStringLiteral("automatic1111");
    config.token = parser.isSet(QStringLiteral("token")) ? parser.value(QStringLiteral("token"))
                                                         : qEnvironmentVariable("FAULTLINE_GENERATION_TOKEN");
    config.limits.timeoutMs = cli::positiveInt(parser, QStringLiteral("timeout"), 86400) * 1000;
    config.limits.retries = cli::nonNegativeInt(parser, QStringLiteral("retries"), 100);
    config.limits.maxConcurrent = cli::positiveInt(parser, QStringLiteral("concurrency"), 64);
    return config;
}

QVector<qint64> idList(const QString &text)
{
    QVector<qint64> ids;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 id = part.trimmed().toLongLong(&ok);
        if (!ok || id <= 0)
            throw Error(QStringLiteral("--again: '%1' is not a sample id").arg(part));
        ids << id;
    }
    if (ids.isEmpty())
        throw Error(QStringLiteral("--again: no sample ids given"));
    return ids;
}

SampleSettings sampleSettings(const QCommandLineParser &parser)
{
    SampleSettings settings;
    settings.imagesPerRequest = cli::positiveInt(parser, QStringLiteral("count"), 64);
    if (parser.isSet(QStringLiteral("seed")))
        settings.seed = cli::nonNegativeInt(parser, QStringLiteral("seed"), std::numeric_limits<int>::max());
    settings.width = cli::positiveInt(parser, QStringLiteral("width"), cli::kMaxImageSide);
    settings.height = cli::positiveInt(parser, QStringLiteral("height"), cli::kMaxImageSide);
    settings.steps = cli::positiveInt(parser, QStringLiteral("steps"), 1000);
    settings.guidanceScale = cli::numberOption(parser, QStringLiteral("guidance"));
    settings.negativePrompt = parser.value(QStringLiteral("negative-prompt"));
    return settings;
}

void printAccuracy(const QVector<GroupAccuracy> &table)
{
    std::printf("%-20s  %-9s  %7s  %7s  %8s  %10s\n", "class", "group", "samples", "checked", "accuracy", "confidence");
    for (const GroupAccuracy &row : table) {
        const QString accuracy = row.checked ? QString::number(row.accuracy(), 'f', 3) : QStringLiteral("-");
        const QString confidence = row.checked ? QString::number(row.meanConfidence, 'f', 3) : QStringLiteral("-");
        std::printf("%-20s  %-9s  %7d  %7d  %8s  %10s\n", row.className.toUtf8().constData(),
                    row.group.toUtf8().constData(), row.samples, row.checked, accuracy.toUtf8().constData(),
                    confidence.toUtf8().constData());
    }
}

void writeAccuracyCsv(const QString &path, const QVector<GroupAccuracy> &table)
{
    QString text = csvLine({QStringLiteral("class"), QStringLiteral("group"), QStringLiteral("samples"),
                            QStringLiteral("checked"), QStringLiteral("correct"), QStringLiteral("accuracy"),
                            QStringLiteral("mean_confidence")});
    for (const GroupAccuracy &row : table)
        text += csvLine({row.className, row.group, QString::number(row.samples), QString::number(row.checked),
                         QString::number(row.correct), row.checked ? QString::number(row.accuracy(), 'g', 17) : QString(),
                         row.checked ? QString::number(row.meanConfidence, 'g', 17) : QString()});
    AtomicFileWriter file(path);
    file.write(text);
    file.commit();
}

void checkAndReport(const QCommandLineParser &parser, ProjectStore &store, const QString &root,
                    const QVector<GeneratedSample> &samples, JobControl *control)
{
    const auto classifier = loadProjectClassifier(store, parser.value(QStringLiteral("classifier")));
    if (!classifier)
        throw Error(QStringLiteral("no classifier to check with: run faultline-cli predict --classifier FILE first,"
                                   " or pass --classifier FILE"));
    const SampleCheckResult result = checkGeneratedSamples(store, root, *classifier, samples, control);
    for (const QString &error : result.errors)
        cli::printError(error);
    std::fprintf(stderr, "checked %d sample(s) with %s on %s\n", result.checked,
                 QFileInfo(classifier->spec().path).fileName().toUtf8().constData(),
                 classifier->deviceName().toUtf8().constData());
}

} // namespace

int generateCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addRunOptions(parser);
    parser.addOption({QStringLiteral("class"), QStringLiteral("The class."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("from"),
                      QStringLiteral("caption (hard, easy and reference captions as prompts; default), slerp (the"
                                     " slider's vectors) or background (paper 002: \"<class> in <background>\" for"
                                     " the backgrounds its failures were matched to)."), QStringLiteral("SOURCE"),
                      QStringLiteral("caption")});
    parser.addOption({QStringLiteral("alpha"),
                      QStringLiteral("slerp: difficulties in [-1, 1], comma-separated (default -0.5,0,0.5)."),
                      QStringLiteral("A,B,…"), QStringLiteral("-0.5,0,0.5")});
    parser.addOption({QStringLiteral("captions"), QStringLiteral("caption: hard and easy captions each (default 2)."),
                      QStringLiteral("K"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("backgrounds"), QStringLiteral("background: the top K backgrounds (default 3)."),
                      QStringLiteral("K"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("vocab"), QStringLiteral("Caption vocabulary (default generic)."),
                      QStringLiteral("NAME|FILE"), QStringLiteral("generic")});
    parser.addOption({QStringLiteral("reference"), QStringLiteral("Reference caption (default the vocabulary's)."),
                      QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("count"), QStringLiteral("Images per prompt or vector (default 4)."),
                      QStringLiteral("N"), QStringLiteral("4")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("First seed (default random); the plan's requests get"
                                                            " consecutive ranges."), QStringLiteral("S")});
    parser.addOption({QStringLiteral("width"), QStringLiteral("Image width (default 512)."), QStringLiteral("W"),
                      QStringLiteral("512")});
    parser.addOption({QStringLiteral("height"), QStringLiteral("Image height (default 512)."), QStringLiteral("H"),
                      QStringLiteral("512")});
    parser.addOption({QStringLiteral("steps"), QStringLiteral("Diffusion steps (default 25)."), QStringLiteral("N"),
                      QStringLiteral("25")});
    parser.addOption({QStringLiteral("guidance"), QStringLiteral("Guidance scale (default 7)."), QStringLiteral("G"),
                      QStringLiteral("7")});
    parser.addOption({QStringLiteral("negative-prompt"), QStringLiteral("Negative prompt."), QStringLiteral("TEXT")});
    addBackendOptions(parser);
    parser.addOption({QStringLiteral("again"),
                      QStringLiteral("Make these stored samples again from their seeds (ids, comma-separated) and say"
                                     " whether the images are identical."), QStringLiteral("ID,…")});
    parser.addOption({QStringLiteral("check"), QStringLiteral("Run the project's classifier on the new samples.")});
    parser.addOption({QStringLiteral("classifier"), QStringLiteral("With --check: this TorchScript file instead."),
                      QStringLiteral("FILE")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("generate"),
                               QStringLiteral("Generate hard, easy and reference samples of a class's failure mode and"
                                              " store them in the project."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        ClassSampleJob job;
        if (parser.isSet(QStringLiteral("again")))
            job.againIds = idList(parser.value(QStringLiteral("again")));
        else if (!parser.isSet(QStringLiteral("class")))
            throw Error(QStringLiteral("--class C is required"));
        job.className = parser.value(QStringLiteral("class"));
        const QString from = parser.value(QStringLiteral("from"));
        if (!job.againIds.isEmpty())
            job.source = ClassSampleJob::Source::Again;
        else if (from == QLatin1String("caption"))
            job.source = ClassSampleJob::Source::Captions;
        else if (from == QLatin1String("slerp"))
            job.source = ClassSampleJob::Source::Slerp;
        else if (from == QLatin1String("background"))
            job.source = ClassSampleJob::Source::Backgrounds;
        else
            throw Error(QStringLiteral("--from: '%1' is not caption, slerp or background").arg(from));
        job.alphas = cli::numberList(parser, QStringLiteral("alpha"), -1.0, 1.0);
        job.captionsPerSide = cli::positiveInt(parser, QStringLiteral("captions"), 100);
        job.backgrounds = cli::positiveInt(parser, QStringLiteral("backgrounds"), 100);
        job.vocabulary = parser.value(QStringLiteral("vocab"));
        job.reference = parser.value(QStringLiteral("reference"));
        job.settings = sampleSettings(parser);
        job.backend = backendConfig(parser);
        job.check = parser.isSet(QStringLiteral("check"));
        job.classifierPath = parser.value(QStringLiteral("classifier"));

        auto store = cli::openProject(parser, &job.datasetRoot);
        job.projectPath = store->path();
        job.runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        if (!job.againIds.isEmpty()) { // the class (and run) of the samples to make again
            const QVector<GeneratedSample> again = store->generatedSamples(job.againIds);
            if (again.size() != job.againIds.size())
                throw Error(QStringLiteral("--again: not every id names a generated sample of this project"));
            job.className = again.first().className;
            if (again.first().runId > 0 && !parser.isSet(QStringLiteral("run")))
                job.runId = again.first().runId;
        }
        cli::ConsoleJob console;
        const auto model = cli::loadRunModel(parser, *store, job.runId, console.control());
        const TextEncoder encode = [&](const QStringList &texts) { return embedTexts(*model, ClipTokenizer::builtin(), texts); };
        std::printf("id\tgroup\tfile\tseed\tprompt or alpha\n");
        const ClassSampleResult result = runClassSampleJob(
            job, encode, clipArchitectureName(model->hyperParams()), console.control(), [](const GeneratedSample &sample) {
                const QString what = sample.alpha ? QStringLiteral("alpha=%1").arg(*sample.alpha) : sample.prompt;
                std::printf("%lld\t%s\t%s\t%lld\t%s\n", static_cast<long long>(sample.id), sample.group.toUtf8().constData(),
                            sample.file.toUtf8().constData(), static_cast<long long>(sample.seed), what.toUtf8().constData());
                std::fflush(stdout);
            });
        for (const BackgroundShare &share : result.backgrounds)
            std::fprintf(stderr, "background %-28s %4d failure(s) (%.0f%%)\n", share.background.toUtf8().constData(),
                         share.failures, 100.0 * share.share);
        for (const QString &note : result.notes)
            std::fprintf(stderr, "note: %s\n", note.toUtf8().constData());
        if (result.unchecked)
            std::fprintf(stderr, "note: the project has no classifier, so the new images have no verdict yet: run one"
                                 " with faultline-cli predict --classifier FILE, then check-generated\n");
        for (const QString &error : result.errors)
            cli::printError(error);
        std::fprintf(stderr, "stored %lld sample(s) from %d request(s) with %s\n",
                     static_cast<long long>(result.samples.size()), result.requests, result.backend.toUtf8().constData());
        if (job.check && !result.samples.isEmpty())
            printAccuracy(generatedAccuracy(result.samples));
        return result.samples.isEmpty() ? int(cli::Failed) : int(cli::Ok);
    });
}

int checkGeneratedCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    parser.addOption({QStringLiteral("class"), QStringLiteral("Only this class's samples."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("classifier"),
                      QStringLiteral("TorchScript classifier (default: the one faultline-cli predict stored)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("recheck"), QStringLiteral("Also re-check samples that already have a verdict.")});
    parser.addOption({QStringLiteral("csv"), QStringLiteral("Write the per-group accuracy table here."),
                      QStringLiteral("FILE")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("check-generated"),
                               QStringLiteral("Run the classifier on generated samples and report its accuracy on the"
                                              " hard, reference and easy ones (paper 000 Fig. 8b)."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        QString root;
        auto store = cli::openProject(parser, &root);
        const QVector<GeneratedSample> samples = store->generatedSamples(parser.value(QStringLiteral("class")));
        if (samples.isEmpty())
            throw Error(QStringLiteral("no generated samples%1: run faultline-cli generate first")
                            .arg(parser.isSet(QStringLiteral("class"))
                                     ? QStringLiteral(" of class '%1'").arg(parser.value(QStringLiteral("class")))
                                     : QString()));
        QVector<GeneratedSample> toCheck;
        for (const GeneratedSample &sample : samples)
            if (parser.isSet(QStringLiteral("recheck")) || sample.prediction.isEmpty()
                || parser.isSet(QStringLiteral("classifier")))
                toCheck << sample;
        if (!toCheck.isEmpty()) {
            cli::ConsoleJob job;
            checkAndReport(parser, *store, root, toCheck, job.control());
        }
        const QVector<GroupAccuracy> table = generatedAccuracy(store->generatedSamples(parser.value(QStringLiteral("class"))));
        printAccuracy(table);
        if (parser.isSet(QStringLiteral("csv")))
            writeAccuracyCsv(parser.value(QStringLiteral("csv")), table);
        return int(cli::Ok);
    });
}

int samplesCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    parser.addOption({QStringLiteral("class"), QStringLiteral("Only this class's samples."), QStringLiteral("C")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("samples"),
                               QStringLiteral("List the generated samples stored in a project (tab-separated: id, class,"
                                              " group, origin, backend, seed, alpha, verdict, confidence, file, prompt)."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        QString root;
        auto store = cli::openProject(parser, &root);
        std::printf("id\tclass\tgroup\torigin\tbackend\tseed\talpha\tverdict\tconfidence\tfile\tprompt\n");
        for (const GeneratedSample &sample : store->generatedSamples(parser.value(QStringLiteral("class")))) {
            const std::optional<bool> correct = sample.correct();
            const QString verdict = !correct ? QStringLiteral("-")
                                             : (*correct ? QStringLiteral("correct:") : QStringLiteral("wrong:")) + sample.prediction;
            const QStringList fields{QString::number(sample.id), sample.className, sample.group, sample.origin,
                                     sample.backend, QString::number(sample.seed),
                                     sample.alpha ? QString::number(*sample.alpha) : QStringLiteral("-"), verdict,
                                     sample.confidence ? QString::number(*sample.confidence, 'f', 4) : QStringLiteral("-"),
                                     sample.file, sample.prompt};
            std::printf("%s\n", fields.join(QLatin1Char('\t')).toUtf8().constData());
        }
        return int(cli::Ok);
    });
}
