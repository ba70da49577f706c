#include "rules/RulesDock.h"

#include "gallery/GalleryModel.h"
#include "session/JobLauncher.h"
#include "gallery/NeighborListModel.h"
#include "session/RunTextModel.h"
#include "gallery/TileStripView.h"
#include "captions/CaptionVocabulary.h"
#include "common/JobControl.h"
#include "interpret/RunImages.h"
#include "rules/ClassFailureRules.h"
#include "store/ProjectStore.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <numeric>

namespace faultline {

namespace {

constexpr int kThumbnail = 72;
constexpr int kMatchingShown = 8;
constexpr int kNodeRole = Qt::UserRole + 1; // the tree node an item shows
enum FeatureChoice { Concepts, Embedding };

QString percent(double value)
{
    return QLocale().toString(100.0 * value, 'f', 1) + QStringLiteral(" %");
}

} // namespace

RulesDock::RulesDock(RunTextModel *textModel, ThumbnailCache *thumbnails, QWidget *parent)
    : QDockWidget(tr("Rules"), parent), m_textModel(textModel)
{
    setObjectName(QStringLiteral("RulesDock"));
    m_features = new QComboBox;
    m_features->setObjectName(QStringLiteral("RulesFeatures"));
    m_features->addItem(tr("Concepts (CLIP text)"), Concepts);
    m_features->addItem(tr("Embedding dimensions"), Embedding);
    m_features->setToolTip(tr("What the rules may name: each image's cosine to captions of the class (the generic"
                              " vocabulary), or the embedding's own dimensions"));
    m_depth = new QSpinBox;
    m_depth->setRange(1, 3);
    m_depth->setValue(2);
    m_depth->setToolTip(tr("Tree depth: conditions per rule (paper 003 uses 1 to 3)"));
    m_k = new QSpinBox;
    m_k->setRange(1, 10000);
    m_k->setValue(50);
    m_k->setToolTip(tr("Features kept by mutual information with failure before the tree is fitted"));
    m_explain = new QPushButton(tr("E&xplain"));
    m_explain->setToolTip(tr("Fit the tree on the class's images of the split the run fitted on"));
    // Two short rows rather than one long one: the dock stays usable at a laptop's width.
    m_features->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_features->setMinimumContentsLength(12);
    auto *settings = new QHBoxLayout;
    settings->addWidget(new QLabel(tr("Depth:")));
    settings->addWidget(m_depth);
    settings->addWidget(new QLabel(tr("k:")));
    settings->addWidget(m_k);
    settings->addStretch(1);
    settings->addWidget(m_explain);
    auto *controls = new QVBoxLayout;
    controls->addWidget(m_features);
    controls->addLayout(settings);

    m_status = new QLabel(tr("Select a class to explain its failures as rules."));
    m_status->setWordWrap(true);

    m_tree = new QTreeWidget;
    m_tree->setObjectName(QStringLiteral("RulesTree"));
    m_tree->setHeaderLabels({tr("Condition"), tr("n"), tr("Error rate"), tr("Error coverage")});
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c)
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_tree->setUniformRowHeights(true);

    m_leaves = new QTableWidget(0, 4);
    m_leaves->setObjectName(QStringLiteral("RulesLeaves"));
    m_leaves->setHorizontalHeaderLabels({tr("Importance"), tr("Error rate"), tr("n"), tr("Rule")});
    m_leaves->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_leaves->horizontalHeader()->setStretchLastSection(true);
    m_leaves->verticalHeader()->hide();
    m_leaves->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_leaves->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_leaves->setSelectionMode(QAbstractItemView::SingleSelection);
    m_leaves->setWordWrap(false);

