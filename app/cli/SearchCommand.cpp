// faultline-cli search: the images of a stored run nearest to a text (CLIP's text tower) or to
// one of its images ("more like this"), over one class or every class.
#include "CliSupport.h"
#include "Commands.h"
#include "RunOptions.h"

#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "common/Error.h"
#include "embedding/TextEmbedder.h"
#include "interpret/RunImages.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"
#include "retrieval/RunSearch.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <cstdio>

using namespace faultline;

int searchCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addRunOptions(parser);
    parser.addOption({QStringLiteral("text"), QStringLiteral("Find the images nearest to this text."), QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("like"),
                      QStringLiteral("Find the images most like this one (its path in the dataset or an absolute path)."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("class"), QStringLiteral("Search only this class (default: every class)."),
                      QStringLiteral("C")});
    parser.addOption({QStringLiteral("k"), QStringLiteral("Images to return (default 32)."), QStringLiteral("K"),
                      QStringLiteral("32")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("Write the hits as CSV (rank,path,class,prediction,correct,split,cosine)."),
                      QStringLiteral("FILE")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("search"),
                               QStringLiteral("Images nearest to a text or to an image, by cosine in the run's CLIP space."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        const bool byText = parser.isSet(QStringLiteral("text")), byImage = parser.isSet(QStringLiteral("like"));
        if (byText == byImage)
            throw Error(QStringLiteral("give exactly one of --text and --like"));
        const int k = cli::positiveInt(parser, QStringLiteral("k"), cli::kMaxNeighbours);
        if (byText && parser.value(QStringLiteral("text")).trimmed().isEmpty())
            throw Error(QStringLiteral("--text: the text is empty"));
        QString root;
        auto store = cli::openProject(parser, &root);
        const qint64 runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        cli::ConsoleJob job;
        const auto space = RunSearchSpace::load(*store, runId, parser.value(QStringLiteral("class")), job.control());
        std::vector<SearchHit> hits;
        if (byText) {
            const auto model = cli::loadRunModel(parser, *store, runId, job.control());
            hits = space->nearestToText(parser.value(QStringLiteral("text")),
                                        [&](const QStringList &texts) { return embedTexts(*model, ClipTokenizer::builtin(), texts); },
                                        k);
        } else {
            QString like = parser.value(QStringLiteral("like"));
            if (QDir::isAbsolutePath(like))
                like = QDir(root).relativeFilePath(like);
            hits = space->moreLike(QDir::cleanPath(like), k);
        }
        QString csv = csvLine({QStringLiteral("rank"), QStringLiteral("path"), QStringLiteral("class"),
                               QStringLiteral("prediction"), QStringLiteral("correct"), QStringLiteral("split"),
                               QStringLiteral("cosine")});
        for (size_t i = 0; i < hits.size(); ++i) {
            const SearchHit &hit = hits[i];
            std::printf("%3zu  %.4f  %s  %s%s\n", i + 1, double(hit.cosine), hit.path.toUtf8().constData(),
                        hit.className.toUtf8().constData(),
                        hit.correct() ? "" : (QStringLiteral(" → ") + hit.prediction).toUtf8().constData());
            csv += csvLine({QString::number(i + 1), hit.path, hit.className, hit.prediction,
                            hit.correct() ? QStringLiteral("1") : QStringLiteral("0"), splitName(hit.split),
                            QString::number(double(hit.cosine), 'g', 8)});
        }
        if (parser.isSet(QStringLiteral("out"))) {
            AtomicFileWriter out(parser.value(QStringLiteral("out")));
            out.write(csv);
            out.commit();
        }
        return cli::Ok;
    });
}
