#pragma once

#include "jobs/BackgroundJob.h"

#include <QDockWidget>
#include <QElapsedTimer>
#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace faultline {

class BackgroundJob;

// One job in the Jobs dock: title, progress bar, stage and ETA, Cancel, then its final state.
class JobRow : public QWidget
{
    Q_OBJECT
public:
    explicit JobRow(BackgroundJob *job, QWidget *parent = nullptr);

    bool isRunning() const { return m_running; }
    QString title() const { return m_title; }
    // "Title — stage 42% (about 1 min left)"
    QString summary() const;
    QPushButton *cancelButton() const { return m_cancel; }
    QProgressBar *progressBar() const { return m_bar; }
    QString detailText() const;

Q_SIGNALS:
    void changed();
    void finished();

private:
    void onProgress(qint64 done, qint64 total, const QString &stage);
    enum class Outcome { Done, Failed, Cancelled };
    // A finished job's bar is full only when it succeeded; a failed or cancelled one keeps the
    // progress it reached, and its message wraps (and is the tooltip) instead of being cut.
    void finish(Outcome outcome, const QString &state);

    QPointer<BackgroundJob> m_job;
    QString m_title;
    QString m_stage;
    QString m_eta;
    bool m_running = true;
    int m_percent = -1;
    QElapsedTimer m_clock;
    qint64 m_firstDone = -1;
    qint64 m_firstMs = 0;
    QLabel *m_titleLabel = nullptr;
    QLabel *m_detail = nullptr;
    QProgressBar *m_bar = nullptr;
    QPushButton *m_cancel = nullptr;
};

// Lists every job the session started, newest first. activeJobChanged() feeds the status bar.
class JobsDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit JobsDock(QWidget *parent = nullptr);

    QList<JobRow *> rows() const { return m_rows; }
    // The newest running job's summary; empty when nothing runs.
    QString activeJobText() const;

public Q_SLOTS:
    void addJob(faultline::BackgroundJob *job);
    void clearFinished();

Q_SIGNALS:
    void activeJobChanged(const QString &text);

private:
    void updateActive();

    QVBoxLayout *m_list = nullptr;
    QLabel *m_empty = nullptr;
    QList<JobRow *> m_rows;   // newest first
};

// Rough "time left" from the progress rate so far: empty until it can be estimated.
QString formatEta(qint64 done, qint64 total, qint64 elapsedMs);

} // namespace faultline
