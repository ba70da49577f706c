#pragma once

#include <QStringList>
#include <QString>

namespace faultline {

// The canonical dataset-relative form used as the key everywhere: '/' separators, no "./"
// prefix, no duplicate slashes. Paths from CSVs and path lists go through it before lookup.
QString normalizeDatasetPath(const QString &path);

// One dataset path per line (UTF-8, '\n' or "\r\n"; a final empty line ignored), as an
// embeddings or features .npy names its rows. Error "<file>:<line>: …" for invalid UTF-8.
QStringList readPathLines(const QString &pathsFile);

} // namespace faultline
