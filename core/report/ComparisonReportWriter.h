#pragma once

#include <QString>

namespace faultline {

struct ModelComparison;

// Writes a model comparison into `outDir` (each file replaced whole, atomically):
//   models.csv               model, class, n, accuracy        ("all" rows first)
//   failure_iou.csv          class, model_a, model_b, intersection, union, iou (empty when neither fails)
//   collective_failures.csv  path, label, one prediction column per model (images every model gets wrong)
//   direction_cosines.csv    class, model_a, model_b, run_a, run_b, cosine
// Throws Error naming the folder or file that cannot be written.
void writeComparisonReport(const ModelComparison &comparison, const QString &outDir);

} // namespace faultline
