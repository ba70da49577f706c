#include "interpret/CaptionsDock.h"

#include "gallery/GalleryModel.h"
#include "generation/GeneratedSamplesPanel.h"
#include "interpret/ImageResultTabs.h"
#include "session/JobLauncher.h"
#include "gallery/NeighborListModel.h"
#include "support/QCustomPlotInclude.h"
#include "appearance/Appearance.h"
#include "session/RunTextModel.h"
#include "session/TextModelStatus.h"
#include "gallery/TileStripView.h"
#include "captions/CaptionCandidates.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "interpret/CaptionValidation.h"
#include "interpret/ClassCaptions.h"
#include "interpret/RunImages.h"
#include "retrieval/EmbeddingIndex.h"
#include "store/ProjectStore.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace faultline {

// The images a caption is validated on (the class's test split), built once per class in the
// first caption job and reused.
struct CaptionValidationSet
{
    RunClassImages images;
    std::shared_ptr<const GalleryModel::Items> items;
    EmbeddingIndex index;
};

namespace {

constexpr int kThumbnailSize = 96;
constexpr int kScoreRole = Qt::UserRole + 1;
const QString kCustomFile = QStringLiteral("\x01custom");

QString scoreText(double score)
{
    // %g: with a small C the decision values are tiny; U+2212 reads better next to digits.
    const QString text = QString::number(std::abs(score), 'g', 4);
    return score < 0 ? QChar(0x2212) + text : QLatin1Char('+') + text;
}

QTreeWidget *makeCaptionList(const QString &title, QWidget *parent)
{
    auto *list = new QTreeWidget(parent);
    list->setObjectName(title);
    list->setColumnCount(2);
    list->setHeaderLabels({QCoreApplication::translate("faultline::CaptionsDock", "Score"), title});
    list->setRootIsDecorated(false);
    list->setUniformRowHeights(true);
    list->setAlternatingRowColors(true);
    list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    list->header()->setStretchLastSection(true);
    return list;
}

} // namespace

CaptionsDock::CaptionsDock(RunTextModel *textModel, ThumbnailCache *cache, QWidget *parent)
    : QDockWidget(tr("Captions"), parent), m_textModel(textModel), m_cache(cache)
{
    setObjectName(QStringLiteral("CaptionsDock"));
    buildUi();
    connect(m_textModel, &RunTextModel::stateChanged, this, [this] {
        tryRank();
        tryCaption();
    });
    setVocabulary(QStringLiteral("generic"));
    clearClass();
}

CaptionsDock::~CaptionsDock() = default;

