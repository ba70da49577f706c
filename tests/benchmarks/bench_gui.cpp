// bench_gui: the workbench's responsiveness on an analysed 100k-image dataset (docs/BENCHMARKS.md,
// "Workbench (GUI)"). Runs the real MainWindow + ProjectSession, offscreen unless QT_QPA_PLATFORM
// says otherwise, and prints three tables:
//   a. openDataset(ROOT) → first paint of the gallery's hardest list with a decoded thumbnail, in
//      phases, after selecting the class with the most images (as soon as the classes are shown);
//      the first open of the process, then reopens in the same process (warm).
//   b. gallery scrolling: the hardest list of that class (all splits) scrolled by a fixed pixel
//      step per frame through the whole list (thumbnails cold), then over its first rows again
//      once they are all decoded (cached); each frame = setValue + a synchronous repaint.
//   c. the difficulty slider's engine part: difficultyVector(α) + EmbeddingIndex::nearest (k = 16)
//      over the class's test images, α = −1 … +1 in 0.02 steps, then the repaint of a 16-tile list.
//
//   bench_gui --dataset ROOT [--opens 3] [--evict-page-cache] [--size 1360x820] [--gallery-width PX]
//             [--step 120] [--cached-rows N] [--class C] [--screenshot FILE] [--no-scroll] [--no-slider]

#include "gallery/GalleryView.h"
#include "gallery/GalleryModel.h"
#include "window/MainWindow.h"
#include "session/ProjectSession.h"
#include "gallery/ThumbnailCache.h"
#include "interpret/RunImages.h"
#include "jobs/BackgroundJob.h"
#include "interpret/StoredFailureDirection.h"
#include "retrieval/EmbeddingIndex.h"
#include "retrieval/Slerp.h"
#include "store/ProjectStore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QListView>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

using namespace faultline;

namespace {

constexpr double kFrameBudgetMs = 16.0;

QElapsedTimer g_clock; // every timestamp: ms since the current measurement started

double nowMs()
{
    return double(g_clock.nsecsElapsed()) / 1e6;
}

// CPU time of the calling thread: on a shared machine a frame's wall time includes the time the
// GUI thread waited for a core; this does not.
double threadCpuMs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Stats
{
    double median = 0, p95 = 0, max = 0;
    int over = 0; // samples above the frame budget
};

Stats stats(std::vector<double> ms)
{
    Stats s;
    if (ms.empty())
        return s;
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(std::ceil(q * double(ms.size()))) - 1)]; };
    s.median = at(0.5);
    s.p95 = at(0.95);
    s.max = ms.back();
    s.over = int(std::count_if(ms.begin(), ms.end(), [](double v) { return v > kFrameBudgetMs; }));
    return s;
}

QString cell(const Stats &s)
{
    return QStringLiteral("%1 / %2 / %3").arg(s.median, 0, 'f', 2).arg(s.p95, 0, 'f', 2).arg(s.max, 0, 'f', 1);
}

// Sees every paint event of one widget before its event filters and after its paintEvent
// (QApplication::notify is the only place that sees both ends).
class BenchApplication : public QApplication
{
public:
    using QApplication::QApplication;
    QWidget *paintTarget = nullptr;
    std::function<void()> beforePaint;
    std::function<void(double)> afterPaint; // when the paint ended (ms)

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (event->type() != QEvent::Paint || receiver != paintTarget || !afterPaint)
            return QApplication::notify(receiver, event);
        if (beforePaint)
            beforePaint();
        const bool result = QApplication::notify(receiver, event);
        afterPaint(nowMs());
        return result;
    }
};

// Rows of `view` that intersect its viewport (sampled on a half-tile lattice), as [first, last].
std::pair<int, int> visibleRows(const QListView *view)
{
    const QSize grid = view->gridSize().isValid() ? view->gridSize() : QSize(32, 32);
    const QRect area = view->viewport()->rect();
    int first = -1, last = -1;
    for (int y = 1; y < area.height(); y += std::max(1, grid.height() / 2))
        for (int x = 1; x < area.width(); x += std::max(1, grid.width() / 2)) {
            const int row = view->indexAt(QPoint(x, y)).row();
            if (row < 0)
                continue;
            first = first < 0 ? row : std::min(first, row);
            last = std::max(last, row);
        }
    return {first, last};
}

