#pragma once

#include <QString>
#include <QStringList>

namespace faultline {

// One RFC 4180 line ending in LF: fields with a comma, quote, CR, LF or edge spaces are
// quoted, quotes doubled.
QString csvLine(const QStringList &fields);

} // namespace faultline
