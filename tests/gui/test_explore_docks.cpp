// The exploration docks (issue 15) — Search, Confusion and the embedding Map — over the interpretation test project (red cats predicted "dog";
// embedded by the tiny reference CLIP): text search and "more like this" show what core's
// RunSearchSpace finds, in the selected class or every class; opening a hit of another class
// selects that class and inspects the image; a run without a text tower still offers "more like
// this" and says why text search needs a model. The confusion matrix counts the run's labels and
// predictions per split, and a cell shows exactly its images in the gallery, selecting the
// class when it is another one. The map is the PCA of the class's embeddings, stored in the
// project and read back on reopening; a box on it is a subset of the gallery. Screenshots at
// 1024×700 and 1920×1080.

#include "interpret/CaptionsDock.h"
#include "DockScreenshot.h"
#include "gallery/GalleryFilterPanel.h"
#include "gallery/GalleryModel.h"
#include "gallery/GalleryView.h"
#include "inspector/InspectorDock.h"
#include "InterpretTestProject.h"
#include "SettleWindow.h"
#include "window/MainWindow.h"
#include "gallery/NeighborListModel.h"
#include "session/ProjectSession.h"
#include "session/RunTextModel.h"
#include "interpret/RunImages.h"
#include "retrieval/RunSearch.h"
#include "search/SearchDock.h"
#include "map/EmbeddingMapDock.h"
#include "analysis/PcaProjection.h"
#include "analysis/TsneProjection.h"
#include "support/QCustomPlotInclude.h"
#include "confusion/ConfusionDock.h"
#include "confusion/ConfusionTableModel.h"
#include "interpret/RunConfusion.h"
#include "store/ProjectStore.h"

#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QToolButton>
#include <QListWidget>
#include <QTableView>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace faultline;

namespace {
constexpr int kTimeout = 120000;
}

