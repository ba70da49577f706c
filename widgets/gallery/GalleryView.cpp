#include "gallery/GalleryView.h"

#include "support/SplitTitle.h"
#include "gallery/CaptionMatcher.h"
#include "gallery/GalleryFilterPanel.h"
#include "gallery/ThumbnailCache.h"
#include "interpret/RunImages.h"
#include "jobs/BackgroundJob.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStackedWidget>
#include <QUrl>
#include <QToolButton>
#include <QWidgetAction>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace faultline {

namespace {

constexpr int kMinThumb = 48;
constexpr int kMaxThumb = 320;
constexpr int kZoomStep = 16;

} // namespace

// --- GalleryView ---------------------------------------------------------------------------

GalleryView::GalleryView(QWidget *parent, ThumbnailCache *cache)
    : QWidget(parent), m_cache(cache ? cache : new ThumbnailCache(this))
{
    setObjectName(QStringLiteral("GalleryView"));
    m_hardest = new GalleryModel(m_cache, this);
    m_easiest = new GalleryModel(m_cache, this);
    m_hardest->setOrder(GalleryModel::Order::HardestFirst);
    m_easiest->setOrder(GalleryModel::Order::EasiestFirst);
    m_delegate = new GalleryTileDelegate(this);

    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    auto *bar = new QHBoxLayout;
    m_summary = new QLabel(content);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    QFont summaryFont = m_summary->font();
    summaryFont.setBold(true);
    m_summary->setFont(summaryFont);
    bar->addStretch(1);

    auto *splitLabel = new QLabel(tr("&Split:"), content);
    m_splitCombo = new QComboBox(content);
    for (Split split : {Split::Test, Split::Val, Split::Pool, Split::Train})
        m_splitCombo->addItem(splitTitle(split), int(split));
    m_splitCombo->addItem(tr("All splits"), -1);
    m_splitCombo->setToolTip(tr("Which split's images to show"));
    splitLabel->setBuddy(m_splitCombo);
    bar->addWidget(splitLabel);
    bar->addWidget(m_splitCombo);

    auto *filterLabel = new QLabel(tr("S&how:"), content);
    m_filterCombo = new QComboBox(content);
    m_filterCombo->addItem(tr("All images"), int(GalleryModel::Filter::All));
    m_filterCombo->addItem(tr("Correct only"), int(GalleryModel::Filter::Correct));
    m_filterCombo->addItem(tr("Incorrect only"), int(GalleryModel::Filter::Incorrect));
    m_filterCombo->addItem(tr("Tagged hard"), int(GalleryModel::Filter::TaggedHard));
    m_filterCombo->addItem(tr("Tagged OK"), int(GalleryModel::Filter::TaggedOk));
    m_filterCombo->addItem(tr("Untagged"), int(GalleryModel::Filter::Untagged));
    filterLabel->setBuddy(m_filterCombo);
    bar->addWidget(filterLabel);
    bar->addWidget(m_filterCombo);

    // Ranges of decision value, hardness and confidence, and a predicted class, in a popup.
    m_filterPanel = new GalleryFilterPanel;
    m_filtersButton = new QToolButton(content);
    m_filtersButton->setObjectName(QStringLiteral("GalleryFilters"));
    m_filtersButton->setText(tr("Filters"));
    m_filtersButton->setToolTip(tr("Only images in a range of decision value, hardness or confidence, predicted as a class, or matching a caption"));
    m_filtersButton->setPopupMode(QToolButton::InstantPopup);
    auto *filtersMenu = new QMenu(m_filtersButton);
    auto *panelAction = new QWidgetAction(filtersMenu);
    panelAction->setDefaultWidget(m_filterPanel);
    filtersMenu->addAction(panelAction);
    m_filtersButton->setMenu(filtersMenu);
    bar->addWidget(m_filtersButton);
    connect(m_filterPanel, &GalleryFilterPanel::rangesChanged, this, &GalleryView::applyRanges);
    m_captionMatcher = new CaptionMatcher(this);
    connect(m_captionMatcher, &CaptionMatcher::jobStarted, this, &GalleryView::jobStarted);
    connect(m_captionMatcher, &CaptionMatcher::changed, this, [this] {
        applyCaptionMatch(ranges());
        scrollToStart();
        updateState();
    });

    auto *sortLabel = new QLabel(tr("So&rt:"), content);
    m_sortCombo = new QComboBox(content);
    m_sortCombo->setObjectName(QStringLiteral("GallerySort"));
    m_sortCombo->addItem(tr("Decision value"), int(GalleryModel::SortKey::DecisionValue));
    m_sortCombo->addItem(tr("Hardness"), int(GalleryModel::SortKey::Hardness));
    m_sortCombo->setToolTip(tr("Decision value: the paper's SVM score. Hardness: the decision value averaged over"
                               " each image's neighbourhood, so images in a region of failures come first"));
    sortLabel->setBuddy(m_sortCombo);
    bar->addWidget(sortLabel);
    bar->addWidget(m_sortCombo);

    m_zoom = new QSlider(Qt::Horizontal, content);
    m_zoom->setRange(kMinThumb, kMaxThumb);
    m_zoom->setSingleStep(kZoomStep);
    m_zoom->setPageStep(kZoomStep * 2);
    m_zoom->setValue(m_thumbnailSize);
    m_zoom->setFixedWidth(110);
    m_zoom->setToolTip(tr("Thumbnail size (%1 / %2)")
                           .arg(QKeySequence(Qt::CTRL | Qt::Key_Equal).toString(QKeySequence::NativeText),
                                QKeySequence(Qt::CTRL | Qt::Key_Minus).toString(QKeySequence::NativeText)));
    m_zoom->setAccessibleName(tr("Thumbnail size"));
    bar->addWidget(new QLabel(tr("Zoom:"), content));
    bar->addWidget(m_zoom);
    layout->addLayout(bar);
    layout->addWidget(m_summary); // its own line: the class name and counts never get cut
    m_subsetBar = new QWidget(content);
    auto *subsetLayout = new QHBoxLayout(m_subsetBar);
    subsetLayout->setContentsMargins(0, 0, 0, 0);
    m_subsetTitle = new QLabel(m_subsetBar);
    m_subsetTitle->setTextFormat(Qt::PlainText);
    m_subsetTitle->setWordWrap(true);
    auto *wholeClass = new QPushButton(tr("Show the whole class"), m_subsetBar);
    subsetLayout->addWidget(m_subsetTitle, 1);
    subsetLayout->addWidget(wholeClass);
    m_subsetBar->hide();
    connect(wholeClass, &QPushButton::clicked, this, &GalleryView::clearSubset);
    layout->addWidget(m_subsetBar);

    m_stack = new QStackedWidget(content);
    m_emptyLabel = new QLabel(content);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setTextFormat(Qt::PlainText);
    m_emptyLabel->setForegroundRole(QPalette::PlaceholderText);
    m_emptyLabel->setMargin(24);
    m_stack->addWidget(m_emptyLabel);

    auto *splitter = new QSplitter(Qt::Horizontal, content);
    auto makePane = [&](const QString &title, const QString &tip, GalleryModel *model, QListView **view) {
        auto *pane = new QWidget(splitter);
        auto *paneLayout = new QVBoxLayout(pane);
        paneLayout->setContentsMargins(0, 0, 0, 0);
        paneLayout->setSpacing(2);
        auto *heading = new QLabel(title, pane);
        QFont f = heading->font();
        f.setBold(true);
        heading->setFont(f);
        heading->setToolTip(tip);
        paneLayout->addWidget(heading);
        *view = makeView(model);
        (*view)->setParent(pane);
        (*view)->setAccessibleName(title);
        paneLayout->addWidget(*view, 1);
        splitter->addWidget(pane);
    };
    makePane(tr("Hardest"), tr("Most negative decision value first: the images the failure direction rates "
                               "most likely to be misclassified"),
             m_hardest, &m_hardestView);
    makePane(tr("Easiest"), tr("Most positive decision value first"), m_easiest, &m_easiestView);
    splitter->setChildrenCollapsible(false);
    m_stack->addWidget(splitter);
    layout->addWidget(m_stack, 1);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(content);
    m_lastFocused = m_hardestView;

    connect(m_splitCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        const int value = m_splitCombo->currentData().toInt();
        const std::optional<Split> split = value < 0 ? std::nullopt : std::optional<Split>(Split(value));
        m_hardest->setSplitFilter(split);
        m_easiest->setSplitFilter(split);
        scrollToStart();
        updateState();
        Q_EMIT splitFilterChanged(split ? splitName(*split) : QString());
    });
    connect(m_sortCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        setSortKey(GalleryModel::SortKey(m_sortCombo->currentData().toInt()));
    });
    connect(m_filterCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        const auto filter = GalleryModel::Filter(m_filterCombo->currentData().toInt());
        m_hardest->setFilter(filter);
        m_easiest->setFilter(filter);
        scrollToStart();
        updateState();
    });
    connect(m_zoom, &QSlider::valueChanged, this, [this](int value) {
        if (value != m_thumbnailSize) {
            m_thumbnailSize = value;
            applyThumbnailSize();
        }
    });

    auto *zoomInAction = new QAction(tr("Zoom In"), this);
    zoomInAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence(Qt::CTRL | Qt::Key_Plus),
                                QKeySequence::ZoomIn});
    zoomInAction->setShortcutContext(Qt::WindowShortcut); // the main window's, or its own when floating
    connect(zoomInAction, &QAction::triggered, this, &GalleryView::zoomIn);
    addAction(zoomInAction);
    auto *zoomOutAction = new QAction(tr("Zoom Out"), this);
    zoomOutAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Minus), QKeySequence::ZoomOut});
    zoomOutAction->setShortcutContext(Qt::WindowShortcut);
    connect(zoomOutAction, &QAction::triggered, this, &GalleryView::zoomOut);
    addAction(zoomOutAction);

    m_splitCombo->setCurrentIndex(0);
    m_hardest->setSplitFilter(Split::Test);
    m_easiest->setSplitFilter(Split::Test);
    applyThumbnailSize();
    updateState();
}

