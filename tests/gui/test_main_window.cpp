// The workbench end to end on the offscreen platform: open a generated dataset, answer the
// analysis dialog, select a class by clicking the chart, step through classes with the
// keyboard, tag images — asserting on what the views show. Bad input stays in place.

#include "dialogs/AnalysisDialog.h"
#include "support/AppSettings.h"
#include "classes/ClassesChart.h"
#include "classes/ClassesDock.h"
#include "classes/ClassesTableModel.h"
#include "interpret/DifficultyDock.h"
#include "dialogs/ExportDialog.h"
#include "gallery/GalleryView.h"
#include "inspector/InspectorDock.h"
#include "jobs/JobsDock.h"
#include "window/MainWindow.h"
#include "window/MessageBar.h"
#include "gallery/NeighborListModel.h"
#include "session/ProjectSession.h"
#include "SyntheticDataset.h"
#include "window/WelcomePage.h"
#include "DockScreenshot.h"
#include "support/QCustomPlotInclude.h"
#include "appearance/Appearance.h"
#include "jobs/BackgroundJob.h"
#include "store/ProjectStore.h"
#include "window/SavedViews.h"
#include "dataset/DemoDataset.h"

#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QMimeData>
#include <QUrl>
#include <QListView>
#include <QSlider>
#include <QSpinBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QLabel>
#include <QApplication>
#include <QScrollArea>
#include <QToolBar>
#include <QUndoStack>
#include <QHeaderView>
#include <QTableView>

