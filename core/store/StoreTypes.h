#pragma once

#include "dataset/Split.h"

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QVector>
#include <optional>
#include <vector>

namespace faultline {

// What the scanner saw of a file; unchanged (size, mtime) means no re-read on reopen.
struct FileStamp
{
    qint64 size = 0;
    qint64 mtimeMs = 0;
    bool operator==(const FileStamp &o) const { return size == o.size && mtimeMs == o.mtimeMs; }
};

struct StoredImage
{
    qint64 id = 0;
    QString path;          // dataset-relative, '/' separated
    QString folderClass;   // from the folder layout
    Split folderSplit = Split::Unassigned;
    FileStamp stamp;
    bool readable = true;
    QString readError;
    bool missing = false;        // gone from the dataset folder at the last scan (rows kept)
    QString contentHash;         // SHA-256 of the file's bytes (hex); empty when not known yet
    bool moved = false;          // applyScan: a known image (by content) found at a new path
    bool contentChanged = false; // applyScan: its bytes differ from what its rows describe
};

// A predictions CSV row after validation against the scanned images.
struct PredictionRecord
{
    qint64 imageId = 0;
    QString label;               // empty: use the folder's class
    QString prediction;
    std::optional<Split> split;  // unset: use the folder's split
    std::optional<double> confidence;
    int sourceLine = 0;
};

// One model's predictions of the dataset, under the name the user gave it (issue 13: a project
// holds one set per model; an older project's single set is "default").
struct PredictionSetInfo
{
    qint64 id = 0;
    QString name;
    QString source;      // the CSV, "classifier:<file name>" or the shard set's model
    QString classifier;  // JSON ClassifierSpec of the classifier that made it; empty for a CSV
    QDateTime created;   // when its rows were last replaced
    qint64 count = 0;    // its rows
};

// An image with everything the analysis needs, label and split already resolved.
struct LabeledImage
{
    qint64 id = 0;
    QString path;
    QString label;
    QString prediction;
    Split split = Split::Unassigned;
    std::optional<double> confidence;
    bool correct() const { return label == prediction; }
};

struct EmbeddingModelInfo
{
    qint64 id = 0;
    QString name;
    int dim = 0;
    QString source;
    qint64 count = 0;
    QString contentHash; // imports: SHA-256 of the .npy and paths files; empty otherwise
};

// Embedding models named "features:<file>@<sha>" hold a classifier's penultimate features,
// cached to retrain its head (fix/HeadRetraining), not CLIP embeddings: analyses never pick them.
inline QString classifierFeatureModelName(const QString &fileName, const QString &shaPrefix)
{
    return QStringLiteral("features:%1@%2").arg(fileName, shaPrefix);
}
inline bool isClassifierFeatureModel(const QString &name)
{
    return name.startsWith(QLatin1String("features:"));
}

struct RunInfo
{
    qint64 id = 0;
    QDateTime created;
    QDateTime finished;
    QString status;     // running | done | failed | cancelled | interrupted
    QString params;     // JSON
    qint64 embeddingModelId = 0;
    QString message;
    QString predictionSet; // the prediction set (model) it analysed
};

struct RunClassRow
{
    QString className;
    int nFit = 0;
    int nFitErrors = 0;
    std::optional<double> cvBalancedAccuracy;
    std::optional<double> C;
    QString status;     // ok | skipped
    QString reason;
};

// A fitted class of a run: everything needed to score new vectors the way its images were.
struct ClassDirection
{
    QString className;
    std::vector<double> normal;   // in whitened, L2-normalised space
    double bias = 0;
    double cvBalancedAccuracy = 0;
};

struct RunWhitening
{
    std::vector<double> mean;
    std::vector<double> stddev;
};

struct RunScoreRow
{
    qint64 imageId = 0;
    QString path;
    Split split = Split::Unassigned;
    QString label;
    QString prediction;
    std::optional<double> decisionValue;
    std::optional<double> hardness; // HardnessRanking's score (lower = harder); absent in older runs
};

// A run's rows of one class (its label): how many, and how many the classifier got wrong.
struct RunClassCount
{
    QString className;
    int images = 0;
    int errors = 0;
};

// An image a generation backend made (or retrieval found) for one class's failure mode, with
// what it takes to make it again (prompt or vector, seed, backend parameters) and, once
// checked, the classifier's verdict on it.
// One head retraining (issue 13): what was done and what came of it.
struct StoredRetrain
{
    qint64 id = 0;
    QDateTime created;
    qint64 runId = 0;
    QString classifier;   // the original TorchScript file
    QString intervention; // filter-svm, filter-confidence, filter-random, upweight, synthetic
    QString parameters;   // JSON: K, factor, λ, epochs, learning rate, …
    QString report;       // JSON: accuracy before and after, overall, per class, hard and rest
    QString output;       // the retrained classifier's file; empty when none was written
};

struct GeneratedSample
{
    qint64 id = 0;
    qint64 runId = 0;              // the run whose direction or captions asked for it; 0 = none
    QString className;
    QString group;                 // hard | easy | reference
    QString origin;                // caption | slerp | background
    QString prompt;                // the text prompt (also set for slerp: the reference caption)
    std::vector<float> embedding;  // slerp: the unit CLIP vector that was decoded
    QString embeddingSpace;        // its CLIP model
    std::optional<double> alpha;   // slerp: the slider's difficulty in [-1, 1]
    qint64 seed = 0;
    QString backend;
    QString parameters;            // JSON: request, backend and what the backend reported
    QDateTime created;
    QString file;                  // dataset-relative: .faultline/generated/… or, retrieved, the real image
    QString sourceImage;           // retrieval: the real image's dataset-relative path
    QString prediction;            // the classifier's verdict; empty until checked
    std::optional<double> confidence; // its probability of className
    QDateTime checked;
    QString classifier;
    std::optional<bool> correct() const
    {
        return prediction.isEmpty() ? std::nullopt : std::optional<bool>(prediction == className);
    }
};

struct SampleVerdict
{
    qint64 sampleId = 0;
    QString prediction;
    double confidence = 0;         // probability of the sample's class
    QString classifier;            // which classifier (its file name)
};

// How many of the images an analysis reads (readable, present, predicted when there are
// predictions) have a vector from one embedding model.
struct EmbeddingCoverage
{
    qint64 covered = 0;
    qint64 needed = 0;
    bool complete() const { return needed > 0 && covered == needed; }
};

struct ImageCounts
{
    int images = 0;
    int unreadable = 0;
    QMap<Split, int> splitImages; // with predictions: readable predicted images by their resolved split
};

} // namespace faultline