GalleryView::~GalleryView() = default;

QListView *GalleryView::makeView(GalleryModel *model)
{
    auto *view = new QListView;
    view->setViewMode(QListView::IconMode);
    // Static movement + uniform sizes: QListView's batched grid layout (no per-item geometry
    // over 100k rows), and data() only for the rows in the viewport.
    view->setMovement(QListView::Static);
    view->setResizeMode(QListView::Adjust);
    view->setFlow(QListView::LeftToRight);
    view->setWrapping(true);
    view->setUniformItemSizes(true);
    view->setLayoutMode(QListView::Batched);
    view->setBatchSize(2000);
    view->setSpacing(2);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setSelectionBehavior(QAbstractItemView::SelectItems);
    view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    view->setMouseTracking(true);
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    view->setItemDelegate(m_delegate);
    view->setModel(model);
    view->viewport()->setAttribute(Qt::WA_Hover);

    connect(view, &QListView::activated, this, [this, model](const QModelIndex &index) {
        if (index.isValid())
            Q_EMIT imageActivated(model->data(index, GalleryModel::PathRole).toString());
    });
    connect(view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this, view, model](const QModelIndex &current) {
                m_lastFocused = view;
                if (current.isValid())
                    Q_EMIT currentImageChanged(model->data(current, GalleryModel::PathRole).toString(),
                                               model->data(current, GalleryModel::SourceRowRole).toInt());
            });
    connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this, view] {
        m_lastFocused = view;
        Q_EMIT selectedImagesChanged(pathsFor(view, QModelIndex()));
    });
    connect(view, &QListView::customContextMenuRequested, this,
            [this, view](const QPoint &pos) { showContextMenu(view, pos); });
    return view;
}

