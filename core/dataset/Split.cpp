#include "dataset/Split.h"

namespace faultline {

bool splitFromName(const QString &name, Split *split)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("train"))
        *split = Split::Train;
    else if (n == QLatin1String("val") || n == QLatin1String("validation") || n == QLatin1String("valid"))
        *split = Split::Val;
    else if (n == QLatin1String("test"))
        *split = Split::Test;
    else if (n == QLatin1String("pool") || n == QLatin1String("extra"))
        *split = Split::Pool;
    else if (n.isEmpty())
        *split = Split::Unassigned;
    else
        return false;
    return true;
}

QString splitName(Split split)
{
    switch (split) {
    case Split::Train: return QStringLiteral("train");
    case Split::Val: return QStringLiteral("val");
    case Split::Test: return QStringLiteral("test");
    case Split::Pool: return QStringLiteral("pool");
    case Split::Unassigned: break;
    }
    return QStringLiteral(""); // not a null QString: SQL binds that as NULL

}

} // namespace faultline
