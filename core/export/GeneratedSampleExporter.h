#pragma once

#include "export/HardSubsetExporter.h"
#include "store/StoreTypes.h"

#include <QString>
#include <QVector>

namespace faultline {

class JobControl;

// Exports generated (and retrieved) samples like real images, so they can be trained or tested on:
// one ImageFolder tree per group, DESTINATION/<group>/<class>/<file name>, each written by
// exportHardSubset with all its guarantees (nothing overwritten, sanitised names, stable names on
// a re-run, copy/symlink/manifest modes, its manifest.csv per group folder, whose decision_value
// is "nan": a generated sample has none), plus DESTINATION/generated.csv with the provenance of
// every sample this call exported, in sample order. Header:
//   id,class,group,origin,prompt,alpha,seed,backend,path,source,prediction,confidence,classifier,created
// path: the destination-relative file (empty in manifest mode); source: the sample's
// dataset-relative file; alpha, prediction, confidence, classifier: empty when unknown;
// created: ISO 8601 UTC. Like manifest.csv, an existing generated.csv is kept and the rows go to
// generated-2.csv (-3, …) instead; it is written atomically.
//
// The summary adds up the groups' (exportedFiles destination-relative, exportedItems indices into
// SAMPLES); manifestPath is the generated.csv written. A write error in one group stops the export
// there (stoppedEarly), and generated.csv still lists what was exported. On cancellation
// (JobCancelled) no generated.csv is written: each group's manifest.csv lists what it exported.
// Throws Error as exportHardSubset does, and when generated.csv cannot be written.
// Progress: exportHardSubset's, group by group.
ExportSummary exportGeneratedSamples(const QString &datasetRoot, const QVector<GeneratedSample> &samples,
                                     const QString &destination, ExportMode mode, JobControl *control = nullptr);

} // namespace faultline