void GalleryView::setTextModel(RunTextModel *model)
{
    m_captionMatcher->setTextModel(model);
}

void GalleryView::showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot)
{
    m_className = images->className;
    m_hasClass = true;
    std::shared_ptr<const GalleryModel::Items> items = GalleryModel::itemsFrom(*images, datasetRoot);
    m_captionMatcher->setImages(images);
    applyCaptionMatch(ranges());
    // Keep the chosen split if the class has images there, else show every split.
    const int value = m_splitCombo->currentData().toInt();
    if (value >= 0) {
        bool any = false;
        for (const GalleryItem &item : *items)
            if (int(item.split) == value) {
                any = true;
                break;
            }
        if (!any && !items->empty()) {
            const QSignalBlocker blocker(m_splitCombo);
            m_splitCombo->setCurrentIndex(m_splitCombo->findData(-1));
            m_hardest->setSplitFilter(std::nullopt);
            m_easiest->setSplitFilter(std::nullopt);
        }
    }
    // Hardness is offered where the run computed it (runs before it, or huge classes, have none).
    const bool hasHardness = std::any_of(items->begin(), items->end(), [](const GalleryItem &item) {
        return !std::isnan(item.hardness);
    });
    if (auto *sortModel = qobject_cast<QStandardItemModel *>(m_sortCombo->model()))
        sortModel->item(m_sortCombo->findData(int(GalleryModel::SortKey::Hardness)))->setEnabled(hasHardness);
    if (!hasHardness && m_hardest->sortKey() == GalleryModel::SortKey::Hardness)
        setSortKey(GalleryModel::SortKey::DecisionValue);
    QStringList predictions;
    for (const GalleryItem &item : *items)
        if (!item.prediction.isEmpty() && !predictions.contains(item.prediction))
            predictions << item.prediction;
    predictions.sort();
    m_filterPanel->setPredictions(predictions);
    const std::shared_ptr<const GalleryModel::PathIndex> itemOfPath = GalleryModel::indexPaths(*items);
    m_subsetBar->hide(); // a subset belongs to the class it was chosen in
    m_hardest->setSubset(std::nullopt);
    m_easiest->setSubset(std::nullopt);
    m_hardest->setItems(items, itemOfPath);
    m_easiest->setItems(items, itemOfPath);
    scrollToStart();
    setWindowTitle(m_className.isEmpty() ? tr("Gallery") : tr("Gallery \u2014 %1").arg(m_className));
    updateState();
}

