#include "ScreenshotTour.h"

#include "window/AboutDialog.h"
#include "dialogs/AnalysisDialog.h"
#include "interpret/CaptionsDock.h"
#include "dialogs/ClassifierDialog.h"
#include "classes/ClassesChart.h"
#include "classes/ClassesDock.h"
#include "interpret/DifficultyDock.h"
#include "dialogs/ExportDialog.h"
#include "generation/GeneratedSamplesPanel.h"
#include "generation/GenerationSettingsPage.h"
#include "gallery/GalleryView.h"
#include "interpret/RunImages.h"
#include "inspector/InspectorDock.h"
#include "window/MainWindow.h"
#include "gallery/NeighborListModel.h"
#include "session/ProjectSession.h"
#include "session/RunTextModel.h"
#include "dialogs/SettingsDialog.h"
#include "compare/ModelsDock.h"
#include "confusion/ConfusionDock.h"
#include "confusion/ConfusionTableModel.h"
#include "fix/InterventionsDock.h"
#include "map/EmbeddingMapDock.h"
#include "rules/RulesDock.h"
#include "search/SearchDock.h"

#include <QDir>
#include <QLineEdit>
#include <QDockWidget>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <cmath>
#include <cstdio>

namespace faultline {

namespace {

constexpr int kPollMs = 100;
constexpr int kStepTimeoutMs = 120000;
constexpr double kHarder = -0.6;

} // namespace

ScreenshotTour::ScreenshotTour(MainWindow &window, QString dataset, QString outputDir)
    : m_window(window), m_dataset(std::move(dataset)), m_dir(std::move(outputDir))
{
    ProjectSession *session = window.session();
    auto idle = [session] { return !session->isBusy(); };
    auto settled = [] { return true; };
    if (m_dataset.isEmpty()) {
        m_steps.push_back({QStringLiteral("welcome"), settled, [this] { save(&m_window, QStringLiteral("welcome.png")); }});
        return;
    }
    m_steps.push_back({QStringLiteral("open"), settled, [this] { m_window.openDataset(m_dataset); }});
    // A dataset that cannot be opened (missing folder, damaged store) ends the tour at once with
    // exit code 1: there is nothing to photograph, and waiting for each step would look like a hang.
    connect(session, &ProjectSession::errorOccurred, this, [this, session] {
        if (session->classes().isEmpty() && !m_stopped) {
            m_stopped = true;
            Q_EMIT finished(1);
        }
    });
    m_steps.push_back({QStringLiteral("classes"), [session, idle] { return idle() && !session->classes().isEmpty(); },
                       [this, session] { session->setSelectedClass(m_window.classesDock()->chart()->barOrder().value(0)); }});
    m_steps.push_back({QStringLiteral("class images"),
                       [this, idle] { return idle() && m_window.galleryView()->hardestModel()->rowCount() > 0; }, [] {}});
    // Captions need the CLIP model that embedded the run; a dataset with imported embeddings
    // shows its explanation instead.
    auto noTextModel = [this] {
        const RunTextModel::State state = m_window.textModel()->state();
        return state == RunTextModel::State::NoCheckpoint || state == RunTextModel::State::Failed;
    };
    m_steps.push_back({QStringLiteral("captions"),
                       [this, noTextModel] {
                           CaptionsDock *captions = m_window.captionsDock();
                           return noTextModel() || (!captions->isBusy() && captions->hardList()->topLevelItemCount() > 0);
                       },
                       [this] {
                           QTreeWidget *hard = m_window.captionsDock()->hardList();
                           if (hard->topLevelItemCount() > 0)
                               hard->setCurrentItem(hard->topLevelItem(0));
                           m_window.difficultyDock()->setDifficulty(kHarder);
                       }});
    m_steps.push_back({QStringLiteral("slider"),
                       [this, noTextModel] {
                           return noTextModel() || m_window.difficultyDock()->shownDifficulty() == kHarder
                                  && m_window.captionsDock()->nearestModel()->rowCount() > 0;
                       },
                       [] {}});
    m_steps.push_back({QStringLiteral("thumbnails"), [this] { return m_waitedMs >= 1500; }, [this] {
                           save(&m_window, QStringLiteral("main-window.png"));
                           save(m_window.galleryView(), QStringLiteral("gallery.png"));
                           for (QDockWidget *dock : m_window.findChildren<QDockWidget *>()) {
                               QString name = dock->objectName();
                               if (name.endsWith(QLatin1String("Dock")))
                                   name.chop(4);
                               save(dock, name.toLower() + QStringLiteral(".png"));
                           }
                           auto *analysis = new AnalysisDialog(m_window.session()->state(), &m_window);
                           analysis->setAttribute(Qt::WA_DeleteOnClose);
                           analysis->show();
                           save(analysis, QStringLiteral("analysis-dialog.png"));
                           analysis->close();
                           auto *settings = new SettingsDialog(&m_window);
                           settings->setAttribute(Qt::WA_DeleteOnClose);
                           settings->show();
                           save(settings, QStringLiteral("settings-dialog.png"));
                           settings->close();
                           auto *about = new AboutDialog(&m_window);
                           about->setAttribute(Qt::WA_DeleteOnClose);
                           about->show();
                           save(about, QStringLiteral("about-dialog.png"));
                           about->close();
                           ProjectSession *s = m_window.session();
                           auto *dialog = new ExportDialog(s->root(), s->projectPath(), s->runId(), s->selectedClass(), &m_window);
                           dialog->setObjectName(QStringLiteral("TourExportDialog"));
                           dialog->setAttribute(Qt::WA_DeleteOnClose);
                           dialog->show();
                       }});
    m_steps.push_back({QStringLiteral("export dialog"),
                       [this] {
                           auto *dialog = m_window.findChild<ExportDialog *>(QStringLiteral("TourExportDialog"));
                           return dialog && dialog->runLoaded() && !dialog->previewText().isEmpty();
                       },
                       [this] {
                           auto *dialog = m_window.findChild<ExportDialog *>(QStringLiteral("TourExportDialog"));
                           save(dialog, QStringLiteral("export-dialog.png"));
                           dialog->close();
                           auto *classifier = new ClassifierDialog(&m_window);
                           classifier->setAttribute(Qt::WA_DeleteOnClose);
                           classifier->show();
                           save(classifier, QStringLiteral("classifier-dialog.png"));
                           classifier->close();
                           auto *settings = new SettingsDialog(&m_window);
                           settings->setAttribute(Qt::WA_DeleteOnClose);
                           settings->findChild<QTabWidget *>()->setCurrentWidget(settings->generationPage());
                           settings->show();
                           save(settings, QStringLiteral("settings-generation.png"));
                           settings->close();
                           // Generate at the slider's hard end with the configured backend (retrieval
                           // on a machine without a generation server).
                           if (m_window.textModel()->state() == RunTextModel::State::Ready)
                               m_window.difficultyDock()->generateButton()->click();
                       }});
    m_steps.push_back({QStringLiteral("generated samples"),
                       [this, noTextModel] {
                           return noTextModel() || !m_window.difficultyDock()->samplesPanel()->isGenerating();
                       },
                       [this] {
                           // Floated and wide, as a user would look at the samples and their chart.
                           DifficultyDock *dock = m_window.difficultyDock();
                           dock->setFloating(true);
                           dock->resize(900, 560);
                       }});
    m_steps.push_back({QStringLiteral("generated thumbnails"), [this] { return m_waitedMs >= 1000; }, [this] {
                           DifficultyDock *dock = m_window.difficultyDock();
                           save(dock, QStringLiteral("generated.png"));
                           dock->setFloating(false);
                       }});
    // Fix and confirm: retrain the head with the hardest pool images (a project whose classifier
    // is a TorchScript file; otherwise the dock shows why it cannot), then compare the models.
    auto floated = [](QDockWidget *dock) {
        dock->setFloating(true);
        dock->resize(900, 620);
        dock->show();
        dock->raise();
    };
    m_steps.push_back({QStringLiteral("retrain"), idle, [this, floated] {
                           InterventionsDock *dock = m_window.interventionsDock();
                           floated(dock);
                           dock->kSpin()->setValue(20);
                           dock->retrainButton()->click();
                       }});
    m_steps.push_back({QStringLiteral("retrained"),
                       [this, idle] { return idle() && m_window.interventionsDock()->retrainButton()->isEnabled(); },
                       [this, floated] {
                           save(m_window.interventionsDock(), QStringLiteral("interventions.png"));
                           m_window.interventionsDock()->setFloating(false);
                           floated(m_window.modelsDock());
                       }});
    m_steps.push_back({QStringLiteral("compared"),
                       [this, idle] { return idle() && (m_window.modelsDock()->heatmap()->rowCount() >= 2 || m_waitedMs >= 3000); },
                       [this] { Q_EMIT m_window.modelsDock()->heatmap()->cellClicked(0, 1); }});
    m_steps.push_back({QStringLiteral("compared thumbnails"), [this] { return m_waitedMs >= 1000; }, [this, floated] {
                           save(m_window.modelsDock(), QStringLiteral("models.png"));
                           m_window.modelsDock()->setFloating(false);
                           floated(m_window.rulesDock());
                       }});
    // Barlow's rules of the selected class; its most important leaf shown in the gallery.
    m_steps.push_back({QStringLiteral("rules"),
                       [this, idle] { return idle() && m_window.rulesDock()->tree()->topLevelItemCount() > 0; },
                       [this] { m_window.rulesDock()->chooseLeaf(0); }});
    m_steps.push_back({QStringLiteral("rules thumbnails"), [this] { return m_waitedMs >= 1000; }, [this, floated] {
                           save(m_window.rulesDock(), QStringLiteral("rules.png"));
                           m_window.rulesDock()->setFloating(false);
                           save(m_window.galleryView(), QStringLiteral("rules-gallery.png"));
                           m_window.galleryView()->clearSubset();
                           // Search every class by text (retrieval by example without a text tower).
                           SearchDock *search = m_window.searchDock();
                           floated(search);
                           search->setScope(SearchDock::Scope::WholeRun);
                           if (m_window.textModel()->state() == RunTextModel::State::Ready) {
                               search->queryEdit()->setText(QStringLiteral("a photo of a dark boot"));
                               search->searchText();
                           } else {
                               search->moreLike(m_window.galleryView()->hardestModel()->itemAt(0).path);
                           }
                       }});
    m_steps.push_back({QStringLiteral("search"),
                       [this, idle] { return idle() && m_window.searchDock()->results()->rowCount() > 0; },
                       [] {}});
    m_steps.push_back({QStringLiteral("search thumbnails"), [this] { return m_waitedMs >= 1000; }, [this, floated] {
                           save(m_window.searchDock(), QStringLiteral("search.png"));
                           m_window.searchDock()->setFloating(false);
                           floated(m_window.confusionDock());
                           m_window.confusionDock()->setSplit(Split::Test);
                       }});
    m_steps.push_back({QStringLiteral("confusion"),
                       [this, idle] { return idle() && m_window.confusionDock()->model()->rowCount() > 0; },
                       [this, floated] {
                           save(m_window.confusionDock(), QStringLiteral("confusion.png"));
                           m_window.confusionDock()->setFloating(false);
                           floated(m_window.mapDock());
                       }});
    m_steps.push_back({QStringLiteral("map"),
                       [this, idle] { return idle() && m_window.mapDock()->pointCount() > 0; },
                       [this] {
                           save(m_window.mapDock(), QStringLiteral("map.png"));
                           m_window.mapDock()->setScope(EmbeddingMapDock::Scope::WholeRun);
                           m_window.mapDock()->setColouring(EmbeddingMapDock::Colouring::Class);
                       }});
    // The whole run on one map, coloured by class; then the gallery narrowed to a caption.
    m_steps.push_back({QStringLiteral("map of every class"),
                       [this, idle] {
                           const auto &images = m_window.mapDock()->mapImages();
                           return idle() && images && !images->labels.isEmpty();
                       },
                       [this] {
                           save(m_window.mapDock(), QStringLiteral("map-all.png"));
                           m_window.mapDock()->setColouring(EmbeddingMapDock::Colouring::Correctness);
                           m_window.mapDock()->setScope(EmbeddingMapDock::Scope::SelectedClass);
                           m_window.mapDock()->setFloating(false);
                           GalleryRanges ranges;
                           ranges.caption = QStringLiteral("a photo of a dark boot");
                           m_window.galleryView()->setSplitFilter(std::nullopt);
                           m_window.galleryView()->setRanges(ranges);
                       }});
    m_steps.push_back({QStringLiteral("caption filter"),
                       [this, idle] {
                           return idle() && (m_window.galleryView()->hardestModel()->rowCount() > 0 || m_waitedMs >= 5000);
                       },
                       [] {}});
    m_steps.push_back({QStringLiteral("caption filter thumbnails"), [this] { return m_waitedMs >= 1000; }, [this] {
                           save(m_window.galleryView(), QStringLiteral("caption-filter.png"));
                           m_window.galleryView()->setRanges({});
                       }});
}

void ScreenshotTour::start()
{
    QDir().mkpath(m_dir);
    m_current = 0;
    m_waitedMs = 0;
    QTimer::singleShot(0, this, &ScreenshotTour::next);
}

void ScreenshotTour::next()
{
    if (m_stopped)
        return;
    if (m_current >= m_steps.size()) {
        Q_EMIT finished(m_failed ? 1 : 0);
        return;
    }
    Step &step = m_steps[m_current];
    if (!step.ready() && m_waitedMs < kStepTimeoutMs) {
        m_waitedMs += kPollMs;
        QTimer::singleShot(kPollMs, this, &ScreenshotTour::next);
        return;
    }
    if (m_waitedMs >= kStepTimeoutMs)
        std::fprintf(stderr, "faultline: screenshot step '%s' did not finish in time; going on\n", qPrintable(step.name));
    step.run();
    ++m_current;
    m_waitedMs = 0;
    QTimer::singleShot(kPollMs, this, &ScreenshotTour::next);
}

void ScreenshotTour::save(QWidget *widget, const QString &fileName)
{
    const QString path = QDir(m_dir).filePath(fileName);
    if (!widget->grab().save(path)) {
        std::fprintf(stderr, "faultline: could not write %s\n", qPrintable(path));
        m_failed = true;
    }
}

} // namespace faultline
