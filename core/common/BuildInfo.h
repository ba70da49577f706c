#pragma once
// What this build is: Faultline's version and git revision, and the third-party libraries it
// is built on with their licences (Help ▸ About, --version, the installers' notices).
#include <QString>
#include <QVector>

namespace faultline {

extern const char *const kVersion;  // CMake's project version, e.g. "0.1.0"
extern const char *const kRevision; // `git describe` of the source tree, e.g. "26f3e47c-dirty"

struct ThirdPartyComponent
{
    QString name;
    QString version; // of the library this binary runs with (or was built against)
    QString licence; // SPDX identifier
    QString url;
};

// "0.1.0 (26f3e47c)"
QString versionString();
// Qt, libtorch, OpenCV, Eigen, LIBSVM, SQLite (and QCustomPlot, added by the workbench).
QVector<ThirdPartyComponent> thirdPartyComponents();

} // namespace faultline