using namespace faultline;

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    testing::SyntheticDataset m_data;

    // The analysis dialog the window opened by itself, or null after 20 s.
    static AnalysisDialog *waitForDialog(MainWindow &window)
    {
        AnalysisDialog *dialog = nullptr;
        QTest::qWaitFor([&] { return (dialog = window.findChild<AnalysisDialog *>()) && dialog->isVisible(); }, 20000);
        return dialog;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        QVERIFY(testing::writeSyntheticDataset(m_data, m_dir.filePath(QStringLiteral("shapes"))));
    }

    void openAnalyseBrowse()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.resize(1280, 800);
        window.show();
        window.activateWindow(); // window shortcuts need an active window
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QVERIFY(window.welcomePage()->isVisible());
        QVERIFY(!window.classesDock()->isEnabled());
        // the welcome page stands alone (issue 15.7): no empty docks around it until a dataset opens
        for (QDockWidget *dock : window.findChildren<QDockWidget *>())
            QVERIFY2(!dock->isVisible(), qPrintable(dock->objectName()));

        window.openDataset(m_data.root);
        // predictions.csv is imported on open; the embeddings are missing, so the dialog asks.
        AnalysisDialog *dialog = waitForDialog(window);
        QVERIFY(dialog);
        QVERIFY(!window.welcomePage()->isVisible());
        QVERIFY(window.classesDock()->isVisible() && window.inspectorDock()->isVisible());
        QVERIFY(dialog->computeChoice() && dialog->importChoice());
        dialog->importChoice()->setChecked(true);
        dialog->npyEdit()->setText(m_dir.filePath(QStringLiteral("missing.npy")));
        QVERIFY(dialog->problem().contains(QStringLiteral(".npy")));
        QPushButton *run = dialog->findChild<QPushButton *>();
        for (QPushButton *button : dialog->findChildren<QPushButton *>())
            if (button->text() == AnalysisDialog::tr("Run"))
                run = button;
        QVERIFY(!run->isEnabled());
        dialog->npyEdit()->setText(m_data.npyPath); // the .paths.txt beside it is found by itself
        QCOMPARE(dialog->pathsEdit()->text(), m_data.pathsFile);
        QVERIFY2(dialog->problem().isEmpty(), qPrintable(dialog->problem()));
        QCOMPARE(dialog->fitSplitCombo()->currentData().toInt(), int(Split::Val));
        QTest::mouseClick(run, Qt::LeftButton);

        QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(m_data.classes.size()), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
        QVERIFY(window.classesDock()->emptyText().isEmpty());
        for (const ClassSummary &summary : session.classes()) {
            QVERIFY(summary.fitted);
            QVERIFY2(*summary.cv > 0.8, qPrintable(QStringLiteral("%1: %2").arg(summary.className).arg(*summary.cv))); // the planted failure is found
        }

        // Click the chart's third bar: the class is selected everywhere and its images load.
        ClassesChart *chart = window.classesDock()->chart();
        const QString clicked = chart->barOrder().at(2);
        QTest::mouseClick(chart, Qt::LeftButton, {}, chart->barCenter(2));
        QCOMPARE(session.selectedClass(), clicked);
        QCOMPARE(window.classesDock()->selectedRowClass(), clicked);
        GalleryView *gallery = window.galleryView();
        QTRY_VERIFY_WITH_TIMEOUT(gallery->hardestModel()->rowCount() > 0, 20000);
        QVERIFY(gallery->windowTitle().contains(clicked));
        QVERIFY(gallery->emptyStateText().isEmpty());
        // The hardest test image is one the classifier got wrong; the easiest one it got right.
        QVERIFY(!gallery->hardestModel()->index(0).data(GalleryModel::CorrectRole).toBool());
        QVERIFY(gallery->easiestModel()->index(0).data(GalleryModel::CorrectRole).toBool());
        const QString hardest = gallery->hardestModel()->index(0).data(GalleryModel::PathRole).toString();
        QTRY_COMPARE_WITH_TIMEOUT(window.inspectorDock()->currentPath(), hardest, 5000);
        QCOMPARE(window.inspectorDock()->fieldText(QStringLiteral("label")), clicked);
        QCOMPARE(window.inspectorDock()->fieldText(QStringLiteral("confidence")), QStringLiteral("0.200"));

        // Tag it: the tile, the inspector and the store agree.
        Q_EMIT gallery->tagRequested({hardest}, QStringLiteral("hard"));
        QTRY_COMPARE_WITH_TIMEOUT(gallery->hardestModel()->index(0).data(GalleryModel::TagRole).toString(),
                                  QStringLiteral("hard"), 5000);
        QCOMPARE(window.inspectorDock()->fieldText(QStringLiteral("tag")), InspectorDock::tr("hard"));
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 5000);
        QCOMPARE(ProjectStore(session.projectPath()).imageTags().values(), QStringList{QStringLiteral("hard")});

        // Keyboard: next and previous class follow the table's order, wrapping around.
        const QStringList order = window.classesDock()->classOrder();
        const int at = int(order.indexOf(clicked));
        window.activateWindow(); // the closed dialog took the activation along
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_PageDown, Qt::ControlModifier);
        QCOMPARE(session.selectedClass(), order.at((at + 1) % order.size()));
        QTest::keyClick(&window, Qt::Key_PageUp, Qt::ControlModifier);
        QTest::keyClick(&window, Qt::Key_PageUp, Qt::ControlModifier);
        QCOMPARE(session.selectedClass(), order.at((at - 1 + order.size()) % order.size()));
        QTRY_VERIFY_WITH_TIMEOUT(gallery->windowTitle().contains(session.selectedClass()), 20000);

        // Every job the session ran is listed, none still running.
        QVERIFY(window.jobsDock()->rows().size() >= 4);
        QTRY_VERIFY_WITH_TIMEOUT(window.activeJobText().isEmpty(), 5000);
    }

    // The whole workflow on CLIP embeddings the workbench computes itself: embed with the tiny
    // reference checkpoint from the analysis dialog, drag the difficulty slider, export.
    void embedDragTheSliderAndExport()
    {
        const QString checkpoint = qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE") + QStringLiteral("/tiny_clip.safetensors");
        QVERIFY2(QFileInfo(checkpoint).isFile(), qPrintable(checkpoint + QStringLiteral(" is missing")));
        const QString root = m_dir.filePath(QStringLiteral("clip-embedded"));
        testing::SyntheticDataset data;
        QVERIFY(testing::writeSyntheticDataset(data, root, 3, 16));
        QFile::remove(data.npyPath); // nothing to import: the workbench embeds the images itself

        ProjectSession session;
        MainWindow window(&session);
        window.resize(1280, 800);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.openDataset(root);
        AnalysisDialog *dialog = waitForDialog(window);
        QVERIFY(dialog);
        QVERIFY(dialog->computeChoice()->isChecked()); // computing is the default when nothing is stored
        dialog->modelCombo()->setCurrentText(checkpoint);
        QVERIFY2(dialog->problem().isEmpty(), qPrintable(dialog->problem()));
        dialog->accept();
        QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(3), 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
        QCOMPARE(session.state().embeddedImages, qint64(3 * 4 * 16));
        QVERIFY(session.state().embeddingModel.startsWith(QStringLiteral("clip:tiny_clip.safetensors@")));

        // Drag the slider from the reference to the hardest end: the nearest images follow and
        // end on the last position.
        session.setSelectedClass(QStringLiteral("c1"));
        DifficultyDock *slider = window.difficultyDock();
        QTRY_VERIFY_WITH_TIMEOUT(slider->nearestModel()->rowCount() > 0, 60000);
        QCOMPARE(slider->shownDifficulty(), 0.0);
        slider->slider()->setSliderDown(true);
        for (int value = 0; value <= slider->slider()->maximum(); value += 5) {
            slider->slider()->setValue(value);
            QCoreApplication::processEvents();
        }
        slider->slider()->setSliderDown(false);
        QCOMPARE(slider->difficulty(), -1.0);
        QTRY_COMPARE_WITH_TIMEOUT(slider->shownDifficulty(), -1.0, 20000);
        QVERIFY(slider->nearestModel()->rowCount() > 0);
        QVERIFY(slider->messageText().isEmpty());

        // Export the 3 hardest pool images per class from the File menu's shortcut.
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
        window.activateWindow(); // the analysis dialog took the activation along
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
        ExportDialog *exportDialog = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (exportDialog = window.findChild<ExportDialog *>()) && exportDialog->runLoaded(); }, 20000));
        exportDialog->onlyClassCheck()->setChecked(false);
        exportDialog->perClassSpin()->setValue(3);
        const QString out = m_dir.filePath(QStringLiteral("hard-pool"));
        exportDialog->destinationEdit()->setText(out);
        exportDialog->startExport();
        QTRY_COMPARE_WITH_TIMEOUT(exportDialog->page(), ExportDialog::Page::Summary, 20000);
        QCOMPARE(exportDialog->summary()->exported, 3 * 3);
        QVERIFY(QFileInfo(QDir(out).filePath(QStringLiteral("manifest.csv"))).isFile());
        QCOMPARE(QDir(QDir(out).filePath(QStringLiteral("c1"))).entryList(QDir::Files).size(), qsizetype(3));
    }

    void reopenIsInstantAndRemembersTheDataset()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.show();
        QVERIFY(window.recentDatasets().contains(QDir(m_data.root).canonicalPath()));
        QStringList jobs;
        connect(&session, &ProjectSession::jobStarted, this, [&jobs](BackgroundJob *job) { jobs << job->title(); });
        window.openDataset(m_data.root);
        // A completed run: the classes come back from the store, no dialog.
        QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(m_data.classes.size()), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
        QVERIFY(!window.findChild<AnalysisDialog *>());
        // The stored classes load before the files are scanned, and an unchanged dataset
        // is not read again after the scan.
        const QString name = QFileInfo(m_data.root).fileName();
        QCOMPARE(jobs, (QStringList{ProjectSession::tr("Open %1").arg(name),
                                    ProjectSession::tr("Load run %1").arg(session.runId()),
                                    ProjectSession::tr("Scan %1").arg(name)}));
        const int images = session.state().images;
        const int firstClassImages = session.classes().at(0).images;

        // A file removed since: the scan notices, and what is shown follows.
        const QString removed = ProjectStore(session.projectPath()).runScores(session.runId(),
                                                                              session.classes().at(0).className).at(0).path;
        QVERIFY(QFile::remove(QDir(m_data.root).filePath(removed)));
        jobs.clear();
        window.openDataset(m_data.root);
        QTRY_COMPARE_WITH_TIMEOUT(session.state().images, images - 1, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(session.classes().value(0).images, firstClassImages - 1, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
        QCOMPARE(jobs.size(), 4); // open, classes, scan, classes again
        QVERIFY(window.statusBar()->currentMessage().contains(QString::number(images - 1)));
    }

    // Issue 15.1: the window fits a 1366×768 laptop and shrinks to 1024×700 with a class shown,
    // and does not widen itself as the docks fill.
    void fitsALaptopScreen()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.resize(1024, 700);
        window.show();
        window.openDataset(m_data.root);
        QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(m_data.classes.size()), 20000);
        session.setSelectedClass(session.classes().at(0).className);
        QTRY_VERIFY_WITH_TIMEOUT(window.galleryView()->hardestModel()->rowCount() > 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
        QTest::qWait(200);
        window.resize(1024, 700);
        QTest::qWait(100);
        QStringList why;
        why << QStringLiteral("window minimum %1×%2").arg(window.minimumSizeHint().width()).arg(window.minimumSizeHint().height());
        for (QDockWidget *dock : window.findChildren<QDockWidget *>())
            if (dock->isVisible())
                why << QStringLiteral("%1 %2×%3").arg(dock->objectName()).arg(dock->minimumSizeHint().width())
                           .arg(dock->minimumSizeHint().height());
        why << QStringLiteral("centre %1×%2").arg(window.centralWidget()->minimumSizeHint().width())
                   .arg(window.centralWidget()->minimumSizeHint().height());
        QVERIFY2(window.width() <= 1024 && window.height() <= 700,
                 qPrintable(QStringLiteral("window %1×%2; ").arg(window.width()).arg(window.height()) + why.join(QStringLiteral(", "))));
        // the key columns of the Classes table come first, so its narrow dock shows the class and
        // its CV score in full and the error rate beside them (issue 15.2)
        auto *table = window.classesDock()->findChild<QTableView *>(QStringLiteral("ClassesTable"));
        const QHeaderView *header = table->horizontalHeader();
        for (int column : {ClassesTableModel::ClassColumn, ClassesTableModel::CvColumn})
            QVERIFY2(header->sectionViewportPosition(column) + header->sectionSize(column) <= table->viewport()->width(),
                     qPrintable(QStringLiteral("column %1 cut").arg(column)));
        QVERIFY(header->sectionViewportPosition(ClassesTableModel::ErrorRateColumn) + 40 < table->viewport()->width());
        // the inspector's values show in full in its narrow dock, under their captions where
        // they do not fit beside them (issue 15.5: "Decision value: −1.3", "Result: ✗ incor")
        QTRY_VERIFY_WITH_TIMEOUT(!window.inspectorDock()->fieldText(QStringLiteral("decision")).isEmpty(), 20000);
        QApplication::processEvents();
        auto *inspectorArea = qobject_cast<QScrollArea *>(window.inspectorDock()->widget());
        QVERIFY(inspectorArea);
        for (const char *key : {"label", "prediction", "correct", "decision", "hardness", "split"}) {
            const QLabel *value = nullptr;
            for (QLabel *label : window.inspectorDock()->findChildren<QLabel *>())
                if (label->text() == window.inspectorDock()->fieldText(QLatin1String(key)) && !label->text().isEmpty())
                    value = label;
            QVERIFY2(value, key);
            const QPoint right = value->mapTo(inspectorArea->viewport(), QPoint(value->fontMetrics().horizontalAdvance(value->text()), 0));
            QVERIFY2(value->width() >= value->fontMetrics().horizontalAdvance(value->text())
                         && right.x() <= inspectorArea->viewport()->width(),
                     qPrintable(QStringLiteral("%1: \"%2\" cut").arg(QLatin1String(key), value->text())));
        }
        // the message bar is as tall as its wrapped lines, not as at its narrowest (it was 90 px
        // for two lines)
        auto *bar = window.findChild<MessageBar *>();
        QVERIFY(bar && bar->isVisible());
        const QLabel *message = nullptr;
        for (QLabel *label : bar->findChildren<QLabel *>())
            if (label->wordWrap())
                message = label;
        QVERIFY(message);
        const int lines = message->heightForWidth(message->width()) / message->fontMetrics().lineSpacing();
        QVERIFY2(bar->height() <= (lines + 1) * message->fontMetrics().lineSpacing() + 16,
                 qPrintable(QStringLiteral("%1 px for %2 line(s)").arg(bar->height()).arg(lines)));
        QVERIFY(testing::saveScreenshot(&window, window.findChild<ThumbnailCache *>(), QStringLiteral("laptop-1024x700.png")));
    }

    // Issue 15 (views 6): dark mode repaints the open window, charts included; the toolbar holds
    // the frequent actions and fits a 1024 px window.
    void darkModeAndToolbar()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.resize(1024, 700);
        window.show();
        window.resize(1024, 700); // after show(): a geometry saved by an earlier test is restored at show
        window.openDataset(m_data.root);
        QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(m_data.classes.size()), 20000);
        session.setSelectedClass(session.classes().at(0).className);
        QTRY_VERIFY_WITH_TIMEOUT(window.galleryView()->hardestModel()->rowCount() > 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
        QToolBar *toolbar = window.mainToolBar();
        QVERIFY(toolbar && toolbar->isVisible());
        QStringList texts;
        for (QAction *action : toolbar->actions())
            if (!action->isSeparator()) {
                texts << action->text().remove(QLatin1Char('&'));
                // every button shows in the 1024 px window (none pushed into the overflow menu)
                QWidget *button = toolbar->widgetForAction(action);
                QVERIFY2(button && button->isVisible(), qPrintable(action->text()));
            }
        QCOMPARE(texts, (QStringList{"Open dataset folder…", "Run analysis…", "Export hard subset…", "Previous class",
                                     "Next class", "Search images…"}));

        AppSettings::setAppearance(Appearance::Dark);
        QTest::qWait(100);
        QVERIFY(paletteIsDark());
        auto *chart = window.findChild<QCustomPlot *>(QStringLiteral("ClassesChart"));
        QVERIFY(chart);
        QTRY_COMPARE(chart->xAxis->tickLabelColor(), chart->palette().color(QPalette::WindowText));
        const QImage shot = window.grab().toImage();
        QVERIFY(QColor(shot.pixel(shot.width() / 2, shot.height() - 5)).lightness() < 128); // the status bar is dark
        QVERIFY(testing::saveScreenshot(&window, window.findChild<ThumbnailCache *>(), QStringLiteral("dark-1024x700.png")));
        window.resize(1920, 1080);
        QVERIFY(testing::saveScreenshot(&window, window.findChild<ThumbnailCache *>(), QStringLiteral("dark-1920x1080.png")));
        AppSettings::setAppearance(Appearance::System);
        QVERIFY(!paletteIsDark());
    }

    // Issue 15 (views 5): tag the selection with one key, undo and redo it (also after moving to
    // another class), and filter the gallery by tag.
    void tagsAreUndoableAndFilterable()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.show();
        window.resize(1024, 700);
        window.openDataset(m_data.root);
        QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(m_data.classes.size()), 20000);
        const QString first = session.classes().at(0).className, second = session.classes().at(1).className;
        session.setSelectedClass(first);
        GalleryView *gallery = window.galleryView();
        QTRY_VERIFY_WITH_TIMEOUT(gallery->hardestModel()->rowCount() > 3, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
        const auto storedTags = [&] { return ProjectStore(session.projectPath()).imageTags(); };
        const QHash<qint64, QString> initial = storedTags();

        // select the three hardest, press H
        QListView *view = gallery->hardestView();
        view->setFocus();
        view->selectionModel()->select(QItemSelection(gallery->hardestModel()->index(0), gallery->hardestModel()->index(2)),
                                       QItemSelectionModel::ClearAndSelect);
        QCOMPARE(gallery->selectedPaths().size(), 3);
        QTest::keyClick(view, Qt::Key_H);
        QTRY_COMPARE_WITH_TIMEOUT(storedTags().size(), initial.size() + 3, 20000);
        QTRY_COMPARE(gallery->hardestModel()->index(2).data(GalleryModel::TagRole).toString(), QStringLiteral("hard"));
        QCOMPARE(window.undoStack()->undoText(), QStringLiteral("Tag 3 image(s) as hard"));
        // O re-tags one of them; undo puts "hard" back, undo again clears all three
        view->selectionModel()->select(gallery->hardestModel()->index(0), QItemSelectionModel::ClearAndSelect);
        QTest::keyClick(view, Qt::Key_O);
        QTRY_COMPARE_WITH_TIMEOUT(gallery->hardestModel()->index(0).data(GalleryModel::TagRole).toString(), QStringLiteral("ok"), 20000);
        window.undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(gallery->hardestModel()->index(0).data(GalleryModel::TagRole).toString(), QStringLiteral("hard"), 20000);
        // the filter by tag
        gallery->setFilter(GalleryModel::Filter::TaggedHard);
        QCOMPARE(gallery->hardestModel()->rowCount() + gallery->easiestModel()->rowCount() > 0, true);
        for (int row = 0; row < gallery->hardestModel()->rowCount(); ++row)
            QCOMPARE(gallery->hardestModel()->index(row).data(GalleryModel::TagRole).toString(), QStringLiteral("hard"));
        gallery->setFilter(GalleryModel::Filter::Untagged);
        for (int row = 0; row < gallery->hardestModel()->rowCount(); ++row)
            QVERIFY(gallery->hardestModel()->index(row).data(GalleryModel::TagRole).toString().isEmpty());
        gallery->setFilter(GalleryModel::Filter::All);

        // another class, then undo: the first class's three images lose their tag in the store
        session.setSelectedClass(second);
        QTRY_COMPARE_WITH_TIMEOUT(session.selectedClass(), second, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
        window.undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(storedTags(), initial, 20000);
        window.undoStack()->redo();
        QTRY_COMPARE_WITH_TIMEOUT(storedTags().size(), initial.size() + 3, 20000);
        window.undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(storedTags(), initial, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
    }

    // Issue 15 (views 4): a second run with other parameters; the run picker lists both with their
    // parameters, choosing the first shows its classes (CV scores differ), and a relaunch keeps it.
    void runPickerSwitchesEveryView()
    {
        qint64 firstRun = 0, secondRun = 0;
        QHash<QString, double> firstCv;
        {
            ProjectSession session;
            MainWindow window(&session);
            window.show();
            window.resize(1024, 700);
            window.openDataset(m_data.root);
            QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(m_data.classes.size()), 20000);
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            firstRun = session.runId();
            for (const ClassSummary &c : session.classes())
                firstCv.insert(c.className, c.cv.value_or(-1));
            AnalysisSetup setup;
            setup.params.cGrid = {0.001};
            session.analyze(setup);
            QTRY_VERIFY_WITH_TIMEOUT(session.runId() != firstRun && !session.isBusy(), 60000);
            secondRun = session.runId();
            QComboBox *picker = window.runPicker();
            QTRY_VERIFY(picker->isVisible());
            QVERIFY(picker->count() >= 2);
            QCOMPARE(picker->currentData().toLongLong(), secondRun);
            QVERIFY(picker->itemText(0).contains(QLatin1String("(latest)")));
            QVERIFY2(picker->itemData(0, Qt::ToolTipRole).toString().contains(QLatin1String("0.001")),
                     qPrintable(picker->itemData(0, Qt::ToolTipRole).toString()));
            // choose the first run: the classes (and the class views) follow it
            session.useRun(firstRun);
            QCOMPARE(session.runId(), firstRun);
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy() && session.classes().size() == qsizetype(m_data.classes.size()), 20000);
            for (const ClassSummary &c : session.classes())
                QCOMPARE(c.cv.value_or(-1), firstCv.value(c.className));
            QCOMPARE(picker->currentData().toLongLong(), firstRun);
            session.setSelectedClass(session.classes().at(0).className);
            QTRY_VERIFY_WITH_TIMEOUT(window.galleryView()->hardestModel()->rowCount() > 0, 20000);
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            window.close();
        }
        {
            ProjectSession session;
            MainWindow window(&session);
            window.show();
            window.openDataset(m_data.root);
            QTRY_COMPARE_WITH_TIMEOUT(session.runId(), firstRun, 20000);
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            // back to the latest for the tests after this one
            session.useRun(0);
            QCOMPARE(session.runId(), secondRun);
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            window.close();
        }
        // the next tests start from the default layout, not this 1024×700 one
        QSettings().remove(QStringLiteral("mainWindow"));
    }

    // Issue 15 (views 2): a saved view brings back the class, split, Show, sort and Filters, also
    // in a new window; damaged settings are skipped.
    void savedViewsRoundTrip()
    {
        {
            ProjectSession session;
            MainWindow window(&session);
            window.show();
            window.resize(1024, 700);
            window.openDataset(m_data.root);
            QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(m_data.classes.size()), 20000);
            const QString wanted = session.classes().at(1).className;
            session.setSelectedClass(wanted);
            QTRY_VERIFY_WITH_TIMEOUT(window.galleryView()->hardestModel()->rowCount() > 0, 20000);
            GalleryView *gallery = window.galleryView();
            gallery->setSplitFilter(Split::Val);
            gallery->setFilter(GalleryModel::Filter::Incorrect);
            GalleryRanges ranges;
            ranges.maxDecision = 0.5;
            gallery->setRanges(ranges);
            window.saveCurrentView(QStringLiteral("triage"));
            QCOMPARE(window.savedViewNames(), QStringList{QStringLiteral("triage")});

            session.setSelectedClass(session.classes().at(0).className);
            gallery->setSplitFilter(std::nullopt);
            gallery->setFilter(GalleryModel::Filter::All);
            gallery->setRanges({});
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            QVERIFY(window.applySavedView(QStringLiteral("triage")));
            QTRY_COMPARE_WITH_TIMEOUT(session.selectedClass(), wanted, 20000);
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            QCOMPARE(gallery->hardestModel()->splitFilter(), std::optional<Split>(Split::Val));
            QCOMPARE(gallery->hardestModel()->filter(), GalleryModel::Filter::Incorrect);
            QCOMPARE(gallery->ranges(), ranges);
            for (int row = 0; row < gallery->hardestModel()->rowCount(); ++row) {
                const GalleryItem &item = gallery->hardestModel()->itemAt(row);
                QVERIFY(!item.correct && item.split == Split::Val && item.decisionValue <= 0.5);
            }
            QVERIFY(!window.applySavedView(QStringLiteral("nope")));
        }
        {
            ProjectSession session;
            MainWindow window(&session);
            window.show();
            window.openDataset(m_data.root);
            QTRY_VERIFY_WITH_TIMEOUT(session.isOpen() && !session.isBusy(), 20000);
            QCOMPARE(window.savedViewNames(), QStringList{QStringLiteral("triage")});
            removeSavedView(m_data.root, QStringLiteral("triage"));
            QVERIFY(window.savedViewNames().isEmpty());
        }
        QVERIFY(savedViewsFromJson("not json").isEmpty());
        QCOMPARE(savedViewsFromJson(R"([{"name": ""}, 7, {"name": "a", "filter": 99, "decision": ["x", 2]}])").size(), qsizetype(1));
        const SavedView parsed = savedViewsFromJson(R"([{"name": "a", "filter": 99, "decision": ["x", 2]}])").value(0);
        QCOMPARE(parsed.filter, GalleryModel::Filter::All);
        QVERIFY(!parsed.ranges.minDecision && parsed.ranges.maxDecision == 2.0);
        SavedView captioned;
        captioned.name = QStringLiteral("boots");
        captioned.ranges.caption = QStringLiteral("a photo of a dark boot");
        captioned.ranges.captionPercent = 10;
        QCOMPARE(savedViewsFromJson(savedViewsToJson({captioned})).value(0).ranges, captioned.ranges);
        QCOMPARE(savedViewsFromJson(R"([{"name": "a", "caption": " x ", "captionPercent": 900}])").value(0).ranges.captionPercent, 100);
        QSettings().remove(QStringLiteral("mainWindow"));
    }

    // Issue 15.2: at 1920×1080 every column of the Classes table shows in full (no sideways
    // scrolling, "Status" not cut), also after a restart with the saved layout.
    void classesTableShowsEveryColumn()
    {
        for (int start = 0; start < 2; ++start) {
            ProjectSession session;
            MainWindow window(&session);
            window.resize(1920, 1080);
            window.show();
            window.openDataset(m_data.root);
            QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(m_data.classes.size()), 20000);
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            QTest::qWait(200);
            auto *table = window.classesDock()->findChild<QTableView *>(QStringLiteral("ClassesTable"));
            QVERIFY(table);
            QVERIFY2(table->horizontalHeader()->length() <= table->viewport()->width(),
                     qPrintable(QStringLiteral("columns %1 px in a %2 px table (start %3)")
                                    .arg(table->horizontalHeader()->length()).arg(table->viewport()->width()).arg(start)));
            const int status = table->horizontalHeader()->sectionSize(ClassesTableModel::StatusColumn);
            QVERIFY(status >= table->horizontalHeader()->sectionSizeHint(ClassesTableModel::StatusColumn));
            if (start == 0)
                QVERIFY(testing::saveScreenshot(&window, window.findChild<ThumbnailCache *>(), QStringLiteral("classes-1920x1080.png")));
            window.close(); // saves the layout the second start restores
        }
    }

    // Issue 15.7: a relaunch shows the dataset as it was left: its class, the gallery's split and
    // zoom (sort too, where the run has hardness).
    void relaunchRestoresTheView()
    {
        const QString chosen = m_data.classes.value(2);
        int zoom = 0;
        {
            ProjectSession session;
            MainWindow window(&session);
            window.show();
            window.openDataset(m_data.root);
            QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(m_data.classes.size()), 20000);
            session.setSelectedClass(chosen);
            window.galleryView()->setSplitFilter(Split::Val);
            window.galleryView()->zoomIn();
            zoom = window.galleryView()->thumbnailSize();
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            window.close();
        }
        ProjectSession session;
        MainWindow window(&session);
        window.show();
        QCOMPARE(window.galleryView()->thumbnailSize(), zoom);
        window.openDataset(m_data.root);
        QTRY_COMPARE_WITH_TIMEOUT(session.selectedClass(), chosen, 20000);
        QCOMPARE(window.galleryView()->hardestModel()->splitFilter(), std::optional<Split>(Split::Val));
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
        window.close();
        QSettings().remove(QStringLiteral("datasets")); // the other tests start from the defaults
        AppSettings::setThumbnailSize(96);
    }

    // Issue 15.6: F1 listed "Ctrl+= or Ctrl++ or Ctrl++" for zooming in.
    void shortcutListNamesEachKeyOnce()
    {
        ProjectSession session;
        MainWindow window(&session);
        int listed = 0;
        for (QAction *action : window.findChildren<QAction *>()) {
            const QStringList keys = MainWindow::shortcutText(*action).split(MainWindow::tr(" or "), Qt::SkipEmptyParts);
            QCOMPARE(QSet<QString>(keys.begin(), keys.end()).size(), keys.size());
            listed += keys.size() > 1;
        }
        QVERIFY(listed > 0); // some actions do have more than one key
    }

    // Issue 15.7: the welcome page opens the demo an installation ships: copied to the user's data
    // folder (the installed one is read-only), opened and analysed without a question.
    void demoButtonCopiesOpensAndAnalyses()
    {
        const QString bundled = m_dir.filePath(QStringLiteral("installed/share/faultline/demo/fashion-mnist"));
        testing::SyntheticDataset demo;
        QVERIFY(testing::writeSyntheticDataset(demo, bundled, 3, 12));
        qputenv("FAULTLINE_DEMO_DATASET", bundled.toUtf8());
        const QString copy = demoWorkingCopyPath(bundled);
        QDir(copy).removeRecursively();
        {
            ProjectSession session;
            MainWindow window(&session);
            window.show();
            window.resize(1024, 700); // after show(): another test's saved geometry is restored at show
            QPushButton *button = window.welcomePage()->demoButton();
            QVERIFY(button->isVisible());
            QTest::mouseClick(button, Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(3), 60000);
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            QVERIFY(!window.findChild<AnalysisDialog *>()); // nothing was asked
            QCOMPARE(session.root(), QFileInfo(copy).canonicalFilePath());
            QVERIFY(session.isDemo());
            QVERIFY(session.state().latestRun != 0);
            QVERIFY(window.classesDock()->isVisible() && !window.welcomePage()->isVisible());
            // ... and shows its strongest failure mode: the highest CV score.
            QString strongest;
            double best = -1;
            for (const ClassSummary &c : session.classes())
                if (c.cv.value_or(0) > best)
                    best = c.cv.value_or(0), strongest = c.className;
            QTRY_COMPARE_WITH_TIMEOUT(session.selectedClass(), strongest, 20000);
            QTRY_VERIFY_WITH_TIMEOUT(window.galleryView()->hardestModel()->rowCount() > 0, 20000);
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            QVERIFY(testing::saveScreenshot(&window, window.findChild<ThumbnailCache *>(), QStringLiteral("demo-opened-1024x700.png")));
            window.close();
        }
        QVERIFY(!QFileInfo::exists(QDir(bundled).filePath(QStringLiteral(".faultline")))); // the installed copy untouched
        QVERIFY(QFileInfo::exists(ProjectStore::defaultPath(copy)));
        {
            // A second click opens the analysed copy as it is: no copy, no new run.
            ProjectSession session;
            MainWindow window(&session);
            window.show();
            const qint64 run = ProjectStore(ProjectStore::defaultPath(copy)).latestCompletedRun();
            QTest::mouseClick(window.welcomePage()->demoButton(), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(session.classes().size(), qsizetype(3), 20000);
            QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
            QCOMPARE(session.state().latestRun, run);
            window.close();
        }
        qunsetenv("FAULTLINE_DEMO_DATASET");
        ProjectSession session;
        MainWindow window(&session);
        QVERIFY(!window.welcomePage()->demoButton()->isVisibleTo(&window)); // an installation without one
        QSettings().remove(QStringLiteral("datasets"));
    }

    void onlyADroppedFolderOpens()
    {
        QMimeData folder;
        folder.setUrls({QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("shapes/predictions.csv"))),
                        QUrl::fromLocalFile(m_data.root)});
        QCOMPARE(droppedFolder(&folder), m_data.root); // the first folder among the dropped items
        QMimeData file;
        file.setUrls({QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("shapes/predictions.csv")))});
        QVERIFY(droppedFolder(&file).isEmpty());
        QMimeData text;
        text.setText(m_data.root);
        QVERIFY(droppedFolder(&text).isEmpty());
    }

    void badInputIsShownInPlace()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.show();
        window.openDataset(m_dir.filePath(QStringLiteral("no-such-folder")));
        QVERIFY(window.messageBar()->text().contains(QStringLiteral("no-such-folder")));

        // A predictions file with a bad row: the row is reported with its line, the rest is used.
        const QString root = m_dir.filePath(QStringLiteral("bad-rows"));
        testing::SyntheticDataset data;
        QVERIFY(testing::writeSyntheticDataset(data, root, 2, 8));
        QFile csv(QDir(root).filePath(QStringLiteral("predictions.csv")));
        QVERIFY(csv.open(QIODevice::Append));
        csv.write("val/c0/not-there.png,c1,0.5\n");
        csv.close();
        window.openDataset(root);
        AnalysisDialog *dialog = waitForDialog(window);
        QVERIFY(dialog);
        dialog->reject();
        QTRY_VERIFY_WITH_TIMEOUT(window.messageBar()->text().contains(QStringLiteral("not-there.png")), 5000);
        // 2 classes × 4 splits × 8 images + the header: the appended row is line 66.
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("predictions.csv:66:")),
                 qPrintable(window.messageBar()->text()));
        QCOMPARE(session.state().predictions, qint64(2 * 4 * 8));
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
