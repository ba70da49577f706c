#include "fix/InterventionsDock.h"

#include "session/ProjectSession.h"
#include "fix/BeforeAfterChart.h"
#include "fix/HeadRetraining.h"
#include "jobs/BackgroundJob.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace faultline {

namespace {

QString percent(double value)
{
    return QLocale().toString(100.0 * value, 'f', 1) + QLatin1Char('%');
}

QString beforeAfter(const BeforeAfter &tally)
{
    return tally.images == 0 ? QStringLiteral("–")
                             : InterventionsDock::tr("%1 → %2").arg(percent(tally.before()), percent(tally.after()));
}

} // namespace

InterventionsDock::InterventionsDock(ProjectSession *session, QWidget *parent)
    : QDockWidget(tr("Interventions"), parent), m_session(session)
{
    setObjectName(QStringLiteral("InterventionsDock"));
    auto *content = new QWidget;
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // The four numbers two to a row, so the dock fits under the gallery on a laptop screen.
    auto *numbers = new QGridLayout;
    const auto addNumber = [numbers](int at, const QString &label, QWidget *field) {
        auto *text = new QLabel(label);
        text->setBuddy(field);
        numbers->addWidget(text, at / 2, (at % 2) * 2);
        numbers->addWidget(field, at / 2, (at % 2) * 2 + 1);
    };
    m_arm = new QComboBox;
    m_arm->addItem(tr("Add hardest pool images (decision value)"), int(Intervention::FilterSvm));
    m_arm->addItem(tr("Add least confident pool images"), int(Intervention::FilterConfidence));
    m_arm->addItem(tr("Add random pool images"), int(Intervention::FilterRandom));
    m_arm->addItem(tr("Upweight hard training images"), int(Intervention::Upweight));
    m_arm->addItem(tr("Train on generated samples"), int(Intervention::Synthetic));
    m_arm->setToolTip(tr("Paper 000 Sec. 3: filtering adds pool images, upweighting weighs the training images the"
                         " run ranks hardest, synthetic augmentation adds the stored generated samples"));
    form->addRow(tr("&Intervention:"), m_arm);
    m_k = new QSpinBox;
    m_k->setRange(1, 1000000);
    m_k->setValue(50);
    m_k->setToolTip(tr("Images per class the intervention adds or upweights"));
    addNumber(0, tr("&K per class:"), m_k);
    m_factor = new QDoubleSpinBox;
    m_factor->setRange(1, 1000);
    m_factor->setValue(5);
    m_factor->setToolTip(tr("The weight of the upweighted images (the others keep 1)"));
    addNumber(2, tr("&Factor:"), m_factor);
    m_lambda = new QDoubleSpinBox;
    m_lambda->setRange(0, 100);
    m_lambda->setSingleStep(0.25);
    m_lambda->setValue(0.5);
    m_lambda->setToolTip(tr("Paper 002 eq. 1: the generated set's weight against the training set (0.5 a good default)"));
    addNumber(3, tr("&λ:"), m_lambda);
    m_evalK = new QSpinBox;
    m_evalK->setRange(1, 1000000);
    m_evalK->setValue(50);
    m_evalK->setToolTip(tr("The hard subpopulation: each class's K test images the run ranks hardest, fixed before"
                           " retraining"));
    addNumber(1, tr("&Hard test images:"), m_evalK);
    numbers->setColumnStretch(1, 1);
    numbers->setColumnStretch(3, 1);

    m_retrain = new QPushButton(tr("&Retrain head"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    m_showModel = new QPushButton(tr("&Show this model"));
    m_showModel->setToolTip(tr("Show the retrained head's predictions as the current model (analyse it to see its"
                               " failure modes)"));
    m_showModel->setEnabled(false);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_retrain);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    buttons->addWidget(m_showModel);
    m_status = new QLabel(tr("Retrains the last layer of the run's classifier on the train split plus the"
                             " intervention, then measures the test split."));
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("InterventionsStatus"));

    m_chart = new BeforeAfterChart;
    m_table = new QTableWidget(0, 3);
    m_table->setObjectName(QStringLiteral("InterventionsTable"));
    m_table->setHorizontalHeaderLabels({tr("Class"), tr("Hard subpopulation"), tr("All test images")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto *results = new QSplitter(Qt::Vertical);
    results->addWidget(m_chart);
    results->addWidget(m_table);
    results->setStretchFactor(0, 3);
    results->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(content);
    layout->addLayout(form);
    layout->addLayout(numbers);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(results, 1);
    setWidget(content);

    connect(m_arm, &QComboBox::currentIndexChanged, this, &InterventionsDock::updateFields);
    connect(m_retrain, &QPushButton::clicked, this, &InterventionsDock::startRetrain);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_job)
            m_job->cancel();
    });
    connect(m_showModel, &QPushButton::clicked, this, [this] {
        if (!m_newModel.isEmpty())
            m_session->useModel(m_newModel);
    });
    connect(m_session, &ProjectSession::retrained, this, &InterventionsDock::showReport);
    connect(m_session, &ProjectSession::opened, this, [this] {
        m_chart->clear();
        m_table->setRowCount(0);
        m_newModel.clear();
        m_showModel->setEnabled(false);
    });
    updateFields();
}

QString InterventionsDock::statusText() const
{
    return m_status->text();
}

void InterventionsDock::updateFields()
{
    const auto arm = Intervention(m_arm->currentData().toInt());
    m_k->setEnabled(arm != Intervention::Synthetic);
    m_factor->setEnabled(arm == Intervention::Upweight);
    m_lambda->setEnabled(arm == Intervention::Synthetic);
}

void InterventionsDock::startRetrain()
{
    RetrainRequest request;
    request.intervention = Intervention(m_arm->currentData().toInt());
    request.k = m_k->value();
    request.factor = m_factor->value();
    request.lambda = m_lambda->value();
    request.evalK = m_evalK->value();
    BackgroundJob *job = m_session->retrain(request);
    if (!job)
        return;
    m_job = job;
    m_retrain->setEnabled(false);
    m_cancel->setEnabled(true);
    m_status->setText(tr("Retraining with “%1”…").arg(m_arm->currentText()));
    const auto finished = [this](const QString &status) {
        m_retrain->setEnabled(true);
        m_cancel->setEnabled(false);
        if (!status.isEmpty())
            m_status->setText(status);
    };
    connect(job, &BackgroundJob::failed, this, [finished](const QString &message) {
        finished(tr("Retraining failed: %1").arg(message));
    });
    connect(job, &BackgroundJob::cancelled, this, [finished] { finished(tr("Retraining cancelled; nothing was stored.")); });
    connect(job, &BackgroundJob::succeeded, this, [finished] { finished(QString()); });
}

void InterventionsDock::showReport(const RetrainReport &report)
{
    m_chart->setReport(report);
    m_newModel = report.predictionSet;
    m_showModel->setEnabled(!m_newModel.isEmpty());
    m_status->setText(tr("%1 (run %2): hard subpopulation %3, all test images %4. The new head is the model “%5”.")
                          .arg(report.intervention).arg(report.runId).arg(beforeAfter(report.hard),
                                                                          beforeAfter(report.overall), report.predictionSet));
    m_table->setRowCount(0);
    for (const ClassBeforeAfter &c : report.classes) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, new QTableWidgetItem(c.className));
        m_table->setItem(row, 1, new QTableWidgetItem(beforeAfter(c.hard)));
        m_table->setItem(row, 2, new QTableWidgetItem(beforeAfter(c.all)));
    }
}

} // namespace faultline