void GalleryView::setSortKey(GalleryModel::SortKey key)
{
    const QSignalBlocker blocker(m_sortCombo);
    m_sortCombo->setCurrentIndex(m_sortCombo->findData(int(key)));
    m_hardest->setSortKey(key);
    m_easiest->setSortKey(key);
    scrollToStart();
}

void GalleryView::showSubset(const QString &title, const QSet<qint64> &imageIds)
{
    {
        const QSignalBlocker blocker(m_splitCombo);
        m_splitCombo->setCurrentIndex(m_splitCombo->findData(-1));
    }
    for (GalleryModel *model : {m_hardest, m_easiest}) {
        model->setSplitFilter(std::nullopt);
        model->setSubset(imageIds);
    }
    m_subsetTitle->setText(title);
    m_subsetTitle->setToolTip(title);
    m_subsetBar->show();
    scrollToStart();
    updateState();
}

void GalleryView::clearSubset()
{
    m_subsetBar->hide();
    m_subsetTitle->clear();
    m_hardest->setSubset(std::nullopt);
    m_easiest->setSubset(std::nullopt);
    scrollToStart();
    updateState();
}

QString GalleryView::subsetTitle() const
{
    return m_subsetBar->isHidden() ? QString() : m_subsetTitle->text();
}

void GalleryView::scrollToStart()
{
    // Another split, filter or class is another list: it starts at its hardest (easiest) image,
    // not where the last one was scrolled to (issue 15.4).
    m_hardestView->scrollToTop();
    m_easiestView->scrollToTop();
}