    m_matchingTitle = new QLabel;
    m_matchingTitle->setWordWrap(true);
    m_most = new NeighborListModel(thumbnails, kThumbnail, this);
    m_least = new NeighborListModel(thumbnails, kThumbnail, this);
    m_mostStrip = new TileStripView(m_most, kThumbnail);
    m_leastStrip = new TileStripView(m_least, kThumbnail);
    auto *matching = new QWidget;
    auto *matchingLayout = new QVBoxLayout(matching);
    matchingLayout->setContentsMargins(0, 0, 0, 0);
    matchingLayout->addWidget(m_matchingTitle);
    matchingLayout->addWidget(new QLabel(tr("Most matching:")));
    matchingLayout->addWidget(m_mostStrip, 1);
    matchingLayout->addWidget(new QLabel(tr("Least matching:")));
    matchingLayout->addWidget(m_leastStrip, 1);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_tree);
    split->addWidget(m_leaves);
    split->addWidget(matching);

    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);
    setWidget(content);

    connect(m_explain, &QPushButton::clicked, this, &RulesDock::explain);
    connect(m_textModel, &RunTextModel::stateChanged, this, &RulesDock::updateFeatureChoice);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            chooseNode(item->data(0, kNodeRole).toInt());
    });
    connect(m_leaves, &QTableWidget::cellClicked, this, [this](int row) { chooseLeaf(row); });
    for (TileStripView *strip : {m_mostStrip, m_leastStrip})
        connect(strip, &TileStripView::imageActivated, this, &RulesDock::imageActivated);
    m_explain->setEnabled(false);
}

RulesDock::~RulesDock() = default;

QString RulesDock::statusText() const
{
    return m_status->text();
}

void RulesDock::showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot,
                          const QString &projectPath, qint64 runId)
{
    m_images = std::move(images);
    m_root = datasetRoot;
    m_projectPath = projectPath;
    m_runId = runId;
    m_textModel->setRun(projectPath, runId);
    m_wantExplain = true;
    updateFeatureChoice();
    if (m_wantExplain)
        explain();
}

void RulesDock::clearClass()
{
    ++m_generation;
    m_wantExplain = false;
    m_images.reset();
    m_rules.reset();
    m_tree->clear();
    m_leaves->setRowCount(0);
    m_most->clear();
    m_least->clear();
    m_matchingTitle->clear();
    m_explain->setEnabled(false);
    m_status->setText(tr("Select a class to explain its failures as rules."));
}

void RulesDock::updateFeatureChoice()
{
    // Concepts need the run's text tower; a run of imported embeddings without one explains
    // with the embedding's dimensions instead (the tooltip says why).
    const RunTextModel::State state = m_textModel->state();
    const bool pending = state == RunTextModel::State::NoRun || state == RunTextModel::State::Loading;
    const bool usable = pending || state == RunTextModel::State::Ready;
    if (auto *model = qobject_cast<QStandardItemModel *>(m_features->model()))
        model->item(0)->setEnabled(usable);
    m_features->setToolTip(usable ? QString() : m_textModel->statusText());
    if (!usable && m_features->currentData().toInt() == Concepts)
        m_features->setCurrentIndex(m_features->findData(Embedding));
    if (m_wantExplain && !pending)
        explain();
}

