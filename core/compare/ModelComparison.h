#pragma once
// Several models of one dataset side by side (issue 13; paper 002 Sec. 5.2–5.3): each model is a
// prediction set of the project. On the images every chosen model predicted (the test split by
// default): accuracy per model and class, how much their failures overlap (intersection over
// union of the sets of misclassified images, per class and overall: Fig. 4), the images all of
// them get wrong (collective failures), and, where two models were analysed with the same
// embedding model, the cosine between their classes' failure directions.
#include "dataset/Split.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace faultline {

class ProjectStore;

struct ModelComparisonRequest
{
    QStringList models;                       // prediction sets, in this order; empty: every set
    std::optional<Split> split = Split::Test; // unset: every image
};

struct ModelAccuracy
{
    QString model;
    QString className; // "all" for the whole split
    int images = 0;
    int correct = 0;
    QVector<qint64> wrong; // the misclassified images, by path
    double accuracy() const { return images > 0 ? double(correct) / images : 0; }
};

// Failures of two models on one class's images (className "all": every image).
struct FailureOverlap
{
    QString className;
    QString modelA, modelB;
    QVector<qint64> both;   // misclassified by both, by image id
    int unionCount = 0;     // misclassified by either
    int intersection() const { return int(both.size()); }
    // Empty when neither model fails on any of these images.
    std::optional<double> iou() const
    {
        return unionCount > 0 ? std::optional<double>(double(both.size()) / unionCount) : std::nullopt;
    }
};

struct CollectiveFailure
{
    qint64 imageId = 0;
    QString path;
    QString label;
    QStringList predictions; // one per model, in the comparison's order
};

// Cosine between two runs' failure directions of a class, in the embedding space the runs share
// (each normal mapped back through its run's whitening: w / std).
struct DirectionCosine
{
    QString className;
    QString modelA, modelB;
    qint64 runA = 0, runB = 0;
    double cosine = 0;
};

// An image every compared model predicted.
struct ComparedImage
{
    QString path;            // dataset-relative
    QString label;
    QStringList predictions; // one per model, in the comparison's order
    // Its decision value in the first model's latest run (how hard that run ranks it); unset
    // when that model has no run or the run did not fit the class.
    std::optional<double> decisionValue;
};

struct ModelComparison
{
    QStringList models;
    QString split;                        // the split's name, or "all"
    QStringList classes;                  // by name
    int images = 0;                       // predicted by every model
    QVector<ModelAccuracy> accuracy;      // per model: "all" first, then each class
    QVector<FailureOverlap> overlaps;     // per class ("all" first) and pair of models (a before b)
    QVector<CollectiveFailure> collective; // by path
    QVector<DirectionCosine> cosines;     // per pair and class both latest runs fitted
    QStringList notes;                    // images left out, models without a run to compare directions
    QHash<qint64, ComparedImage> compared; // by image id: what the id lists above refer to
};

// Error naming what is missing: fewer than two models, an unknown one (with the stored names), no
// image every model predicted in the split.
ModelComparison compareModels(const ProjectStore &store, const ModelComparisonRequest &request);

} // namespace faultline
