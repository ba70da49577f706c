// faultline-cli captions | validate-caption | slerp | modes: interpreting a stored run's failure
// directions with CLIP text (paper 000, Sec. 2.2 and A.5–A.6).
#include "CliSupport.h"
#include "Commands.h"
#include "RunOptions.h"

#include "analysis/FailureModeExplorer.h"
#include "captions/CaptionCandidates.h"
#include "captions/CaptionVocabulary.h"
#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "common/Error.h"
#include "embedding/TextEmbedder.h"
#include "interpret/CaptionRanking.h"
#include "interpret/CaptionValidation.h"
#include "interpret/ClassCaptions.h"
#include "interpret/RunCheckpoint.h"
#include "interpret/RunImages.h"
#include "interpret/RunReplay.h"
#include "interpret/StoredFailureDirection.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"
#include "retrieval/EmbeddingIndex.h"
#include "retrieval/Slerp.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace faultline;
using cli::addRunOptions;
using cli::embedOne;
using cli::loadRunModel;
using cli::splitOption;

namespace {

QStringList fittedClasses(const ProjectStore &store, qint64 runId)
{
    QStringList classes;
    for (const RunClassRow &row : store.runClasses(runId))
        if (row.status == QLatin1String("ok"))
            classes << row.className;
    return classes;
}

RunClassImages validationImagesOf(const ProjectStore &store, qint64 runId, const QString &className, Split split)
{
    return validationImages(loadRunClassImages(store, runId, className), split);
}

} // namespace

int captionsCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addRunOptions(parser);
    parser.addOption({QStringLiteral("vocab"),
                      QStringLiteral("Caption vocabulary: generic (default), cifar10, imagenet, celeba, cifar100 or a"
                                     " JSON file (docs/CAPTION_VOCABULARIES.md)."), QStringLiteral("NAME|FILE"),
                      QStringLiteral("generic")});
    parser.addOption({QStringLiteral("class"), QStringLiteral("Only this class (default: every fitted class)."),
                      QStringLiteral("C")});
    parser.addOption({QStringLiteral("top"), QStringLiteral("Captions per side to print and write (default 5)."),
                      QStringLiteral("K"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("split"),
                      QStringLiteral("Split for the validation curves (default test)."), QStringLiteral("SPLIT"),
                      QStringLiteral("test")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("Write captions.csv (class,caption,score,rank,side) and validation.csv here."),
                      QStringLiteral("DIR")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("captions"),
                               QStringLiteral("Rank caption candidates along each class's failure direction."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        const int top = cli::positiveInt(parser, QStringLiteral("top"), cli::kMaxNeighbours);
        const Split split = splitOption(parser);
        const CaptionVocabulary vocabulary = CaptionVocabulary::open(parser.value(QStringLiteral("vocab")));
        QString root;
        auto store = cli::openProject(parser, &root);
        const qint64 runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        QStringList classes = fittedClasses(*store, runId);
        if (parser.isSet(QStringLiteral("class"))) {
            const QString only = parser.value(QStringLiteral("class"));
            if (!classes.contains(only))
                throw Error(QStringLiteral("class '%1' has no failure direction in run %2").arg(only).arg(runId));
            classes = QStringList{only};
        }
        cli::ConsoleJob job;
        const auto model = loadRunModel(parser, *store, runId, job.control());

        QString captionsCsv = csvLine({QStringLiteral("class"), QStringLiteral("caption"), QStringLiteral("score"),
                                       QStringLiteral("rank"), QStringLiteral("side")});
        QString validationCsv = csvLine({QStringLiteral("class"), QStringLiteral("kind"), QStringLiteral("caption"),
                                         QStringLiteral("k"), QStringLiteral("accuracy")});
        for (qsizetype c = 0; c < classes.size(); ++c) {
            const QString &className = classes[c];
            job.control()->report(c, classes.size(), QStringLiteral("captions"));
            job.control()->checkCancelled();
            const TextEncoder encode = [&](const QStringList &texts) {
                return embedTexts(*model, ClipTokenizer::builtin(), texts);
            };
            const ClassCaptionRanking ranking = rankClassCaptions(*store, runId, vocabulary, className, encode,
                                                                  CaptionScoreStorage::Store, job.control());
            const QVector<RankedCaption> &ranked = ranking.ranked;
            const QString &reference = ranking.reference;
            const std::vector<float> &referenceEmbedding = ranking.referenceEmbedding;

            std::printf("%s (cv %.3f, %lld captions; reference \"%s\")\n", className.toUtf8().constData(),
                        ranking.cvBalancedAccuracy, static_cast<long long>(ranked.size()),
                        reference.toUtf8().constData());
            const int k = int(std::min<qsizetype>(top, ranked.size()));
            for (int side = 0; side < 2; ++side) {
                const QString sideName = side == 0 ? QStringLiteral("hard") : QStringLiteral("easy");
                for (int i = 0; i < k; ++i) {
                    const RankedCaption &r = side == 0 ? ranked[i] : ranked[ranked.size() - 1 - i];
                    // %g: with a small C the decision values are tiny (~1e-6); %f would print ±0.0000.
                    std::printf("  %s %d  %+.4g  %s\n", sideName.toLatin1().constData(), i + 1, r.score,
                                r.caption.toUtf8().constData());
                    captionsCsv += csvLine({className, r.caption, QString::number(r.score, 'g', 9), QString::number(i + 1),
                                            sideName});
                }
            }

            // Figure 7b: accuracy over the images nearest to the hard, easy and reference captions.
            const RunClassImages images = validationImagesOf(*store, runId, className, split);
            const std::vector<std::pair<QString, QString>> kinds = {
                {QStringLiteral("hard"), ranked.first().caption},
                {QStringLiteral("easy"), ranked.last().caption},
                {QStringLiteral("reference"), reference}};
            for (const auto &[kind, caption] : kinds) {
                const std::vector<float> text = kind == QLatin1String("reference") ? referenceEmbedding : embedOne(*model, caption);
                for (const AccuracyAtK &point : accuracyAlongCaption(images.embeddings, images.correct, text))
                    validationCsv += csvLine({className, kind, caption, QString::number(point.k),
                                              QString::number(point.accuracy, 'f', 6)});
            }
        }
        job.control()->report(classes.size(), classes.size(), QStringLiteral("captions"));
        if (parser.isSet(QStringLiteral("out"))) {
            const QDir out(parser.value(QStringLiteral("out")));
            if (!QDir().mkpath(out.path()))
                throw Error(QStringLiteral("%1: cannot create the output folder").arg(out.path()));
            for (const auto &[name, text] : {std::pair{QStringLiteral("captions.csv"), captionsCsv},
                                             std::pair{QStringLiteral("validation.csv"), validationCsv}}) {
                AtomicFileWriter file(out.filePath(name));
                file.write(text);
                file.commit();
            }
            std::fprintf(stderr, "wrote %s/captions.csv and validation.csv\n", out.path().toLocal8Bit().constData());
        }
        return cli::Ok;
    });
}

int validateCaptionCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addRunOptions(parser);
    parser.addOption({QStringLiteral("class"), QStringLiteral("The class."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("caption"), QStringLiteral("The caption to validate."), QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("split"), QStringLiteral("Images to rank (default test)."), QStringLiteral("SPLIT"),
                      QStringLiteral("test")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("validate-caption"),
                               QStringLiteral("Accuracy of the classifier over the class's images nearest to a caption,"
                                              " for the top K = 10 … all, beside the reference caption's."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        if (!parser.isSet(QStringLiteral("class")) || !parser.isSet(QStringLiteral("caption")))
            throw Error(QStringLiteral("--class C and --caption TEXT are required"));
        const Split split = splitOption(parser);
        const QString className = parser.value(QStringLiteral("class"));
        QString root;
        auto store = cli::openProject(parser, &root);
        const qint64 runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        const RunClassImages images = validationImagesOf(*store, runId, className, split);
        cli::ConsoleJob job;
        const auto model = loadRunModel(parser, *store, runId, job.control());
        const QString reference = referenceCaption(CaptionVocabulary::builtin(QStringLiteral("generic")), className);
        const auto curve = accuracyAlongCaption(images.embeddings, images.correct,
                                                embedOne(*model, parser.value(QStringLiteral("caption"))));
        const auto baseline = accuracyAlongCaption(images.embeddings, images.correct, embedOne(*model, reference));
        std::printf("%6s  %10s  %10s\n", "k", "caption", "reference");
        for (size_t i = 0; i < curve.size(); ++i)
            std::printf("%6d  %10.4f  %10.4f\n", curve[i].k, curve[i].accuracy, baseline[i].accuracy);
        return cli::Ok;
    });
}

int slerpCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addRunOptions(parser);
    parser.addOption({QStringLiteral("class"), QStringLiteral("The class."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("alpha"),
                      QStringLiteral("Difficulty in [-1, 1]: negative rotates the reference caption toward the hard"
                                     " direction, positive toward the easy one, 0 is the reference."),
                      QStringLiteral("A"), QStringLiteral("-0.5")});
    parser.addOption({QStringLiteral("split"), QStringLiteral("Images to search (default test)."), QStringLiteral("SPLIT"),
                      QStringLiteral("test")});
    parser.addOption({QStringLiteral("k"), QStringLiteral("How many nearest images (default 16)."), QStringLiteral("K"),
                      QStringLiteral("16")});
    parser.addOption({QStringLiteral("reference"), QStringLiteral("Reference caption (default \"a photo of a <class>\")."),
                      QStringLiteral("TEXT")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("slerp"),
                               QStringLiteral("The real images nearest to the reference caption rotated along the class's"
                                              " failure direction (the difficulty slider)."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        if (!parser.isSet(QStringLiteral("class")))
            throw Error(QStringLiteral("--class C is required"));
        bool ok = false;
        const double alpha = parser.value(QStringLiteral("alpha")).toDouble(&ok);
        if (!ok || !(alpha >= -1.0 && alpha <= 1.0))
            throw Error(QStringLiteral("--alpha: '%1' is not a number in [-1, 1]").arg(parser.value(QStringLiteral("alpha"))));
        const int k = cli::positiveInt(parser, QStringLiteral("k"), cli::kMaxNeighbours);
        const Split split = splitOption(parser);
        const QString className = parser.value(QStringLiteral("class"));
        QString root;
        auto store = cli::openProject(parser, &root);
        const qint64 runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        const StoredFailureDirection direction = StoredFailureDirection::load(*store, runId, className);
        const RunClassImages images = loadRunClassImages(*store, runId, className, split);
        if (images.size() == 0)
            throw Error(QStringLiteral("class '%1' has no images in split '%2'").arg(className, splitName(split)));
        cli::ConsoleJob job;
        const auto model = loadRunModel(parser, *store, runId, job.control());
        const QString reference = parser.isSet(QStringLiteral("reference"))
                                      ? parser.value(QStringLiteral("reference"))
                                      : referenceCaption(CaptionVocabulary::builtin(QStringLiteral("generic")), className);
        const std::vector<float> text = embedOne(*model, reference);
        const Eigen::VectorXf query = difficultyVector(Eigen::Map<const Eigen::VectorXf>(text.data(), Eigen::Index(text.size())),
                                                       direction.clipSpaceDirection(), alpha);
        // One query: the exact scan (calibrating an approximate search would take longer).
        const EmbeddingIndex index = EmbeddingIndex::build(images.embeddings.data(), images.size(), images.dim,
                                                           EmbeddingIndex::Precision::Float16,
                                                           EmbeddingIndex::Approximation::Never);
        std::vector<EmbeddingIndex::Neighbor> nearest;
        index.nearest(query, k, nearest);
        std::printf("%4s  %8s  %9s  %7s  %s\n", "rank", "cosine", "decision", "correct", "path");
        for (size_t i = 0; i < nearest.size(); ++i) {
            const qint64 row = nearest[i].row;
            std::printf("%4zu  %8.4f  %+9.4g  %7s  %s\n", i + 1, nearest[i].cosine, images.decisionValues[size_t(row)],
                        images.correct[size_t(row)] ? "yes" : "no", images.paths[row].toUtf8().constData());
        }
        return cli::Ok;
    });
}

int modesCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addRunOptions(parser);
    parser.addOption({QStringLiteral("class"), QStringLiteral("The class."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("vocab"),
                      QStringLiteral("Also rank this caption vocabulary along every mode (needs the CLIP model)."),
                      QStringLiteral("NAME|FILE")});
    parser.addOption({QStringLiteral("max"), QStringLiteral("At most this many modes (default 3)."), QStringLiteral("N"),
                      QStringLiteral("3")});
    parser.addOption({QStringLiteral("min-strength"),
                      QStringLiteral("CV balanced accuracy a further mode needs (default 0.6)."), QStringLiteral("B"),
                      QStringLiteral("0.6")});
    parser.addOption({QStringLiteral("split"), QStringLiteral("Split whose hardest images are listed (default test)."),
                      QStringLiteral("SPLIT"), QStringLiteral("test")});
    parser.addOption({QStringLiteral("k"), QStringLiteral("Hardest images listed per mode (default 8)."), QStringLiteral("K"),
                      QStringLiteral("8")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("modes"),
                               QStringLiteral("Find a class's failure modes one after another: each further direction is"
                                              " fitted orthogonal to the earlier ones, and reported while it beats"
                                              " chance."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        if (!parser.isSet(QStringLiteral("class")))
            throw Error(QStringLiteral("--class C is required"));
        FailureModeParams modeParams;
        modeParams.maxModes = cli::positiveInt(parser, QStringLiteral("max"), 32);
        bool ok = false;
        modeParams.minStrength = parser.value(QStringLiteral("min-strength")).toDouble(&ok);
        if (!ok || modeParams.minStrength < 0.5 || modeParams.minStrength > 1)
            throw Error(QStringLiteral("--min-strength: '%1' is not in [0.5, 1]").arg(parser.value(QStringLiteral("min-strength"))));
        const int k = cli::positiveInt(parser, QStringLiteral("k"), cli::kMaxNeighbours);
        const Split split = splitOption(parser);
        const QString className = parser.value(QStringLiteral("class"));
        QString root;
        auto store = cli::openProject(parser, &root);
        const qint64 runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        const RunReplay replay = replayRun(*store, runId);
        const int classIndex = int(replay.data.classNames.indexOf(className));
        if (classIndex < 0)
            throw Error(QStringLiteral("run %1 has no class '%2'").arg(runId).arg(className));
        cli::ConsoleJob job;
        const FailureModes found =
            exploreFailureModes(replay.data, replay.whitener, classIndex, replay.params, modeParams, job.control());

        // Caption directions d = t − t₀ in the run's whitened space, scored per mode below.
        QStringList captions;
        std::vector<Eigen::VectorXd> captionDirections;
        if (parser.isSet(QStringLiteral("vocab"))) {
            const CaptionVocabulary vocabulary = CaptionVocabulary::open(parser.value(QStringLiteral("vocab")));
            for (const CaptionCandidate &candidate : captionCandidates(vocabulary, className))
                captions << candidate.text;
            const auto model = loadRunModel(parser, *store, runId, job.control());
            const std::vector<float> texts = embedTexts(*model, ClipTokenizer::builtin(), captions);
            const std::vector<float> reference = embedOne(*model, referenceCaption(vocabulary, className));
            const Eigen::Index dim = Eigen::Index(reference.size());
            const Eigen::VectorXd t0 = Eigen::Map<const Eigen::VectorXf>(reference.data(), dim).cast<double>();
            for (qsizetype i = 0; i < captions.size(); ++i)
                captionDirections.push_back(replay.whitener.transform(
                    Eigen::VectorXd(Eigen::Map<const Eigen::VectorXf>(texts.data() + i * dim, dim).cast<double>() - t0)));
        }
        for (size_t m = 0; m < found.modes.size(); ++m) {
            const FailureMode &mode = found.modes[m];
            std::printf("mode %zu: CV balanced accuracy %.3f (chance %.3f ± %.3f), C %g\n", m + 1,
                        mode.cvBalancedAccuracy, mode.chanceMean, mode.chanceStd, mode.C);
            std::vector<size_t> order;
            for (size_t i = 0; i < found.rows.size(); ++i)
                if (replay.data.split[size_t(found.rows[i])] == split)
                    order.push_back(i);
            std::sort(order.begin(), order.end(),
                      [&](size_t a, size_t b) { return mode.decisionValues[a] < mode.decisionValues[b]; });
            for (size_t i = 0; i < order.size() && i < size_t(k); ++i) {
                const int row = found.rows[order[i]];
                std::printf("  %+9.4g  %-7s  %s\n", mode.decisionValues[order[i]],
                            replay.data.correct[size_t(row)] ? "correct" : "error", replay.paths[row].toUtf8().constData());
            }
            std::vector<std::pair<double, qsizetype>> scored;
            for (qsizetype c = 0; c < captions.size(); ++c)
                scored.push_back({mode.decision(captionDirections[size_t(c)]), c});
            std::sort(scored.begin(), scored.end());
            for (size_t i = 0; i < scored.size() && i < 3; ++i)
                std::printf("  caption %+.4g  %s\n", scored[i].first, captions[scored[i].second].toUtf8().constData());
        }
        std::printf("stopped: %s\n", found.stopReason.toUtf8().constData());
        return cli::Ok;
    });
}
