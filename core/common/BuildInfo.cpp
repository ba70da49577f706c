// torch/version.h first: Qt's headers must never precede libtorch's (see CMakeLists.txt).
#include <torch/version.h>

#include "common/BuildInfo.h"

#include <Eigen/Core>
#include <opencv2/core/version.hpp>
#include <sqlite3.h>
#include <svm.h>

namespace faultline {

QString versionString()
{
    return QStringLiteral("%1 (%2)").arg(QLatin1String(kVersion), QLatin1String(kRevision));
}

QVector<ThirdPartyComponent> thirdPartyComponents()
{
    return {
        {QStringLiteral("Qt"), QString::fromLatin1(qVersion()), QStringLiteral("LGPL-3.0-only"),
         QStringLiteral("https://www.qt.io")},
        {QStringLiteral("libtorch (PyTorch)"), QStringLiteral(TORCH_VERSION), QStringLiteral("BSD-3-Clause"),
         QStringLiteral("https://pytorch.org")},
        {QStringLiteral("OpenCV"), QStringLiteral(CV_VERSION), QStringLiteral("Apache-2.0"),
         QStringLiteral("https://opencv.org")},
        {QStringLiteral("Eigen"),
         QStringLiteral("%1.%2.%3").arg(EIGEN_WORLD_VERSION).arg(EIGEN_MAJOR_VERSION).arg(EIGEN_MINOR_VERSION),
         QStringLiteral("MPL-2.0"), QStringLiteral("https://eigen.tuxfamily.org")},
        {QStringLiteral("LIBSVM"), QStringLiteral("%1.%2").arg(LIBSVM_VERSION / 100).arg(LIBSVM_VERSION % 100, 2, 10, QLatin1Char('0')),
         QStringLiteral("BSD-3-Clause"), QStringLiteral("https://www.csie.ntu.edu.tw/~cjlin/libsvm/")},
        {QStringLiteral("SQLite"), QString::fromLatin1(sqlite3_libversion()), QStringLiteral("blessing (public domain)"),
         QStringLiteral("https://sqlite.org")},
    };
}

} // namespace faultline
