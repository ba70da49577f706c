// bench_slider: the difficulty slider as a user drags it (docs/BENCHMARKS.md, "Workbench (GUI)").
// Runs the real MainWindow + DifficultyDock over an analysed dataset whose run gets a CLIP text
// model (--checkpoint: any checkpoint with the run's embedding size, e.g. a random-weight ViT-B/32
// from make_vit_b32.py for 512-d embeddings), and measures on the GUI thread:
//   a. step latency: one slider move at a time, from setValue to the dock showing that
//      difficulty's nearest images, repainted (what a keyboard step or a slow drag feels like);
//   b. a 60 Hz drag across the whole slider: one move every 16 ms, the GUI thread's time per frame
//      (events + repaint) and the lag from the last move to its images.
//
//   bench_slider --dataset ROOT --checkpoint FILE [--class C] [--split test]

#include "classes/ClassesDock.h"
#include "interpret/DifficultyDock.h"
#include "window/MainWindow.h"
#include "session/ProjectSession.h"
#include "session/RunTextModel.h"
#include "dataset/Split.h"
#include "interpret/RunImages.h"
#include "store/ProjectStore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QSettings>
#include <QSlider>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace faultline;

namespace {

struct Stats
{
    double median = 0, p95 = 0, max = 0;
};

Stats stats(std::vector<double> ms)
{
    if (ms.empty())
        return {};
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back()};
}

bool waitFor(const std::function<bool()> &ready, int timeoutMs, const char *what)
{
    if (QTest::qWaitFor(ready, timeoutMs))
        return true;
    std::fprintf(stderr, "bench_slider: gave up waiting for %s\n", what);
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("dataset"), QStringLiteral("Analysed dataset folder."), QStringLiteral("ROOT")});
    parser.addOption({QStringLiteral("checkpoint"), QStringLiteral("CLIP checkpoint for the text model."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("class"), QStringLiteral("Class (default: the one with the most images)."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("split"), QStringLiteral("Images the slider searches (default test)."),
                      QStringLiteral("SPLIT"), QStringLiteral("test")});
    parser.process(app);
    const QString root = parser.value(QStringLiteral("dataset"));
    if (!QFileInfo::exists(ProjectStore::defaultPath(root)) || !QFileInfo::exists(parser.value(QStringLiteral("checkpoint")))) {
        std::fprintf(stderr, "bench_slider: --dataset ROOT (analysed) and --checkpoint FILE are required\n");
        return 2;
    }
    Split split = Split::Test;
    splitFromName(parser.value(QStringLiteral("split")), &split);

    ProjectSession session;
    MainWindow window(&session);
    window.resize(1360, 820);
    window.show();
    window.openDataset(root);
    if (!waitFor([&] { return !session.isBusy() && !session.classes().isEmpty(); }, 600000, "the classes"))
        return 1;
    QString className = parser.value(QStringLiteral("class"));
    if (className.isEmpty())
        className = std::max_element(session.classes().begin(), session.classes().end(),
                                     [](const ClassSummary &a, const ClassSummary &b) { return a.images < b.images; })
                        ->className;
    session.setSelectedClass(className);
    DifficultyDock *dock = window.difficultyDock();
    if (!waitFor([&] { return !session.isBusy() && window.textModel()->runId() == session.runId(); }, 600000, "the class"))
        return 1;
    window.textModel()->chooseCheckpoint(parser.value(QStringLiteral("checkpoint")));
    dock->setSplit(split);
    if (!waitFor([&] { return window.textModel()->state() == RunTextModel::State::Ready && dock->shownDifficulty() == 0.0; },
                 600000, "the text model and the reference's images"))
        return 1;
    const int images = session.selected().images ? int(session.selected().images->size()) : 0;

    // a. One move at a time: setValue → images shown and painted.
    QSlider *slider = dock->slider();
    std::vector<double> latency;
    QElapsedTimer clock;
    for (int value = slider->minimum(); value <= slider->maximum(); value += 2) {
        clock.restart();
        slider->setValue(value);
        const double wanted = dock->difficulty();
        if (!waitFor([&] { return dock->shownDifficulty() == wanted; }, 20000, "a step's images"))
            return 1;
        dock->repaint();
        latency.push_back(double(clock.nsecsElapsed()) / 1e6);
    }

    // b. A 60 Hz drag from the easiest end to the hardest: the GUI thread's time per frame.
    slider->setValue(slider->minimum());
    waitFor([&] { return dock->shownDifficulty() == dock->difficulty(); }, 20000, "the start");
    const int queriesBefore = dock->queriesRun();
    std::vector<double> frames;
    slider->setSliderDown(true);
    QElapsedTimer drag;
    drag.start();
    for (int value = slider->minimum(); value <= slider->maximum(); value += 4) {
        const qint64 frameStart = drag.nsecsElapsed();
        slider->setValue(value);
        QCoreApplication::processEvents();
        dock->repaint();
        frames.push_back(double(drag.nsecsElapsed() - frameStart) / 1e6);
        const qint64 nextFrame = frameStart + 16'000'000;
        while (drag.nsecsElapsed() < nextFrame)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    }
    slider->setSliderDown(false);
    clock.restart();
    waitFor([&] { return dock->shownDifficulty() == dock->difficulty(); }, 20000, "the drag's last images");
    dock->repaint();
    const double settle = double(clock.nsecsElapsed()) / 1e6;

    const Stats a = stats(latency), b = stats(frames);
    const auto over = std::count_if(frames.begin(), frames.end(), [](double ms) { return ms > 16.0; });
    std::printf("class %s: %d images, searching %s, %d nearest\n", qPrintable(className), images,
                qPrintable(splitName(split)), dock->nearestCount());
    std::printf("| measurement | n | median ms | p95 ms | max ms |\n|---|---|---|---|---|\n");
    std::printf("| a. step: move → its images painted | %zu | %.1f | %.1f | %.1f |\n", latency.size(), a.median, a.p95, a.max);
    std::printf("| b. 60 Hz drag: GUI thread per frame | %zu | %.1f | %.1f | %.1f |\n", frames.size(), b.median, b.p95, b.max);
    std::printf("b: %lld of %zu frames over 16 ms; %d queries for %zu moves; last move → its images %.1f ms\n",
                static_cast<long long>(over), frames.size(), dock->queriesRun() - queriesBefore, frames.size(), settle);
    return 0;
}