void RulesDock::explain()
{
    if (!m_images)
        return;
    const bool concepts = m_features->currentData().toInt() == Concepts;
    m_wantExplain = concepts && m_textModel->state() != RunTextModel::State::Ready;
    if (m_wantExplain) {
        m_status->setText(tr("The rules are fitted once the CLIP text model is loaded."));
        return;
    }
    if (m_job)
        m_job->cancel();
    const quint64 generation = ++m_generation;
    RulesRequest request;
    request.runId = m_runId;
    request.classes = {m_images->className};
    request.options.depth = m_depth->value();
    request.options.topFeatures = m_k->value();
    request.features.kind = concepts ? RuleFeatureKind::Concepts : RuleFeatureKind::Embedding;
    if (concepts)
        request.features.encode = m_textModel->encoder();
    const QString projectPath = m_projectPath, className = m_images->className;
    auto result = std::make_shared<std::shared_ptr<const ClassFailureRules>>();
    m_status->setText(tr("Fitting the rules of %1…").arg(className));
    m_explain->setEnabled(false);
    m_job = launchJob(
        this, tr("Rules of %1").arg(className),
        [=](JobControl &control) {
            ProjectStore store(projectPath);
            const CaptionVocabulary vocabulary = CaptionVocabulary::builtin(QStringLiteral("generic"));
            RulesRequest r = request;
            if (r.features.kind == RuleFeatureKind::Concepts)
                r.features.vocabulary = &vocabulary;
            const QVector<ClassFailureRules> rules = explainClassFailures(store, r, &control);
            *result = std::make_shared<const ClassFailureRules>(rules.value(0));
        },
        [=] {
            if (generation != m_generation)
                return;
            m_job = nullptr;
            m_explain->setEnabled(true);
            showRules(*result);
        },
        [=](const QString &message) {
            if (generation != m_generation)
                return;
            m_job = nullptr;
            m_explain->setEnabled(true);
            m_status->setText(message);
        });
    connect(m_job, &BackgroundJob::cancelled, this, [this, generation] {
        if (generation == m_generation) {
            m_job = nullptr;
            m_explain->setEnabled(true);
            m_status->setText(tr("Cancelled. Press Explain to fit the rules again."));
        }
    });
    Q_EMIT jobStarted(m_job);
}

void RulesDock::showRules(std::shared_ptr<const ClassFailureRules> rules)
{
    m_rules = std::move(rules);
    m_tree->clear();
    m_leaves->setRowCount(0);
    m_most->clear();
    m_least->clear();
    m_matchingTitle->clear();
    if (!m_rules || !m_rules->skipReason.isEmpty()) {
        m_status->setText(m_rules ? m_rules->skipReason : QString());
        return;
    }
    const FailureTree &tree = m_rules->tree;
    m_status->setText(tr("%1: %Ln image(s) of the fit split, %2 failures. Base error rate %3, average leaf error"
                         " rate (ALER) %4. Choose a leaf to see its images in the gallery.", nullptr, tree.samples)
                          .arg(m_rules->className).arg(tree.failures)
                          .arg(percent(tree.baseErrorRate), percent(tree.averageLeafErrorRate)));
    addNode(nullptr, 0, tr("All images"));
    m_tree->expandAll();

    m_leaves->setRowCount(int(tree.leaves.size()));
    for (int r = 0; r < int(tree.leaves.size()); ++r) {
        const FailureRuleLeaf &leaf = tree.leaves[size_t(r)];
        const QStringList cells = {QLocale().toString(leaf.importance, 'f', 3), percent(leaf.errorRate),
                                   QLocale().toString(leaf.samples), leaf.rule};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            item->setToolTip(tr("%1\n%2 of %3 images fail (error rate %4); %5 of the class's failures (error coverage)")
                                 .arg(leaf.rule).arg(leaf.failures).arg(leaf.samples)
                                 .arg(percent(leaf.errorRate), percent(leaf.errorCoverage)));
            if (c < 3)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_leaves->setItem(r, c, item);
        }
    }
}

void RulesDock::addNode(QTreeWidgetItem *parent, int node, const QString &condition)
{
    const TreeNode &n = m_rules->tree.tree.nodes()[size_t(node)];
    const int classFailures = m_rules->tree.failures;
    const QStringList cells = {condition, QLocale().toString(n.samples), percent(double(n.failures) / n.samples),
                               classFailures > 0 ? percent(double(n.failures) / classFailures) : QStringLiteral("–")};
    auto *item = parent ? new QTreeWidgetItem(parent, cells) : new QTreeWidgetItem(m_tree, cells);
    item->setData(0, kNodeRole, node);
    item->setToolTip(0, condition);
    for (int c = 1; c < 4; ++c)
        item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
    if (n.feature < 0) {
        QFont bold = item->font(0);
        bold.setBold(true);
        for (int c = 0; c < 4; ++c)
            item->setFont(c, bold);
        return;
    }
    const QString name = m_rules->features.names.value(n.feature);
    const QString threshold = QLocale().toString(n.threshold, 'g', 4);
    addNode(item, n.left, QStringLiteral("%1 \u2264 %2").arg(name, threshold));
    addNode(item, n.right, QStringLiteral("%1 > %2").arg(name, threshold));
}