void CaptionsDock::buildUi()
{
    m_stack = new QStackedWidget(this);
    m_emptyLabel = new QLabel(m_stack);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_stack->addWidget(m_emptyLabel);

    auto *page = new QWidget(m_stack);
    auto *layout = new QVBoxLayout(page);
    auto *controls = new QHBoxLayout;
    m_vocabularyCombo = new QComboBox(page);
    for (const QString &name : CaptionVocabulary::builtinNames())
        m_vocabularyCombo->addItem(name, name);
    m_vocabularyCombo->addItem(tr("Custom file…"), kCustomFile);
    m_vocabularyCombo->setToolTip(tr("The words candidate captions are made of"));
    m_referenceEdit = new QLineEdit(page);
    m_referenceEdit->setToolTip(tr("The reference caption t\u2080: captions are scored by how their difference to it "
                                   "points along the failure direction"));
    m_rankButton = new QPushButton(tr("Rank again"), page);
    m_rankButton->setToolTip(tr("Rank the captions with the CLIP text model, replacing stored scores"));
    controls->addWidget(new QLabel(tr("Vocabulary:"), page));
    controls->addWidget(m_vocabularyCombo);
    controls->addWidget(new QLabel(tr("Reference:"), page));
    controls->addWidget(m_referenceEdit, 1);
    controls->addWidget(m_rankButton);
    m_generateButton = new QToolButton(page);
    m_generateButton->setText(tr("Generate"));
    m_generateButton->setPopupMode(QToolButton::InstantPopup);
    m_generateButton->setToolTip(tr("Make new images of the class with the generation backend of Settings \u25b8 "
                                    "Generation (without a server: the nearest real images), checked by the classifier"));
    auto *generateMenu = new QMenu(m_generateButton);
    m_generateFromChosen = generateMenu->addAction(tr("From the &chosen caption"), this,
                                                   [this] { generate(GenerateFrom::ChosenCaption); });
    generateMenu->addAction(tr("From the top &hard, easy and reference captions"), this,
                            [this] { generate(GenerateFrom::TopCaptions); });
    generateMenu->addAction(tr("From the &backgrounds of its failures"), this,
                            [this] { generate(GenerateFrom::FailureBackgrounds); });
    m_generateButton->setMenu(generateMenu);
    controls->addWidget(m_generateButton);
    layout->addLayout(controls);

    m_message = new QLabel(page);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setStyleSheet(QStringLiteral("color: #b02a37;"));
    m_message->hide();
    layout->addWidget(m_message);
    m_status = new TextModelStatus(m_textModel, page);
    layout->addWidget(m_status);
    m_summary = new QLabel(page);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    auto *lists = new QSplitter(Qt::Horizontal, page);
    m_hardList = makeCaptionList(tr("Hard captions"), lists);
    m_easyList = makeCaptionList(tr("Easy captions"), lists);
    auto *details = new QSplitter(Qt::Horizontal, page);
    m_nearest = new NeighborListModel(m_cache, kThumbnailSize, this);
    m_nearestView = new TileStripView(m_nearest, kThumbnailSize, details);
    m_results = new ImageResultTabs(m_nearestView, m_textModel, m_cache, details);
    m_samplesPanel = m_results->samplesPanel();
    m_plot = new QCustomPlot(details);
    setupPlot();
    followPalette(m_plot);
    details->setStretchFactor(0, 3);
    details->setStretchFactor(1, 2);
    auto *vertical = new QSplitter(Qt::Vertical, page);
    vertical->addWidget(lists);
    vertical->addWidget(details);
    layout->addWidget(vertical, 1);
    layout->addStretch(0);
    m_stack->addWidget(page);
    setWidget(m_stack);

    // Without a text model the lists and the plot stay empty: hide them, the status says why.
    auto updateInteractive = [this, vertical] {
        const RunTextModel::State state = m_textModel->state();
        const bool usable = state != RunTextModel::State::NoCheckpoint && state != RunTextModel::State::Failed;
        vertical->setVisible(usable);
        m_rankButton->setVisible(usable);
        m_generateButton->setVisible(usable);
        m_summary->setVisible(usable);
    };
    connect(m_textModel, &RunTextModel::stateChanged, this, updateInteractive);
    updateInteractive();

    connect(m_vocabularyCombo, &QComboBox::activated, this, &CaptionsDock::onVocabularyActivated);
    connect(m_referenceEdit, &QLineEdit::editingFinished, this,
            [this] { setReferenceCaption(m_referenceEdit->text().trimmed()); });
    connect(m_rankButton, &QPushButton::clicked, this, &CaptionsDock::rankAgain);
    for (QTreeWidget *list : {m_hardList, m_easyList})
        connect(list, &QTreeWidget::itemSelectionChanged, this, [this, list] { onCaptionSelected(list); });
    connect(m_results, &ImageResultTabs::imageActivated, this, &CaptionsDock::imageActivated);
    connect(m_samplesPanel, &GeneratedSamplesPanel::generatingChanged, this,
            [this](bool generating) { m_generateButton->setEnabled(!generating); });
    connect(generateMenu, &QMenu::aboutToShow, this, [this] { m_generateFromChosen->setEnabled(!m_chosen.isEmpty()); });
}

