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
};

struct RunInfo
{
    qint64 id = 0;
    QDateTime created;
    QDateTime finished;
    QString status;     // running | done | failed | cancelled | interrupted
    QString params;     // JSON
    qint64 embeddingModelId = 0;
    QString message;
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
};

// A run's rows of one class (its label): how many, and how many the classifier got wrong.
struct RunClassCount
{
    QString className;
    int images = 0;
    int errors = 0;
};

struct ImageCounts
{
    int images = 0;
    int unreadable = 0;
    QMap<Split, int> splitImages; // with predictions: readable predicted images by their resolved split
};

} // namespace faultline