void RulesDock::chooseLeaf(int rank)
{
    if (!m_rules || rank < 0 || rank >= int(m_rules->tree.leaves.size()))
        return;
    const int node = m_rules->tree.leaves[size_t(rank)].node;
    // the same leaf in the tree (which shows its feature's matching images)
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it)
        if ((*it)->data(0, kNodeRole).toInt() == node) {
            const QSignalBlocker blocker(m_tree);
            m_tree->setCurrentItem(*it);
        }
    chooseNode(node);
}

void RulesDock::chooseNode(int node)
{
    if (!m_rules)
        return;
    const auto &nodes = m_rules->tree.tree.nodes();
    if (node < 0 || node >= int(nodes.size()))
        return;
    // A node's feature: its own split, or for a leaf the split that made it.
    int feature = nodes[size_t(node)].feature;
    for (int parent = 0; feature < 0 && parent < int(nodes.size()); ++parent)
        if (nodes[size_t(parent)].left == node || nodes[size_t(parent)].right == node)
            feature = nodes[size_t(parent)].feature;
    if (feature >= 0)
        showMatching(feature);
    if (nodes[size_t(node)].feature >= 0)
        return;
    const auto leaf = std::find_if(m_rules->tree.leaves.begin(), m_rules->tree.leaves.end(),
                                   [node](const FailureRuleLeaf &l) { return l.node == node; });
    QSet<qint64> ids;
    for (size_t r = 0; r < m_rules->imageIds.size(); ++r)
        if (m_rules->leafOfRow[r] == node)
            ids.insert(m_rules->imageIds[r]);
    {
        const QSignalBlocker blocker(m_leaves);
        m_leaves->selectRow(int(leaf - m_rules->tree.leaves.begin()));
    }
    Q_EMIT leafChosen(tr("Rule of %1: %2 (%Ln image(s), error rate %3)", nullptr, leaf->samples)
                          .arg(m_rules->className, leaf->rule, percent(leaf->errorRate)),
                      ids);
}

void RulesDock::showMatching(int feature)
{
    // Barlow's most activating images: the class's images of the fit split ranked by the feature.
    const FeatureColumns &values = m_rules->features.values;
    std::vector<int> order(size_t(values.rows));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return values.at(a, feature) > values.at(b, feature); });
    QHash<qint64, int> rowOfImage;
    for (qsizetype i = 0; i < m_images->size(); ++i)
        rowOfImage.insert(m_images->imageIds[size_t(i)], int(i));
    const std::shared_ptr<const GalleryModel::Items> all = GalleryModel::itemsFrom(*m_images, m_root);
    const auto pick = [&](bool most) {
        std::vector<NeighborListModel::Neighbor> shown;
        const int n = std::min<int>(kMatchingShown, int(order.size()));
        for (int i = 0; i < n; ++i) {
            const int row = order[size_t(most ? i : int(order.size()) - 1 - i)];
            const auto source = rowOfImage.constFind(m_rules->imageIds[size_t(row)]);
            if (source != rowOfImage.constEnd())
                shown.push_back({*source, values.at(row, feature)});
        }
        return shown;
    };
    m_most->setNeighbors(all, pick(true));
    m_least->setNeighbors(all, pick(false));
    m_matchingTitle->setText(tr("Images of the class by %1:").arg(m_rules->features.names.value(feature)));
}

} // namespace faultline
