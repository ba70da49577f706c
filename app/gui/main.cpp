// faultline: the desktop workbench. `faultline [DATASET] [--screenshot DIR]`.
#include "AppSettings.h"
#include "MainWindow.h"
#include "ProjectSession.h"
#include "ScreenshotTour.h"
#include "Translations.h"
#include "jobs/BackgroundJob.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <cstdio>

using namespace faultline;

namespace {

int runWorkbench(QApplication &app, const QCommandLineParser &parser, const QCommandLineOption &screenshot);

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Faultline"));
    QApplication::setApplicationName(QStringLiteral("Faultline"));
    QApplication::setApplicationVersion(QStringLiteral(FAULTLINE_VERSION));
    installTranslations(app);
    AppSettings::applyThreadCount();

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Faultline: find where an image classifier fails."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("dataset"), QApplication::translate("main", "Dataset folder to open."),
                                 QStringLiteral("[DATASET]"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QApplication::translate("main", "Open DATASET, wait for its jobs, save PNGs of the window and each dock "
                                        "into DIR, and quit."),
        QStringLiteral("DIR"));
    parser.addOption(screenshot);
    parser.process(app);

    const int exitCode = runWorkbench(app, parser, screenshot);
    // Jobs still running hold SQLite connections and libtorch state: they end (cancelled by the
    // views' destructors) before Qt and the libraries are torn down.
    BackgroundJob::jobPool()->waitForDone();
    return exitCode;
}

namespace {

int runWorkbench(QApplication &app, const QCommandLineParser &parser, const QCommandLineOption &screenshot)
{
    ProjectSession session;
    MainWindow window(&session);
    window.show();

    const QStringList positional = parser.positionalArguments();
    const QString dataset = positional.value(0);
    if (!parser.isSet(screenshot)) {
        if (!dataset.isEmpty())
            QTimer::singleShot(0, &window, [&window, dataset] { window.openDataset(dataset); });
        return app.exec();
    }

    // Screenshot mode: a fixed, default layout so the images in docs/ don't depend on settings.
    window.resize(1360, 820);
    window.resetLayout();
    ScreenshotTour tour(window, dataset, parser.value(screenshot));
    QObject::connect(&tour, &ScreenshotTour::finished, &app, &QApplication::exit);
    QObject::connect(&session, &ProjectSession::errorOccurred, &app, [](const QString &message) {
        std::fprintf(stderr, "faultline: %s\n", qPrintable(message));
    });
    tour.start();
    return app.exec();
}

} // namespace