// How many of the visible rows' thumbnails are decoded, and how many rows are visible.
std::pair<int, int> readyVisible(const QListView *view)
{
    const auto [first, last] = visibleRows(view);
    int ready = 0;
    for (int row = first; row >= 0 && row <= last; ++row)
        ready += view->model()->index(row, 0).data(GalleryModel::ThumbnailReadyRole).toBool() ? 1 : 0;
    return {ready, first < 0 ? 0 : last - first + 1};
}

// Drops ROOT's files (images and the project store) from the OS page cache, so the next open
// reads them from disk as after a reboot. Needs no privileges: clean pages of files one can open.
int evictPageCache(const QString &root)
{
    int files = 0;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QByteArray path = QFile::encodeName(it.next());
        const int fd = ::open(path.constData(), O_RDONLY);
        if (fd < 0)
            continue;
        ::fdatasync(fd);
        files += ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0 ? 1 : 0;
        ::close(fd);
    }
    return files;
}

// The class of the latest run with the most images.
QString biggestClass(const QVector<ClassSummary> &classes)
{
    const auto it = std::max_element(classes.begin(), classes.end(),
                                     [](const ClassSummary &a, const ClassSummary &b) { return a.images < b.images; });
    return it == classes.end() ? QString() : it->className;
}

// QTest::qWaitFor that says on stderr what it gave up waiting for.
template <typename Predicate>
bool waitFor(Predicate predicate, int timeoutMs, const char *what)
{
    const bool ok = QTest::qWaitFor(predicate, timeoutMs);
    if (!ok)
        std::fprintf(stderr, "bench_gui: gave up after %d s waiting for %s\n", timeoutMs / 1000, what);
    return ok;
}

struct OpenTimes
{
    double openJobDone = -1;  // stateChanged: the dataset's state is shown (read from the store on a reopen)
    double classes = -1;      // classesLoaded with the run's classes (the class is selected here)
    double classImages = -1;  // classLoaded: the selected class's images are in the gallery
    double firstPaint = -1;   // end of the hardest list's first paint after that
    double firstReal = -1;    // end of its first paint with at least one decoded thumbnail
    double allVisible = -1;   // end of its first paint with every visible thumbnail decoded
    double scanDone = -1;     // the scan of the files (behind the stored state on a reopen) finished
    double longestStall = 0;  // longest gap between two ticks of a 2 ms timer on the GUI thread
    double longestStallCpu = 0; // the most CPU time the GUI thread spent between two such ticks
    int visible = 0;
};

// Opens `root` in `window` and selects `wanted` (or the biggest class) as soon as the classes are
// shown; returns when the hardest list has painted every visible thumbnail (or after 5 minutes).
OpenTimes measureOpen(BenchApplication &app, MainWindow &window, const QString &root, QString &wanted)
{
    OpenTimes t;
    ProjectSession *session = window.session();
    QListView *view = window.galleryView()->hardestView();
    QObject context;
    QObject::connect(session, &ProjectSession::stateChanged, &context, [&] {
        if (t.openJobDone < 0)
            t.openJobDone = nowMs();
    });
    const QString scanTitle = ProjectSession::tr("Scan %1").arg(QFileInfo(root).fileName());
    QObject::connect(session, &ProjectSession::jobStarted, &context, [&](BackgroundJob *job) {
        if (job->title() == scanTitle)
            QObject::connect(job, &BackgroundJob::succeeded, &context, [&] { t.scanDone = nowMs(); });
    });
    QObject::connect(session, &ProjectSession::classesLoaded, &context, [&](const QVector<ClassSummary> &classes) {
        if (classes.isEmpty() || t.classes >= 0)
            return;
        t.classes = nowMs();
        if (wanted.isEmpty())
            wanted = biggestClass(classes);
        // The user's click, right after the classes appear (not inside the signal: the session
        // would load a class selected there twice, once more when its reload finishes).
        QTimer::singleShot(0, session, [session, wanted] { session->setSelectedClass(wanted); });
    });
    QObject::connect(session, &ProjectSession::classLoaded, &context, [&](const SelectedClass &selected) {
        if (selected.images && t.classImages < 0)
            t.classImages = nowMs(); // after the window's own handler filled the gallery
    });
    int ready = 0, visible = 0;
    app.paintTarget = view->viewport();
    app.beforePaint = [&] { std::tie(ready, visible) = readyVisible(view); };
    app.afterPaint = [&](double end) {
        if (t.classImages < 0 || visible == 0)
            return;
        if (t.firstPaint < 0)
            t.firstPaint = end;
        if (ready > 0 && t.firstReal < 0)
            t.firstReal = end;
        if (ready == visible && t.allVisible < 0) {
            t.allVisible = end;
            t.visible = visible;
        }
    };
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(2);
    double lastTick = 0, lastCpu = threadCpuMs();
    QObject::connect(&heartbeat, &QTimer::timeout, &context, [&] {
        t.longestStall = std::max(t.longestStall, nowMs() - lastTick);
        t.longestStallCpu = std::max(t.longestStallCpu, threadCpuMs() - lastCpu);
        lastTick = nowMs();
        lastCpu = threadCpuMs();
    });
    g_clock.restart();
    heartbeat.start();
    window.openDataset(root);
    waitFor([&] { return t.allVisible >= 0; }, 300000, "the gallery's decoded thumbnails");
    heartbeat.stop();
    app.afterPaint = nullptr;
    app.beforePaint = nullptr;
    app.paintTarget = nullptr;
    waitFor([&] { return !session->isBusy(); }, 60000, "the session's jobs");
    return t;
}

