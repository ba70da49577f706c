#pragma once

#include "analysis/AnalysisTypes.h"
#include "classify/ClassifierSpec.h"
#include "fix/HeadRetraining.h"
#include "jobs/BackgroundJob.h"
#include "store/StoreTypes.h"

#include <QHash>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>
#include <functional>
#include <memory>
#include <optional>

namespace faultline {

class BackgroundJob;
class JobControl;
struct ModelComparison;
struct RunClassImages;

// One row of the classes view: a class of the latest completed run.
struct ClassSummary
{
    QString className;
    int images = 0;                 // images of the class in the run (all splits)
    int errors = 0;                 // of those, misclassified
    double errorRate = 0;           // errors / images
    std::optional<double> cv;       // cross-validated balanced accuracy; unset when skipped
    bool fitted = false;            // a direction was fitted (the run's status "ok")
    QString status;                 // as shown: "ok", or "skipped: <reason>", translated
};

// What an opened dataset has and lacks, so the window can say what to do next.
struct DatasetState
{
    QString root;
    int images = 0;
    int unreadable = 0;
    qint64 predictions = 0;
    qint64 embeddedImages = 0;      // rows of the newest embedding model with any rows
    QString embeddingModel;         // name of that model, e.g. "clip:ViT-B-32.pt@1a2b3c4d5e6f"
    QMap<Split, int> splitImages;   // images per split (with predictions: as they assign them)
    QStringList models;             // the prediction sets (one per model), oldest first
    QString currentModel;           // the one shown: its latest run is latestRun
    qint64 latestRun = 0;           // the run shown: the latest completed run of the current
                                    // model, or the one chosen with useRun(); 0: none
    QVector<RunInfo> runs;          // the completed runs of the current model, newest first
    QStringList notes;              // diagnostics and what is missing, one line each
    bool hasPredictions() const { return predictions > 0; }
    bool hasEmbeddings() const { return embeddedImages > 0; }
};

// What "Run analysis" does: bring in whatever the dataset still lacks, then analyse.
struct AnalysisSetup
{
    enum class Embeddings { Stored, ComputeWithClip, ImportNpy };
    QString predictionsCsv;         // imported first when set (replaces stored predictions)
    std::optional<ClassifierSpec> classifier; // or run first over the dataset (replaces them too)
    Embeddings embeddings = Embeddings::Stored;
    QString clipModel;              // ComputeWithClip: catalogue name or checkpoint file
    QString npyPath;                // ImportNpy: [N, D] .npy
    QString pathsFile;              //            and the dataset-relative path of each row
    AnalysisParams params;
};

// The selected class as the class views show it, loaded off the GUI thread.
struct SelectedClass
{
    std::shared_ptr<const RunClassImages> images; // every split, raw embeddings; null: none selected
    QHash<QString, double> confidences;           // absolute path → the classifier's confidence
    QHash<QString, QString> tags;                 // absolute path → the user's tag ("hard" | "ok")
};

// The open dataset and the engine work on it. Every engine call runs as a BackgroundJob that
// opens its own ProjectStore (one SQLite connection per thread); results come back through
// queued signals, so nothing here ever blocks the GUI thread. The selected class lives here
// so that every view follows the same selection.
class ProjectSession : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString selectedClass READ selectedClass WRITE setSelectedClass NOTIFY classSelected)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)

public:
    explicit ProjectSession(QObject *parent = nullptr);
    ~ProjectSession() override;

    bool isOpen() const { return !m_root.isEmpty(); }
    const QString &root() const { return m_root; }
    const QString &projectPath() const { return m_projectPath; }
    const DatasetState &state() const { return m_state; }
    const QVector<ClassSummary> &classes() const { return m_classes; }
    qint64 runId() const { return m_state.latestRun; }
    qint64 chosenRun() const { return m_chosenRun; } // 0: the latest is shown
    const QString &selectedClass() const { return m_selectedClass; }
    const SelectedClass &selected() const { return m_selected; }
    QString absolutePath(const QString &relativePath) const;
    bool isBusy() const { return m_runningJobs > 0; }
    // The open dataset is the working copy of the installed demo: its analysis needs no questions.
    bool isDemo() const;
    // The demo's analysis: its predictions.csv (imported on open) and its embeddings.npy.
    static AnalysisSetup demoSetup(const QString &root);
    // "Tag 3 image(s) as hard": the job's title and the undo step's name.
    static QString tagStepText(int images, const QString &tag);
    // The image ids of these absolute paths among the selected class's images.
    QHash<QString, qint64> selectedImageIds(const QStringList &absolutePaths) const;