void CaptionsDock::generate(GenerateFrom from)
{
    if (!m_images || !m_vocabulary)
        return;
    ClassSampleJob job;
    job.vocabulary = m_vocabularySource;
    job.reference = referenceCaption();
    switch (from) {
    case GenerateFrom::ChosenCaption: {
        if (m_chosen.isEmpty())
            return;
        job.source = ClassSampleJob::Source::Prompts;
        job.prompts = {m_chosen};
        // The side of the ranking it is on (ranked is hardest first), as the two lists show it.
        const auto found = std::find_if(m_ranked.begin(), m_ranked.end(),
                                        [this](const RankedCaption &ranked) { return ranked.caption == m_chosen; });
        const bool hard = found != m_ranked.end() && 2 * (found - m_ranked.begin()) < m_ranked.size();
        job.promptGroup = m_chosen == job.reference ? QStringLiteral("reference")
                          : hard                    ? QStringLiteral("hard")
                                                    : QStringLiteral("easy");
        break;
    }
    case GenerateFrom::TopCaptions:
        job.source = ClassSampleJob::Source::Captions;
        break;
    case GenerateFrom::FailureBackgrounds:
        job.source = ClassSampleJob::Source::Backgrounds;
        break;
    }
    m_results->showSamples();
    m_samplesPanel->generate(job);
}

void CaptionsDock::setupPlot()
{
    m_plot->setObjectName(QStringLiteral("CaptionValidationPlot"));
    m_plot->setMinimumSize(220, 160);
    m_captionCurve = m_plot->addGraph();
    m_captionCurve->setName(tr("Chosen caption"));
    m_captionCurve->setPen(QPen(QColor(0xc0, 0x39, 0x2b), 2));
    m_referenceCurve = m_plot->addGraph();
    m_referenceCurve->setName(tr("Reference caption"));
    m_referenceCurve->setPen(QPen(QColor(0x70, 0x70, 0x70), 2, Qt::DashLine));
    m_plot->xAxis->setLabel(tr("K nearest test images"));
    m_plot->yAxis->setLabel(tr("Accuracy"));
    m_plot->yAxis->setRange(0, 1.05);
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create(); // K is a count: whole ticks only
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(ticker);
    // The legend sits in its own row above the axes (as in the classes chart), so it hides no curve.
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    m_plot->legend->setMargins(QMargins(4, 2, 4, 0));
}

void CaptionsDock::showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot,
                             const QString &projectPath, qint64 runId)
{
    if (!images)
        return clearClass();
    m_images = std::move(images);
    m_validation.reset();
    resetValidationPlot();
    m_root = datasetRoot;
    m_projectPath = projectPath;
    m_runId = runId;
    m_className = m_images->className;
    m_customReference.clear();
    m_textModel->setRun(projectPath, runId);
    m_samplesPanel->showClass(datasetRoot, projectPath, runId, m_className);
    m_stack->setCurrentIndex(1);
    refresh();
}

void CaptionsDock::clearClass()
{
    ++m_rankGeneration;
    ++m_captionGeneration;
    delete m_rankJob;
    delete m_captionJob;
    m_images.reset();
    m_validation.reset();
    resetValidationPlot();
    m_className.clear();
    m_runId = 0;
    m_ranked.clear();
    m_chosen.clear();
    m_wantRank = m_wantCaption = false;
    m_samplesPanel->clearClass();
    m_emptyLabel->setText(tr("Select a class in the Classes dock to see the captions that describe its failures."));
    m_stack->setCurrentIndex(0);
}

