#pragma once

#include <QString>

namespace faultline {

// The canonical dataset-relative form used as the key everywhere: '/' separators, no "./"
// prefix, no duplicate slashes. Paths from CSVs and path lists go through it before lookup.
QString normalizeDatasetPath(const QString &path);

} // namespace faultline
