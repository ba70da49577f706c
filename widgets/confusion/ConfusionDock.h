#pragma once

#include "dataset/Split.h"

#include <QDockWidget>
#include <QSet>
#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QListWidget;
class QTableView;

namespace faultline {

class BackgroundJob;
class ConfusionTableModel;
struct RunScoreRow;

// The shown run's confusion matrix (a row per true class, a column per prediction, the row's
// accuracy last) beside its largest confusions, in one split or all. Clicking a cell or a
// confusion asks for its images (cellChosen): the window selects the class and shows exactly
// them in the gallery. The run's rows are loaded once per run in a job.
class ConfusionDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit ConfusionDock(QWidget *parent = nullptr);
    ~ConfusionDock() override;

    void setRun(const QString &projectPath, qint64 runId);
    void clear();
    void setSplit(std::optional<Split> split); // unset: every split
    // As a click on the cell (label `row`, prediction `column`).
    void chooseCell(int row, int column);

    ConfusionTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QListWidget *topConfusions() const { return m_top; }
    QString statusText() const;

Q_SIGNALS:
    void cellChosen(const QString &label, const QString &title, const QSet<qint64> &imageIds);
    void jobStarted(faultline::BackgroundJob *job);
    void loaded();

private:
    void rebuild();
    std::optional<Split> split() const;

    QString m_projectPath;
    qint64 m_runId = 0;
    std::shared_ptr<const QVector<RunScoreRow>> m_rows;
    quint64 m_generation = 0;
    QComboBox *m_split = nullptr;
    QLabel *m_status = nullptr;
    QTableView *m_table = nullptr;
    QListWidget *m_top = nullptr;
    ConfusionTableModel *m_model = nullptr;
};

} // namespace faultline
