// Renders the gallery and inspector over a real project (the demo dataset) into PNGs, for the
// docs and for looking at: gallery_screenshot DATASET_ROOT CLASS OUT_DIR
// (QT_QPA_PLATFORM=offscreen or under xvfb-run).

#include "GalleryDock.h"
#include "InspectorDock.h"
#include "ThumbnailCache.h"
#include "interpret/RunImages.h"
#include "store/ProjectStore.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QListView>
#include <QTest>

#include <cstdio>

using namespace faultline;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: gallery_screenshot DATASET_ROOT CLASS OUT_DIR\n");
        return 2;
    }
    const QString root = QString::fromLocal8Bit(argv[1]);
    const QString className = QString::fromLocal8Bit(argv[2]);
    const QString out = QString::fromLocal8Bit(argv[3]);
    QDir().mkpath(out);

    ProjectStore store(ProjectStore::defaultPath(root));
    const qint64 run = resolveRun(store, QString());
    const RunClassImages images = loadRunClassImages(store, run, className, Split::Test);

    ThumbnailCache cache;
    GalleryDock gallery(nullptr, &cache);
    gallery.resize(1000, 640);
    gallery.show();
    gallery.showClass(images, root);
    gallery.setThumbnailSize(80);

    InspectorDock inspector(nullptr, &cache);
    inspector.resize(380, 720);
    inspector.show();
    inspector.showClass(images, root);
    QObject::connect(&gallery, &GalleryDock::currentImageChanged, &inspector,
                     [&](const QString &path) { inspector.setCurrentImage(path); });
    QTest::qWait(100);
    gallery.hardestView()->setCurrentIndex(gallery.hardestModel()->index(0));
    gallery.hardestView()->selectionModel()->select(gallery.hardestModel()->index(0), QItemSelectionModel::Select);

    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 5000) {
        QTest::qWait(50);
        bool ready = inspector.neighbourPaths().size() == InspectorDock::kNeighbours;
        for (int r = 0; r < 12 && ready; ++r)
            ready = gallery.hardestModel()->index(r).data(GalleryModel::ThumbnailReadyRole).toBool()
                    && gallery.easiestModel()->index(r).data(GalleryModel::ThumbnailReadyRole).toBool();
        if (ready)
            break;
    }
    QTest::qWait(300);
    const bool ok = gallery.grab().save(out + QStringLiteral("/gallery.png"))
                    && inspector.grab().save(out + QStringLiteral("/inspector.png"));
    std::printf("%s: %lld images of %s; saved to %s\n", ok ? "ok" : "FAILED", qlonglong(images.size()),
                qPrintable(className), qPrintable(out));
    return ok ? 0 : 1;
}
