#include "io/CsvWriter.h"

namespace faultline {

QString csvLine(const QStringList &fields)
{
    QStringList out;
    out.reserve(fields.size());
    for (const QString &field : fields) {
        // Edge spaces are quoted too, so readers that trim unquoted fields keep them.
        const bool quote = field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"'))
                        || field.contains(QLatin1Char('\n')) || field.contains(QLatin1Char('\r'))
                        || (!field.isEmpty() && (field.front().isSpace() || field.back().isSpace()));
        if (!quote) {
            out << field;
            continue;
        }
        QString escaped = field;
        escaped.replace(QLatin1String("\""), QLatin1String("\"\""));
        out << QLatin1Char('"') + escaped + QLatin1Char('"');
    }
    return out.join(QLatin1Char(',')) + QLatin1Char('\n');
}

} // namespace faultline
