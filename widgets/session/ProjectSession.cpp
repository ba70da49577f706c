#include "session/ProjectSession.h"

#include "support/AppSettings.h"

#include "analysis/AnalysisJob.h"
#include "analysis/EmbeddingModelChoice.h"
#include "classify/DatasetPredictor.h"
#include "classify/ImageClassifier.h"
#include "classify/ProjectClassifier.h"
#include "compare/ModelComparison.h"
#include "clip/ClipModel.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/DatasetScanner.h"
#include "dataset/DemoDataset.h"
#include "dataset/EmbeddingImporter.h"
#include "dataset/PredictionsImporter.h"
#include "embedding/DatasetEmbedder.h"
#include "interpret/RunImages.h"
#include "jobs/BackgroundJob.h"
#include "jobs/IdleThreadPriority.h"
#include "models/ModelManager.h"
#include "store/ProjectStore.h"

#include <QDateTime>
#include <algorithm>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <memory>

namespace faultline {

namespace {

constexpr int kMaxNotes = 20;

void addDiagnostics(QStringList &notes, const Diagnostics &diagnostics)
{
    for (const Diagnostic &d : diagnostics) {
        if (notes.size() >= kMaxNotes) {
            notes << ProjectSession::tr("… and more problems (see faultline-cli scan)");
            return;
        }
        notes << d.toString();
    }
}

// Reads what the window shows about a dataset; runs on a job's thread.
void readState(const ProjectStore &store, DatasetState &state)
{
    const ImageCounts counts = store.imageCounts();
    state.images = counts.images;
    state.unreadable = counts.unreadable;
    state.splitImages = counts.splitImages;
    state.predictions = store.predictionCount();
    const EmbeddingModelChoice embeddings = chooseEmbeddingModel(store);
    state.embeddedImages = embeddings.model ? embeddings.model->count : 0;
    state.embeddingModel = embeddings.model ? embeddings.model->name : QString();
    state.models = store.predictionSetNames();
    state.currentModel = store.currentPredictionSet();
    state.latestRun = store.latestCompletedRun(state.currentModel);
    state.runs.clear();
    for (const RunInfo &run : store.runs())
        if (run.status == QLatin1String("done") && run.predictionSet == state.currentModel)
            state.runs << run;
}

// What the window says the dataset still lacks.
void addMissingNotes(DatasetState &state)
{
    if (!state.hasPredictions())
        state.notes << ProjectSession::tr("No predictions: put a predictions.csv (path,prediction[,label,split]) "
                                          "in the dataset folder and open it again.");
    if (!state.hasEmbeddings())
        state.notes << ProjectSession::tr("No embeddings: use File ▸ Import embeddings….");
    else if (state.hasPredictions() && state.latestRun == 0 && state.models.size() > 1)
        state.notes << ProjectSession::tr("Model %1 has no analysis yet: use Analysis ▸ Run analysis….").arg(state.currentModel);
}

QVector<ClassSummary> loadClassSummaries(const ProjectStore &store, qint64 runId, JobControl &control)
{
    QVector<ClassSummary> out;
    if (runId == 0)
        return out;
    control.report(0, 2, ProjectSession::tr("Reading classes"));
    const QVector<RunClassRow> rows = store.runClasses(runId);
    control.checkCancelled();
    control.report(1, 2, ProjectSession::tr("Counting errors"));
    QHash<QString, RunClassCount> counts;
    for (const RunClassCount &count : store.runClassCounts(runId))
        counts.insert(count.className, count);
    for (const RunClassRow &row : rows) {
        ClassSummary summary;
        summary.className = row.className;
        summary.images = counts.value(row.className).images;
        summary.errors = counts.value(row.className).errors;
        summary.errorRate = summary.images > 0 ? double(summary.errors) / summary.images : 0.0;
        summary.cv = row.cvBalancedAccuracy;
        summary.fitted = row.status == QLatin1String("ok");
        // The engine's reasons stay English (they are the CLI's and the logs' too).
        summary.status = summary.fitted ? ProjectSession::tr("ok")
                                        : ProjectSession::tr("skipped: %1").arg(row.reason.isEmpty() ? row.status : row.reason);
        out << summary;
    }
    control.report(2, 2, ProjectSession::tr("Done"));
    return out;
}

} // namespace

ProjectSession::ProjectSession(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<ClassSummary>();
    qRegisterMetaType<QVector<ClassSummary>>();
    qRegisterMetaType<DatasetState>();
    qRegisterMetaType<SelectedClass>();
    qRegisterMetaType<RetrainReport>();
}

ProjectSession::~ProjectSession() = default; // child jobs are cancelled by their destructors

BackgroundJob *ProjectSession::startJob(const QString &title, std::function<void(JobControl &)> work,
                                        std::function<void()> onSuccess)
{
    auto *job = new BackgroundJob(title, std::move(work), this);
    const quint64 generation = m_generation;
    auto finish = [this, job] {
        job->disconnect(this);
        if (--m_runningJobs == 0) {
            Q_EMIT busyChanged(false);
            Q_EMIT idle();
        }
    };
    connect(job, &BackgroundJob::succeeded, this, [this, generation, onSuccess, finish] {
        // Follow-up jobs start before this one counts as finished, so idle() means "all done".
        if (generation == m_generation && onSuccess)
            onSuccess();
        finish();
    });
    connect(job, &BackgroundJob::failed, this, [this, title, generation, finish](const QString &message) {
        if (generation == m_generation)
            Q_EMIT errorOccurred(tr("%1 failed: %2").arg(title, message));
        finish();
    });
    connect(job, &BackgroundJob::cancelled, this, finish);
    if (m_runningJobs++ == 0)
        Q_EMIT busyChanged(true);
    Q_EMIT jobStarted(job);
    job->start();
    return job;
}

void ProjectSession::setState(const DatasetState &state)
{
    m_state = state;
    for (const RunInfo &run : m_state.runs)
        if (run.id == m_chosenRun)
            m_state.latestRun = m_chosenRun;
    Q_EMIT stateChanged(m_state);
}

void ProjectSession::useRun(qint64 runId)
{
    if (!isOpen())
        return;
    const bool known = std::any_of(m_state.runs.begin(), m_state.runs.end(), [&](const RunInfo &r) { return r.id == runId; });
    m_chosenRun = known ? runId : 0;
    const qint64 shown = known ? runId : m_state.runs.isEmpty() ? 0 : m_state.runs.first().id;
    if (shown == m_state.latestRun)
        return;
    DatasetState state = m_state;
    state.latestRun = shown;
    setState(state);
    reloadClasses();
    loadSelectedClass();
}

void ProjectSession::open(const QString &root)
{
    const QFileInfo info(root);
    if (root.isEmpty() || !info.isDir()) {
        Q_EMIT errorOccurred(tr("Cannot open %1: not an existing folder").arg(QDir::toNativeSeparators(root)));
        return;
    }
    ++m_generation;
    m_root = info.canonicalFilePath();
    m_projectPath = ProjectStore::defaultPath(m_root);
    m_classes.clear();
    m_state = DatasetState();
    m_state.root = m_root;
    m_chosenRun = 0;
    m_selectedClass.clear();
    Q_EMIT classSelected(m_selectedClass);
    loadSelectedClass();
    Q_EMIT opened(m_root);
    Q_EMIT classesLoaded(m_classes);

    // A project with a completed run shows what the store has at once and rescans behind
    // it (one stat per file: seconds for 100k images); anything else needs the scan first.
    const QString projectPath = m_projectPath;
    auto stored = std::make_shared<DatasetState>(m_state);
    startJob(tr("Open %1").arg(QFileInfo(m_root).fileName()),
             [projectPath, stored](JobControl &) {
                 if (!QFileInfo::exists(projectPath))
                     return;
                 ProjectStore store(projectPath);
                 if (store.latestCompletedRun(store.currentPredictionSet()) == 0)
                     return;
                 readState(store, *stored);
                 addMissingNotes(*stored);
             },
             [this, stored] {
                 const bool shown = stored->latestRun != 0;
                 if (shown) {
                     setState(*stored);
                     reloadClasses();
                 }
                 scan(shown);
             });
}

void ProjectSession::scan(bool storedStateShown)
{
    const QString datasetRoot = m_root;
    const QString projectPath = m_projectPath;
    auto result = std::make_shared<DatasetState>(m_state);
    auto changed = std::make_shared<bool>(false);
    startJob(tr("Scan %1").arg(QFileInfo(m_root).fileName()),
             [datasetRoot, projectPath, result, changed, storedStateShown](JobControl &control) {
                 // Behind a shown state the scan must not slow the class the user opens next.
                 std::optional<IdleThreadPriority> idle;
                 if (storedStateShown)
                     idle.emplace();
                 ProjectStore store(projectPath);
                 const ScanReport scan = DatasetScanner::scan(datasetRoot, store, &control);
                 result->notes.clear();
                 addDiagnostics(result->notes, scan.diagnostics);
                 *changed = scan.added + scan.changed + scan.moved + scan.removed > 0;
                 const QString predictions = QDir(datasetRoot).filePath(QStringLiteral("predictions.csv"));
                 if (store.predictionCount() == 0 && QFileInfo::exists(predictions)) {
                     control.report(0, 0, tr("Importing predictions.csv"));
                     const PredictionsReport imported = importPredictions(predictions, store);
                     addDiagnostics(result->notes, imported.diagnostics);
                     *changed = true;
                 }
                 if (*changed || !storedStateShown)
                     readState(store, *result);
                 addMissingNotes(*result);
             },
             [this, result, changed, storedStateShown] {
                 // An unchanged dataset keeps what is shown, unless the scan has news to tell.
                 if (storedStateShown && !*changed && result->notes == m_state.notes)
                     return;
                 setState(*result);
                 if (!storedStateShown || *changed)
                     reloadClasses();
             });
}

void ProjectSession::openDemo(const QString &bundled)
{
    if (bundled.isEmpty()) {
        Q_EMIT errorOccurred(tr("This installation has no demo dataset."));
        return;
    }
    const QString target = demoWorkingCopyPath(bundled);
    startJob(tr("Copy the demo dataset"),
             [bundled, target](JobControl &control) { prepareDemoDataset(bundled, target, &control); },
             [this, target] { open(target); });
}

bool ProjectSession::isDemo() const
{
    const QString bundled = bundledDemoDataset();
    return isOpen() && !bundled.isEmpty() && m_root == QFileInfo(demoWorkingCopyPath(bundled)).canonicalFilePath();
}

AnalysisSetup ProjectSession::demoSetup(const QString &root)
{
    AnalysisSetup setup;
    setup.embeddings = AnalysisSetup::Embeddings::ImportNpy;
    setup.npyPath = QDir(root).filePath(QStringLiteral("embeddings.npy"));
    setup.pathsFile = QDir(root).filePath(QStringLiteral("embeddings.paths.txt"));
    return setup;
}

void ProjectSession::importEmbeddings(const QString &npyPath, const QString &pathsFile)
{
    if (!isOpen()) {
        Q_EMIT errorOccurred(tr("Open a dataset folder before importing embeddings."));
        return;
    }
    const QString projectPath = m_projectPath;
    auto result = std::make_shared<DatasetState>(m_state);
    startJob(tr("Import embeddings %1").arg(QFileInfo(npyPath).fileName()),
             [projectPath, npyPath, pathsFile, result](JobControl &control) {
                 control.report(0, 1, tr("Importing"));
                 ProjectStore store(projectPath);
                 faultline::importEmbeddings(npyPath, pathsFile, store);
                 result->notes.clear();
                 readState(store, *result);
                 control.report(1, 1, tr("Done"));
             },
             [this, result] { setState(*result); });
}

void ProjectSession::predict(const ClassifierSpec &spec)
{
    if (!isOpen()) {
        Q_EMIT errorOccurred(tr("Open a dataset folder before running a classifier."));
        return;
    }
    const QString projectPath = m_projectPath;
    const QString root = m_root;
    auto result = std::make_shared<DatasetState>(m_state);
    startJob(tr("Classifier %1 on %2").arg(QFileInfo(spec.path).fileName(), QFileInfo(m_root).fileName()),
             [projectPath, root, spec, result](JobControl &control) {
                 ProjectStore store(projectPath);
                 result->notes.clear();
                 addDiagnostics(result->notes, predictDataset(store, root, spec, &control).diagnostics);
                 readState(store, *result);
             },
             [this, result] { setState(*result); });
}

void ProjectSession::analyze(const AnalysisSetup &setup)
{
    if (!isOpen()) {
        Q_EMIT errorOccurred(tr("Open a dataset folder before running an analysis."));
        return;
    }
    const QString projectPath = m_projectPath;
    const QString root = m_root;
    const ComputeDevice device = AppSettings::device();
    const int threads = AppSettings::threadCount();
    auto result = std::make_shared<DatasetState>(m_state);
    startJob(tr("Analysis of %1").arg(QFileInfo(m_root).fileName()),
             [projectPath, root, setup, device, threads, result](JobControl &control) {
                 ProjectStore store(projectPath);
                 result->notes.clear();
                 if (setup.classifier)
                     addDiagnostics(result->notes, predictDataset(store, root, *setup.classifier, &control).diagnostics);
                 else if (!setup.predictionsCsv.isEmpty()) {
                     control.report(0, 0, tr("Importing predictions"));
                     addDiagnostics(result->notes, importPredictions(setup.predictionsCsv, store).diagnostics);
                 }
                 qint64 modelId = 0;
                 switch (setup.embeddings) {
                 case AnalysisSetup::Embeddings::ComputeWithClip: {
                     const QString checkpoint = ModelManager().ensure(setup.clipModel, &control);
                     control.report(0, 0, tr("Loading %1").arg(QFileInfo(checkpoint).fileName()));
                     const auto model = ClipModel::load(checkpoint, device);
                     DatasetEmbeddingOptions options;
                     options.decodeThreads = threads;
                     options.modelSource = QFileInfo(checkpoint).absoluteFilePath();
                     const DatasetEmbeddingReport report = embedDataset(
                         store, root, *model, clipEmbeddingModelName(checkpoint, &control), options, &control);
                     addDiagnostics(result->notes, report.diagnostics);
                     modelId = report.modelId;
                     break;
                 }
                 case AnalysisSetup::Embeddings::ImportNpy:
                     control.report(0, 0, tr("Importing embeddings"));
                     modelId = faultline::importEmbeddings(setup.npyPath, setup.pathsFile, store).modelId;
                     break;
                 case AnalysisSetup::Embeddings::Stored:
                     if (const EmbeddingModelChoice choice = chooseEmbeddingModel(store); choice.model) {
                         modelId = choice.model->id;
                         if (!choice.skipped.isEmpty() || !choice.coverage.complete()) // say why not the newest
                             result->notes << choice.describe();
                     }
                     break;
                 }
                 if (modelId == 0)
                     throw Error(tr("the project has no embeddings: compute them with a CLIP model or import them"));
                 if (store.predictionCount() == 0)
                     throw Error(tr("the project has no predictions: choose a predictions CSV (path,prediction) or run a"
                                    " classifier"));
                 AnalysisParams params = setup.params;
                 params.threads = threads;
                 params.predictionSet = store.currentPredictionSet();
                 const AnalysisOutcome outcome = runAnalysis(store, modelId, params, &control);
                 addDiagnostics(result->notes, outcome.diagnostics);
                 readState(store, *result);
             },
             [this, result] {
                 m_chosenRun = 0; // the new run is shown
                 setState(*result);
                 reloadClasses();
             });
}

void ProjectSession::useModel(const QString &name)
{
    if (!isOpen() || name == m_state.currentModel)
        return;
    const QString projectPath = m_projectPath;
    auto result = std::make_shared<DatasetState>(m_state);
    startJob(tr("Show model %1").arg(name),
             [projectPath, name, result](JobControl &) {
                 ProjectStore store(projectPath);
                 store.setCurrentPredictionSet(name);
                 result->notes.clear();
                 readState(store, *result);
                 addMissingNotes(*result);
             },
             [this, result] {
                 m_chosenRun = 0;
                 setState(*result);
                 reloadClasses();
             });
}

BackgroundJob *ProjectSession::retrain(const RetrainRequest &request)
{
    if (!isOpen() || m_state.latestRun == 0) {
        Q_EMIT errorOccurred(tr("Retraining starts from an analysis run: run one first."));
        return nullptr;
    }
    const QString projectPath = m_projectPath;
    const QString root = m_root;
    RetrainRequest job = request;
    job.runId = m_state.latestRun;
    job.training.device = AppSettings::device();
    const QString folder = QFileInfo(projectPath).absoluteDir().filePath(QStringLiteral("classifiers"));
    job.outputFile = QDir(folder).filePath(QStringLiteral("retrain-%1.pt")
                                               .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-hhmmss"))));
    auto report = std::make_shared<RetrainReport>();
    auto state = std::make_shared<DatasetState>(m_state);
    return startJob(tr("Retrain with %1").arg(interventionName(request.intervention)),
                    [projectPath, root, job, folder, report, state](JobControl &control) {
                        ProjectStore store(projectPath);
                        const auto classifier = loadRunClassifier(store, job.runId);
                        if (!classifier)
                            throw Error(tr("the model of run %1 has no classifier file to retrain: classify the dataset"
                                           " with a TorchScript model first (Analysis ▸ Run classifier…)").arg(job.runId));
                        if (!QDir().mkpath(folder))
                            throw Error(tr("%1: cannot create the folder").arg(folder));
                        *report = retrainHead(store, root, *classifier, job, &control);
                        readState(store, *state);
                        state->notes.clear();
                    },
                    [this, report, state] {
                        setState(*state);
                        Q_EMIT retrained(*report);
                    });
}

void ProjectSession::compareModels()
{
    if (!isOpen())
        return;
    const QString projectPath = m_projectPath;
    auto result = std::make_shared<std::shared_ptr<const ModelComparison>>();
    startJob(tr("Compare models"),
             [projectPath, result](JobControl &) {
                 ProjectStore store(projectPath);
                 *result = std::make_shared<const ModelComparison>(faultline::compareModels(store, {}));
             },
             [this, result] { Q_EMIT modelsCompared(*result); });
}

void ProjectSession::reloadClasses()
{
    if (!isOpen())
        return;
    const qint64 runId = m_state.latestRun;
    if (runId == 0) {
        m_classes.clear();
        Q_EMIT classesLoaded(m_classes);
        return;
    }
    const QString projectPath = m_projectPath;
    auto result = std::make_shared<QVector<ClassSummary>>();
    startJob(tr("Load run %1").arg(runId),
             [projectPath, runId, result](JobControl &control) {
                 ProjectStore store(projectPath);
                 *result = loadClassSummaries(store, runId, control);
             },
             [this, result] {
                 m_classes = *result;
                 Q_EMIT classesLoaded(m_classes);
                 bool stillThere = false;
                 for (const ClassSummary &c : m_classes)
                     stillThere = stillThere || c.className == m_selectedClass;
                 if (!stillThere)
                     setSelectedClass(QString());
                 else
                     loadSelectedClass(); // the same class of a newer run
             });
}

void ProjectSession::setSelectedClass(const QString &className)
{
    if (className == m_selectedClass)
        return;
    m_selectedClass = className;
    Q_EMIT classSelected(m_selectedClass);
    loadSelectedClass();
}

QString ProjectSession::absolutePath(const QString &relativePath) const
{
    return m_root + QLatin1Char('/') + relativePath;
}

void ProjectSession::selectNeighbourClass(const QStringList &order, int step)
{
    if (order.isEmpty())
        return;
    const qsizetype at = order.indexOf(m_selectedClass);
    const qsizetype size = order.size();
    const qsizetype next = at < 0 ? (step > 0 ? 0 : size - 1) : ((at + step) % size + size) % size;
    setSelectedClass(order[next]);
}

void ProjectSession::loadSelectedClass()
{
    const quint64 selection = ++m_selection;
    m_selected = SelectedClass();
    if (m_selectedClass.isEmpty() || m_state.latestRun == 0) {
        Q_EMIT classLoaded(m_selected);
        return;
    }
    const QString projectPath = m_projectPath;
    const QString root = m_root;
    const QString className = m_selectedClass;
    const qint64 runId = m_state.latestRun;
    auto result = std::make_shared<SelectedClass>();
    startJob(tr("Load class %1").arg(className),
             [projectPath, root, className, runId, result](JobControl &control) {
                 control.report(0, 2, tr("Reading images and embeddings"));
                 ProjectStore store(projectPath);
                 auto images = std::make_shared<RunClassImages>(loadRunClassImages(store, runId, className));
                 control.checkCancelled();
                 control.report(1, 2, tr("Reading confidences and tags"));
                 QHash<qint64, QString> pathOfId;
                 for (qsizetype i = 0; i < images->size(); ++i)
                     pathOfId.insert(images->imageIds[size_t(i)], root + QLatin1Char('/') + images->paths[i]);
                 const QHash<qint64, double> confidences =
                     store.confidences(QVector<qint64>(images->imageIds.begin(), images->imageIds.end()));
                 for (auto it = confidences.cbegin(); it != confidences.cend(); ++it)
                     result->confidences.insert(pathOfId.value(it.key()), it.value());
                 const QHash<qint64, QString> tags = store.imageTags();
                 for (auto it = tags.cbegin(); it != tags.cend(); ++it)
                     if (pathOfId.contains(it.key()))
                         result->tags.insert(pathOfId.value(it.key()), it.value());
                 result->images = std::move(images);
                 control.report(2, 2, tr("Done"));
             },
             [this, selection, result] {
                 if (selection != m_selection)
                     return;
                 m_selected = *result;
                 Q_EMIT classLoaded(m_selected);
             });
}

void ProjectSession::tagImages(const QStringList &absolutePaths, const QString &tag)
{
    const QHash<QString, qint64> ids = selectedImageIds(absolutePaths);
    tagImageIds(QVector<qint64>(ids.begin(), ids.end()), tag);
}

QHash<QString, qint64> ProjectSession::selectedImageIds(const QStringList &absolutePaths) const
{
    QHash<QString, qint64> found;
    if (!m_selected.images)
        return found;
    const QSet<QString> wanted(absolutePaths.begin(), absolutePaths.end());
    for (qsizetype i = 0; i < m_selected.images->size(); ++i) {
        const QString path = absolutePath(m_selected.images->paths[i]);
        if (wanted.contains(path))
            found.insert(path, m_selected.images->imageIds[size_t(i)]);
    }
    return found;
}

QString ProjectSession::tagStepText(int images, const QString &tag)
{
    return tag.isEmpty()                  ? tr("Clear the tag of %n image(s)", nullptr, images)
           : tag == QLatin1String("hard") ? tr("Tag %n image(s) as hard", nullptr, images)
                                          : tr("Tag %n image(s) as OK", nullptr, images);
}

void ProjectSession::tagImageIds(const QVector<qint64> &ids, const QString &tag)
{
    if (m_projectPath.isEmpty() || ids.isEmpty())
        return;
    const QString projectPath = m_projectPath;
    const quint64 generation = m_generation;
    startJob(tagStepText(int(ids.size()), tag),
             [projectPath, ids, tag](JobControl &) { ProjectStore(projectPath).setImageTag(ids, tag); },
             [this, generation, ids, tag] {
                 if (generation != m_generation || !m_selected.images)
                     return;
                 // The shown class's tags follow; images of other classes are read when shown.
                 const QSet<qint64> tagged(ids.begin(), ids.end());
                 for (qsizetype i = 0; i < m_selected.images->size(); ++i) {
                     if (!tagged.contains(m_selected.images->imageIds[size_t(i)]))
                         continue;
                     const QString path = absolutePath(m_selected.images->paths[i]);
                     if (tag.isEmpty())
                         m_selected.tags.remove(path);
                     else
                         m_selected.tags.insert(path, tag);
                 }
                 Q_EMIT tagsChanged(m_selected.tags);
             });
}

} // namespace faultline