void CaptionsDock::resetValidationPlot()
{
    // Another class: no curve or legend of the last one's captions stays (issue 15.4).
    m_captionCurve->data()->clear();
    m_referenceCurve->data()->clear();
    m_captionCurve->setName(tr("Chosen caption"));
    m_referenceCurve->setName(tr("Reference caption"));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void CaptionsDock::setVocabulary(const QString &nameOrPath)
{
    m_vocabularySource = nameOrPath;
    try {
        m_vocabulary = CaptionVocabulary::open(nameOrPath);
    } catch (const Error &e) {
        m_vocabulary.reset();
        m_vocabularyError = e.message();
    }
    if (m_vocabulary)
        m_vocabularyError.clear();
    // The combo shows the choice: a built-in name, or the file (kept as an item before "Custom file…").
    int index = m_vocabularyCombo->findData(nameOrPath);
    if (index < 0) {
        index = m_vocabularyCombo->count() - 1;
        m_vocabularyCombo->insertItem(index, QFileInfo(nameOrPath).fileName(), nameOrPath);
        m_vocabularyCombo->setItemData(index, nameOrPath, Qt::ToolTipRole);
    }
    m_vocabularyCombo->setCurrentIndex(index);
    m_customReference.clear();
    if (m_images)
        refresh();
}

void CaptionsDock::setReferenceCaption(const QString &text)
{
    const QString vocabularyReference =
        m_vocabulary ? faultline::referenceCaption(*m_vocabulary, m_className) : QString();
    const QString custom = text == vocabularyReference ? QString() : text;
    if (custom == m_customReference) {
        m_referenceEdit->setText(referenceCaption());
        m_referenceEdit->setCursorPosition(0); // show its start ("a photo of…"), not its end (issue 15.5)
        return;
    }
    m_customReference = custom;
    if (m_images)
        refresh();
}

QString CaptionsDock::referenceCaption() const
{
    if (!m_customReference.isEmpty())
        return m_customReference;
    return m_vocabulary && !m_className.isEmpty() ? faultline::referenceCaption(*m_vocabulary, m_className) : QString();
}

void CaptionsDock::rankAgain()
{
    if (!m_images || !m_vocabulary)
        return;
    ++m_rankGeneration;
    delete m_rankJob;
    m_wantRank = true;
    tryRank();
}

void CaptionsDock::onVocabularyActivated(int index)
{
    const QString data = m_vocabularyCombo->itemData(index).toString();
    if (data != kCustomFile)
        return setVocabulary(data);
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a caption vocabulary"), QString(),
                                                      tr("Caption vocabularies (*.json);;All files (*)"));
    if (path.isEmpty()) // back to what was chosen before
        return setVocabulary(m_vocabularySource);
    setVocabulary(path);
}

// A new class, vocabulary or reference: drop what was shown and what was under way.
void CaptionsDock::refresh()
{
    ++m_rankGeneration;
    ++m_captionGeneration;
    delete m_rankJob;
    delete m_captionJob;
    m_ranked.clear();
    m_chosen.clear();
    m_fromStore = false;
    m_wantRank = m_wantCaption = false;
    m_hardList->clear();
    m_easyList->clear();
    m_nearest->clear();
    m_captionCurve->data()->clear();
    m_referenceCurve->data()->clear();
    m_plot->replot();
    m_referenceEdit->setText(referenceCaption());
    m_referenceEdit->setCursorPosition(0);
    m_referenceEdit->setEnabled(bool(m_vocabulary));
    m_rankButton->setEnabled(bool(m_vocabulary));
    showMessage(m_vocabularyError.isEmpty() ? QString()
                                            : tr("The vocabulary cannot be used: %1").arg(m_vocabularyError));
    m_summary->clear();
    if (!m_vocabulary)
        return;
    loadStoredOrRank();
}

// Scores stored for (run, class, vocabulary) are shown at once; an edited reference is ranked anew.
void CaptionsDock::loadStoredOrRank()
{
    if (!m_customReference.isEmpty()) {
        m_wantRank = true;
        return tryRank();
    }
    const quint64 generation = m_rankGeneration;
    auto stored = std::make_shared<QVector<QPair<QString, double>>>();
    const QString projectPath = m_projectPath, className = m_className, vocabulary = m_vocabulary->name();
    const qint64 runId = m_runId;
    m_summary->setText(tr("Reading stored caption scores…"));
    m_rankJob = launchJob(
        this, tr("Reading caption scores"),
        [=](JobControl &) { *stored = ProjectStore(projectPath).captionScores(runId, className, vocabulary); },
        [=] {
            if (generation != m_rankGeneration)
                return;
            if (stored->isEmpty()) {
                m_wantRank = true;
                return tryRank();
            }
            QVector<RankedCaption> ranked;
            for (const auto &[caption, score] : *stored)
                ranked.push_back({caption, score});
            showRanking(ranked, std::nan(""), true);
        },
        [=](const QString &message) {
            if (generation == m_rankGeneration)
                showMessage(message);
        });
}