class TestExploreDocks : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    testing::InterpretTestProject m_project;

    static void openCat(ProjectSession &session, MainWindow &window, const QString &root)
    {
        window.openDataset(root);
        QTRY_VERIFY_WITH_TIMEOUT(session.state().latestRun > 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 30000);
        session.setSelectedClass(QStringLiteral("cat"));
        QTRY_VERIFY_WITH_TIMEOUT(window.galleryView()->hardestModel()->rowCount() > 0, kTimeout);
        window.searchDock()->show();
        window.searchDock()->raise();
    }

    // Waits for the search started by `start`, then returns its results' relative paths.
    static QStringList results(SearchDock *dock, const std::function<void()> &start)
    {
        QSignalSpy finished(dock, &SearchDock::finished);
        start();
        if (!finished.wait(kTimeout) && finished.isEmpty())
            return {QStringLiteral("<no result>")};
        QStringList paths;
        for (int row = 0; row < dock->results()->rowCount(); ++row)
            paths << dock->results()->itemAt(row).relativePath;
        return paths;
    }

    static QStringList paths(const std::vector<SearchHit> &hits)
    {
        QStringList out;
        for (const SearchHit &hit : hits)
            out << hit.path;
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_tmp.isValid());
        const QString why = m_project.build(m_tmp.path());
        if (why.contains(QLatin1String("not set")))
            QSKIP("run through ctest (FAULTLINE_CLI, FAULTLINE_CLIP_REFERENCE)");
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }

    void moreLikeThisAndTextSearch()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.show();
        window.resize(1920, 1080); // after show(): another test's saved geometry is restored at show
        openCat(session, window, m_project.root);
        SearchDock *dock = window.searchDock();
        ProjectStore store(m_project.projectPath());
        const auto catSpace = RunSearchSpace::load(store, 1, QStringLiteral("cat"));
        const auto everySpace = RunSearchSpace::load(store, 1);

        // More like this, from the gallery's first image, within the class: core's answer.
        const QString first = window.galleryView()->hardestModel()->itemAt(0).path;
        const QString firstRelative = window.galleryView()->hardestModel()->itemAt(0).relativePath;
        const QStringList like = results(dock, [&] { Q_EMIT window.galleryView()->moreLikeRequested(first); });
        QCOMPARE(like, paths(catSpace->moreLike(firstRelative, 32)));
        QVERIFY(!like.contains(firstRelative));
        QVERIFY2(dock->statusText().contains(firstRelative), qPrintable(dock->statusText()));
        for (int row = 1; row < dock->results()->rowCount(); ++row)
            QVERIFY(dock->results()->cosineAt(row - 1) >= dock->results()->cosineAt(row));

        // Text over every class, once the text tower is there.
        QTRY_VERIFY_WITH_TIMEOUT(window.textModel()->state() == RunTextModel::State::Ready, kTimeout);
        dock->setScope(SearchDock::Scope::WholeRun);
        dock->queryEdit()->setText(QStringLiteral("a photo of a green dog"));
        const QStringList text = results(dock, [&] { dock->searchText(); });
        QCOMPARE(text, paths(everySpace->nearestToText(QStringLiteral("a photo of a green dog"), window.textModel()->encoder(), 32)));
        QVERIFY(dock->resultClasses().contains(QStringLiteral("dog")));
        QVERIFY(testing::saveScreenshot(&window, window.galleryView()->thumbnailCache(), QStringLiteral("search-1920x1080.png")));

        // Opening a dog hit selects the dog class and inspects it.
        const int dogRow = int(dock->resultClasses().indexOf(QStringLiteral("dog")));
        const QString dogPath = dock->results()->itemAt(dogRow).path;
        Q_EMIT dock->imageActivated(dogPath, QStringLiteral("dog"));
        QTRY_COMPARE_WITH_TIMEOUT(session.selectedClass(), QStringLiteral("dog"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(window.inspectorDock()->currentPath(), dogPath, kTimeout);
        testing::settle(window);
    }

    void importedRunOffersOnlyMoreLikeThis()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.show();
        window.resize(1024, 700);
        openCat(session, window, m_project.imported);
        SearchDock *dock = window.searchDock();
        QTRY_VERIFY_WITH_TIMEOUT(window.textModel()->state() == RunTextModel::State::NoCheckpoint, kTimeout);
        dock->queryEdit()->setText(QStringLiteral("a cat"));
        dock->searchText();
        QCOMPARE(dock->statusText(), window.textModel()->statusText()); // what to do: choose a checkpoint
        QCOMPARE(dock->results()->rowCount(), 0);
        const QString first = window.galleryView()->hardestModel()->itemAt(0).path;
        const QStringList like = results(dock, [&] { dock->moreLike(first); });
        QCOMPARE(like.size(), 32);
        QVERIFY(testing::saveScreenshot(&window, window.galleryView()->thumbnailCache(), QStringLiteral("search-1024x700.png")));
        // The gallery's caption filter needs the text tower too: it says so instead of matching.
        GalleryRanges captioned;
        captioned.caption = QStringLiteral("a cat");
        window.galleryView()->setRanges(captioned);
        QCOMPARE(window.galleryView()->hardestModel()->rowCount(), 0);
        QCOMPARE(window.galleryView()->emptyStateText(), window.textModel()->statusText());
        window.galleryView()->setRanges({});
        QVERIFY(window.galleryView()->hardestModel()->rowCount() > 0);
        testing::settle(window, false);
    }

    // Issue 15 views 2: the Filters popup's caption keeps the class's images closest to a text
    // in CLIP space — exactly the nearest ones core's search finds — per class, as it changes.
    void captionFilterKeepsTheClosestImages()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.show();
        window.resize(1024, 700);
        openCat(session, window, m_project.root);
        QTRY_VERIFY_WITH_TIMEOUT(window.textModel()->state() == RunTextModel::State::Ready, kTimeout);
        GalleryView *gallery = window.galleryView();
        gallery->setSplitFilter(std::nullopt);
        ProjectStore store(m_project.projectPath());
        const QString caption = QStringLiteral("a photo of a red cat");
        const auto closest = [&](const QString &className, int percent) {
            const auto space = RunSearchSpace::load(store, 1, className);
            const int k = int(std::ceil(space->size() * percent / 100.0));
            QStringList expected = paths(space->nearestToText(caption, window.textModel()->encoder(), k));
            expected.sort();
            return expected;
        };
        const auto shown = [&] {
            QStringList out;
            for (int row = 0; row < gallery->hardestModel()->rowCount(); ++row)
                out << gallery->hardestModel()->itemAt(row).relativePath;
            out.sort();
            return out;
        };

        QLineEdit *edit = gallery->filterPanel()->captionEdit();
        edit->setText(caption); // as typed: nothing happens before Return
        QCOMPARE(gallery->hardestModel()->rowCount(), 36);
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(gallery->ranges().caption, caption);
        const QStringList cats = closest(QStringLiteral("cat"), 25);
        QCOMPARE(cats.size(), 9);
        QTRY_COMPARE_WITH_TIMEOUT(shown(), cats, kTimeout);
        QCOMPARE(gallery->easiestModel()->rowCount(), 9);
        QVERIFY(gallery->findChild<QToolButton *>(QStringLiteral("GalleryFilters"))->text().contains(QLatin1String("(1)")));
        QVERIFY(testing::saveScreenshot(&window, gallery->thumbnailCache(), QStringLiteral("caption-filter-1024x700.png")));
        auto *filters = gallery->findChild<QToolButton *>(QStringLiteral("GalleryFilters"));
        filters->menu()->popup(filters->mapToGlobal(QPoint(0, filters->height())));
        QVERIFY(testing::saveScreenshot(filters->menu(), gallery->thumbnailCache(), QStringLiteral("caption-filter-popup.png")));
        filters->menu()->hide();

        // A narrower share: no new embedding, at once.
        GalleryRanges ranges = gallery->ranges();
        ranges.captionPercent = 10;
        gallery->setRanges(ranges);
        QCOMPARE(shown(), closest(QStringLiteral("cat"), 10));
        // Another class: its own closest images.
        session.setSelectedClass(QStringLiteral("dog"));
        QTRY_COMPARE_WITH_TIMEOUT(shown(), closest(QStringLiteral("dog"), 10), kTimeout);
        QCOMPARE(gallery->ranges().caption, caption);
        window.resize(1920, 1080);
        QVERIFY(testing::saveScreenshot(&window, gallery->thumbnailCache(), QStringLiteral("caption-filter-1920x1080.png")));
        // Clearing the field (its clear button) shows the whole class again.
        edit->clear();
        QCOMPARE(gallery->ranges().caption, QString());
        QCOMPARE(gallery->hardestModel()->rowCount(), 36);
        testing::settle(window);
    }

    void confusionCellsShowTheirImages()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.show();
        window.resize(1024, 700);
        openCat(session, window, m_project.root);
        ConfusionDock *dock = window.confusionDock();
        dock->show();
        dock->raise();
        QTRY_VERIFY_WITH_TIMEOUT(dock->model()->rowCount() == 2, kTimeout);
        const ConfusionMatrix &m = dock->model()->matrix();
        QCOMPARE(m.labels, (QStringList{"cat", "dog"}));
        // Half of each class is misclassified (red cats → dog, green dogs → cat): 18 + 18 per row.
        QCOMPARE(m.at(0, 0), 18);
        QCOMPARE(m.at(0, 1), 18);
        QCOMPARE(m.at(1, 0), 18);
        QCOMPARE(dock->model()->index(0, 2).data().toString(), QLocale().toString(50.0, 'f', 1) + QLatin1Char('%'));
        QCOMPARE(dock->topConfusions()->count(), 2);
        dock->setSplit(Split::Test);
        QCOMPARE(dock->model()->matrix().at(0, 1), 6); // 12 test cats, every other one red
        QVERIFY(testing::saveScreenshot(&window, window.galleryView()->thumbnailCache(), QStringLiteral("confusion-1024x700.png")));

        // dog → cat, a cell of the other class: the dog class, exactly those test images.
        dock->chooseCell(1, 0);
        QTRY_COMPARE_WITH_TIMEOUT(session.selectedClass(), QStringLiteral("dog"), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(window.galleryView()->subsetTitle().contains(QLatin1String("dog predicted as cat")), kTimeout);
        GalleryModel *gallery = window.galleryView()->hardestModel();
        QCOMPARE(gallery->rowCount(), 6);
        for (int row = 0; row < gallery->rowCount(); ++row) {
            const GalleryItem &item = gallery->itemAt(row);
            QCOMPARE(item.prediction, QStringLiteral("cat"));
            QCOMPARE(item.split, Split::Test);
            QVERIFY(m_project.wrong.value(item.relativePath));
        }
        // The same class's diagonal: shown at once.
        dock->setSplit(std::nullopt);
        dock->chooseCell(1, 1);
        QVERIFY(window.galleryView()->subsetTitle().contains(QLatin1String("dog predicted correctly")));
        QCOMPARE(window.galleryView()->hardestModel()->rowCount(), 18);
        window.resize(1920, 1080);
        QVERIFY(testing::saveScreenshot(&window, window.galleryView()->thumbnailCache(), QStringLiteral("confusion-1920x1080.png")));
        testing::settle(window);
    }

    // The whole run on one map: every image, coloured by class, stored as class ''; it stays as
    // the selected class changes; a box picks the class most of its dots belong to.
    void mapOfEveryClass()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.show();
        window.resize(1024, 700);
        EmbeddingMapDock *map = window.mapDock();
        QSignalSpy shown(map, &EmbeddingMapDock::mapShown);
        openCat(session, window, m_project.root);
        map->show();
        map->raise();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeout);
        shown.clear();
        map->setScope(EmbeddingMapDock::Scope::WholeRun);
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeout);
        const RunClassImages all = loadRunImages(ProjectStore(m_project.projectPath()), 1);
        QCOMPARE(map->pointCount(), 72);
        QCOMPARE(map->mapImages()->labels, all.labels);
        const PcaProjection pca = pcaProjection(all.embeddings.data(), all.size(), all.dim);
        for (size_t i = 0; i < pca.xy.size(); ++i)
            QVERIFY(std::abs(map->coordinates()[i] - pca.xy[i]) < 1e-5f);
        std::vector<float> stored;
        QCOMPARE(ProjectStore(m_project.projectPath()).loadProjection(1, QStringLiteral("pca"), QStringLiteral(""), &stored).size(),
                 qsizetype(72));
        map->setColouring(EmbeddingMapDock::Colouring::Class);
        QCOMPARE(map->plot()->legend->itemCount(), 2); // cat, dog
        QVERIFY(testing::saveScreenshot(&window, window.galleryView()->thumbnailCache(), QStringLiteral("map-all-1024x700.png")));

        // Another class selected: the same map, not projected again.
        shown.clear();
        session.setSelectedClass(QStringLiteral("dog"));
        QTRY_VERIFY_WITH_TIMEOUT(!window.galleryView()->hardestModel()->items()->empty()
                                     && window.galleryView()->hardestModel()->items()->front().label == QLatin1String("dog"), kTimeout);
        QCOMPARE(map->pointCount(), 72);
        QVERIFY(shown.isEmpty());
        QVERIFY2(map->statusText().contains(QLatin1String("dog")), qPrintable(map->statusText()));

        // A box over the left half: the gallery shows the majority class's images in it.
        float x0 = pca.xy[0], x1 = pca.xy[0];
        for (size_t i = 0; i < pca.xy.size(); i += 2)
            x0 = std::min(x0, pca.xy[i]), x1 = std::max(x1, pca.xy[i]);
        const double middle = (x0 + x1) / 2;
        QHash<QString, QSet<qint64>> inBox;
        for (qsizetype i = 0; i < all.size(); ++i)
            if (pca.xy[size_t(i) * 2] <= middle)
                inBox[all.labels[i]].insert(all.imageIds[size_t(i)]);
        const QString majority = inBox.value(QStringLiteral("cat")).size() > inBox.value(QStringLiteral("dog")).size()
            ? QStringLiteral("cat") : QStringLiteral("dog"); // a tie keeps the selected class, dog
        map->selectRect(x0 - 1, -1e9, middle, 1e9);
        QTRY_COMPARE_WITH_TIMEOUT(session.selectedClass(), majority, kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(window.galleryView()->subsetTitle().contains(QLatin1String("selected on the map")), kTimeout);
        QSet<qint64> shownIds;
        for (int row = 0; row < window.galleryView()->hardestModel()->rowCount(); ++row)
            shownIds.insert(window.galleryView()->hardestModel()->itemAt(row).imageId);
        QCOMPARE(shownIds, inBox.value(majority));

        // A dot of the other class: that class, and the image inspected.
        const QString other = majority == QLatin1String("cat") ? QStringLiteral("dog") : QStringLiteral("cat");
        const QString otherPath = QDir(m_project.root).filePath(all.paths.at(all.labels.indexOf(other)));
        Q_EMIT map->imageActivated(otherPath, other);
        QTRY_COMPARE_WITH_TIMEOUT(session.selectedClass(), other, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(window.inspectorDock()->currentPath(), otherPath, kTimeout);
        window.resize(1920, 1080);
        QVERIFY(testing::saveScreenshot(&window, window.galleryView()->thumbnailCache(), QStringLiteral("map-all-1920x1080.png")));
        map->setScope(EmbeddingMapDock::Scope::SelectedClass);
        QTRY_COMPARE_WITH_TIMEOUT(map->pointCount(), 36, kTimeout);
        testing::settle(window);
    }

    void mapIsThePcaAndSelectsInTheGallery()
    {
        for (int start = 0; start < 2; ++start) {
            ProjectSession session;
            MainWindow window(&session);
            window.show();
            window.resize(start == 0 ? 1920 : 1024, start == 0 ? 1080 : 700);
            EmbeddingMapDock *map = window.mapDock();
            QSignalSpy shown(map, &EmbeddingMapDock::mapShown);
            openCat(session, window, m_project.root);
            map->show();
            map->raise();
            QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeout);
            const RunClassImages &images = *session.selected().images;
            QCOMPARE(map->pointCount(), int(images.size()));
            if (start == 1)
                QVERIFY(map->storedMap()); // read back from the project, not computed again
            const PcaProjection pca = pcaProjection(images.embeddings.data(), images.size(), images.dim);
            QCOMPARE(int(map->coordinates().size()), int(pca.xy.size()));
            for (size_t i = 0; i < pca.xy.size(); ++i)
                QVERIFY(std::abs(map->coordinates()[i] - pca.xy[i]) < 1e-5f);
            std::vector<float> stored;
            QCOMPARE(ProjectStore(m_project.projectPath()).loadProjection(1, QStringLiteral("pca"), QStringLiteral("cat"), &stored).size(),
                     images.size());

            // a box over the left half of the map: exactly those images in the gallery
            float x0 = pca.xy[0], x1 = pca.xy[0];
            for (size_t i = 0; i < pca.xy.size(); i += 2)
                x0 = std::min(x0, pca.xy[i]), x1 = std::max(x1, pca.xy[i]);
            const double middle = (x0 + x1) / 2;
            QSet<qint64> expected;
            for (qsizetype i = 0; i < images.size(); ++i)
                if (pca.xy[size_t(i) * 2] <= middle)
                    expected.insert(images.imageIds[size_t(i)]);
            map->selectRect(x0 - 1, -1e9, middle, 1e9);
            QVERIFY(window.galleryView()->subsetTitle().contains(QLatin1String("selected on the map")));
            QSet<qint64> shownIds;
            for (GalleryModel *model : {window.galleryView()->hardestModel()})
                for (int row = 0; row < model->rowCount(); ++row)
                    shownIds.insert(model->itemAt(row).imageId);
            QCOMPARE(shownIds, expected);

            // a lasso drawn with the mouse (a quadrilateral around the upper left of the map):
            // the gallery shows exactly the dots inside it
            map->setTool(EmbeddingMapDock::Tool::Lasso);
            QCPAxisRect *rect = map->plot()->axisRect();
            const QRect area = rect->rect();
            const QList<QPoint> corners = {area.topLeft() + QPoint(2, 2), QPoint(area.center().x(), area.top() + 2),
                                           area.center(), QPoint(area.left() + 2, area.bottom() - 2)};
            QPolygonF lasso;
            QTest::mousePress(map->plot(), Qt::LeftButton, Qt::NoModifier, corners[0]);
            for (const QPoint &corner : corners) {
                QTest::mouseMove(map->plot(), corner);
                lasso << QPointF(map->plot()->xAxis->pixelToCoord(corner.x()), map->plot()->yAxis->pixelToCoord(corner.y()));
            }
            QTest::mouseRelease(map->plot(), Qt::LeftButton, Qt::NoModifier, corners.last());
            QSet<qint64> inLasso;
            for (qsizetype i = 0; i < images.size(); ++i)
                if (lasso.containsPoint(QPointF(pca.xy[size_t(i) * 2], pca.xy[size_t(i) * 2 + 1]), Qt::OddEvenFill))
                    inLasso.insert(images.imageIds[size_t(i)]);
            QVERIFY(!inLasso.isEmpty() && inLasso.size() < images.size());
            QCOMPARE(map->selectedCount(), int(inLasso.size()));
            shownIds.clear();
            for (int row = 0; row < window.galleryView()->hardestModel()->rowCount(); ++row)
                shownIds.insert(window.galleryView()->hardestModel()->itemAt(row).imageId);
            QCOMPARE(shownIds, inLasso);
            map->setTool(EmbeddingMapDock::Tool::Box);

            // the other way: images selected in the gallery are highlighted on the map
            window.galleryView()->clearSubset();
            QTRY_VERIFY_WITH_TIMEOUT(window.galleryView()->hardestModel()->rowCount() >= 3, kTimeout);
            QListView *hardest = window.galleryView()->hardestView();
            hardest->selectionModel()->select(QItemSelection(hardest->model()->index(0, 0), hardest->model()->index(2, 0)),
                                              QItemSelectionModel::ClearAndSelect);
            QCOMPARE(map->selectedCount(), 3);

            // colourings: a legend entry per decision-value bin; the current image is ringed
            map->setColouring(EmbeddingMapDock::Colouring::DecisionValue);
            QCOMPARE(map->pointCount(), int(images.size()));
            map->setColouring(EmbeddingMapDock::Colouring::Correctness);
            // t-SNE (36 images: within the exact t-SNE's limit), computed once, then stored
            QSignalSpy tsneShown(map, &EmbeddingMapDock::mapShown);
            map->setMethod(MapMethod::Tsne);
            QTRY_VERIFY_WITH_TIMEOUT(!tsneShown.isEmpty(), kTimeout);
            QCOMPARE(map->storedMap(), start == 1);
            QCOMPARE(map->coordinates(), tsneProjection(images.embeddings.data(), images.size(), images.dim));
            QCOMPARE(map->plot()->xAxis->label(), QStringLiteral("t-SNE 1"));
            if (start == 0)
                QVERIFY(testing::saveScreenshot(&window, window.galleryView()->thumbnailCache(), QStringLiteral("map-tsne-1920x1080.png")));
            map->setMethod(MapMethod::Pca);
            QTRY_COMPARE_WITH_TIMEOUT(map->plot()->xAxis->label(), QStringLiteral("PC 1"), kTimeout);
            QVERIFY(testing::saveScreenshot(&window, window.galleryView()->thumbnailCache(),
                                            start == 0 ? QStringLiteral("map-1920x1080.png") : QStringLiteral("map-1024x700.png")));
            testing::settle(window);
        }
    }
};

QTEST_MAIN(TestExploreDocks)
#include "test_explore_docks.moc"
