#pragma once

#include <QString>

namespace faultline {

class ProjectStore;

// Writes a stored run as OUT/classes.csv (class,n_val,n_val_errors,cv_balanced_accuracy,C,status)
// and OUT/scores.csv (path,split,label,prediction,correct,decision_value), the same columns and
// number formats as the paper's reference pipeline so the two can be compared directly.
// Each file is replaced atomically. Throws Error.
void writeRunReport(const ProjectStore &store, qint64 runId, const QString &outDir);

} // namespace faultline