void CaptionsDock::tryRank()
{
    if (!m_wantRank || !m_images || !m_vocabulary)
        return;
    if (m_textModel->state() != RunTextModel::State::Ready) {
        m_summary->setText(tr("The captions are ranked once the CLIP text model is loaded."));
        return;
    }
    m_wantRank = false;
    const quint64 generation = ++m_rankGeneration;
    CaptionVocabulary vocabulary = *m_vocabulary;
    if (!m_customReference.isEmpty())
        vocabulary.setClassReference(m_className, m_customReference);
    const CaptionScoreStorage storage =
        m_customReference.isEmpty() ? CaptionScoreStorage::Store : CaptionScoreStorage::DontStore;
    const QString projectPath = m_projectPath, className = m_className;
    const qint64 runId = m_runId;
    const TextEncoder encode = m_textModel->encoder();
    auto result = std::make_shared<ClassCaptionRanking>();
    m_summary->setText(tr("Ranking the captions of %1…").arg(className));
    m_rankJob = launchJob(
        this, tr("Ranking captions of %1").arg(className),
        [=](JobControl &control) {
            ProjectStore store(projectPath);
            control.report(0, 1, QStringLiteral("captions"));
            *result = rankClassCaptions(store, runId, vocabulary, className, encode, storage, &control);
            control.report(1, 1, QStringLiteral("captions"));
        },
        [=] {
            if (generation == m_rankGeneration)
                showRanking(result->ranked, result->cvBalancedAccuracy, false);
        },
        [=](const QString &message) {
            if (generation == m_rankGeneration) {
                m_summary->clear();
                showMessage(message);
            }
        });
    connect(m_rankJob, &BackgroundJob::cancelled, this, [this, generation] {
        if (generation == m_rankGeneration)
            m_summary->setText(tr("Ranking cancelled. Press Rank again to rank the captions."));
    });
    m_textModel->announce(m_rankJob);
}

void CaptionsDock::showRanking(const QVector<RankedCaption> &ranked, double cv, bool fromStore)
{
    m_ranked = ranked;
    m_fromStore = fromStore;
    // Hard from the negative end, Easy from the positive end; a short list is split in halves.
    const int n = int(ranked.size());
    const int shown = std::min(kShownPerSide, n / 2 + n % 2);
    auto fill = [](QTreeWidget *list, const QVector<RankedCaption> &captions) {
        list->clear();
        for (const RankedCaption &c : captions) {
            auto *item = new QTreeWidgetItem(list, {scoreText(c.score), c.caption});
            item->setData(0, kScoreRole, c.score);
            item->setTextAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
        }
    };
    fill(m_hardList, ranked.mid(0, shown));
    QVector<RankedCaption> easy;
    for (int i = n - 1; i >= std::max(shown, n - kShownPerSide); --i)
        easy.push_back(ranked[i]);
    fill(m_easyList, easy);
    const QString vocabulary = m_vocabulary ? m_vocabulary->name() : QString();
    m_summary->setText(fromStore ? tr("%1 captions of the %2 vocabulary, stored scores. Choose a caption to see its "
                                      "nearest test images and validation curve.")
                                       .arg(n).arg(vocabulary)
                                 : tr("%1 captions of the %2 vocabulary ranked (CV balanced accuracy %3). Choose a "
                                      "caption to see its nearest test images and validation curve.")
                                       .arg(n).arg(vocabulary).arg(cv, 0, 'f', 3));
}

void CaptionsDock::onCaptionSelected(QTreeWidget *list)
{
    const QList<QTreeWidgetItem *> selected = list->selectedItems();
    if (selected.isEmpty())
        return;
    QTreeWidget *other = list == m_hardList ? m_easyList : m_hardList;
    const QSignalBlocker blocker(other);
    other->clearSelection();
    chooseCaption(selected.first()->text(1));
}

