#pragma once

#include "store/StoreTypes.h"

#include <QHash>
#include <QPair>
#include <QSet>
#include <QSqlDatabase>
#include <QString>
#include <QVector>
#include <functional>
#include <optional>
#include <vector>

class QSqlError;

namespace faultline {

class Error;

struct ClassResult;

// The per-dataset SQLite project: images, labels, splits, predictions, embeddings (with the
// model that made them) and every analysis run. WAL journal, every write in a transaction,
// so a crash or kill -9 leaves it consistent and keeps what was committed.
// A ProjectStore is one connection: use it from the thread that opened it (jobs open their own).
class ProjectStore
{
public:
    static constexpr int kSchemaVersion = 16;

    // ROOT/.faultline/project.sqlite
    static QString defaultPath(const QString &datasetRoot);

    // Opens or creates the database and migrates it to kSchemaVersion. Throws Error.
    explicit ProjectStore(const QString &databasePath);
    ~ProjectStore();
    ProjectStore(const ProjectStore &) = delete;
    ProjectStore &operator=(const ProjectStore &) = delete;

    const QString &path() const { return m_path; }
    int schemaVersion() const;

    // Runs `work` in one transaction: all of it is stored, or none of it. Nests. Every write goes
    // through here, so each waits for another process's write lock the same way (beginWriting).
    void transaction(const std::function<void()> &work);

    QString meta(const QString &key) const;
    void setMeta(const QString &key, const QString &value);

    // --- images -----------------------------------------------------------------------
    QHash<QString, FileStamp> fileStamps() const;
    QVector<StoredImage> images(bool includeMissing = false) const; // by path; missing: gone from the folder
    int missingCount() const;
    // Deletes the images marked missing with everything stored for them; returns how many.
    int pruneMissing();
    ImageCounts imageCounts() const; // without reading every row
    // Inserts images with id 0, updates the others by id (path included: a moved file keeps its
    // rows), and marks the listed paths missing (kept until pruneMissing(), found again by path
    // or content). contentChanged images lose their current embeddings;
    // runs fitted on them keep reading them (loadRunEmbeddings).
    void applyScan(const QVector<StoredImage> &upserts, const QStringList &removedPaths);

    // --- prediction sets, one per model (ProjectStorePredictions.cpp) ---------------------
    static QString defaultPredictionSet() { return QStringLiteral("default"); }
    // Error for a set name that is empty, too long or holds a comma or a control character.
    static void checkPredictionSetName(const QString &name);
    // Replaces the rows of the set `setName` (creating it) and makes it the current set. An empty
    // name is the current set, or "default" in a project without one. `classifierJson`: the
    // spec of the classifier that made them (ProjectClassifier reloads it). Throws Error for a
    // name checkPredictionSetName refuses.
    void replacePredictions(const QVector<PredictionRecord> &records, const QString &source,
                            const QString &setName = QString(), const QString &classifierJson = QString());
    QVector<PredictionSetInfo> predictionSets() const; // oldest first, rows counted (a scan per set)
    QStringList predictionSetNames() const;            // oldest first, without counting
    // The set analyses, counts and the gallery read when none is named: the one last imported
    // or chosen. Empty when the project has none.
    QString currentPredictionSet() const;
    PredictionSetInfo predictionSet(const QString &name = QString()) const; // throws Error naming the sets
    void setCurrentPredictionSet(const QString &name);                    // throws Error naming the sets
    void removePredictionSet(const QString &name);                        // runs keep their rows
    qint64 predictionCount() const; // the current set's rows
    // Readable images with a prediction in the set (empty: the current one), label (CSV or folder)
    // and split resolved, in the predictions file's row order (the order folds are dealt in).
    QVector<LabeledImage> labeledImages(const QString &setName = QString()) const;
    // The classifier's confidence of these images, where the set's file gave one.
    QHash<qint64, double> confidences(const QVector<qint64> &imageIds, const QString &setName = QString()) const;

    // --- embeddings ---------------------------------------------------------------------
    qint64 ensureEmbeddingModel(const QString &name, int dim, const QString &source);
    bool embeddingModelUsedByRuns(qint64 modelId) const;
    void setEmbeddingModelHash(qint64 modelId, const QString &contentHash);
    QVector<EmbeddingModelInfo> embeddingModels() const;             // count: kept with every write, not counted
    EmbeddingModelInfo embeddingModel(qint64 id) const;              // throws Error if absent
    EmbeddingCoverage embeddingCoverage(qint64 modelId) const;
    // rows × dim float32, row-major, one row per image id.
    void storeEmbeddings(qint64 modelId, const QVector<qint64> &imageIds, const float *values, int dim);
    // Writes the embeddings of `imageIds` into `out` (rows × dim); returns the ids that have none.
    QVector<qint64> loadEmbeddings(qint64 modelId, const QVector<qint64> &imageIds, float *out, int dim) const;
    // As loadEmbeddings with the run's model, but images whose content changed since the run
    // get the vectors the run was fitted on.
    QVector<qint64> loadRunEmbeddings(qint64 runId, const QVector<qint64> &imageIds, float *out, int dim) const;
    // Readable images that have no embedding from this model yet, by path.
    QVector<StoredImage> imagesWithoutEmbedding(qint64 modelId) const;
    QSet<QString> cachedContentHashes(qint64 modelId) const;
    // A vector this model computed earlier for the same file content (any path); false if none.
    bool cachedEmbedding(qint64 modelId, const QString &contentHash, float *out, int dim) const;
    // Embeddings Faultline computed: stored per image and by content, in one transaction.
    void storeComputedEmbeddings(qint64 modelId, const QVector<qint64> &imageIds, const QStringList &contentHashes,
                                 const float *values, int dim);

