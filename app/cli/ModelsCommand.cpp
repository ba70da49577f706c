#include "CliSupport.h"
#include "Commands.h"

#include "common/Error.h"
#include "models/ModelManager.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>

#include <cstdio>

using namespace faultline;

namespace {

const char *const kUsage =
    "Usage: faultline-cli models ACTION [options]\n\n"
    "Manages the CLIP models Faultline downloads into its model directory\n"
    "(FAULTLINE_MODEL_DIR, default ~/.local/share/faultline/models).\n\n"
    "Actions:\n"
    "  list                 the known models: name, size, installed?, path\n"
    "  download NAME        download (or resume) a model and verify its SHA-256\n"
    "  import NAME FILE     install a file fetched elsewhere (offline machines), after checking it\n"
    "  path NAME            print the verified local path of an installed model\n\n"
    "Options (all actions):\n"
    "  --dir DIR            model directory\n"
    "  --catalog FILE       extra catalogue entries (JSON, see docs; also FAULTLINE_MODEL_CATALOG)\n"
    "  --mirror URL         download <URL>/<file> instead of the catalogue URLs (also FAULTLINE_MODEL_MIRROR)\n"
    "  --stall-timeout S    give up when no data arrives for S seconds (default 30)\n";

void printOut(const QString &text)
{
    std::fputs(text.toLocal8Bit().constData(), stdout);
}

QString sizeText(qint64 bytes)
{
    if (bytes <= 0)
        return QStringLiteral("?");
    if (bytes >= (qint64(1) << 20))
        return QStringLiteral("%1 MiB").arg(double(bytes) / double(1 << 20), 0, 'f', 1);
    return QStringLiteral("%1 KiB").arg(double(bytes) / 1024.0, 0, 'f', 1);
}

int listModels(const ModelManager &manager)
{
    const QVector<ModelStatus> all = manager.list();
    int nameWidth = 4;
    for (const ModelStatus &s : all)
        nameWidth = qMax(nameWidth, int(s.entry.name.size()));
    printOut(QStringLiteral("%1  %2  %3  %4  %5\n")
                 .arg(QStringLiteral("NAME"), -nameWidth).arg(QStringLiteral("KIND"), -15)
                 .arg(QStringLiteral("SIZE"), 10).arg(QStringLiteral("INSTALLED"), -22).arg(QStringLiteral("PATH")));
    for (const ModelStatus &s : all) {
        QString installed = s.installed ? QStringLiteral("yes") : QStringLiteral("no");
        if (!s.installed && s.fileBytes > 0)
            installed = QStringLiteral("wrong size");
        if (!s.installed && s.partialBytes > 0)
            installed = QStringLiteral("partial (%1)").arg(sizeText(s.partialBytes));
        const qint64 size = s.entry.sizeBytes > 0 ? s.entry.sizeBytes : s.fileBytes;
        printOut(QStringLiteral("%1  %2  %3  %4  %5\n")
                     .arg(s.entry.name, -nameWidth).arg(modelKindName(s.entry.kind), -15)
                     .arg(sizeText(size), 10).arg(installed, -22).arg(QDir::toNativeSeparators(s.path)));
    }
    return cli::Ok;
}

} // namespace

int modelsCommand(const QStringList &args)
{
    // args: faultline-cli ACTION [arguments] [options]
    if (args.size() < 2 || args.at(1) == QLatin1String("--help") || args.at(1) == QLatin1String("-h")
        || args.at(1) == QLatin1String("help")) {
        const bool asked = args.size() >= 2;
        std::fputs(kUsage, asked ? stdout : stderr);
        return asked ? cli::Ok : cli::Usage;
    }
    const QString action = args.at(1);
    int wanted = -1;
    QString synopsis;
    if (action == QLatin1String("list")) {
        wanted = 0;
    } else if (action == QLatin1String("download") || action == QLatin1String("path")) {
        wanted = 1;
        synopsis = QStringLiteral("NAME");
    } else if (action == QLatin1String("import")) {
        wanted = 2;
        synopsis = QStringLiteral("NAME FILE");
    } else {
        cli::printError(QStringLiteral("unknown models action '%1' (see faultline-cli models --help)").arg(action));
        return cli::Usage;
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromLatin1(kUsage).section(QLatin1Char('\n'), 2, 3));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Model directory (default FAULTLINE_MODEL_DIR or %1).")
                                                 .arg(QDir::toNativeSeparators(ModelManager::defaultDataDir())),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("catalog"), QStringLiteral("Extra model catalogue entries (JSON)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("mirror"), QStringLiteral("Download <URL>/<file> instead of the catalogue's URLs."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("stall-timeout"),
                      QStringLiteral("Give up a download when no data arrives for this many seconds (default 30)."),
                      QStringLiteral("SECONDS")});
    if (wanted >= 1)
        parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("Model name (see faultline-cli models list)."));
    if (wanted >= 2)
        parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The model file to install."));
    QStringList parserArgs = args;
    parserArgs.removeAt(1);
    const QString command = QStringLiteral("models ") + action;
    if (!parser.parse(parserArgs)) {
        cli::printError(parser.errorText() + QStringLiteral(" (see faultline-cli %1 --help)").arg(command));
        return cli::Usage;
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(QCoreApplication::applicationFilePath(), QStringLiteral("faultline-cli"));
        text.replace(QStringLiteral("Usage: faultline-cli"), QStringLiteral("Usage: faultline-cli ") + command);
        printOut(text);
        return cli::Ok;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != wanted) {
        cli::printError(QStringLiteral("usage: faultline-cli %1 %2 (see faultline-cli %1 --help)").arg(command, synopsis).trimmed());
        return cli::Usage;
    }

    return cli::runReportingErrors([&]() -> int {
        ModelCatalog catalog = ModelCatalog::standard();
        const QString dir = parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir"))
                                                              : ModelManager::defaultDataDir();
        const QString userCatalog = QDir(dir).filePath(QStringLiteral("catalog.json"));
        if (QFileInfo(userCatalog).isFile())
            catalog.loadFile(userCatalog);
        if (parser.isSet(QStringLiteral("catalog")))
            catalog.loadFile(parser.value(QStringLiteral("catalog")));
        ModelManager manager(dir, std::move(catalog));
        if (parser.isSet(QStringLiteral("mirror")))
            manager.setMirror(parser.value(QStringLiteral("mirror")));
        if (parser.isSet(QStringLiteral("stall-timeout"))) {
            bool ok = false;
            const double seconds = parser.value(QStringLiteral("stall-timeout")).toDouble(&ok);
            if (!ok || seconds <= 0) {
                cli::printError(QStringLiteral("--stall-timeout: expected a positive number of seconds"));
                return cli::Usage;
            }
            manager.setStallTimeoutMs(int(qMin(seconds * 1000.0, 24.0 * 3600 * 1000)));
        }

        if (action == QLatin1String("list"))
            return listModels(manager);
        cli::ConsoleJob job;
        QString path;
        if (action == QLatin1String("download"))
            path = manager.download(positional.at(0), job.control());
        else if (action == QLatin1String("import"))
            path = manager.importFile(positional.at(0), positional.at(1), job.control());
        else
            path = manager.resolve(positional.at(0), job.control());
        printOut(QDir::toNativeSeparators(path) + QLatin1Char('\n'));
        return cli::Ok;
    });
}