struct ScrollResult
{
    QString pass;
    int rows = 0;
    std::vector<double> frameMs;  // setValue + synchronous repaint
    std::vector<double> frameCpuMs; // the same, CPU time of the GUI thread
    std::vector<double> eventsMs; // the events that arrived since the previous frame
    std::vector<double> eventsCpuMs;
    qint64 tilesShown = 0, tilesReal = 0;
};

// Scrolls `view` from 0 to maxValue by `step` px per frame.
ScrollResult scroll(QListView *view, int maxValue, int step, const QString &pass, int rows)
{
    ScrollResult r;
    r.pass = pass;
    r.rows = rows;
    QScrollBar *bar = view->verticalScrollBar();
    bar->setValue(0);
    QCoreApplication::processEvents();
    g_clock.restart();
    for (int value = 0;; value = std::min(maxValue, value + step)) {
        const double t0 = nowMs();
        const double cpu0 = threadCpuMs();
        QCoreApplication::processEvents(); // decoded thumbnails arrive, their tiles are updated
        const double t1 = nowMs();
        const double cpu = threadCpuMs();
        r.eventsCpuMs.push_back(cpu - cpu0);
        bar->setValue(value);
        view->viewport()->repaint();
        const double t2 = nowMs();
        r.frameCpuMs.push_back(threadCpuMs() - cpu);
        r.eventsMs.push_back(t1 - t0);
        r.frameMs.push_back(t2 - t1);
        const auto [ready, visible] = readyVisible(view);
        r.tilesReal += ready;
        r.tilesShown += visible;
        if (value >= maxValue)
            break;
    }
    return r;
}

// The content offset at which the last of the first `rows` rows is fully in view.
int scrollValueShowing(QListView *view, int rows)
{
    QScrollBar *bar = view->verticalScrollBar();
    bar->setValue(0);
    const QRect last = view->visualRect(view->model()->index(rows - 1, 0));
    return std::clamp(last.bottom() + 1 - view->viewport()->height(), 0, bar->maximum());
}

// Decodes the first `rows` thumbnails of `view` and waits until they are all cached.
bool decodeRows(QListView *view, ThumbnailCache *cache, int rows)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        int missing = 0;
        for (int row = 0; row < rows; ++row) {
            const QModelIndex index = view->model()->index(row, 0);
            if (index.data(GalleryModel::ThumbnailReadyRole).toBool())
                continue;
            if (++missing <= 500) // stays under the cache's bound on pending requests
                index.data(Qt::DecorationRole);
        }
        if (missing == 0)
            return true;
        if (timer.elapsed() > 300000)
            return false;
        waitFor([&] { return cache->pendingCount() == 0; }, 60000, "thumbnail decodes");
    }
}