    // --- analysis runs ------------------------------------------------------------------
    // A new run in state 'running' over these rows (their labels, predictions and splits are
    // kept with the run, so later prediction imports don't change it).
    qint64 createRun(const QString &paramsJson, qint64 embeddingModelId, const QVector<LabeledImage> &rows,
                     const QString &predictionSet);
    void storeWhitening(qint64 runId, const std::vector<double> &mean, const std::vector<double> &stddev);
    // One class's result and its decision values, keyed by the image ids of result.rows.
    void storeClassResult(qint64 runId, const QString &className, const ClassResult &result,
                          const std::vector<qint64> &rowImageIds);
    // Each row's hardness (lower = harder), keyed by image id; rows not named keep theirs.
    void storeHardness(qint64 runId, const QVector<QPair<qint64, double>> &hardness);
    void finishRun(qint64 runId, const QString &status, const QString &message = QString());
    QVector<RunInfo> runs() const;             // newest first
    RunInfo run(qint64 runId) const;           // throws Error if absent
    qint64 latestCompletedRun(const QString &predictionSet = QString()) const; // of any set when empty; 0 when none
    QVector<RunClassRow> runClasses(qint64 runId) const;
    enum class RunRowOrder { ByPath, AsAnalysed };
    QVector<RunScoreRow> runScores(qint64 runId, RunRowOrder order = RunRowOrder::ByPath) const;
    QVector<RunScoreRow> runScores(qint64 runId, const QString &className) const; // one class's rows, by path
    QVector<RunClassCount> runClassCounts(qint64 runId) const;                       // by class name
    RunWhitening runWhitening(qint64 runId) const;                                   // throws Error
    ClassDirection classDirection(qint64 runId, const QString &className) const;     // throws Error if not fitted

    // --- caption scores (per run, class and vocabulary; replaced as a whole) ------------
    void storeCaptionScores(qint64 runId, const QString &className, const QString &vocabulary,
                            const QVector<QPair<QString, double>> &scores);
    QVector<QPair<QString, double>> captionScores(qint64 runId, const QString &className,
                                                  const QString &vocabulary) const; // most negative first

    // --- text embeddings of rule concepts, per embedding model (ProjectStoreConcepts.cpp) --
    void storeConceptEmbeddings(qint64 modelId, const QStringList &texts, const float *values, int dim);
    // The stored vectors of `texts` (dim floats each, in that order); the texts not stored yet are
    // returned and their rows left untouched.
    QStringList loadConceptEmbeddings(qint64 modelId, const QStringList &texts, float *out, int dim) const;

    // --- 2-D maps of a run's images per method and class (ProjectStoreViewCaches.cpp) ----
    // Replaces the stored map; xy holds x, y per image id.
    void storeProjection(qint64 runId, const QString &method, const QString &className,
                         const QVector<qint64> &imageIds, const std::vector<float> &xy);
    // The stored map (ids in id order, xy beside them); empty when none is stored.
    QVector<qint64> loadProjection(qint64 runId, const QString &method, const QString &className,
                                   std::vector<float> *xy) const;

    // --- the slider's calibrated approximate search per run, class and split ----------
    // (ProjectStoreViewCaches.cpp): EmbeddingIndex::savedApproximation()'s bytes, so a class of
    // millions of images reopens without minutes of calibration. Replaces what is stored.
    void storeSearchIndex(qint64 runId, const QString &className, const QString &split, const QByteArray &state);
    QByteArray loadSearchIndex(qint64 runId, const QString &className, const QString &split) const; // empty: none

    // --- the user's tags ("hard" / "ok"; one per image, empty clears) ------------------
    void setImageTag(const QVector<qint64> &imageIds, const QString &tag);
    QHash<qint64, QString> imageTags() const;

    // --- generated samples (ProjectStoreSamples.cpp) -----------------------------------
    // Head retrainings (ProjectStoreRetrains.cpp), newest first.
    qint64 addRetrain(const StoredRetrain &retrain); // created defaults to now; returns the id
    void setRetrainReport(qint64 id, const QString &reportJson);
    QVector<StoredRetrain> retrains() const;

    qint64 addGeneratedSample(const GeneratedSample &sample); // created defaults to now; returns the id
    QVector<GeneratedSample> generatedSamples(const QString &className = QString()) const; // oldest first
    QVector<GeneratedSample> generatedSamples(const QVector<qint64> &ids) const;
    void storeSampleVerdicts(const QVector<SampleVerdict> &verdicts);
    void removeGeneratedSamples(const QVector<qint64> &ids);

private:
    void checkVersion() const; // throws Error, writes nothing
    // The id of the set `name` (empty: the current set; 0 when the project has none). Throws
    // Error naming the stored sets when a named one is absent.
    qint64 predictionSetId(const QString &name) const;
    void migrate();

    QString m_path;
    QString m_connection;
    QSqlDatabase m_db;
    int m_transactionDepth = 0;
    mutable bool m_inSummary = false; // cachedSummary() runs
    static constexpr int kBusyTimeoutMs = 10000; // what a statement outside transaction() waits

    // A count over every image, kept in summary_cache until a write drops it (triggers); `compute`
    // runs on a miss. Never waits for a lock and never fails for want of one.
    QString cachedSummary(const QString &key, const std::function<QString()> &compute) const;
    // BEGIN IMMEDIATE, waiting for another writer up to storeLockTimeoutSeconds() with a
    // message (StoreAccess.h); Error naming the file and the lock's holder after that.
    void beginWriting();
    // The read-only file or folder when that is why, else what SQLite said, with the store's path.
    Error writeError(const QString &what, const QSqlError &error) const;
};

} // namespace faultline
