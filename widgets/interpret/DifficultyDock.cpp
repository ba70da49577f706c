#include "interpret/DifficultyDock.h"

#include "gallery/GalleryModel.h"
#include "generation/GeneratedSamplesPanel.h"
#include "interpret/ImageResultTabs.h"
#include "session/JobLauncher.h"
#include "gallery/NeighborListModel.h"
#include "session/RunTextModel.h"
#include "support/SplitTitle.h"
#include "session/TextModelStatus.h"
#include "gallery/TileStripView.h"
#include "captions/CaptionCandidates.h"
#include "captions/CaptionVocabulary.h"
#include "common/Error.h"
#include "interpret/RunImages.h"
#include "interpret/StoredFailureDirection.h"
#include "retrieval/EmbeddingIndex.h"
#include "retrieval/Slerp.h"
#include "store/ProjectStore.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace faultline {

// What the slider searches: one split of the class, its index, and the class's failure direction
// in CLIP space. Built once per class+split in a job.
struct SliderSpace
{
    RunClassImages images;
    std::shared_ptr<const GalleryModel::Items> items;
    EmbeddingIndex index;
    Eigen::VectorXf direction;
};

namespace {

constexpr int kThumbnailSize = 96;
constexpr int kSliderSteps = 100; // slider positions per unit of difficulty

} // namespace

DifficultyDock::DifficultyDock(RunTextModel *textModel, ThumbnailCache *cache, QWidget *parent)
    : QDockWidget(tr("Difficulty"), parent), m_textModel(textModel), m_cache(cache),
      m_shownDifficulty(std::numeric_limits<double>::quiet_NaN())
{
    setObjectName(QStringLiteral("DifficultyDock"));
    buildUi();
    connect(m_textModel, &RunTextModel::stateChanged, this, [this] {
        if (m_textModel->state() == RunTextModel::State::Ready)
            return embedReference();
        resetReference(); // another checkpoint is on its way: the reference must be embedded by it
    });
    clearClass();
}

DifficultyDock::~DifficultyDock() = default;

void DifficultyDock::buildUi()
{
    m_stack = new QStackedWidget(this);
    m_emptyLabel = new QLabel(m_stack);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_stack->addWidget(m_emptyLabel);

    auto *page = new QWidget(m_stack);
    auto *layout = new QVBoxLayout(page);
    auto *top = new QHBoxLayout;
    m_referenceLabel = new QLabel(page);
    m_referenceLabel->setWordWrap(true);
    m_splitCombo = new QComboBox(page);
    m_splitCombo->setToolTip(tr("The images the slider searches"));
    m_generate = new QPushButton(tr("Generate"), page);
    m_generate->setToolTip(tr("Make new images at this slider position with the generation backend of Settings \u25b8 "
                              "Generation (without a server: the nearest real images), and check them with the "
                              "classifier"));
    // The class and its reference on their own line: beside the controls it wrapped to five
    // lines in a narrow dock (issue 15.5).
    layout->addWidget(m_referenceLabel);
    top->addStretch(1);
    top->addWidget(new QLabel(tr("Images:"), page));
    top->addWidget(m_splitCombo);
    top->addWidget(m_generate);
    layout->addLayout(top);

    // What needs the text model; hidden while there is none, so the dock shows why instead.
    m_interactive = new QWidget(page);
    auto *interactive = new QVBoxLayout(m_interactive);
    interactive->setContentsMargins(0, 0, 0, 0);
    auto *sliderGrid = new QGridLayout;
    m_slider = new QSlider(Qt::Horizontal, page);
    m_slider->setRange(-kSliderSteps, kSliderSteps);
    m_slider->setSingleStep(int(kStep * kSliderSteps));
    m_slider->setPageStep(int(0.25 * kSliderSteps));
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(int(0.25 * kSliderSteps));
    m_slider->setFocusPolicy(Qt::StrongFocus);
    m_slider->setToolTip(tr("Left: the easiest images of the class; centre: the reference caption; right: the hardest"));
    auto *easiest = new QLabel(tr("Easiest"), page);
    auto *reference = new QLabel(tr("Reference"), page);
    auto *hardest = new QLabel(tr("Hardest"), page);
    reference->setAlignment(Qt::AlignCenter);
    hardest->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    sliderGrid->addWidget(m_slider, 0, 0, 1, 3);
    sliderGrid->addWidget(easiest, 1, 0);
    sliderGrid->addWidget(reference, 1, 1);
    sliderGrid->addWidget(hardest, 1, 2);
    interactive->addLayout(sliderGrid);
    m_alphaLabel = new QLabel(page);
    interactive->addWidget(m_alphaLabel);

    m_message = new QLabel(page);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setStyleSheet(QStringLiteral("color: #b02a37;"));
    m_message->hide();
    layout->addWidget(m_message);
    m_status = new TextModelStatus(m_textModel, page);
    layout->addWidget(m_status);
    m_nearest = new NeighborListModel(m_cache, kThumbnailSize, this);
    m_nearestView = new TileStripView(m_nearest, kThumbnailSize, page);
    m_results = new ImageResultTabs(m_nearestView, m_textModel, m_cache, page);
    m_samplesPanel = m_results->samplesPanel();
    interactive->addWidget(m_results, 1);
    layout->addWidget(m_interactive, 1);
    layout->addStretch(0);
    m_stack->addWidget(page);
    setWidget(m_stack);

    auto updateInteractive = [this] {
        const RunTextModel::State state = m_textModel->state();
        m_interactive->setVisible(state != RunTextModel::State::NoCheckpoint && state != RunTextModel::State::Failed);
    };
    connect(m_textModel, &RunTextModel::stateChanged, this, updateInteractive);
    updateInteractive();

    connect(m_slider, &QSlider::valueChanged, this, [this] {
        updateAlpha();
        requestQuery();
    });
    connect(m_splitCombo, &QComboBox::activated, this, [this] {
        Split split = Split::Unassigned; // splitName(Unassigned) is "", which names no split
        splitFromName(m_splitCombo->currentData().toString(), &split);
        setSplit(split);
    });
    connect(m_generate, &QPushButton::clicked, this, &DifficultyDock::generateAtSlider);
    connect(m_results, &ImageResultTabs::imageActivated, this, &DifficultyDock::imageActivated);
    connect(m_samplesPanel, &GeneratedSamplesPanel::generatingChanged, this,
            [this](bool generating) { m_generate->setEnabled(!generating); });
    updateAlpha();
}

