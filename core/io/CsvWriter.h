#pragma once

#include <QString>
#include <QStringList>

namespace faultline {

// One RFC 4180 line: fields with a comma, quote, CR or LF are quoted, quotes doubled.
QString csvLine(const QStringList &fields);

} // namespace faultline
