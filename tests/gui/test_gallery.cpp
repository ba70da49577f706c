// The gallery and inspector widgets: GalleryModel ordering/filtering/virtualisation,
// ThumbnailCache decoding (real PNGs, a corrupt file), GalleryView states, InspectorDock fields
// and nearest neighbours.

#include "gallery/GalleryTileDelegate.h"
#include "gallery/GalleryView.h"
#include "gallery/GalleryModel.h"
#include "inspector/InspectorDock.h"
#include "gallery/ThumbnailCache.h"
#include "TestImages.h"
#include "interpret/RunImages.h"

#include <QApplication>
#include <QListView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QComboBox>
#include <QStandardItemModel>
#include <QTest>
#include <QToolButton>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

using namespace faultline;

namespace {

// n images of class "Bag" under root: decision values are a shuffled 0..n-1 shifted by −n/2;
// every third image is incorrect (predicted "Shirt"); splits cycle test, val, pool, train.
RunClassImages makeImages(int n, int dim, const QString &corruptName = QString())
{
    RunClassImages images;
    images.className = QStringLiteral("Bag");
    images.dim = dim;
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(7);
    std::shuffle(order.begin(), order.end(), rng);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    const Split splits[] = {Split::Test, Split::Val, Split::Pool, Split::Train};
    for (int i = 0; i < n; ++i) {
        images.imageIds.push_back(i + 1);
        images.paths << (i == 0 && !corruptName.isEmpty() ? corruptName
                                                          : QStringLiteral("test/Bag/img%1.png").arg(i, 6, 10, QLatin1Char('0')));
        images.splits.push_back(splits[i % 4]);
        const bool correct = i % 3 != 0;
        images.correct.push_back(correct);
        images.predictions << (correct ? QStringLiteral("Bag") : QStringLiteral("Shirt"));
        images.decisionValues.push_back(double(order[size_t(i)]) - n / 2.0);
        for (int d = 0; d < dim; ++d)
            images.embeddings.push_back(gauss(rng));
    }
    return images;
}

} // namespace

