#pragma once

#include "common/Diagnostic.h"
#include "export/HardSubsetSelector.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace faultline {

class JobControl;

enum class ExportMode { Copy, Symlink, Manifest };

// "copy" | "symlink" | "manifest" (case-insensitive, surrounding spaces ignored); Error otherwise.
ExportMode parseExportMode(const QString &name);
QString exportModeName(ExportMode mode);

struct ExportSummary
{
    int exported = 0;          // files copied/linked (manifest mode: rows written)
    int skippedExisting = 0;   // targets that already existed and were left untouched
    Diagnostics diagnostics;   // warnings (skipped files) and errors (missing sources, I/O failure)
    QString manifestPath;      // absolute path of the manifest that was written
    QStringList exportedFiles; // destination-relative paths of the files created, manifest order
                               // (empty in manifest mode)
    QVector<int> exportedItems; // indices into the item list of the manifest's rows, in order:
                                // exportedFiles[k] holds item exportedItems[k]
    bool stoppedEarly = false; // a write error on the destination ended the export; the
                               // diagnostics say where and why, the manifest lists what was done
};

// Exports a hard subset under DESTINATION (created if missing):
//   Copy:     DESTINATION/<sanitised class>/<file name> is a copy of DATASET_ROOT/relativePath
//   Symlink:  ... is a symbolic link to the absolute path of DATASET_ROOT/relativePath
//   Manifest: only the manifest is written
// plus DESTINATION/manifest.csv: UTF-8, '\n' line ends, header `path,class,decision_value,rank`,
// one row per exported item, path = the source's dataset-relative path, class = the original
// (unsanitised) class name, decision_value in shortest round-trip form, RFC 4180 quoting.
//
// Guarantees:
// - Nothing is ever overwritten. A target that already exists is skipped, counted in
//   skippedExisting and reported as a warning. An existing manifest.csv is kept and the
//   manifest goes to manifest-2.csv (manifest-3.csv, ...) instead.
// - Target names depend only on the item list: items of one class whose file names clash
//   (train/Bag/1.png, pool/Bag/1.png) become "1.png", "1 (2).png" in item order, so a
//   re-run into the same destination skips everything it exported before.
// - Class directory names go through sanitizeFileName(); distinct classes whose sanitised
//   names are equal, even only up to case, get distinct directories (hash suffix).
// - A copy is written to a hidden temporary file in the target directory and renamed into
//   place (no-replace), so no half-written file ever appears under a final name.
// - A missing or unreadable source, or a relativePath that is absolute or contains "..",
//   is an error Diagnostic for that item; the export goes on.
// - A write error on the destination (disk full, permission denied, a file where a
//   directory should be) is an error Diagnostic naming the file and the OS reason; the
//   export stops there (stoppedEarly). On cancellation (JobCancelled from control) the
//   export also stops between files. In both cases the manifest is still written and lists
//   exactly the files that were exported.
// - The manifest is written atomically (QSaveFile). If it cannot be written, the files this
//   call created are removed again and Error is thrown.
// Throws Error when DESTINATION cannot be created or no free manifest name is left.
// Progress: control->report(done, items.size(), "export") after each item.
ExportSummary exportHardSubset(const QString &datasetRoot, const QVector<ExportItem> &items,
                               const QString &destination, ExportMode mode,
                               JobControl *control = nullptr);

// DIR/STEM.csv, else DIR/STEM-2.csv, DIR/STEM-3.csv, …: the first name that is not taken, so an
// export never overwrites an earlier one's CSV; empty when STEM.csv .. STEM-9999.csv all exist.
QString freeCsvPath(const QString &dir, const QString &stem);

// Makes NAME safe as one file or directory name on Linux, macOS and Windows:
// path separators, control characters and <>:"|?* become '_'; leading dots/spaces and
// trailing dots/spaces are dropped (no "..", no hidden names); Windows device names
// (CON, PRN, AUX, NUL, COM1-9, LPT1-9, any case, with or without extension) are avoided;
// the result is never empty and at most 128 UTF-8 bytes. Non-ASCII letters are kept.
// A name that is already safe is returned unchanged; any name that had to change gets
// "_" + 8 hex digits of SHA-1(NAME) before its extension, so distinct names never merge.
QString sanitizeFileName(const QString &name);

} // namespace faultline
