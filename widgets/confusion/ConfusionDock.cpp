#include "confusion/ConfusionDock.h"

#include "session/JobLauncher.h"
#include "common/JobControl.h"
#include "confusion/ConfusionTableModel.h"
#include "support/SplitTitle.h"
#include "store/ProjectStore.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace faultline {

namespace {
constexpr int kTopConfusions = 25;
constexpr int kCellRole = Qt::UserRole + 1; // QPoint(column, row) of a listed confusion
}

ConfusionDock::ConfusionDock(QWidget *parent) : QDockWidget(tr("Confusion"), parent)
{
    setObjectName(QStringLiteral("confusionDock"));
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Split:")));
    m_split = new QComboBox;
    m_split->addItem(tr("All splits"), -1);
    for (Split s : {Split::Train, Split::Val, Split::Test})
        m_split->addItem(splitTitle(s), int(s));
    row->addWidget(m_split);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    row->addWidget(m_status, 1);
    layout->addLayout(row);

    m_model = new ConfusionTableModel(this);
    m_table = new QTableView;
    m_table->setModel(m_model);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setCornerButtonEnabled(false);
    m_table->setToolTip(tr("Rows: true class; columns: prediction. Click a cell to show its images."));
    m_top = new QListWidget;
    m_top->setToolTip(tr("The largest confusions of the run: click one to show its images"));
    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(m_table);
    splitter->addWidget(m_top);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    setWidget(page);

    connect(m_split, &QComboBox::currentIndexChanged, this, &ConfusionDock::rebuild);
    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex &index) { chooseCell(index.row(), index.column()); });
    connect(m_top, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const QPoint cell = item->data(kCellRole).toPoint();
        chooseCell(cell.y(), cell.x());
    });
    connect(m_top, &QListWidget::itemClicked, m_top, &QListWidget::itemActivated);
    clear();
}

ConfusionDock::~ConfusionDock() = default;

QString ConfusionDock::statusText() const
{
    return m_status->text();
}

std::optional<Split> ConfusionDock::split() const
{
    const int value = m_split->currentData().toInt();
    return value < 0 ? std::nullopt : std::optional<Split>(Split(value));
}

void ConfusionDock::setSplit(std::optional<Split> split)
{
    m_split->setCurrentIndex(m_split->findData(split ? int(*split) : -1));
}

void ConfusionDock::clear()
{
    ++m_generation;
    m_projectPath.clear();
    m_runId = 0;
    m_rows.reset();
    m_model->setMatrix({});
    m_top->clear();
    m_status->setText(tr("No analysis run yet."));
}

void ConfusionDock::setRun(const QString &projectPath, qint64 runId)
{
    if (projectPath == m_projectPath && runId == m_runId)
        return;
    clear();
    m_projectPath = projectPath;
    m_runId = runId;
    const quint64 generation = m_generation;
    auto rows = std::make_shared<QVector<RunScoreRow>>();
    m_status->setText(tr("Loading run %1…").arg(runId));
    BackgroundJob *job = launchJob(
        this, tr("Confusion matrix"),
        [=](JobControl &) { *rows = ProjectStore(projectPath).runScores(runId); },
        [=] {
            if (generation != m_generation)
                return;
            m_rows = rows;
            rebuild();
            Q_EMIT loaded();
        },
        [=](const QString &message) {
            if (generation == m_generation)
                m_status->setText(message);
        });
    Q_EMIT jobStarted(job);
}

void ConfusionDock::rebuild()
{
    if (!m_rows)
        return;
    m_model->setMatrix(confusionMatrix(*m_rows, split()));
    const ConfusionMatrix &m = m_model->matrix();
    int correct = 0;
    std::vector<std::pair<int, QPoint>> confusions; // count, (column, row)
    for (int r = 0; r < m.labels.size(); ++r) {
        correct += m.at(r, r);
        for (int c = 0; c < m.predictions.size(); ++c)
            if (c != r && m.at(r, c) > 0)
                confusions.push_back({m.at(r, c), QPoint(c, r)});
    }
    std::stable_sort(confusions.begin(), confusions.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    m_top->clear();
    int widest = 0;
    for (size_t i = 0; i < std::min<size_t>(confusions.size(), kTopConfusions); ++i) {
        const QPoint cell = confusions[i].second;
        const int rowTotal = m.rowTotal(cell.y());
        auto *item = new QListWidgetItem(tr("%1 → %2  %3 (%4)")
                                             .arg(m.labels[cell.y()], m.predictions[cell.x()],
                                                  QLocale().toString(confusions[i].first),
                                                  QLocale().toString(100.0 * confusions[i].first / rowTotal, 'f', 1)
                                                      + QLatin1Char('%')));
        item->setData(kCellRole, cell);
        m_top->addItem(item);
        widest = std::max(widest, m_top->fontMetrics().horizontalAdvance(item->text()));
    }
    // The list shows its confusions in full (up to a third of a laptop's dock), the table the rest.
    m_top->setMinimumWidth(std::min(widest + 2 * m_top->frameWidth() + m_top->style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 8, 280));
    const int total = m.total();
    m_status->setText(total == 0 ? tr("No images in this split.")
                                 : tr("Run %1: %2 images, accuracy %3, %n confusions.", nullptr, int(confusions.size()))
                                       .arg(m_runId)
                                       .arg(QLocale().toString(total))
                                       .arg(QLocale().toString(100.0 * correct / total, 'f', 1) + QLatin1Char('%')));
}

void ConfusionDock::chooseCell(int row, int column)
{
    const ConfusionMatrix &m = m_model->matrix();
    if (!m_rows || row < 0 || row >= m.labels.size() || column < 0 || column >= m.predictions.size())
        return;
    m_table->setCurrentIndex(m_model->index(row, column));
    const QString &label = m.labels[row], &prediction = m.predictions[column];
    const std::optional<Split> s = split();
    const QString title = (row == column ? tr("%1 predicted correctly").arg(label)
                                         : tr("%1 predicted as %2").arg(label, prediction))
        + (s ? QStringLiteral(" (%1)").arg(splitTitle(*s)) : QString());
    Q_EMIT cellChosen(label, title, confusionCellImages(*m_rows, label, prediction, s));
}

} // namespace faultline
