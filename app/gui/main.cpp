// faultline: the desktop workbench. `faultline [DATASET] [--screenshot DIR]`.
#include "support/AppSettings.h"
#include "window/MainWindow.h"
#include "session/ProjectSession.h"
#include "ScreenshotTour.h"
#include "support/Translations.h"
#include "common/BuildInfo.h"
#include "jobs/BackgroundJob.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>
#include <cstdio>

using namespace faultline;

namespace {

int runWorkbench(QApplication &app, const QString &dataset, const QString &screenshotDir);

} // namespace

int main(int argc, char **argv)
{
    // The command line is read before QApplication exists, so --help, --version and a mistyped
    // option need no display (installers and scripts ask them on headless machines).
    QStringList arguments;
    QString screenshotDir;
    {
        QCoreApplication commandLine(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("Faultline"));
        QCoreApplication::setApplicationVersion(versionString());
        installTranslations(commandLine);
        QCommandLineParser parser;
        parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions); // -platform, as Qt reads it
        parser.setApplicationDescription(
            QCoreApplication::translate("main", "Faultline: find where an image classifier fails."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument(QStringLiteral("dataset"),
                                     QCoreApplication::translate("main", "Dataset folder to open."),
                                     QStringLiteral("[DATASET]"));
        const QCommandLineOption screenshot(
            QStringLiteral("screenshot"),
            QCoreApplication::translate("main", "Open DATASET, wait for its jobs, save PNGs of the window and each "
                                                "dock into DIR, and quit."),
            QStringLiteral("DIR"));
        parser.addOption(screenshot);
        // QApplication's own options (-platform offscreen, -style …) are read by QApplication below.
        for (const char *name : {"platform", "platformpluginpath", "platformtheme", "plugin", "qwindowgeometry",
                                 "qwindowicon", "qwindowtitle", "session", "style", "stylesheet", "display",
                                 "geometry", "title", "name"}) {
            QCommandLineOption qtOption(QString::fromLatin1(name), QString(), QStringLiteral("value"));
            qtOption.setFlags(QCommandLineOption::HiddenFromHelp);
            parser.addOption(qtOption);
        }
        for (const char *name : {"reverse", "widgetcount", "sync", "nograb", "dograb"}) {
            QCommandLineOption qtFlag(QString::fromLatin1(name));
            qtFlag.setFlags(QCommandLineOption::HiddenFromHelp);
            parser.addOption(qtFlag);
        }
        parser.process(commandLine); // prints help, version or the error and exits
        arguments = parser.positionalArguments();
        screenshotDir = parser.value(screenshot);
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Faultline"));
    QApplication::setApplicationName(QStringLiteral("Faultline"));
    QApplication::setApplicationVersion(versionString());
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/faultline/icons/io.github.faultline.Faultline.png")));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.faultline.Faultline")); // taskbars match the .desktop
    installTranslations(app);
    AppSettings::applyThreadCount();
    applyAppearance(AppSettings::appearance());

    const int exitCode = runWorkbench(app, arguments.value(0), screenshotDir);
    // Jobs still running hold SQLite connections and libtorch state: they end (cancelled by the
    // views' destructors) before Qt and the libraries are torn down.
    BackgroundJob::jobPool()->waitForDone();
    return exitCode;
}

namespace {

int runWorkbench(QApplication &app, const QString &dataset, const QString &screenshotDir)
{
    ProjectSession session;
    MainWindow window(&session);
    window.show();

    if (screenshotDir.isEmpty()) {
        if (!dataset.isEmpty())
            QTimer::singleShot(0, &window, [&window, dataset] { window.openDataset(dataset); });
        return app.exec();
    }

    // Screenshot mode: a fixed, default layout so the images in docs/ don't depend on settings.
    window.resize(1600, 1000);
    window.resetLayout();
    ScreenshotTour tour(window, dataset, screenshotDir);
    QObject::connect(&tour, &ScreenshotTour::finished, &app, &QApplication::exit);
    QObject::connect(&session, &ProjectSession::errorOccurred, &app, [](const QString &message) {
        std::fprintf(stderr, "faultline: %s\n", qPrintable(message));
    });
    tour.start();
    return app.exec();
}

} // namespace
