#include "search/SearchDock.h"

#include "gallery/GalleryModel.h"
#include "session/JobLauncher.h"
#include "gallery/NeighborListModel.h"
#include "session/RunTextModel.h"
#include "gallery/TileStripView.h"
#include "common/JobControl.h"
#include "retrieval/RunSearch.h"
#include "store/ProjectStore.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace faultline {

namespace {
constexpr int kThumbnail = 80;
}

// What one search asks: a text or an image, in a scope.
struct SearchDock::Query
{
    QString text;          // a text search when set
    QString likePath;      // else: dataset-relative path of the image
    Scope scope = Scope::SelectedClass;
    int count = 32;
};

SearchDock::SearchDock(RunTextModel *textModel, ThumbnailCache *thumbnails, QWidget *parent)
    : QDockWidget(tr("Search"), parent), m_textModel(textModel)
{
    setObjectName(QStringLiteral("searchDock"));
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *row = new QHBoxLayout;
    m_query = new QLineEdit;
    m_query->setPlaceholderText(tr("Describe what to find, e.g. a photo of a boot on grass"));
    m_query->setClearButtonEnabled(true);
    m_scope = new QComboBox;
    m_scope->addItem(tr("Selected class"), int(Scope::SelectedClass));
    m_scope->addItem(tr("Every class"), int(Scope::WholeRun));
    m_scope->setToolTip(tr("Where to search: the selected class's images or every image of the run"));
    m_count = new QComboBox;
    for (int n : {16, 32, 64, 128})
        m_count->addItem(tr("%n images", nullptr, n), n);
    m_count->setCurrentIndex(1);
    m_search = new QPushButton(tr("Search"));
    // The text gets the dock's whole width (it was cut to "D…" beside the combos at 1024 px).
    layout->addWidget(m_query);
    row->addWidget(m_scope);
    row->addWidget(m_count);
    row->addWidget(m_search);
    row->addStretch(1);
    layout->addLayout(row);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_results = new NeighborListModel(thumbnails, kThumbnail, this);
    m_strip = new TileStripView(m_results, kThumbnail);
    layout->addWidget(m_strip, 1);
    setWidget(page);

    connect(m_query, &QLineEdit::returnPressed, this, &SearchDock::searchText);
    connect(m_search, &QPushButton::clicked, this, &SearchDock::searchText);
    connect(m_strip, &TileStripView::imageActivated, this, [this](const QString &path) {
        const QStringList paths = m_results->paths();
        const qsizetype row = paths.indexOf(path);
        Q_EMIT imageActivated(path, m_resultClasses.value(row));
    });
    connect(m_textModel, &RunTextModel::stateChanged, this, &SearchDock::updateControls);
    clear();
}

SearchDock::~SearchDock() = default;

QString SearchDock::statusText() const
{
    return m_status->text();
}

QStringList SearchDock::resultClasses() const
{
    return m_resultClasses;
}

void SearchDock::setRun(const QString &datasetRoot, const QString &projectPath, qint64 runId)
{
    if (runId == m_runId && projectPath == m_projectPath)
        return;
    clear();
    m_root = datasetRoot;
    m_projectPath = projectPath;
    m_runId = runId;
    m_status->setText(tr("Type a description and press Enter, or choose More Like This on an image."));
    updateControls();
}

void SearchDock::setSelectedClass(const QString &className)
{
    m_className = className;
    updateControls();
}

void SearchDock::clear()
{
    ++m_generation;
    if (m_job)
        m_job->cancel();
    m_job = nullptr;
    m_spaces.clear();
    m_runId = 0;
    m_projectPath.clear();
    m_results->clear();
    m_resultClasses.clear();
    m_status->setText(tr("Open a dataset with an analysis run to search its images."));
    updateControls();
}

void SearchDock::setScope(Scope scope)
{
    m_scope->setCurrentIndex(m_scope->findData(int(scope)));
}

SearchDock::Scope SearchDock::scope() const
{
    return Scope(m_scope->currentData().toInt());
}

QString SearchDock::scopeKey(Scope scope) const
{
    return scope == Scope::WholeRun ? QString() : QStringLiteral("class:") + m_className;
}

