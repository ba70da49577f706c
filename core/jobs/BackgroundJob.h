#pragma once

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <functional>
#include <memory>

namespace faultline {

class JobControl;

// Runs one engine function on a thread pool and reports back through queued signals, so a
// GUI thread never waits on engine work: it connects to the signals and calls cancel().
// The work function gets the job's JobControl for progress and cancellation polling; it
// signals failure by throwing Error and is cancelled by JobCancelled.
// Deleting the BackgroundJob while it runs requests cancellation; the work finishes on its
// own and nothing is delivered.
class BackgroundJob : public QObject
{
    Q_OBJECT
public:
    using Work = std::function<void(JobControl &control)>;

    BackgroundJob(QString title, Work work, QObject *parent = nullptr);
    ~BackgroundJob() override;

    const QString &title() const { return m_title; }
    bool isRunning() const { return m_running; }

    // pool: jobPool() unless given. Never Qt's global pool: Qt's raster painting splits big fills
    // over that pool and waits for them, so long jobs there would freeze the GUI.
    void start(QThreadPool *pool = nullptr);
    void cancel();

    // The process-wide pool background jobs run on (the engine's parallel loops have their own).
    static QThreadPool *jobPool();

Q_SIGNALS:
    void progressChanged(qint64 done, qint64 total, const QString &stage);
    void succeeded();
    void failed(const QString &message);
    void cancelled();

private:
    QString m_title;
    Work m_work;
    std::shared_ptr<JobControl> m_control;
    bool m_running = false;
};

} // namespace faultline
