#pragma once

#include <QString>
#include <QVector>

namespace faultline {

// One problem found in user input that did not stop the operation (a skipped row,
// an unreadable image). Collected and reported, never silently dropped.
struct Diagnostic
{
    enum class Severity { Warning, Error };

    Severity severity = Severity::Error;
    QString file;     // the file the problem is in
    int line = 0;     // 1-based line, 0 when not line-based
    QString field;    // column or key, empty when not field-specific
    QString message;

    // "file:line: field: message", the format compilers use, so editors can jump to it.
    QString toString() const;
};

using Diagnostics = QVector<Diagnostic>;

} // namespace faultline
