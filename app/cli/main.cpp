#include "CliSupport.h"
#include "Commands.h"
#include "common/BuildInfo.h"
#include "store/StoreAccess.h"

#include <QCoreApplication>
#include <cstdio>
#include <functional>
#include <map>

namespace {

struct Command
{
    std::function<int(const QStringList &)> run;
    const char *summary;
};

const std::map<QString, Command> &commands()
{
    static const std::map<QString, Command> table = {
        {QStringLiteral("analyze"), {analyzeCommand, "scan a dataset, import predictions/embeddings, fit failure directions"}},
        {QStringLiteral("captions"), {captionsCommand, "rank caption candidates along each class's failure direction"}},
        {QStringLiteral("validate-caption"), {validateCaptionCommand, "accuracy over the images nearest to a caption"}},
        {QStringLiteral("slerp"), {slerpCommand, "nearest real images along the difficulty slider"}},
        {QStringLiteral("map"), {mapCommand, "a class's images in 2-D: PCA or t-SNE of their CLIP embeddings"}},
        {QStringLiteral("modes"), {modesCommand, "find further failure modes of a class, orthogonal to the first"}},
        {QStringLiteral("embed"), {embedCommand, "embed a dataset's images with CLIP into its project (cached)"}},
        {QStringLiteral("embed-text"), {embedTextCommand, "embed texts with CLIP's text tower"}},
        {QStringLiteral("export"), {exportCommand, "export the hardest images per class as a folder + manifest.csv"}},
        {QStringLiteral("export-generated"), {exportGeneratedCommand, "export generated samples per group as folders + generated.csv"}},
        {QStringLiteral("import"), {importCommand, "merge embedding/prediction shards made on a cluster into the project"}},
        {QStringLiteral("models"), {modelsCommand, "list, download or import CLIP models (models --help)"}},
        {QStringLiteral("generate"), {generateCommand, "generate hard/easy/reference samples of a class's failure mode"}},
        {QStringLiteral("check-generated"), {checkGeneratedCommand, "the classifier's accuracy on generated samples, per group"}},
        {QStringLiteral("samples"), {samplesCommand, "list the generated samples stored in a project"}},
        {QStringLiteral("prune"), {pruneCommand, "delete the stored images that are missing from the dataset folder"}},
        {QStringLiteral("predict"), {predictCommand, "run a TorchScript classifier over a dataset, store its predictions"}},
        {QStringLiteral("predictions"), {predictionsCommand, "list the project's models (prediction sets), choose or remove one"}},
        {QStringLiteral("compare"), {compareCommand, "compare models: accuracy, failure overlap (IoU), collective failures"}},
        {QStringLiteral("interventions"), {interventionsCommand, "compare the retraining arms at each K (paper 000 Fig. 6)"}},
        {QStringLiteral("retrain"), {retrainCommand, "retrain the classifier's head with an intervention; accuracy before/after"}},
        {QStringLiteral("rules"), {rulesCommand, "explain failures as decision-tree rules over concepts (Barlow, paper 003)"}},
        {QStringLiteral("runs"), {runsCommand, "list the analysis runs stored in a project"}},
        {QStringLiteral("search"), {searchCommand, "images nearest to a text or to an image (more like this), by CLIP"}},
        {QStringLiteral("scan"), {scanCommand, "scan a dataset folder and report images, classes and problems"}},
    };
    return table;
}

void printUsage(FILE *to)
{
    std::fputs("Usage: faultline-cli COMMAND [options]   (faultline-cli COMMAND --help for its options)\n\n"
               "Finds, explains and exports a classifier's failure modes.\n\nCommands:\n", to);
    for (const auto &[name, command] : commands())
        std::fprintf(to, "  %-16s %s\n", name.toLatin1().constData(), command.summary);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("faultline-cli"));
    QCoreApplication::setApplicationVersion(faultline::versionString());
    // "…project.sqlite: locked by another process (pid 1234, faultline-cli analyze); waiting …"
    faultline::setStoreWaitReporter([](const QString &line) { std::fprintf(stderr, "%s\n", line.toLocal8Bit().constData()); });
    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        printUsage(stderr);
        return cli::Usage;
    }
    const QString name = args.at(1);
    if (name == QLatin1String("--help") || name == QLatin1String("-h") || name == QLatin1String("help")) {
        printUsage(stdout);
        return cli::Ok;
    }
    if (name == QLatin1String("--version")) {
        std::printf("faultline-cli %s\n", qPrintable(faultline::versionString()));
        return cli::Ok;
    }
    const auto it = commands().find(name);
    if (it == commands().end()) {
        cli::printError(QStringLiteral("unknown command '%1' (see faultline-cli --help)").arg(name));
        return cli::Usage;
    }
    args.removeAt(1); // the parser sees "faultline-cli [options]"
    return it->second.run(args);
}