void DifficultyDock::showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot,
                               const QString &projectPath, qint64 runId)
{
    if (!images)
        return clearClass();
    const bool sameClass = m_images && m_images->className == images->className && projectPath == m_projectPath
                           && runId == m_runId;
    m_images = std::move(images);
    m_root = datasetRoot;
    m_projectPath = projectPath;
    m_runId = runId;
    m_reference = referenceCaption(CaptionVocabulary::builtin(QStringLiteral("generic")), m_images->className);
    m_referenceLabel->setText(tr("%1 — reference: \u201c%2\u201d").arg(m_images->className, m_reference));
    if (!sameClass)
        resetReference();

    // The splits the class has, train → pool; the test split by default (it is what the paper shows).
    const QSignalBlocker blocker(m_splitCombo);
    m_splitCombo->clear();
    for (Split split : {Split::Train, Split::Val, Split::Test, Split::Pool, Split::Unassigned})
        if (std::find(m_images->splits.begin(), m_images->splits.end(), split) != m_images->splits.end())
            m_splitCombo->addItem(splitTitle(split), splitName(split));
    const int test = m_splitCombo->findData(splitName(Split::Test));
    m_splitCombo->setCurrentIndex(test >= 0 ? test : 0);
    Split split = Split::Unassigned;
    splitFromName(m_splitCombo->currentData().toString(), &split);
    m_split = split;

    m_textModel->setRun(projectPath, runId);
    m_samplesPanel->showClass(datasetRoot, projectPath, runId, m_images->className);
    m_stack->setCurrentIndex(1);
    prepareSpace();
    embedReference();
}

void DifficultyDock::clearClass()
{
    ++m_generation;
    delete m_spaceJob;
    delete m_approximateJob;
    delete m_queryJob;
    resetReference();
    m_queryPending = false;
    m_images.reset();
    m_space.reset();
    m_runId = 0;
    m_shownDifficulty = std::numeric_limits<double>::quiet_NaN();
    m_nearest->clear();
    m_samplesPanel->clearClass();
    m_emptyLabel->setText(tr("Select a class in the Classes dock, then drag the slider from its easiest images to its "
                             "hardest."));
    m_stack->setCurrentIndex(0);
}

void DifficultyDock::setSplit(Split split)
{
    const int index = m_splitCombo->findData(splitName(split));
    if (index >= 0)
        m_splitCombo->setCurrentIndex(index);
    if (split == m_split && (m_space || m_spaceJob))
        return;
    m_split = split;
    if (m_images)
        prepareSpace();
}