class TestGallery : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    RunClassImages m_images;
    static constexpr int kImages = 24;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_images = makeImages(kImages, 16, QStringLiteral("test/Bag/corrupt.png"));
        for (int i = 0; i < kImages; ++i) {
            const QString path = m_dir.filePath(m_images.paths.at(i));
            if (i == 0)
                QVERIFY(testing::writeBytes(path, QByteArray("\x89PNG\r\n\x1a\n this is not a png", 27)));
            else
                QVERIFY(testing::writeBytes(path, testing::pngBytesWithChannels(40, 30, 3, i)));
        }
    }

    void modelOrderAndFilter()
    {
        ThumbnailCache cache;
        GalleryModel model(&cache);
        model.setItems(GalleryModel::itemsFrom(m_images, m_dir.path()));
        QCOMPARE(model.rowCount(), kImages);
        QCOMPARE(model.totalCount(), kImages);

        auto decisions = [&] {
            std::vector<double> values;
            for (int r = 0; r < model.rowCount(); ++r)
                values.push_back(model.index(r).data(GalleryModel::DecisionRole).toDouble());
            return values;
        };
        std::vector<double> hardest = decisions();
        QVERIFY(std::is_sorted(hardest.begin(), hardest.end()));
        QCOMPARE(hardest.front(), -kImages / 2.0);

        model.setOrder(GalleryModel::Order::EasiestFirst);
        std::vector<double> easiest = decisions();
        QVERIFY(std::is_sorted(easiest.rbegin(), easiest.rend()));
        QCOMPARE(easiest.front(), kImages / 2.0 - 1);

        const int incorrect = (kImages + 2) / 3; // i % 3 == 0
        model.setFilter(GalleryModel::Filter::Incorrect);
        QCOMPARE(model.rowCount(), incorrect);
        for (int r = 0; r < model.rowCount(); ++r)
            QVERIFY(!model.index(r).data(GalleryModel::CorrectRole).toBool());
        model.setFilter(GalleryModel::Filter::Correct);
        QCOMPARE(model.rowCount(), kImages - incorrect);
        model.setFilter(GalleryModel::Filter::All);
        model.setSplitFilter(Split::Test);
        QCOMPARE(model.rowCount(), kImages / 4);
        model.setSplitFilter(std::nullopt);

        // Roles.
        const QModelIndex first = model.index(0);
        const QString path = first.data(GalleryModel::PathRole).toString();
        QVERIFY(path.startsWith(m_dir.path()));
        QCOMPARE(model.rowOfPath(path), 0);
        QCOMPARE(first.data(GalleryModel::LabelRole).toString(), QStringLiteral("Bag"));
        QVERIFY(!first.data(Qt::DisplayRole).toString().isEmpty());
        QVERIFY(first.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Bag")));

        // Two models of the same items share one path index (the gallery's hardest and easiest lists).
        const auto items = GalleryModel::itemsFrom(m_images, m_dir.path());
        const auto itemOfPath = GalleryModel::indexPaths(*items);
        GalleryModel hardestList(&cache), easiestList(&cache);
        hardestList.setItems(items, itemOfPath);
        easiestList.setOrder(GalleryModel::Order::EasiestFirst);
        easiestList.setItems(items, itemOfPath);
        const QString hardestPath = hardestList.index(0).data(GalleryModel::PathRole).toString();
        QCOMPARE(hardestList.rowOfPath(hardestPath), 0);
        QCOMPARE(easiestList.rowOfPath(hardestPath), kImages - 1);
        QCOMPARE(easiestList.index(kImages - 1).data(GalleryModel::PathRole).toString(), hardestPath);
        QCOMPARE(easiestList.rowOfPath(m_dir.filePath(QStringLiteral("not/in/the/class.png"))), -1);

        // Relative paths are resolved against the root, absolute ones are kept.
        RunClassImages absolute = m_images;
        absolute.paths[1] = QStringLiteral("/elsewhere/Bag/a.png");
        const auto resolved = GalleryModel::itemsFrom(absolute, m_dir.path());
        QCOMPARE((*resolved)[0].path, m_dir.filePath(m_images.paths.at(0)));
        QCOMPARE((*resolved)[1].path, QStringLiteral("/elsewhere/Bag/a.png"));
        QCOMPARE((*resolved)[1].relativePath, QStringLiteral("/elsewhere/Bag/a.png"));

        // NaN (not fitted) sorts last both ways.
        RunClassImages withNan = m_images;
        withNan.decisionValues[5] = std::nan("");
        model.setItems(GalleryModel::itemsFrom(withNan, m_dir.path()));
        QVERIFY(std::isnan(model.index(kImages - 1).data(GalleryModel::DecisionRole).toDouble()));
        model.setOrder(GalleryModel::Order::HardestFirst);
        QVERIFY(std::isnan(model.index(kImages - 1).data(GalleryModel::DecisionRole).toDouble()));
    }

    void thumbnailsArrive()
    {
        ThumbnailCache cache;
        GalleryModel model(&cache);
        model.setThumbnailSize(64);
        model.setItems(GalleryModel::itemsFrom(m_images, m_dir.path()));
        QSignalSpy ready(&cache, &ThumbnailCache::thumbnailReady);
        QSignalSpy changed(&model, &GalleryModel::dataChanged);
        for (int r = 0; r < model.rowCount(); ++r) {
            const QPixmap placeholder = model.index(r).data(Qt::DecorationRole).value<QPixmap>();
            QVERIFY(!placeholder.isNull());
        }
        // Asking again while in flight does not queue another decode.
        for (int r = 0; r < model.rowCount(); ++r)
            model.index(r).data(Qt::DecorationRole);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), kImages, 10000);
        QCOMPARE(changed.count(), kImages);
        QCOMPARE(cache.pendingCount(), 0);

        const QString corrupt = m_dir.filePath(QStringLiteral("test/Bag/corrupt.png"));
        for (int r = 0; r < model.rowCount(); ++r) {
            const QModelIndex index = model.index(r);
            const QPixmap pixmap = index.data(Qt::DecorationRole).value<QPixmap>();
            QVERIFY(!pixmap.isNull());
            if (index.data(GalleryModel::PathRole).toString() == corrupt) {
                QVERIFY(!index.data(GalleryModel::ThumbnailErrorRole).toString().isEmpty());
                QVERIFY(!index.data(GalleryModel::ThumbnailReadyRole).toBool());
                QVERIFY(index.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Cannot show")));
            } else {
                QVERIFY(index.data(GalleryModel::ThumbnailReadyRole).toBool());
                QVERIFY(index.data(GalleryModel::ThumbnailErrorRole).toString().isEmpty());
                // 40 × 30 fits 64 × 64 at an integer upscale: 40 → 40 (factor 1).
                QCOMPARE(std::max(pixmap.width(), pixmap.height()), 40);
            }
        }
        QVERIFY(cache.cachedBytes() > 0);
        // Once decoded nothing is requested again.
        model.index(3).data(Qt::DecorationRole);
        QCOMPARE(cache.pendingCount(), 0);

        // A size that needs a downscale.
        const QString some = model.index(1).data(GalleryModel::PathRole).toString();
        cache.thumbnail(some, 20);
        QTRY_VERIFY(cache.contains(some, 20));
        const QPixmap small = cache.thumbnail(some, 20);
        QCOMPARE(small.width(), 20);
        QCOMPARE(small.height(), 15);
    }

    void destroyingTheCacheWithRequestsInFlight()
    {
        RunClassImages many = makeImages(3000, 1);
        for (int i = 1; i < kImages; ++i)
            many.paths[i] = m_images.paths[i];
        auto *cache = new ThumbnailCache;
        GalleryModel model(cache);
        model.setItems(GalleryModel::itemsFrom(many, m_dir.path()));
        for (int r = 0; r < model.rowCount(); ++r)
            model.index(r).data(Qt::DecorationRole);
        QVERIFY(cache->pendingCount() > 0);
        delete cache;                            // must neither wait nor crash
        QTest::qWait(200);                       // decodes that were running finish into nothing
        QVERIFY(!model.index(0).data(Qt::DecorationRole).isValid());
    }

    void hundredThousandRows()
    {
        const int n = 100000;
        RunClassImages images = makeImages(n, 1);
        ThumbnailCache cache;
        GalleryModel model(&cache);
        model.setItems(GalleryModel::itemsFrom(images, QStringLiteral("/nonexistent-faultline-root")));
        QCOMPARE(model.rowCount(), n);
        for (int r = 50000; r < 50200; ++r) {
            const QModelIndex index = model.index(r);
            QVERIFY(!index.data(Qt::DisplayRole).toString().isEmpty());
            QVERIFY(!index.data(Qt::DecorationRole).value<QPixmap>().isNull());
            QVERIFY(!index.data(Qt::ToolTipRole).toString().isEmpty());
        }
        QCOMPARE(cache.pendingCount(), 200); // only the rows asked for
        model.setFilter(GalleryModel::Filter::Incorrect);
        QCOMPARE(model.rowCount(), (n + 2) / 3);
        model.setOrder(GalleryModel::Order::EasiestFirst);
        QCOMPARE(model.index(0).data(GalleryModel::DecisionRole).toDouble(),
                 model.index(0).data(GalleryModel::DecisionRole).toDouble());

        // In a view: only the visible rows are decoded.
        GalleryView dock(nullptr, &cache);
        dock.resize(900, 600);
        dock.showClass(std::make_shared<const RunClassImages>(images), QStringLiteral("/nonexistent-faultline-root"));
        dock.setSplitFilter(std::nullopt);
        QCOMPARE(dock.hardestModel()->rowCount(), n);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        dock.hardestView()->scrollToBottom();
        QTest::qWait(50);
        QVERIFY(cache.pendingCount() + 0 < 2000); // never every row
    }

    void galleryView()
    {
        ThumbnailCache cache;
        GalleryView dock(nullptr, &cache);
        QVERIFY(dock.emptyStateText().contains(QStringLiteral("Select a class")));
        dock.resize(1000, 600);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));

        dock.showClass(std::make_shared<const RunClassImages>(m_images), m_dir.path());
        QVERIFY(dock.emptyStateText().isEmpty());
        QCOMPARE(dock.hardestModel()->rowCount(), kImages / 4); // test split by default
        QCOMPARE(dock.easiestModel()->rowCount(), kImages / 4);
        dock.setSplitFilter(std::nullopt);
        QCOMPARE(dock.hardestModel()->rowCount(), kImages);
        QVERIFY(dock.hardestModel()->index(0).data(GalleryModel::DecisionRole).toDouble()
                < dock.easiestModel()->index(0).data(GalleryModel::DecisionRole).toDouble());

        // Scrolled down, another filter (or split, or class) starts at the top again (issue 15.4).
        QScrollBar *scroll = dock.hardestView()->verticalScrollBar();
        QTRY_VERIFY_WITH_TIMEOUT(scroll->maximum() > 0, 5000);
        scroll->setValue(scroll->maximum());
        dock.setFilter(GalleryModel::Filter::Incorrect);
        QCOMPARE(dock.hardestModel()->rowCount(), (kImages + 2) / 3);
        QCOMPARE(scroll->value(), 0);
        scroll->setValue(scroll->maximum());
        dock.setFilter(GalleryModel::Filter::All);
        QCOMPARE(scroll->value(), 0);
        scroll->setValue(scroll->maximum());
        dock.setSplitFilter(Split::Test);
        QCOMPARE(scroll->value(), 0);
        dock.setSplitFilter(std::nullopt);

        const int size = dock.thumbnailSize();
        dock.zoomIn();
        QVERIFY(dock.thumbnailSize() > size);
        QCOMPARE(dock.hardestModel()->thumbnailSize(), dock.thumbnailSize());
        dock.zoomOut();
        QCOMPARE(dock.thumbnailSize(), size);
        QTest::keyClick(dock.hardestView(), Qt::Key_Equal, Qt::ControlModifier);
        QVERIFY(dock.thumbnailSize() > size);

        QSignalSpy current(&dock, &GalleryView::currentImageChanged);
        dock.hardestView()->setCurrentIndex(dock.hardestModel()->index(2));
        QCOMPARE(current.count(), 1);
        QCOMPARE(current.at(0).at(0).toString(), dock.hardestModel()->index(2).data(GalleryModel::PathRole).toString());
        QCOMPARE(dock.currentPath(), current.at(0).at(0).toString());
        dock.hardestView()->selectAll();
        QCOMPARE(dock.selectedPaths().size(), kImages);

        QSignalSpy activated(&dock, &GalleryView::imageActivated);
        Q_EMIT dock.hardestView()->activated(dock.hardestModel()->index(1));
        QCOMPARE(activated.count(), 1);

        // Thumbnails arrive in the view and the dock paints.
        QTRY_VERIFY_WITH_TIMEOUT(dock.hardestModel()->index(1).data(GalleryModel::ThumbnailReadyRole).toBool(), 10000);
        QVERIFY(!dock.grab().isNull());

        // A split with no images → its own empty state; back to no class.
        RunClassImages testOnly = m_images;
        for (Split &split : testOnly.splits)
            split = Split::Test;
        dock.showClass(std::make_shared<const RunClassImages>(testOnly), m_dir.path());
        dock.setSplitFilter(Split::Train);
        QVERIFY(dock.emptyStateText().contains(QStringLiteral("No image")));
        dock.clearClass();
        QVERIFY(dock.emptyStateText().contains(QStringLiteral("Select a class")));
    }

    // Issue 15.5: a misclassified tile's line keeps the prediction visible at the default zoom.
    void verdictLineShowsThePrediction()
    {
        const QFontMetrics fm(QApplication::font());
        const QString full = QStringLiteral("Ankle boot \u2192 Sneaker");
        QCOMPARE(GalleryTileDelegate::verdictText(QStringLiteral("Ankle boot"), QStringLiteral("Sneaker"), false, fm,
                                                  fm.horizontalAdvance(full) + 2), full);
        const int tile = fm.horizontalAdvance(QStringLiteral("\u2192 Sneaker")) + 4; // narrower than the full line
        QCOMPARE(GalleryTileDelegate::verdictText(QStringLiteral("Ankle boot"), QStringLiteral("Sneaker"), false, fm, tile),
                 QStringLiteral("\u2192 Sneaker"));
        // a correct image shows its label (elided if it must be); an unknown prediction too
        QCOMPARE(GalleryTileDelegate::verdictText(QStringLiteral("Ankle boot"), QStringLiteral("Ankle boot"), true, fm, 1000),
                 QStringLiteral("Ankle boot"));
        QVERIFY(GalleryTileDelegate::verdictText(QStringLiteral("Ankle boot"), QString(), false, fm, tile)
                    .startsWith(QStringLiteral("Ankle")));
    }

    // Issue 14: hardest first by decision value or by hardness; hardness is offered only where
    // the run has it; a rule's leaf shows only its images, every split, until the class changes.
    void sortByHardnessAndSubsets()
    {
        ThumbnailCache cache;
        GalleryView dock(nullptr, &cache);
        RunClassImages images = m_images;
        for (int i = 0; i < int(images.size()); ++i)
            images.hardness.push_back(-images.decisionValues[size_t(i)]); // the reverse order
        dock.showClass(std::make_shared<const RunClassImages>(images), m_dir.path());
        dock.setSplitFilter(std::nullopt);
        auto *sortModel = qobject_cast<QStandardItemModel *>(dock.sortCombo()->model());
        QVERIFY(sortModel->item(1)->isEnabled());
        const QString hardestByDecision = dock.hardestModel()->index(0).data(GalleryModel::PathRole).toString();
        dock.sortCombo()->setCurrentIndex(1);
        QCOMPARE(dock.hardestModel()->sortKey(), GalleryModel::SortKey::Hardness);
        QCOMPARE(dock.easiestModel()->index(0).data(GalleryModel::PathRole).toString(), hardestByDecision);
        QVERIFY(dock.hardestModel()->index(0).data().toString().startsWith(QLatin1String("h ")));
        // a run without hardness: back to the decision value, the choice greyed out
        dock.showClass(std::make_shared<const RunClassImages>(m_images), m_dir.path());
        QVERIFY(!sortModel->item(1)->isEnabled());
        QCOMPARE(dock.hardestModel()->sortKey(), GalleryModel::SortKey::DecisionValue);
        QCOMPARE(dock.sortCombo()->currentIndex(), 0);

        dock.setSplitFilter(Split::Test);
        dock.showSubset(QStringLiteral("Rule of Bag: x > 1"), {1, 2, 3});
        QCOMPARE(dock.hardestModel()->rowCount(), 3); // all three, whatever their split
        QCOMPARE(dock.subsetTitle(), QStringLiteral("Rule of Bag: x > 1"));
        dock.clearSubset();
        QVERIFY(dock.subsetTitle().isEmpty());
        QCOMPARE(dock.hardestModel()->rowCount(), kImages);
        dock.showSubset(QStringLiteral("leaf"), {1});
        dock.showClass(std::make_shared<const RunClassImages>(m_images), m_dir.path());
        QVERIFY(dock.subsetTitle().isEmpty());
        QCOMPARE(dock.hardestModel()->rowCount(), kImages);
    }

    // Issue 15 (views 2): the Filters popup's ranges and predicted class narrow both lists.
    void rangeFiltersAndPrediction()
    {
        ThumbnailCache cache;
        GalleryView view(nullptr, &cache);
        RunClassImages images = m_images;
        for (int i = 0; i < int(images.size()); ++i)
            images.hardness.push_back(i < 4 ? std::numeric_limits<double>::quiet_NaN() : double(i));
        view.showClass(std::make_shared<const RunClassImages>(images), m_dir.path());
        view.setSplitFilter(std::nullopt);
        QHash<QString, double> confidence;
        for (int i = 0; i < int(images.size()); ++i)
            confidence.insert(QDir(m_dir.path()).filePath(images.paths[i]), i / 100.0);
        view.setConfidences(confidence);
        const auto expected = [&](const std::function<bool(int)> &keep) {
            int n = 0;
            for (int i = 0; i < int(images.size()); ++i)
                n += keep(i) ? 1 : 0;
            return n;
        };

        GalleryRanges ranges;
        ranges.maxDecision = -2.0;
        view.setRanges(ranges);
        QCOMPARE(view.hardestModel()->rowCount(), expected([&](int i) { return images.decisionValues[size_t(i)] <= -2.0; }));
        QCOMPARE(view.easiestModel()->rowCount(), view.hardestModel()->rowCount());
        ranges = {};
        ranges.minHardness = 10; // images without hardness (NaN) fail a hardness range
        view.setRanges(ranges);
        QCOMPARE(view.hardestModel()->rowCount(), expected([&](int i) { return i >= 10; }));
        ranges = {};
        ranges.minConfidence = 0.05;
        ranges.maxConfidence = 0.1;
        ranges.prediction = QStringLiteral("Shirt");
        view.setRanges(ranges);
        QCOMPARE(view.hardestModel()->rowCount(), expected([&](int i) {
            return i >= 5 && i <= 10 && images.predictions[i] == QLatin1String("Shirt");
        }));
        QCOMPARE(view.ranges(), ranges);
        QVERIFY(view.findChild<QToolButton *>(QStringLiteral("GalleryFilters"))->text().contains(QLatin1String("(3)")));
        // the filter keeps across a reload of the same class; Clear shows the whole class again
        view.showClass(std::make_shared<const RunClassImages>(images), m_dir.path());
        QCOMPARE(view.ranges(), ranges);
        view.setRanges({});
        QCOMPARE(view.hardestModel()->rowCount(), kImages);
        QCOMPARE(view.findChild<QToolButton *>(QStringLiteral("GalleryFilters"))->text(), QStringLiteral("Filters"));
    }

    void inspector()
    {
        ThumbnailCache cache;
        InspectorDock inspector(nullptr, &cache);
        inspector.resize(360, 700);
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
        inspector.showClass(std::make_shared<const RunClassImages>(m_images), m_dir.path());
        QTRY_VERIFY(inspector.indexReady());

        const int row = 3; // i % 3 == 0: incorrect, predicted Shirt
        const QString path = m_dir.filePath(m_images.paths.at(row));
        QVERIFY(inspector.setCurrentImage(path));
        QVERIFY(!inspector.setCurrentImage(QStringLiteral("/elsewhere.png")));
        QCOMPARE(inspector.currentPath(), path);
        QCOMPARE(inspector.fieldText(QStringLiteral("label")), QStringLiteral("Bag"));
        QCOMPARE(inspector.fieldText(QStringLiteral("prediction")), QStringLiteral("Shirt"));
        QVERIFY(inspector.fieldText(QStringLiteral("correct")).contains(QStringLiteral("incorrect")));
        QCOMPARE(inspector.fieldText(QStringLiteral("decision")),
                 GalleryModel::decisionText(m_images.decisionValues[row]));
        QCOMPARE(inspector.fieldText(QStringLiteral("split")), QStringLiteral("Train"));
        QCOMPARE(inspector.fieldText(QStringLiteral("path")), m_images.paths.at(row));
        QCOMPARE(inspector.fieldText(QStringLiteral("hardness")), QString()); // a run without hardness
        RunClassImages withHardness = m_images;
        withHardness.hardness.assign(size_t(withHardness.size()), -0.5);
        inspector.showClass(std::make_shared<const RunClassImages>(withHardness), m_dir.path());
        QTRY_VERIFY(inspector.indexReady());
        QVERIFY(inspector.setCurrentImage(path));
        QCOMPARE(inspector.fieldText(QStringLiteral("hardness")), GalleryModel::decisionText(-0.5));
        inspector.showClass(std::make_shared<const RunClassImages>(m_images), m_dir.path());
        QTRY_VERIFY(inspector.indexReady());
        QVERIFY(inspector.setCurrentImage(path));

        QTRY_COMPARE(inspector.neighbourPaths().size(), InspectorDock::kNeighbours);
        // The same 8 as a brute-force cosine ranking.
        const int dim = m_images.dim;
        auto cosine = [&](int a, int b) {
            double dot = 0, na = 0, nb = 0;
            for (int d = 0; d < dim; ++d) {
                const double x = m_images.embeddings[size_t(a * dim + d)], y = m_images.embeddings[size_t(b * dim + d)];
                dot += x * y;
                na += x * x;
                nb += y * y;
            }
            return dot / std::sqrt(na * nb);
        };
        std::vector<int> others;
        for (int i = 0; i < kImages; ++i)
            if (i != row)
                others.push_back(i);
        std::sort(others.begin(), others.end(), [&](int a, int b) { return cosine(row, a) > cosine(row, b); });
        const QStringList neighbours = inspector.neighbourPaths();
        const std::vector<float> cosines = inspector.neighbourCosines();
        for (int k = 0; k < InspectorDock::kNeighbours; ++k) {
            QCOMPARE(neighbours.at(k), m_dir.filePath(m_images.paths.at(others[size_t(k)])));
            QVERIFY(std::abs(cosines[size_t(k)] - cosine(row, others[size_t(k)])) < 1e-4);
        }

        // The large image arrives.
        QTRY_VERIFY_WITH_TIMEOUT(!inspector.preview()->pixmap().isNull()
                                     && cache.contains(path, inspector.preview()->decodeSize()),
                                 10000);
        // A corrupt file: placeholder and error, no crash.
        const QString corrupt = m_dir.filePath(m_images.paths.at(0));
        QVERIFY(inspector.setCurrentImage(corrupt));
        QTRY_VERIFY_WITH_TIMEOUT(!cache.errorString(corrupt).isEmpty(), 10000);
        QVERIFY(!inspector.preview()->pixmap().isNull());
        QVERIFY(!inspector.grab().isNull());
    }
};

QTEST_MAIN(TestGallery)
#include "test_gallery.moc"