void GalleryView::clearClass()
{
    m_hasClass = false;
    m_className.clear();
    m_captionMatcher->setImages(nullptr);
    m_subsetBar->hide();
    m_hardest->setSubset(std::nullopt);
    m_easiest->setSubset(std::nullopt);
    m_hardest->clear();
    m_easiest->clear();
    setWindowTitle(tr("Gallery"));
    updateState();
}

void GalleryView::setRanges(const GalleryRanges &ranges)
{
    m_filterPanel->setRanges(ranges); // emits rangesChanged → applyRanges
}

GalleryRanges GalleryView::ranges() const
{
    return m_hardest->ranges();
}

void GalleryView::applyRanges(const GalleryRanges &ranges)
{
    m_captionMatcher->request(ranges.caption);
    applyCaptionMatch(ranges);
    m_hardest->setRanges(ranges);
    m_easiest->setRanges(ranges);
    m_filtersButton->setText(ranges.active() ? tr("Filters (%1)").arg(ranges.count()) : tr("Filters"));
    scrollToStart();
    updateState();
}

void GalleryView::applyCaptionMatch(const GalleryRanges &ranges)
{
    std::optional<QSet<qint64>> match;
    if (!ranges.caption.isEmpty() && m_captionMatcher->has(ranges.caption))
        match = m_captionMatcher->closest(ranges.captionPercent);
    m_hardest->setCaptionMatch(match);
    m_easiest->setCaptionMatch(match);
    m_filterPanel->setCaptionStatus(ranges.caption.isEmpty() ? QString() : m_captionMatcher->status());
}

void GalleryView::setConfidences(const QHash<QString, double> &confidenceOfPath)
{
    m_hardest->setConfidences(confidenceOfPath);
    m_easiest->setConfidences(confidenceOfPath);
    updateState();
}

void GalleryView::updateState()
{
    const int shown = m_hardest->rowCount();
    if (!m_hasClass) {
        m_emptyLabel->setText(tr("Select a class in the Classes panel to see its hardest and easiest images."));
        m_summary->clear();
        m_stack->setCurrentIndex(0);
        return;
    }
    int incorrect = 0;
    const auto &items = m_hardest->items();
    for (int r = 0; r < shown; ++r)
        if (!m_hardest->itemAt(r).correct)
            ++incorrect;
    m_summary->setText(tr("%1: %n image(s) shown", nullptr, shown).arg(m_className)
                       + QStringLiteral(" \u00b7 ") + tr("%n incorrect", nullptr, incorrect)
                       + QStringLiteral(" \u00b7 ") + tr("%n in the class", nullptr, items ? int(items->size()) : 0));
    if (shown == 0) {
        if (!items || items->empty())
            m_emptyLabel->setText(tr("The class \u201c%1\u201d has no images in this run.").arg(m_className));
        else if (!ranges().caption.isEmpty() && !m_captionMatcher->status().isEmpty())
            m_emptyLabel->setText(m_captionMatcher->status()); // matching, or why it cannot
        else
            m_emptyLabel->setText(tr("No image of \u201c%1\u201d matches the split and filter chosen above.")
                                      .arg(m_className));
        m_stack->setCurrentIndex(0);
    } else {
        m_stack->setCurrentIndex(1);
    }
}

void GalleryView::setThumbnailSize(int size)
{
    m_zoom->setValue(std::clamp(size, kMinThumb, kMaxThumb)); // → applyThumbnailSize
}

void GalleryView::applyThumbnailSize()
{
    m_delegate->setThumbnailSize(m_thumbnailSize);
    m_hardest->setThumbnailSize(m_thumbnailSize);
    m_easiest->setThumbnailSize(m_thumbnailSize);
    for (QListView *view : {m_hardestView, m_easiestView}) {
        const QSize tile = m_delegate->tileSize(view->font());
        view->setGridSize(tile + QSize(4, 4));
        view->doItemsLayout();
    }
}

void GalleryView::zoomIn()
{
    setThumbnailSize((m_thumbnailSize / kZoomStep + 1) * kZoomStep);
}

