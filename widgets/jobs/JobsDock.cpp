#include "jobs/JobsDock.h"

#include "jobs/BackgroundJob.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace faultline {

QString formatEta(qint64 done, qint64 total, qint64 elapsedMs)
{
    if (total <= 0 || done <= 0 || done >= total || elapsedMs < 500)
        return QString();
    const double seconds = double(elapsedMs) / 1000.0 * double(total - done) / double(done);
    if (seconds < 60)
        return JobsDock::tr("about %n s left", nullptr, qMax(1, int(seconds + 0.5)));
    if (seconds < 3600)
        return JobsDock::tr("about %n min left", nullptr, int(seconds / 60 + 0.5));
    return JobsDock::tr("about %n h left", nullptr, int(seconds / 3600 + 0.5));
}

JobRow::JobRow(BackgroundJob *job, QWidget *parent)
    : QWidget(parent), m_job(job), m_title(job->title())
{
    m_clock.start();
    m_titleLabel = new QLabel(m_title, this);
    QFont bold = m_titleLabel->font();
    bold.setBold(true);
    m_titleLabel->setFont(bold);
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 0); // busy until the first report
    m_bar->setTextVisible(true);
    m_detail = new QLabel(tr("Starting…"), this);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setWordWrap(false);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop this job; finished work is kept"));

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(4, 1, 4, 1);
    layout->setVerticalSpacing(0);
    m_titleLabel->setMinimumWidth(180);
    m_bar->setMaximumWidth(320);
    m_bar->setMaximumHeight(m_bar->fontMetrics().height() + 6);
    layout->addWidget(m_titleLabel, 0, 0);
    layout->addWidget(m_bar, 0, 1);
    layout->addWidget(m_detail, 0, 2);
    layout->addWidget(m_cancel, 0, 3);
    layout->setColumnStretch(2, 1);

    connect(job, &BackgroundJob::progressChanged, this, &JobRow::onProgress);
    connect(job, &BackgroundJob::succeeded, this, [this] { finish(Outcome::Done, tr("Done")); });
    connect(job, &BackgroundJob::failed, this, [this](const QString &message) {
        finish(Outcome::Failed, tr("Failed: %1").arg(message));
    });
    connect(job, &BackgroundJob::cancelled, this, [this] { finish(Outcome::Cancelled, tr("Cancelled")); });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_job)
            m_job->cancel();
        m_cancel->setEnabled(false);
        m_detail->setText(tr("Cancelling…"));
        Q_EMIT changed();
    });
}

void JobRow::onProgress(qint64 done, qint64 total, const QString &stage)
{
    if (!m_running)
        return;
    m_stage = stage;
    if (total > 0) {
        // The rate is measured from the first report, so set-up time does not skew it.
        if (m_firstDone < 0 || done < m_firstDone) {
            m_firstDone = done;
            m_firstMs = m_clock.elapsed();
        }
        m_bar->setRange(0, 1000);
        m_bar->setValue(int(qBound(qint64(0), done * 1000 / total, qint64(1000))));
        m_percent = int(done * 100 / total);
        m_eta = formatEta(done - m_firstDone, total - m_firstDone, m_clock.elapsed() - m_firstMs);
    } else {
        m_bar->setRange(0, 0);
        m_percent = -1;
        m_eta.clear();
    }
    m_detail->setText(m_eta.isEmpty() ? stage : tr("%1 — %2").arg(stage, m_eta));
    Q_EMIT changed();
}

void JobRow::finish(Outcome outcome, const QString &state)
{
    m_running = false;
    m_eta.clear();
    if (outcome == Outcome::Done) {
        m_bar->setRange(0, 1);
        m_bar->setValue(1);
    } else {
        if (m_bar->maximum() == 0) { // still "busy": it never reported progress
            m_bar->setRange(0, 1000);
            m_bar->setValue(0);
        }
        m_bar->setFormat(outcome == Outcome::Failed ? tr("failed at %p%") : tr("stopped at %p%"));
        m_detail->setWordWrap(true);
        m_detail->setToolTip(state);
    }
    m_bar->setEnabled(false);
    m_cancel->setEnabled(false);
    m_cancel->setVisible(false);
    m_detail->setText(tr("%1 (%L2 s)").arg(state).arg(m_clock.elapsed() / 1000.0, 0, 'f', 1));
    Q_EMIT changed();
    Q_EMIT finished();
}

QString JobRow::detailText() const
{
    return m_detail->text();
}

QString JobRow::summary() const
{
    QString text = m_stage.isEmpty() ? m_title : tr("%1 — %2").arg(m_title, m_stage);
    if (m_percent >= 0)
        text += tr(" %1%").arg(m_percent);
    if (!m_eta.isEmpty())
        text += tr(" (%1)").arg(m_eta);
    return text;
}

JobsDock::JobsDock(QWidget *parent) : QDockWidget(tr("Jobs"), parent)
{
    setObjectName(QStringLiteral("JobsDock"));
    auto *content = new QWidget;
    auto *outer = new QVBoxLayout(content);
    outer->setContentsMargins(4, 4, 4, 4);
    m_empty = new QLabel(tr("No jobs yet. Opening a dataset or running an analysis starts one."), content);
    m_empty->setWordWrap(true);
    m_empty->setEnabled(false);
    outer->addWidget(m_empty);
    m_list = new QVBoxLayout;
    m_list->setSpacing(2);
    outer->addLayout(m_list);
    auto *clear = new QPushButton(tr("Clear finished"), content);
    connect(clear, &QPushButton::clicked, this, &JobsDock::clearFinished);
    outer->addStretch(1);
    outer->addWidget(clear, 0, Qt::AlignRight);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(content);
    setWidget(scroll);
}

void JobsDock::addJob(BackgroundJob *job)
{
    auto *row = new JobRow(job);
    m_rows.prepend(row);
    m_list->insertWidget(0, row);
    m_empty->hide();
    connect(row, &JobRow::changed, this, &JobsDock::updateActive);
    updateActive();
}

void JobsDock::clearFinished()
{
    for (auto it = m_rows.begin(); it != m_rows.end();) {
        if (!(*it)->isRunning()) {
            (*it)->deleteLater();
            it = m_rows.erase(it);
        } else {
            ++it;
        }
    }
    m_empty->setVisible(m_rows.isEmpty());
    updateActive();
}

QString JobsDock::activeJobText() const
{
    for (JobRow *row : m_rows)
        if (row->isRunning())
            return row->summary();
    return QString();
}

void JobsDock::updateActive()
{
    Q_EMIT activeJobChanged(activeJobText());
}

} // namespace faultline