void DifficultyDock::setDifficulty(double difficulty)
{
    m_slider->setValue(int(std::lround(-std::clamp(difficulty, -1.0, 1.0) * kSliderSteps)));
}

double DifficultyDock::difficulty() const
{
    return -double(m_slider->value()) / kSliderSteps;
}

void DifficultyDock::harder()
{
    setDifficulty(difficulty() - kStep);
}

void DifficultyDock::easier()
{
    setDifficulty(difficulty() + kStep);
}

void DifficultyDock::setNearestCount(int k)
{
    m_k = std::max(1, k);
    requestQuery();
}

// Paper Sec. 2.2: the slider's vector itself is decoded (or, for text-to-image servers, its
// nearest caption is drawn; without a server, retrieval): the samples land in the Generated tab.
void DifficultyDock::generateAtSlider()
{
    if (!m_images)
        return;
    ClassSampleJob job;
    job.source = ClassSampleJob::Source::Slerp;
    job.alphas = {difficulty()};
    job.reference = m_reference;
    m_results->showSamples();
    m_samplesPanel->generate(job);
}

// The class+split's index and direction, in a job; a running query of the old space is dropped.
void DifficultyDock::prepareSpace()
{
    const quint64 generation = ++m_generation;
    delete m_spaceJob;
    delete m_approximateJob;
    delete m_queryJob;
    m_queryPending = false;
    m_space.reset();
    m_nearest->clear();
    m_shownDifficulty = std::numeric_limits<double>::quiet_NaN();
    showMessage(QString());
    auto space = std::make_shared<SliderSpace>();
    const std::shared_ptr<const RunClassImages> images = m_images;
    const Split split = m_split;
    const QString root = m_root, projectPath = m_projectPath;
    const qint64 runId = m_runId;
    m_spaceJob = launchJob(
        this, tr("Indexing %1 images").arg(images->className),
        [=](JobControl &) {
            const StoredFailureDirection direction = StoredFailureDirection::load(ProjectStore(projectPath), runId,
                                                                                  images->className);
            space->direction = direction.clipSpaceDirection();
            space->images = imagesOfSplit(*images, split);
            space->items = GalleryModel::itemsFrom(space->images, root);
            // Exact first: the slider works at once; a large class gets its approximate index next.
            space->index = EmbeddingIndex::build(space->images.embeddings.data(), space->images.size(),
                                                 space->images.dim, EmbeddingIndex::Precision::Float16,
                                                 EmbeddingIndex::Approximation::Never);
        },
        [=] {
            if (generation != m_generation)
                return;
            m_space = space;
            requestQuery();
            if (space->images.size() >= EmbeddingIndex::approximateMinRows())
                approximateSpace(space, generation);
        },
        [=](const QString &message) {
            if (generation == m_generation)
                showMessage(message);
        });
}

// The same space with an approximate index (calibrated in a job: a minute at 1M images, minutes at
// 10M; cancelled with the class), kept in the project store per run, class and split, so the
// next time it is read back instead. Queries already running keep the exact space they started with.
void DifficultyDock::approximateSpace(std::shared_ptr<const SliderSpace> exact, quint64 generation)
{
    auto faster = std::make_shared<SliderSpace>();
    auto stored = std::make_shared<bool>(false);
    const QString projectPath = m_projectPath, split = splitName(m_split);
    const qint64 runId = m_runId;
    m_approximateJob = launchJob(
        this, tr("Approximate index of %1's %n images", nullptr, int(exact->images.size())).arg(exact->images.className),
        [=](JobControl &control) {
            const RunClassImages &images = exact->images;
            ProjectStore store(projectPath);
            if (const QByteArray saved = store.loadSearchIndex(runId, images.className, split); !saved.isEmpty()) {
                try {
                    faster->index = EmbeddingIndex::restore(images.embeddings.data(), images.size(), images.dim,
                                                            EmbeddingIndex::Precision::Float16, saved, &control);
                    *stored = true;
                } catch (const Error &) {
                    // damaged or of other rows: calibrated again below and replaced
                }
            }
            if (!*stored) {
                faster->index = EmbeddingIndex::build(images.embeddings.data(), images.size(), images.dim,
                                                      EmbeddingIndex::Precision::Float16,
                                                      EmbeddingIndex::Approximation::Auto, &control);
                try {
                    store.storeSearchIndex(runId, images.className, split, faster->index.savedApproximation());
                } catch (const Error &) {
                    // a read-only project: the index serves this session only
                }
            }
            faster->items = exact->items;
            faster->direction = exact->direction; // the images themselves are needed no longer
        },
        [=] {
            if (generation != m_generation)
                return;
            const bool active = faster->index.approximation().active();
            if (active)
                m_space = faster;
            Q_EMIT approximateIndexReady(active, *stored);
        },
        [=](const QString &message) {
            if (generation == m_generation)
                showMessage(tr("No approximate index (%1): the slider searches exactly.").arg(message));
        });
}

