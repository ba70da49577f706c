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
    Diagnostics diagnostics;
};

// Reads a predictions CSV (RFC 4180; columns path, prediction, optional label, split,
// confidence) and replaces the store's predictions with its valid rows. Every row that
// cannot be used is reported with its line: a missing or unreadable file, an unknown class,
// a duplicate path, a bad split or confidence, bytes that are not UTF-8.
// Throws Error when the file cannot be read or lacks a required column.
PredictionsReport importPredictions(const QString &csvPath, ProjectStore &store);

} // namespace faultline
