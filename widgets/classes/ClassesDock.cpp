#include "classes/ClassesDock.h"

#include "classes/ClassesChart.h"
#include "classes/ClassesTableModel.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace faultline {

ClassesDock::ClassesDock(ProjectSession *session, QWidget *parent)
    : QDockWidget(tr("Classes"), parent), m_session(session)
{
    setObjectName(QStringLiteral("ClassesDock"));
    m_model = new ClassesTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ClassesTableModel::SortRole);
    m_proxy->setFilterKeyColumn(ClassesTableModel::ClassColumn);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_filter = new QLineEdit;
    m_filter->setPlaceholderText(tr("Filter classes…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("ClassesTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ClassesTableModel::CvColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    // What tells a failure mode first, left to right: the class, its CV score, its error rate and
    // status; the counts last. A narrow dock (a laptop) then still shows the key columns (issue 15.2).
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setStretchLastSection(true);
    for (int column : {ClassesTableModel::CvColumn, ClassesTableModel::ErrorRateColumn, ClassesTableModel::StatusColumn})
        header->moveSection(header->visualIndex(column), header->visualIndex(ClassesTableModel::ImagesColumn));

    m_chart = new ClassesChart;

    auto *tablePane = new QWidget;
    auto *tableLayout = new QVBoxLayout(tablePane);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_filter);
    tableLayout->addWidget(m_table);
    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(tablePane);
    splitter->addWidget(m_chart);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    m_empty = new QLabel;
    m_empty->setObjectName(QStringLiteral("ClassesEmptyState"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(16);

    m_stack = new QStackedWidget;
    m_stack->addWidget(m_empty);
    m_stack->addWidget(splitter);
    setWidget(m_stack);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    m_session->setSelectedClass(current.data(ClassesTableModel::ClassNameRole).toString());
            });
    connect(m_chart, &ClassesChart::classClicked, m_session, &ProjectSession::setSelectedClass);
    connect(m_session, &ProjectSession::classSelected, this, &ClassesDock::followSelection);
    connect(m_session, &ProjectSession::classesLoaded, this, &ClassesDock::showClasses);
    connect(m_session, &ProjectSession::opened, this, [this] {
        m_loaded = false;
        updateEmptyState();
    });
    connect(m_session, &ProjectSession::stateChanged, this, &ClassesDock::updateEmptyState);
    connect(m_session, &ProjectSession::busyChanged, this, &ClassesDock::updateEmptyState);
    showClasses(m_session->classes());
}

void ClassesDock::showClasses(const QVector<ClassSummary> &classes)
{
    m_loaded = m_session->state().latestRun != 0;
    m_model->setClasses(classes);
    m_chart->setClasses(classes);
    followSelection(m_session->selectedClass());
    updateEmptyState();
}

void ClassesDock::followSelection(const QString &className)
{
    m_chart->selectClass(className);
    const int sourceRow = m_model->rowOf(className);
    const QModelIndex index = sourceRow < 0 ? QModelIndex() : m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    QItemSelectionModel *selection = m_table->selectionModel();
    if (!index.isValid()) {
        selection->clear();
        return;
    }
    if (selection->currentIndex().row() == index.row() && selection->isRowSelected(index.row()))
        return;
    selection->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

QString ClassesDock::emptyText() const
{
    return m_stack->currentWidget() == m_empty ? m_empty->text() : QString();
}

QString ClassesDock::selectedRowClass() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(ClassesTableModel::ClassNameRole).toString();
}

QStringList ClassesDock::classOrder() const
{
    QStringList order;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        order << m_proxy->index(row, 0).data(ClassesTableModel::ClassNameRole).toString();
    return order;
}

void ClassesDock::focusFilter()
{
    show();
    raise();
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void ClassesDock::updateEmptyState()
{
    QString text;
    if (!m_session->isOpen())
        text = tr("Open a dataset folder (File ▸ Open dataset folder…) or drop one onto the window.");
    else if (m_session->state().latestRun == 0 && m_model->rowCount() == 0)
        text = m_session->isBusy() && !m_loaded && m_session->state().images == 0
                   ? tr("Reading the dataset…")
                   : tr("No analysis yet: Analysis ▸ Run analysis.");
    m_empty->setText(text);
    m_stack->setCurrentIndex(text.isEmpty() ? 1 : 0);
}

} // namespace faultline