void SearchDock::updateControls()
{
    const bool haveRun = m_runId > 0;
    m_query->setEnabled(haveRun);
    m_scope->setEnabled(haveRun);
    m_search->setEnabled(haveRun);
    // Text needs the run's text tower; a run of imported embeddings has none until one is chosen.
    const RunTextModel::State state = m_textModel->state();
    m_query->setToolTip(state == RunTextModel::State::Ready || state == RunTextModel::State::Loading
                            ? QString() : m_textModel->statusText());
}

void SearchDock::searchText()
{
    const QString text = m_query->text().trimmed();
    if (text.isEmpty() || m_runId == 0)
        return;
    if (m_textModel->state() != RunTextModel::State::Ready) {
        m_status->setText(m_textModel->state() == RunTextModel::State::Loading
                              ? tr("The CLIP text model is still loading; search again in a moment.")
                              : m_textModel->statusText());
        return;
    }
    Query query;
    query.text = text;
    query.scope = scope();
    query.count = m_count->currentData().toInt();
    run(query);
}

void SearchDock::moreLike(const QString &absolutePath)
{
    if (m_runId == 0)
        return;
    Query query;
    query.likePath = QDir(m_root).relativeFilePath(absolutePath);
    query.scope = scope();
    query.count = m_count->currentData().toInt();
    show();
    raise();
    run(query);
}

void SearchDock::run(const Query &query)
{
    if (query.scope == Scope::SelectedClass && m_className.isEmpty()) {
        m_status->setText(tr("Select a class first, or search every class."));
        return;
    }
    if (m_job)
        m_job->cancel();
    const quint64 generation = ++m_generation;
    const QString key = scopeKey(query.scope);
    const QString className = query.scope == Scope::WholeRun ? QString() : m_className;
    const QString projectPath = m_projectPath;
    const qint64 runId = m_runId;
    std::shared_ptr<const RunSearchSpace> space = m_spaces.value(key);
    const TextEncoder encode = query.text.isEmpty() ? TextEncoder() : m_textModel->encoder();
    struct Result
    {
        std::shared_ptr<const RunSearchSpace> space;
        std::vector<SearchHit> hits;
    };
    auto result = std::make_shared<Result>();
    const QString title = query.text.isEmpty()
        ? tr("Images most like %1").arg(query.likePath)
        : tr("Images nearest to “%1”").arg(query.text);
    m_status->setText(space ? tr("Searching…") : tr("Indexing the images to search…"));
    m_job = launchJob(
        this, tr("Search"),
        [=](JobControl &control) {
            result->space = space;
            if (!result->space) {
                ProjectStore store(projectPath);
                result->space = RunSearchSpace::load(store, runId, className, &control);
            }
            control.checkCancelled();
            result->hits = query.text.isEmpty() ? result->space->moreLike(query.likePath, query.count)
                                                : result->space->nearestToText(query.text, encode, query.count);
        },
        [=] {
            if (generation != m_generation)
                return;
            m_job = nullptr;
            m_spaces.insert(key, result->space);
            showHits(title, result->hits);
            Q_EMIT finished();
        },
        [=](const QString &message) {
            if (generation != m_generation)
                return;
            m_job = nullptr;
            m_status->setText(message);
            Q_EMIT finished();
        });
    Q_EMIT jobStarted(m_job);
}

void SearchDock::showHits(const QString &title, const std::vector<SearchHit> &hits)
{
    auto items = std::make_shared<GalleryModel::Items>();
    std::vector<NeighborListModel::Neighbor> neighbours;
    m_resultClasses.clear();
    int wrong = 0;
    for (size_t i = 0; i < hits.size(); ++i) {
        const SearchHit &hit = hits[i];
        GalleryItem item;
        item.path = QDir(m_root).filePath(hit.path);
        item.relativePath = hit.path;
        item.decisionValue = hit.decisionValue;
        item.label = hit.className;
        item.prediction = hit.prediction;
        item.correct = hit.correct();
        item.split = hit.split;
        item.imageId = hit.imageId;
        items->push_back(item);
        neighbours.push_back({int(i), hit.cosine});
        m_resultClasses << hit.className;
        wrong += hit.correct() ? 0 : 1;
    }
    m_results->setNeighbors(items, std::move(neighbours));
    m_status->setText(tr("%1: %n images, %2 misclassified.", nullptr, int(hits.size())).arg(title).arg(wrong));
}

} // namespace faultline