void CaptionsDock::chooseCaption(const QString &caption)
{
    if (!m_images || caption.isEmpty())
        return;
    ++m_captionGeneration;
    delete m_captionJob;
    m_chosen = caption;
    m_wantCaption = true;
    tryCaption();
}

void CaptionsDock::tryCaption()
{
    if (!m_wantCaption || !m_images || m_textModel->state() != RunTextModel::State::Ready)
        return;
    m_wantCaption = false;
    const quint64 generation = ++m_captionGeneration;
    struct Result
    {
        std::shared_ptr<const CaptionValidationSet> validation;
        std::vector<AccuracyAtK> caption, reference;
        std::vector<EmbeddingIndex::Neighbor> nearest;
    };
    auto result = std::make_shared<Result>();
    result->validation = m_validation;
    const std::shared_ptr<const RunClassImages> images = m_images;
    const QString root = m_root, caption = m_chosen, reference = referenceCaption();
    const TextEncoder encode = m_textModel->encoder();
    m_captionJob = launchJob(
        this, tr("Validating a caption"),
        [=](JobControl &) {
            if (!result->validation) {
                auto set = std::make_shared<CaptionValidationSet>();
                set->images = validationImages(*images, Split::Test);
                set->items = GalleryModel::itemsFrom(set->images, root);
                set->index = EmbeddingIndex::build(set->images.embeddings.data(), set->images.size(), set->images.dim,
                                                   EmbeddingIndex::Precision::Float32, EmbeddingIndex::Approximation::Never);
                result->validation = set;
            }
            const CaptionValidationSet &set = *result->validation;
            const std::vector<float> texts = encode({caption, reference});
            const std::vector<float> captionText(texts.begin(), texts.begin() + set.images.dim);
            const std::vector<float> referenceText(texts.begin() + set.images.dim, texts.end());
            result->caption = accuracyAlongCaption(set.images.embeddings, set.images.correct, captionText);
            result->reference = accuracyAlongCaption(set.images.embeddings, set.images.correct, referenceText);
            set.index.nearest(captionText.data(), kNearestImages, result->nearest);
        },
        [=] {
            if (generation != m_captionGeneration)
                return;
            m_validation = result->validation;
            std::vector<NeighborListModel::Neighbor> neighbors;
            for (const EmbeddingIndex::Neighbor &n : result->nearest)
                neighbors.push_back({int(n.row), n.cosine});
            m_nearest->setNeighbors(m_validation->items, std::move(neighbors));
            auto plot = [](QCPGraph *graph, const std::vector<AccuracyAtK> &curve) {
                QVector<double> keys, values;
                for (const AccuracyAtK &point : curve) {
                    keys << point.k;
                    values << point.accuracy;
                }
                graph->setData(keys, values, true);
            };
            plot(m_captionCurve, result->caption);
            plot(m_referenceCurve, result->reference);
            m_captionCurve->setName(tr("\u201c%1\u201d").arg(caption));
            m_referenceCurve->setName(tr("Reference \u201c%1\u201d").arg(reference));
            const int last = result->caption.empty() ? 10 : result->caption.back().k;
            const int first = result->caption.empty() ? 0 : result->caption.front().k;
            m_plot->xAxis->setRange(first, std::max(first + 1, last));
            m_plot->replot();
        },
        [=](const QString &message) {
            if (generation == m_captionGeneration)
                showMessage(message);
        });
}

void CaptionsDock::showMessage(const QString &message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

QString CaptionsDock::messageText() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

QString CaptionsDock::summaryText() const
{
    return m_summary->text();
}

QString CaptionsDock::modelStatusText() const
{
    return m_textModel->statusText();
}

QString CaptionsDock::emptyStateText() const
{
    return m_stack->currentIndex() == 0 ? m_emptyLabel->text() : QString();
}

bool CaptionsDock::isBusy() const
{
    return m_rankJob || m_captionJob || m_wantRank || m_wantCaption;
}

} // namespace faultline
