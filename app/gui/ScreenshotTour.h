#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <vector>

class QWidget;

namespace faultline {

class MainWindow;

// `faultline DATASET --screenshot DIR`: walks the window through the workflow the user guide
// shows — open, select the strongest failure mode, rank captions and choose the top hard one,
// move the difficulty slider toward "harder", open the dialogs — and saves each view as a PNG.
// Every step waits (bounded) for the jobs it starts, so the pictures show finished views.
class ScreenshotTour : public QObject
{
    Q_OBJECT
public:
    ScreenshotTour(MainWindow &window, QString dataset, QString outputDir);

    // Runs the tour on the event loop; finished(exitCode) when done.
    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    struct Step
    {
        QString name;
        std::function<bool()> ready; // polled until true (or the step's time runs out)
        std::function<void()> run;
    };
    void next();
    void save(QWidget *widget, const QString &fileName);

    MainWindow &m_window;
    QString m_dataset;
    QString m_dir;
    std::vector<Step> m_steps;
    size_t m_current = 0;
    int m_waitedMs = 0;
    bool m_failed = false;
    bool m_stopped = false; // finished early: the dataset could not be opened
};

} // namespace faultline