// Waits until the batched icon layout of `view` has placed every row.
void waitForLayout(QListView *view)
{
    QScrollBar *bar = view->verticalScrollBar();
    int stable = 0, last = -1;
    waitFor([&] {
        stable = bar->maximum() == last ? stable + 1 : 0;
        last = bar->maximum();
        const int rows = view->model()->rowCount();
        return stable >= 5 && rows > 0 && view->visualRect(view->model()->index(rows - 1, 0)).isValid();
    }, 60000, "the gallery's layout");
}

struct SliderResult
{
    QString pass;
    std::vector<double> engineMs, tilesMs, totalMs;
};

// α = −1 … +1 in 0.02 steps: difficultyVector + nearest(k = 16), then the 16 tiles repainted.
SliderResult dragSlider(const EmbeddingIndex &index, const Eigen::VectorXf &reference, const Eigen::VectorXf &direction,
                        const GalleryModel::Items &items, GalleryModel &model, QListView &tiles, const QString &pass)
{
    SliderResult r;
    r.pass = pass;
    std::vector<EmbeddingIndex::Neighbor> nearest;
    g_clock.restart();
    for (int step = -50; step <= 50; ++step) {
        QCoreApplication::processEvents();
        const double t0 = nowMs();
        index.nearest(difficultyVector(reference, direction, step / 50.0), 16, nearest);
        const double t1 = nowMs();
        auto shown = std::make_shared<GalleryModel::Items>();
        for (const EmbeddingIndex::Neighbor &n : nearest)
            shown->push_back(items[size_t(n.row)]);
        model.setItems(std::move(shown));
        tiles.doItemsLayout(); // a reset only schedules the layout; the repaint must show the new tiles
        tiles.viewport()->repaint();
        const double t2 = nowMs();
        r.engineMs.push_back(t1 - t0);
        r.tilesMs.push_back(t2 - t1);
        r.totalMs.push_back(t2 - t0);
    }
    return r;
}

void printSlider(const QString &className, qint64 rows, const std::vector<SliderResult> &results)
{
    std::printf("\n### c. Difficulty slider, engine part + 16-tile repaint (class %s, %lld test images, k = 16, "
                "101 steps), ms median / p95 / max\n\n",
                qPrintable(className), qlonglong(rows));
    std::printf("| thumbnails | difficultyVector + nearest | tiles update + repaint | step total | steps > 16 ms |\n"
                "|---|---|---|---|---|\n");
    for (const SliderResult &r : results)
        std::printf("| %s | %s | %s | %s | %d |\n", qPrintable(r.pass), qPrintable(cell(stats(r.engineMs))),
                    qPrintable(cell(stats(r.tilesMs))), qPrintable(cell(stats(r.totalMs))), stats(r.totalMs).over);
}

void benchSlider(const QString &root, const QString &className, ThumbnailCache *cache, int thumbnailSize)
{
    ProjectStore store(ProjectStore::defaultPath(root));
    const qint64 runId = resolveRun(store, QString());
    const RunClassImages images = loadRunClassImages(store, runId, className, Split::Test);
    const StoredFailureDirection stored = StoredFailureDirection::load(store, runId, className);
    // Stand-in for the reference caption's CLIP text embedding (this dataset has no text model):
    // the mean of the class's image embeddings, a vector near the class's images as that caption is.
    const Eigen::Map<const Eigen::MatrixXf> rows(images.embeddings.data(), images.dim, images.size());
    const Eigen::VectorXf reference = rows.rowwise().mean();
    const EmbeddingIndex index = EmbeddingIndex::build(images.embeddings.data(), images.size(), images.dim);
    const std::shared_ptr<const GalleryModel::Items> items = GalleryModel::itemsFrom(images, root);

    GalleryModel model(cache);
    model.setThumbnailSize(thumbnailSize);
    GalleryTileDelegate delegate;
    delegate.setThumbnailSize(thumbnailSize);
    QListView tiles;
    tiles.setViewMode(QListView::IconMode);
    tiles.setMovement(QListView::Static);
    tiles.setUniformItemSizes(true);
    tiles.setItemDelegate(&delegate);
    tiles.setModel(&model);
    const QSize grid = delegate.tileSize(tiles.font()) + QSize(4, 4);
    tiles.setGridSize(grid);
    tiles.resize(grid.width() * 4 + 24, grid.height() * 4 + 8);
    tiles.show();
    QTest::qWait(50);

    std::vector<SliderResult> results;
    cache->clear();
    results.push_back(dragSlider(index, reference, stored.clipSpaceDirection(), *items, model, tiles,
                                 QStringLiteral("cold (decoded during the drag)")));
    waitFor([&] { return cache->pendingCount() == 0; }, 60000, "thumbnail decodes");
    QTest::qWait(200);
    results.push_back(dragSlider(index, reference, stored.clipSpaceDirection(), *items, model, tiles,
                                 QStringLiteral("cached (second drag)")));
    printSlider(className, images.size(), results);
}

