// faultline: the desktop workbench. `faultline [DATASET] [--screenshot DIR]`.
#include "AppSettings.h"
#include "ClassesDock.h"
#include "ClassesChart.h"
#include "JobsDock.h"
#include "MainWindow.h"
#include "ProjectSession.h"
#include "Translations.h"
#include "jobs/BackgroundJob.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QTimer>
#include <cstdio>

using namespace faultline;

namespace {

// Saves the window and each dock as PNGs under `dir`; returns false if one could not be written.
bool saveScreenshots(MainWindow &window, const QString &dir)
{
    QDir().mkpath(dir);
    bool ok = window.grab().save(QDir(dir).filePath(QStringLiteral("main-window.png")));
    const QList<QDockWidget *> docks = window.findChildren<QDockWidget *>();
    for (QDockWidget *dock : docks) {
        QString name = dock->objectName();
        if (name.endsWith(QLatin1String("Dock")))
            name.chop(4);
        ok = dock->grab().save(QDir(dir).filePath(name.toLower() + QStringLiteral(".png"))) && ok;
    }
    return ok;
}

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
    const QString dir = parser.value(screenshot);
    window.resize(1360, 820);
    window.resetLayout();
    int exitCode = 0;
    bool classSelected = false;
    bool saving = false;
    auto save = [&] {
        if (saving)
            return;
        saving = true;
        QTimer::singleShot(800, &app, [&] { // let thumbnails decode and paint
            if (!saveScreenshots(window, dir)) {
                std::fprintf(stderr, "faultline: could not write screenshots to %s\n", qPrintable(dir));
                exitCode = 1;
            }
            app.exit(exitCode);
        });
    };
    // First idle: the dataset is open; select the class the chart ranks first. Next idle: shoot.
    QObject::connect(&session, &ProjectSession::idle, &app, [&] {
        const QStringList order = window.classesDock()->chart()->barOrder();
        if (!classSelected && !order.isEmpty()) {
            classSelected = true;
            session.setSelectedClass(order.first());
            return;
        }
        save();
    }, Qt::QueuedConnection);
    QObject::connect(&session, &ProjectSession::errorOccurred, &app, [](const QString &message) {
        std::fprintf(stderr, "faultline: %s\n", qPrintable(message));
    });
    QTimer::singleShot(300000, &app, [&] {
        std::fprintf(stderr, "faultline: jobs still running after 5 minutes; taking screenshots anyway\n");
        save();
    });
    if (dataset.isEmpty())
        QTimer::singleShot(500, &app, save);
    else
        QTimer::singleShot(0, &window, [&window, dataset] { window.openDataset(dataset); });
    return app.exec();
}

} // namespace