bool DifficultyDock::isCalibrating() const
{
    return m_approximateJob != nullptr;
}

bool DifficultyDock::searchesApproximately() const
{
    return m_space && m_space->index.approximation().active();
}

void DifficultyDock::resetReference()
{
    ++m_referenceGeneration;
    delete m_referenceJob;
    m_referenceEmbedding = Eigen::VectorXf();
}

// The reference caption's text embedding, once the run's text model is ready. Its own generation:
// a new split keeps it, a new class or checkpoint drops it.
void DifficultyDock::embedReference()
{
    if (!m_images || m_referenceEmbedding.size() > 0 || m_referenceJob
        || m_textModel->state() != RunTextModel::State::Ready)
        return;
    const quint64 generation = m_referenceGeneration;
    auto embedding = std::make_shared<std::vector<float>>();
    const TextEncoder encode = m_textModel->encoder();
    const QString reference = m_reference;
    m_referenceJob = launchJob(
        this, tr("Embedding the reference caption"), [=](JobControl &) { *embedding = encode({reference}); },
        [=] {
            if (generation != m_referenceGeneration)
                return;
            m_referenceEmbedding = Eigen::Map<const Eigen::VectorXf>(embedding->data(), Eigen::Index(embedding->size()));
            requestQuery();
        },
        [=](const QString &message) {
            if (generation == m_referenceGeneration)
                showMessage(message);
        });
}

// Latest wins: one query at a time; a value that arrives meanwhile replaces any waiting one.
void DifficultyDock::requestQuery()
{
    if (!m_space || m_referenceEmbedding.size() == 0)
        return;
    if (m_queryJob) {
        m_queryPending = true;
        return;
    }
    startQuery();
}

void DifficultyDock::startQuery()
{
    m_queryPending = false;
    ++m_queriesRun;
    const quint64 generation = m_generation;
    const double difficulty = this->difficulty();
    const std::shared_ptr<const SliderSpace> space = m_space;
    const Eigen::VectorXf reference = m_referenceEmbedding;
    const int k = m_k;
    auto nearest = std::make_shared<std::vector<EmbeddingIndex::Neighbor>>();
    auto finished = [this] {
        m_queryJob = nullptr;
        if (m_queryPending)
            startQuery();
    };
    m_queryJob = launchJob(
        this, tr("Nearest images"),
        [=](JobControl &) {
            space->index.nearest(difficultyVector(reference, space->direction, difficulty), k, *nearest);
        },
        [=] {
            if (generation == m_generation) {
                std::vector<NeighborListModel::Neighbor> neighbors;
                for (const EmbeddingIndex::Neighbor &n : *nearest)
                    neighbors.push_back({int(n.row), n.cosine});
                m_nearest->setNeighbors(space->items, std::move(neighbors));
                m_shownDifficulty = difficulty;
            }
            finished();
        },
        [=](const QString &message) {
            if (generation == m_generation)
                showMessage(message);
            finished();
        });
}

void DifficultyDock::updateAlpha()
{
    const double d = difficulty();
    const QString side = d < 0 ? tr("harder") : d > 0 ? tr("easier") : tr("the reference");
    m_alphaLabel->setText(tr("\u03b1 = %1 (%2)").arg(QString::number(d, 'f', 2), side));
}

void DifficultyDock::showMessage(const QString &message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

QString DifficultyDock::alphaText() const
{
    return m_alphaLabel->text();
}

QString DifficultyDock::referenceText() const
{
    return m_reference;
}

QString DifficultyDock::messageText() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

QString DifficultyDock::modelStatusText() const
{
    return m_textModel->statusText();
}

QString DifficultyDock::emptyStateText() const
{
    return m_stack->currentIndex() == 0 ? m_emptyLabel->text() : QString();
}

} // namespace faultline