void printOpens(const std::vector<OpenTimes> &opens, const std::vector<QString> &labels, const QString &className)
{
    std::printf("\n### a. Open → first gallery paint (class %s selected when the classes appear), ms since "
                "openDataset()\n\n", qPrintable(className));
    std::printf("| open | state shown | classes shown | class images in the gallery | first paint | "
                "first paint with a decoded thumbnail | all %d visible decoded | longest GUI-thread stall (wall / CPU) | "
                "scan done |\n|---|---|---|---|---|---|---|---|---|\n",
                opens.empty() ? 0 : opens.front().visible);
    for (size_t i = 0; i < opens.size(); ++i) {
        const OpenTimes &t = opens[i];
        std::printf("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f / %.0f | %.0f |\n", qPrintable(labels[i]),
                    t.openJobDone, t.classes, t.classImages, t.firstPaint, t.firstReal, t.allVisible, t.longestStall,
                    t.longestStallCpu, t.scanDone);
    }
}

void printScroll(const QListView *view, int step, const std::vector<ScrollResult> &results)
{
    std::printf("\n### b. Gallery scroll, hardest list (viewport %d × %d px, tile grid %d × %d px, %d px per frame), "
                "ms median / p95 / max\n\n",
                view->viewport()->width(), view->viewport()->height(), view->gridSize().width(),
                view->gridSize().height(), step);
    std::printf("| thumbnails | rows | frames | frame (setValue + repaint) | frames > 16 ms | frame, GUI-thread CPU | "
                "CPU > 16 ms | events between frames | their CPU | frame + events > 16 ms | tiles shown decoded |\n"
                "|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const ScrollResult &r : results) {
        std::vector<double> total(r.frameMs.size());
        for (size_t i = 0; i < total.size(); ++i)
            total[i] = r.frameMs[i] + r.eventsMs[i];
        std::printf("| %s | %d | %zu | %s | %d | %s | %d | %s | %s | %d | %.1f %% |\n", qPrintable(r.pass), r.rows,
                    r.frameMs.size(), qPrintable(cell(stats(r.frameMs))), stats(r.frameMs).over,
                    qPrintable(cell(stats(r.frameCpuMs))), stats(r.frameCpuMs).over, qPrintable(cell(stats(r.eventsMs))),
                    qPrintable(cell(stats(r.eventsCpuMs))), stats(total).over, r.tilesShown ? 100.0 * double(r.tilesReal) / double(r.tilesShown) : 0.0);
    }
}

} // namespace

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    BenchApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // the default layout, no recent list of the user's
    QSettings().clear();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Workbench benchmark over an analysed dataset "
                                                    "(tests/benchmarks/make_gui_bench_dataset.py)."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("dataset"), QStringLiteral("Analysed dataset folder."), QStringLiteral("ROOT")});
    parser.addOption({QStringLiteral("opens"), QStringLiteral("Opens in this process (default 3)."),
                      QStringLiteral("N"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("evict-page-cache"),
                      QStringLiteral("Drop ROOT's files from the OS page cache before the first open.")});
    parser.addOption({QStringLiteral("step"), QStringLiteral("Scroll step per frame in pixels (default 120)."),
                      QStringLiteral("PX"), QStringLiteral("120")});
    parser.addOption({QStringLiteral("cached-rows"),
                      QStringLiteral("Rows scrolled with cached thumbnails (default: 60 % of what the cache holds)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("class"), QStringLiteral("Class to show (default: the one with the most images)."),
                      QStringLiteral("C")});
    parser.addOption({QStringLiteral("size"), QStringLiteral("Window size (default 1360x820, the first-run size)."),
                      QStringLiteral("WxH"), QStringLiteral("1360x820")});
    parser.addOption({QStringLiteral("gallery-width"),
                      QStringLiteral("Widen the gallery dock to PX before scrolling (default: as laid out)."),
                      QStringLiteral("PX")});
    parser.addOption({QStringLiteral("screenshot"), QStringLiteral("Save the window after the first open as FILE."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("no-scroll"), QStringLiteral("Skip the scroll measurement.")});
    parser.addOption({QStringLiteral("no-slider"), QStringLiteral("Skip the slider measurement.")});
    parser.process(app);
    const QString root = parser.value(QStringLiteral("dataset"));
    if (root.isEmpty() || !QFileInfo::exists(ProjectStore::defaultPath(root))) {
        std::fprintf(stderr, "bench_gui: --dataset ROOT must name an analysed dataset (no %s)\n",
                     qPrintable(ProjectStore::defaultPath(root)));
        return 2;
    }
    const int opensWanted = std::max(1, parser.value(QStringLiteral("opens")).toInt());
    const int step = std::max(1, parser.value(QStringLiteral("step")).toInt());
    QString className = parser.value(QStringLiteral("class"));

    ProjectSession session;
    MainWindow window(&session);
    const QStringList size = parser.value(QStringLiteral("size")).split(QLatin1Char('x'));
    window.resize(size.value(0).toInt() > 0 ? size.value(0).toInt() : 1360, size.value(1).toInt() > 0 ? size.value(1).toInt() : 820);
    window.show();
    QObject::connect(&session, &ProjectSession::errorOccurred, &app,
                     [](const QString &message) { std::fprintf(stderr, "bench_gui: %s\n", qPrintable(message)); });
    QTest::qWait(100);

    std::vector<OpenTimes> opens;
    std::vector<QString> labels;
    for (int i = 0; i < opensWanted; ++i) {
        QString label = i == 0 ? QStringLiteral("1st in this process") : QStringLiteral("reopen %1 (warm)").arg(i);
        if (i == 0 && parser.isSet(QStringLiteral("evict-page-cache")))
            label += QStringLiteral(", page cache dropped (%1 files)").arg(evictPageCache(root));
        opens.push_back(measureOpen(app, window, root, className));
        labels.push_back(label);
        std::fprintf(stderr, "open %d: all visible decoded at %.0f ms\n", i + 1, opens.back().allVisible);
        if (i == 0 && parser.isSet(QStringLiteral("screenshot")))
            window.grab().save(parser.value(QStringLiteral("screenshot")));
    }
    printOpens(opens, labels, className);

    GalleryView *gallery = window.galleryView();
    ThumbnailCache *cache = gallery->thumbnailCache();
    if (!parser.isSet(QStringLiteral("no-scroll"))) {
        QListView *view = gallery->hardestView();
        if (parser.isSet(QStringLiteral("gallery-width"))) {
            // As a user drags the docks' edges away from the gallery (the central widget).
            gallery->setMinimumWidth(parser.value(QStringLiteral("gallery-width")).toInt());
            QTest::qWait(50);
        }
        gallery->setSplitFilter(std::nullopt); // every split of the class
        waitForLayout(view);
        const int rows = view->model()->rowCount();
        std::vector<ScrollResult> results;
        cache->clear();
        results.push_back(scroll(view, view->verticalScrollBar()->maximum(), step, QStringLiteral("cold"), rows));
        const int tileBytes = int(std::lround(gallery->thumbnailSize() * cache->devicePixelRatio()));
        const int holds = int(cache->maxBytes() / (qint64(tileBytes) * tileBytes * 4));
        const int cachedRows = std::min(rows, parser.isSet(QStringLiteral("cached-rows"))
                                                  ? parser.value(QStringLiteral("cached-rows")).toInt()
                                                  : holds * 6 / 10);
        if (!decodeRows(view, cache, cachedRows))
            std::fprintf(stderr, "bench_gui: the first %d thumbnails did not all decode\n", cachedRows);
        results.push_back(scroll(view, scrollValueShowing(view, cachedRows), step,
                                 QStringLiteral("cached (cache holds ~%1)").arg(holds), cachedRows));
        printScroll(view, step, results);
    }
    if (!parser.isSet(QStringLiteral("no-slider")))
        benchSlider(root, className, cache, gallery->thumbnailSize());
    return 0;
}
