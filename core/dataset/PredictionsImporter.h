#pragma once

#include "common/Diagnostic.h"

#include <QString>

namespace faultline {

class ProjectStore;

struct PredictionsReport
{
    int rows = 0;              // data rows in the CSV
    int imported = 0;
    int imagesWithoutPrediction = 0;
    int outsideClasses = 0;    // imported rows predicting a class the dataset does not have (wrong predictions)
    Diagnostics diagnostics;
};

// Reads a predictions CSV (RFC 4180; columns path, prediction, optional label, split,
// confidence) and replaces the prediction set `predictionSet` (empty: the current one, or
// "default") with its valid rows. Every row that
// cannot be used is reported with its line: a missing or unreadable file, a duplicate path, a bad
// split or confidence, bytes that are not UTF-8. A prediction of a class outside the dataset is
// kept as a wrong prediction and counted (outsideClasses, one warning).
// Throws Error when the file cannot be read or lacks a required column.
PredictionsReport importPredictions(const QString &csvPath, ProjectStore &store, const QString &predictionSet = QString());

} // namespace faultline
