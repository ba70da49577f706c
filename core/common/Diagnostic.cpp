#include "common/Diagnostic.h"

namespace faultline {

QString Diagnostic::toString() const
{
    QString where = file;
    if (line > 0)
        where += QLatin1Char(':') + QString::number(line);
    QString text = where.isEmpty() ? QString() : where + QLatin1String(": ");
    text += severity == Severity::Error ? QLatin1String("error: ") : QLatin1String("warning: ");
    if (!field.isEmpty())
        text += field + QLatin1String(": ");
    return text + message;
}

} // namespace faultline