public Q_SLOTS:
    // Scans ROOT, imports ROOT/predictions.csv when the project has no predictions yet, then
    // loads the latest run's classes; a project with a completed run shows its stored state
    // and classes first and scans afterwards. A folder that does not exist is reported, not opened.
    void open(const QString &root);
    // Copies the installed demo dataset (dataset/DemoDataset) to the user's data folder on first
    // use, in a job, then opens the copy.
    void openDemo(const QString &bundled);
    void importEmbeddings(const QString &npyPath, const QString &pathsFile);
    // One job: predictions, then embeddings (computed with CLIP or imported), then the analysis.
    void analyze(const faultline::AnalysisSetup &setup);
    // Runs the classifier over the dataset; its predictions replace the stored ones.
    void predict(const faultline::ClassifierSpec &spec);
    // Shows the model `name` (a prediction set) and its latest run; the store remembers it.
    void useModel(const QString &name);
    // Shows run `runId` (a completed run of the current model; 0: the latest) in every view.
    void useRun(qint64 runId);
    // Retrains the classifier of the shown run's model with an intervention (fix/HeadRetraining);
    // the new head is written to ROOT/.faultline/classifiers/ and its predictions become a model.
    // Returns the job (to cancel it), or nullptr when nothing could start.
    faultline::BackgroundJob *retrain(const faultline::RetrainRequest &request);
    // Compares every model of the project on the test split (compare/ModelComparison).
    void compareModels();
    void reloadClasses();
    void setSelectedClass(const QString &className);
    // Selects the next/previous class of the latest run in `order` (e.g. the chart's), wrapping.
    void selectNeighbourClass(const QStringList &order, int step);
    // Stores the user's verdict on these images of the selected class ("" clears it).
    void tagImages(const QStringList &absolutePaths, const QString &tag);
    // The same by image id (any class: what undo needs after the class changed).
    void tagImageIds(const QVector<qint64> &ids, const QString &tag);


Q_SIGNALS:
    void opened(const QString &root);
    void stateChanged(const faultline::DatasetState &state);
    void classesLoaded(const QVector<faultline::ClassSummary> &classes);
    void jobStarted(faultline::BackgroundJob *job);
    void errorOccurred(const QString &message);
    void classSelected(const QString &className);
    void classLoaded(const faultline::SelectedClass &selected); // after classSelected, off-thread load
    void tagsChanged(const QHash<QString, QString> &tags);        // of the selected class
    void busyChanged(bool busy);
    void retrained(const faultline::RetrainReport &report);
    void modelsCompared(const std::shared_ptr<const faultline::ModelComparison> &comparison);
    void idle();                    // the last running job (and anything it started) finished

private:
    // Starts `work` as a job; `onSuccess` runs on this thread if the job succeeds and the
    // dataset is still the one that started it.
    BackgroundJob *startJob(const QString &title, std::function<void(JobControl &)> work,
                            std::function<void()> onSuccess);
    void setState(const DatasetState &state);
    // Brings the store up to date with the files (and imports predictions.csv into a project
    // without predictions); the state is shown again only if that changed what is shown.
    void scan(bool storedStateShown);
    void loadSelectedClass();

    QString m_root;
    QString m_projectPath;
    DatasetState m_state;
    QVector<ClassSummary> m_classes;
    QString m_selectedClass;
    SelectedClass m_selected;
    quint64 m_selection = 0;        // bumped on every selection: a slower load of an older one is dropped
    int m_runningJobs = 0;
    qint64 m_chosenRun = 0;         // useRun()'s run, kept while the state is re-read
    quint64 m_generation = 0;       // bumped on open(): stale results are dropped
};

} // namespace faultline

Q_DECLARE_METATYPE(faultline::ClassSummary)
Q_DECLARE_METATYPE(faultline::DatasetState)
Q_DECLARE_METATYPE(faultline::SelectedClass)
Q_DECLARE_METATYPE(faultline::RetrainReport)
