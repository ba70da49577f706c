#include "support/SplitTitle.h"

#include <QCoreApplication>

namespace faultline {

QString splitTitle(Split split)
{
    switch (split) {
    case Split::Train: return QCoreApplication::translate("faultline::SplitTitle", "Train");
    case Split::Val: return QCoreApplication::translate("faultline::SplitTitle", "Validation");
    case Split::Test: return QCoreApplication::translate("faultline::SplitTitle", "Test");
    case Split::Pool: return QCoreApplication::translate("faultline::SplitTitle", "Pool");
    case Split::Unassigned: break;
    }
    return QCoreApplication::translate("faultline::SplitTitle", "none");
}

} // namespace faultline
