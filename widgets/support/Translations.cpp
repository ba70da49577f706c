#include "support/Translations.h"

#include "support/AppSettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace faultline {

namespace {

// qt_add_translations embeds faultline_<lang>.qm here (widgets/CMakeLists.txt).
const char *const kResourceDir = ":/translations";

} // namespace

QString installTranslations(QCoreApplication &app)
{
    const QString chosen = AppSettings::language();
    const QLocale locale = chosen.isEmpty() ? QLocale::system() : QLocale(chosen);
    auto *own = new QTranslator(&app);
    if (!own->load(locale, QStringLiteral("faultline"), QStringLiteral("_"), QLatin1String(kResourceDir))) {
        delete own;
        return QStringLiteral("en");
    }
    QCoreApplication::installTranslator(own);
    // Qt's strings (file dialogs, standard buttons) when Debian's qt6-translations-l10n is installed.
    auto *qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    QLocale::setDefault(locale); // numbers in the views follow the language
    return QFileInfo(own->filePath()).completeBaseName().section(QLatin1Char('_'), 1);
}

QList<QPair<QString, QString>> availableLanguages()
{
    QList<QPair<QString, QString>> languages{{QStringLiteral("en"), QStringLiteral("English")}};
    const QStringList files = QDir(QLatin1String(kResourceDir)).entryList({QStringLiteral("faultline_*.qm")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const QString name = QFileInfo(file).completeBaseName().section(QLatin1Char('_'), 1);
        const QString native = QLocale(name).nativeLanguageName();
        languages.append({name, native.isEmpty() ? name : native.left(1).toUpper() + native.mid(1)});
    }
    return languages;
}

} // namespace faultline
