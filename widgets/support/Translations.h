#pragma once

#include <QString>

class QCoreApplication;

namespace faultline {

// Installs the workbench's translation (and Qt's own, for standard dialogs) for the language
// chosen in Settings, or the system's when none is chosen. Returns the language loaded ("de"),
// or "en" when the strings stay in English (the source language, or no translation exists).
QString installTranslations(QCoreApplication &app);

// Languages the workbench ships, as (locale name, native name): "en" first.
QList<QPair<QString, QString>> availableLanguages();

} // namespace faultline
