#pragma once
// Reading whole files of outside data without trusting them: what is not a regular file (a
// device, a FIFO, a socket, a symlink to one of them: /dev/zero never ends) is refused, and so is
// a file larger than its kind may be, before anything is read into memory.
#include <QByteArray>
#include <QString>

namespace faultline {

// Limits per kind of file (bytes). A predictions CSV of 10M rows is about 1 GiB.
constexpr qint64 kMaxCsvBytes = qint64(4) << 30;
constexpr qint64 kMaxImageFileBytes = qint64(512) << 20;
constexpr qint64 kMaxSmallTextBytes = qint64(64) << 20; // class names, specs, vocabularies

// Error("<path>: not a regular file (…)") when `path` names something that is not a regular
// file (symlinks followed; a missing file is left to the caller's open), and "<path>: N MiB is larger than the M MiB a <kind> may be" when it
// is larger than `maxBytes`. `kind` names the file in the message, e.g. "predictions CSV".
void requireRegularFile(const QString &path, qint64 maxBytes, const QString &kind);

// requireRegularFile, then the whole file (Error "<path>: cannot open/read: …").
QByteArray readBoundedFile(const QString &path, qint64 maxBytes, const QString &kind);

} // namespace faultline
