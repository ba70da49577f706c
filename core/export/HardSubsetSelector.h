#pragma once

#include <QString>
#include <QVector>
#include <optional>

namespace faultline {

// One image with its SVM decision value for its own class (most negative = hardest).
struct ScoredImage
{
    QString relativePath; // dataset-relative, '/' separated
    QString className;
    double decisionValue = 0.0;
    qint64 imageId = 0;   // the store's id (0 when unknown): what tags are keyed by
};

// One image chosen for a hard subset.
struct ExportItem
{
    QString relativePath; // dataset-relative, '/' separated
    QString className;
    double decisionValue = 0.0;
    int rank = 0; // 1 = hardest within its class
};

// Exactly one of perClass / threshold must be set.
struct HardSubsetCriteria
{
    int perClass = 0;                 // K > 0: the K most negative images of each class
    std::optional<double> threshold;  // all images with decision value < T (strictly)
};

// Picks the hard subset. The result is sorted by class name (plain, locale-independent
// comparison), then by rank; within a class images are ranked by decision value, ties
// broken by relative path, so the same input always gives the same output. Ranks count
// all images of the class, so the selected images of a class are always ranks 1..n.
// Images whose decision value is NaN are never selected (they have no order).
// Throws Error when both or neither criterion is set, K is negative, or T is NaN.
QVector<ExportItem> selectHardSubset(const QVector<ScoredImage> &images,
                                     const HardSubsetCriteria &criteria);

} // namespace faultline