void GalleryView::zoomOut()
{
    setThumbnailSize(((m_thumbnailSize + kZoomStep - 1) / kZoomStep - 1) * kZoomStep);
}

void GalleryView::setFilter(GalleryModel::Filter filter)
{
    m_filterCombo->setCurrentIndex(m_filterCombo->findData(int(filter)));
}

void GalleryView::setSplitFilter(std::optional<Split> split)
{
    m_splitCombo->setCurrentIndex(m_splitCombo->findData(split ? int(*split) : -1));
}

QStringList GalleryView::pathsFor(QListView *view, const QModelIndex &clicked) const
{
    QStringList paths;
    QModelIndexList rows = view->selectionModel()->selectedIndexes();
    if (clicked.isValid() && !view->selectionModel()->isSelected(clicked))
        rows = {clicked};
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &index : rows)
        paths << index.data(GalleryModel::PathRole).toString();
    return paths;
}

QStringList GalleryView::selectedPaths() const
{
    return m_lastFocused ? pathsFor(m_lastFocused, QModelIndex()) : QStringList();
}

QString GalleryView::currentPath() const
{
    if (!m_lastFocused)
        return {};
    return m_lastFocused->currentIndex().data(GalleryModel::PathRole).toString();
}

QString GalleryView::emptyStateText() const
{
    return m_stack->currentIndex() == 0 ? m_emptyLabel->text() : QString();
}

void GalleryView::showContextMenu(QListView *view, const QPoint &pos)
{
    const QModelIndex clicked = view->indexAt(pos);
    const QStringList paths = pathsFor(view, clicked);
    if (paths.isEmpty())
        return;
    QMenu menu(this);
    QAction *open = menu.addAction(tr("&Open"));
    QAction *reveal = menu.addAction(tr("&Reveal in Folder"));
    QAction *copy = menu.addAction(paths.size() == 1 ? tr("&Copy Path") : tr("&Copy %n Paths", nullptr, int(paths.size())));
    const QString likePath = clicked.isValid() ? clicked.data(GalleryModel::PathRole).toString() : paths.first();
    QAction *moreLike = menu.addAction(tr("&More Like This"));
    menu.addSeparator();
    QAction *tagHard = menu.addAction(tr("Tag as &Hard"));
    QAction *tagOk = menu.addAction(tr("Tag as &OK"));
    QAction *untag = menu.addAction(tr("C&lear Tag"));
    QAction *chosen = menu.exec(view->viewport()->mapToGlobal(pos));
    if (!chosen)
        return;
    constexpr int kMaxOpen = 20; // a stray Ctrl+A must not open 100k viewers
    if (chosen == open) {
        for (int i = 0; i < std::min<int>(int(paths.size()), kMaxOpen); ++i)
            QDesktopServices::openUrl(QUrl::fromLocalFile(paths.at(i)));
    } else if (chosen == reveal) {
        QStringList folders;
        for (const QString &path : paths) {
            const QString folder = QFileInfo(path).absolutePath();
            if (!folders.contains(folder))
                folders << folder;
        }
        for (int i = 0; i < std::min<int>(int(folders.size()), kMaxOpen); ++i)
            QDesktopServices::openUrl(QUrl::fromLocalFile(folders.at(i)));
    } else if (chosen == moreLike) {
        Q_EMIT moreLikeRequested(likePath);
    } else if (chosen == copy) {
        QApplication::clipboard()->setText(paths.join(QLatin1Char('\n')));
    } else if (chosen == tagHard) {
        Q_EMIT tagRequested(paths, QStringLiteral("hard"));
    } else if (chosen == tagOk) {
        Q_EMIT tagRequested(paths, QStringLiteral("ok"));
    } else if (chosen == untag) {
        Q_EMIT tagRequested(paths, QString());
    }
}

void GalleryView::setTags(const QHash<QString, QString> &tagOfPath)
{
    m_hardest->setTags(tagOfPath);
    m_easiest->setTags(tagOfPath);
}

} // namespace faultline
