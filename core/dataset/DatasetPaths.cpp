#include "dataset/DatasetPaths.h"

#include <QDir>

namespace faultline {

QString normalizeDatasetPath(const QString &path)
{
    QString p = path.trimmed();
    p.replace(QLatin1Char('\\'), QLatin1Char('/'));
    p = QDir::cleanPath(p);
    while (p.startsWith(QLatin1String("./")))
        p.remove(0, 2);
    return p;
}

} // namespace faultline
