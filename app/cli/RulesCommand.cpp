// faultline-cli rules: Barlow's failure rules (paper 003) per class of a stored run — shallow
// decision trees over concept cosines, the embedding's dimensions or an imported feature matrix.
#include "CliSupport.h"
#include "Commands.h"
#include "RunOptions.h"

#include "captions/CaptionVocabulary.h"
#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "common/Error.h"
#include "embedding/TextEmbedder.h"
#include "interpret/RunImages.h"
#include "io/BoundedFile.h"
#include "report/RulesReportWriter.h"
#include "rules/ClassFailureRules.h"
#include "store/ProjectStore.h"

#include <cstdio>
#include <memory>
#include <optional>

using namespace faultline;

namespace {

QStringList readConceptList(const QString &path)
{
    QStringList concepts;
    for (QString line : QString::fromUtf8(readBoundedFile(path, kMaxSmallTextBytes, QStringLiteral("concept list")))
                            .split(QLatin1Char('\n'))) {
        line = line.trimmed();
        if (!line.isEmpty() && !line.startsWith(QLatin1Char('#')))
            concepts << line;
    }
    return concepts;
}

} // namespace

int rulesCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addRunOptions(parser);
    parser.addOption({QStringLiteral("class"), QStringLiteral("Only this class (default: every class of the run)."),
                      QStringLiteral("C")});
    parser.addOption({QStringLiteral("features"),
                      QStringLiteral("What rules may name: concepts (cosines to text concepts, default), embedding (the"
                                     " embedding's dimensions) or an .npy file [N, M] (with --feature-paths)."),
                      QStringLiteral("concepts|embedding|FILE"), QStringLiteral("concepts")});
    parser.addOption({QStringLiteral("feature-paths"), QStringLiteral("The dataset path of each row of the --features file."),
                      QStringLiteral("TXT")});
    parser.addOption({QStringLiteral("feature-names"), QStringLiteral("A name per column of the --features file, one per line."),
                      QStringLiteral("TXT")});
    parser.addOption({QStringLiteral("vocab"),
                      QStringLiteral("Caption vocabulary the concepts are composed from: generic (default), cifar10,"
                                     " imagenet, celeba, cifar100, a JSON file, or none."), QStringLiteral("NAME|FILE"),
                      QStringLiteral("generic")});
    parser.addOption({QStringLiteral("concepts"),
                      QStringLiteral("Your own concepts, one per line ({class} becomes the class name)."),
                      QStringLiteral("TXT")});
    parser.addOption({QStringLiteral("k"), QStringLiteral("Features kept by mutual information with failure (default 50)."),
                      QStringLiteral("K"), QStringLiteral("50")});
    parser.addOption({QStringLiteral("depth"), QStringLiteral("Tree depth, 1 to 3 (default 2)."), QStringLiteral("D"),
                      QStringLiteral("2")});
    parser.addOption({QStringLiteral("grouping"),
                      QStringLiteral("label: a class's images (false negatives, default); prediction: the images predicted"
                                     " as it (false positives)."), QStringLiteral("label|prediction"), QStringLiteral("label")});
    parser.addOption({QStringLiteral("split"),
                      QStringLiteral("Images explained (default: the split the run fitted on)."), QStringLiteral("SPLIT")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Write rules.csv, trees.csv, features.csv and rule_images.csv here."),
                      QStringLiteral("DIR")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("rules"),
                               QStringLiteral("Explain each class's failures as decision-tree rules (Barlow, paper 003):"
                                              " error rate, error coverage and importance per leaf, ALER per tree."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        RulesRequest request;
        request.options.topFeatures = cli::positiveInt(parser, QStringLiteral("k"), cli::kMaxNeighbours);
        request.options.depth = cli::positiveInt(parser, QStringLiteral("depth"), 3);
        const QString grouping = parser.value(QStringLiteral("grouping"));
        if (grouping == QLatin1String("prediction"))
            request.grouping = RuleGrouping::Prediction;
        else if (grouping != QLatin1String("label"))
            throw Error(QStringLiteral("--grouping: '%1' is not label or prediction").arg(grouping));
        if (parser.isSet(QStringLiteral("split")))
            request.split = cli::splitOption(parser);
        if (parser.isSet(QStringLiteral("class")))
            request.classes = QStringList{parser.value(QStringLiteral("class"))};

        const QString features = parser.value(QStringLiteral("features"));
        std::optional<CaptionVocabulary> vocabulary;
        if (features == QLatin1String("embedding")) {
            request.features.kind = RuleFeatureKind::Embedding;
        } else if (features == QLatin1String("concepts")) {
            request.features.kind = RuleFeatureKind::Concepts;
            if (parser.value(QStringLiteral("vocab")) != QLatin1String("none"))
                vocabulary = CaptionVocabulary::open(parser.value(QStringLiteral("vocab")));
            request.features.vocabulary = vocabulary ? &*vocabulary : nullptr;
            if (parser.isSet(QStringLiteral("concepts")))
                request.features.userConcepts = readConceptList(parser.value(QStringLiteral("concepts")));
        } else {
            request.features.kind = RuleFeatureKind::File;
            request.features.file = features;
            request.features.pathsFile = parser.value(QStringLiteral("feature-paths"));
            request.features.namesFile = parser.value(QStringLiteral("feature-names"));
        }

        QString root;
        auto store = cli::openProject(parser, &root);
        request.runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        cli::ConsoleJob job;
        // The text tower is loaded only when a concept is not stored in the project yet.
        std::unique_ptr<ClipModel> model;
        request.features.encode = [&](const QStringList &texts) {
            if (!model)
                model = cli::loadRunModel(parser, *store, request.runId, job.control());
            return embedTexts(*model, ClipTokenizer::builtin(), texts);
        };
        const QVector<ClassFailureRules> rules = explainClassFailures(*store, request, job.control());

        for (const ClassFailureRules &c : rules) {
            if (!c.skipReason.isEmpty()) {
                std::printf("%s: skipped (%s)\n", c.className.toUtf8().constData(), c.skipReason.toUtf8().constData());
                continue;
            }
            std::printf("%s: %d images, %d failures, BER %.3f, ALER %.3f\n", c.className.toUtf8().constData(),
                        c.tree.samples, c.tree.failures, c.tree.baseErrorRate, c.tree.averageLeafErrorRate);
            for (const FailureRuleLeaf &leaf : c.tree.leaves)
                std::printf("  IV %.3f  ER %.3f  EC %.3f  n %-6d %s\n", leaf.importance, leaf.errorRate,
                            leaf.errorCoverage, leaf.samples, leaf.rule.toUtf8().constData());
        }
        if (parser.isSet(QStringLiteral("out"))) {
            writeRulesReport(rules, parser.value(QStringLiteral("out")));
            std::fprintf(stderr, "wrote %s/rules.csv, trees.csv, features.csv and rule_images.csv\n",
                         parser.value(QStringLiteral("out")).toUtf8().constData());
        }
        return cli::Ok;
    });
}
