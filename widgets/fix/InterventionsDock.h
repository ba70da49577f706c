#pragma once

#include <QDockWidget>
#include <QPointer>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace faultline {

class BackgroundJob;
class BeforeAfterChart;
class ProjectSession;
struct RetrainReport;

// Fix and confirm (issue 13): choose an intervention (add the hardest pool images by decision
// value, by confidence or at random; upweight the hard training images; train on generated
// samples weighted by λ), retrain the classifier's head as a cancellable job, and see the
// accuracy before and after on the test split and each class's hard subpopulation. The
// retrained head's predictions become a model of the project, which "Show this model" opens.
class InterventionsDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit InterventionsDock(ProjectSession *session, QWidget *parent = nullptr);

    QComboBox *armCombo() const { return m_arm; }
    QSpinBox *kSpin() const { return m_k; }
    QDoubleSpinBox *factorSpin() const { return m_factor; }
    QDoubleSpinBox *lambdaSpin() const { return m_lambda; }
    QPushButton *retrainButton() const { return m_retrain; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *showModelButton() const { return m_showModel; }
    BeforeAfterChart *chart() const { return m_chart; }
    QTableWidget *table() const { return m_table; }
    QString statusText() const;

private:
    void startRetrain();
    void showReport(const RetrainReport &report);
    void updateFields();

    ProjectSession *m_session;
    QComboBox *m_arm = nullptr;
    QSpinBox *m_k = nullptr;
    QDoubleSpinBox *m_factor = nullptr;
    QDoubleSpinBox *m_lambda = nullptr;
    QSpinBox *m_evalK = nullptr;
    QPushButton *m_retrain = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_showModel = nullptr;
    QLabel *m_status = nullptr;
    BeforeAfterChart *m_chart = nullptr;
    QTableWidget *m_table = nullptr;
    QPointer<BackgroundJob> m_job;
    QString m_newModel;
};

} // namespace faultline
