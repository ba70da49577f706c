// The shipped translations: every message of translations/faultline_<lang>.ts is finished and
// keeps its source's placeholders, HTML, accelerator and shortcut strings; the embedded .qm loads
// from Settings, and the main window then shows German menus (one accelerator per key), split
// names and numbers.

#include "support/AppSettings.h"
#include "gallery/GalleryView.h"
#include "gallery/GalleryModel.h"
#include "window/MainWindow.h"
#include "session/ProjectSession.h"
#include "support/SplitTitle.h"
#include "support/Translations.h"
#include "window/WelcomePage.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QKeySequence>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTextDocument>
#include <QXmlStreamReader>

using namespace faultline;

namespace {

struct TsMessage
{
    QString context;
    QString source;
    QString type;             // "unfinished", "vanished", … or empty when finished
    bool numerus = false;
    QStringList translations; // one text, or one per plural form
};

// Every message of a Qt Linguist .ts file; an unreadable or malformed file yields an error.
QList<TsMessage> readTs(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QList<TsMessage> messages;
    QString context;
    QXmlStreamReader xml(&file);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == QLatin1String("name")) { // only a <context> has one
            context = xml.readElementText();
            continue;
        }
        if (xml.name() != QLatin1String("message"))
            continue;
        TsMessage message{context, {}, {}, xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes"), {}};
        while (xml.readNextStartElement()) {
            if (xml.name() == QLatin1String("source")) {
                message.source = xml.readElementText();
            } else if (xml.name() == QLatin1String("translation")) {
                message.type = xml.attributes().value(QLatin1String("type")).toString();
                if (!message.numerus)
                    message.translations.append(xml.readElementText());
                else
                    while (xml.readNextStartElement())
                        message.translations.append(xml.readElementText());
            } else {
                xml.skipCurrentElement(); // comments, locations
            }
        }
        messages.append(message);
    }
    if (xml.hasError())
        *error = QStringLiteral("line %1: %2").arg(xml.lineNumber()).arg(xml.errorString());
    return messages;
}

QStringList matches(const QString &text, const QRegularExpression &pattern)
{
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found.append(it.next().captured());
    found.sort();
    return found;
}

// %1…%9, %L1…, %n: each must survive translation exactly as often as in the source.
QStringList placeholders(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("%L?[1-9]|%n"));
    return matches(text, pattern);
}

// Tags and entities ("<tt>", "</p>", "&lt;") of a rich text, order-independent.
QStringList markup(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("</?[A-Za-z][A-Za-z0-9]*[^<>]*>|&[A-Za-z]+;|&#[0-9]+;"));
    return matches(text, pattern);
}

// Whether the text marks a mnemonic: a single '&' that starts no entity ("&&" is a literal '&').
bool hasAccelerator(const QString &text)
{
    static const QRegularExpression entity(QStringLiteral("^&(?:[A-Za-z]+|#[0-9]+);"));
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != QLatin1Char('&'))
            continue;
        if (text.at(i + 1) == QLatin1Char('&'))
            ++i;
        else if (!entity.match(QStringView(text).mid(i)).hasMatch())
            return true;
    }
    return false;
}

// A key sequence given to tr() ("Ctrl+R"): Qt parses the translation, so it must stay as it is.
bool isShortcut(const QString &text)
{
    if (!text.contains(QLatin1Char('+')))
        return false;
    const QKeySequence keys = QKeySequence::fromString(text, QKeySequence::PortableText);
    return keys.count() == 1 && keys.toString(QKeySequence::PortableText) == text;
}

// Why the translation does not fit its source, or empty when it does.
QString mismatch(const QString &source, const QString &translation)
{
    if (translation.trimmed().isEmpty())
        return QStringLiteral("empty translation");
    if (placeholders(source) != placeholders(translation))
        return QStringLiteral("placeholders %1 became %2")
            .arg(placeholders(source).join(QLatin1Char(' ')), placeholders(translation).join(QLatin1Char(' ')));
    const bool richText = Qt::mightBeRichText(source) || Qt::mightBeRichText(translation);
    if (richText && markup(source) != markup(translation))
        return QStringLiteral("HTML %1 became %2")
            .arg(markup(source).join(QLatin1Char(' ')), markup(translation).join(QLatin1Char(' ')));
    if (hasAccelerator(source) != hasAccelerator(translation))
        return QStringLiteral("the & accelerator was %1").arg(hasAccelerator(source) ? QStringLiteral("lost") : QStringLiteral("added"));
    if (isShortcut(source) && translation != source)
        return QStringLiteral("the shortcut must stay \"%1\"").arg(source);
    return {};
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

    static QString tsPath(const QString &language)
    {
        return QStringLiteral(FAULTLINE_TRANSLATIONS_DIR "/faultline_%1.ts").arg(language);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    // The checks below catch what a careless translation does.
    void mismatchCatchesBrokenTranslations()
    {
        QVERIFY(mismatch(QStringLiteral("%1 of %2"), QStringLiteral("%1 von %2")).isEmpty());
        QVERIFY(mismatch(QStringLiteral("%2 after %1"), QStringLiteral("%1 vor %2")).isEmpty()); // reordering is fine
        QVERIFY(mismatch(QStringLiteral("%1 of %2"), QStringLiteral("%1 von")).contains(QLatin1String("placeholders")));
        QVERIFY(mismatch(QStringLiteral("%n image(s)"), QStringLiteral("%1 Bilder")).contains(QLatin1String("placeholders")));
        QVERIFY(mismatch(QStringLiteral("<p>Drop <tt>x</tt></p>"), QStringLiteral("<p>Ziehen x</p>")).contains(QLatin1String("HTML")));
        QVERIFY(mismatch(QStringLiteral("ROOT/&lt;class&gt;"), QStringLiteral("ROOT/<Klasse>")).contains(QLatin1String("HTML")));
        // Plain text shows "<destination>" as it is: a placeholder to translate, not a tag.
        QVERIFY(mismatch(QStringLiteral("Copies to <destination>/"), QStringLiteral("Kopiert nach <Ziel>/")).isEmpty());
        QVERIFY(mismatch(QStringLiteral("&File"), QStringLiteral("Datei")).contains(QLatin1String("accelerator")));
        QVERIFY(mismatch(QStringLiteral("Fish && Chips"), QStringLiteral("Fisch && Pommes")).isEmpty());
        QVERIFY(mismatch(QStringLiteral("Ctrl+PgDown"), QStringLiteral("Strg+Bild ab")).contains(QLatin1String("shortcut")));
        QVERIFY(mismatch(QStringLiteral("Cancel"), QStringLiteral("Abbrechen")).isEmpty()); // a key name, but no shortcut
        QVERIFY(mismatch(QStringLiteral("Run"), QStringLiteral("  ")).contains(QLatin1String("empty")));
        QString error;
        QVERIFY(readTs(QStringLiteral(FAULTLINE_TRANSLATIONS_DIR "/no-such.ts"), &error).isEmpty());
        QVERIFY(!error.isEmpty());
    }

    void everyMessageTranslated_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<int>("pluralForms");
        QTest::newRow("de") << QStringLiteral("de") << 2;
    }

    void everyMessageTranslated()
    {
        QFETCH(QString, language);
        QFETCH(int, pluralForms);
        QString error;
        const QList<TsMessage> messages = readTs(tsPath(language), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(messages.size() > 100);
        QStringList problems;
        for (const TsMessage &m : messages) {
            const QString where = QStringLiteral("[%1] \"%2\": ").arg(m.context, m.source);
            if (!m.type.isEmpty()) {
                problems.append(where + m.type);
                continue;
            }
            if (m.numerus && m.translations.size() != pluralForms)
                problems.append(where + QStringLiteral("%1 plural forms, not %2").arg(m.translations.size()).arg(pluralForms));
            for (const QString &translation : m.translations)
                if (const QString why = mismatch(m.source, translation); !why.isEmpty())
                    problems.append(where + why);
        }
        for (const QString &problem : std::as_const(problems))
            qWarning().noquote() << problem; // QVERIFY2 would cut a long list short
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("%1 problem(s), listed above").arg(problems.size())));
    }

    // Before any translation is installed: an unknown language keeps the English source strings.
    void unknownLanguageStaysEnglish()
    {
        AppSettings::setLanguage(QStringLiteral("xx"));
        QCOMPARE(installTranslations(*qApp), QStringLiteral("en"));
        QCOMPARE(QCoreApplication::translate("faultline::MainWindow", "&File"), QStringLiteral("&File"));
    }

    void germanFromSettings()
    {
        AppSettings::setLanguage(QStringLiteral("de"));
        QCOMPARE(installTranslations(*qApp), QStringLiteral("de"));
        QCOMPARE(QCoreApplication::translate("faultline::MainWindow", "&File"), QStringLiteral("&Datei"));
        QCOMPARE(QCoreApplication::translate("faultline::GalleryView", "%1: %n image(s) shown", nullptr, 1).arg(QStringLiteral("Bag")),
                 QStringLiteral("Bag: 1 Bild angezeigt"));
        QCOMPARE(QCoreApplication::translate("faultline::GalleryView", "%1: %n image(s) shown", nullptr, 7).arg(QStringLiteral("Bag")),
                 QStringLiteral("Bag: 7 Bilder angezeigt"));
        QCOMPARE(QCoreApplication::translate("faultline::MainWindow", "Ctrl+R"), QStringLiteral("Ctrl+R"));
        QCOMPARE(QLocale().toString(0.5), QStringLiteral("0,5")); // numbers follow the language
    }

    // Runs after germanFromSettings: the window as a German user sees it.
    void mainWindowInGerman()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QStringList menus;
        QList<QMenu *> menuList;
        for (QAction *action : window.menuBar()->actions()) {
            menus.append(action->text());
            if (action->menu())
                menuList.append(action->menu());
        }
        QCOMPARE(menus.mid(0, 3), (QStringList{QStringLiteral("&Datei"), QStringLiteral("&Bearbeiten"), QStringLiteral("A&nalyse")}));
        QVERIFY2(menus.contains(QStringLiteral("&Ansicht")) && menus.contains(QStringLiteral("&Hilfe")),
                 qPrintable(menus.join(QLatin1String(", "))));

        // One accelerator per key in the menu bar and in each menu, so Alt+key never has to cycle.
        const auto duplicateMnemonics = [](const QString &where, const QList<QAction *> &actions) {
            QMap<QKeySequence, QString> seen;
            QStringList clashes;
            for (QAction *action : actions) {
                const QKeySequence key = QKeySequence::mnemonic(action->text());
                if (key.isEmpty() || !action->isVisible())
                    continue;
                if (seen.contains(key))
                    clashes.append(QStringLiteral("%1: \"%2\" and \"%3\"").arg(where, seen.value(key), action->text()));
                seen.insert(key, action->text());
            }
            return clashes;
        };
        QStringList clashes = duplicateMnemonics(QStringLiteral("menu bar"), window.menuBar()->actions());
        for (QMenu *menu : menuList)
            clashes += duplicateMnemonics(menu->title(), menu->actions());
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));

        // Split names and numbers in the views are German too.
        QStringList splits;
        const QComboBox *splitCombo = window.galleryView()->findChildren<QComboBox *>().value(0);
        QVERIFY(splitCombo);
        for (int i = 0; i < splitCombo->count(); ++i)
            splits.append(splitCombo->itemText(i));
        QCOMPARE(splits, (QStringList{QStringLiteral("Test"), QStringLiteral("Validierung"), QStringLiteral("Pool"),
                                      QStringLiteral("Training"), QStringLiteral("Alle Teilmengen")}));
        QCOMPARE(splitTitle(Split::Unassigned), QStringLiteral("keine"));
        QCOMPARE(GalleryModel::decisionText(-2.3104), QStringLiteral("\u2212" "2,310"));

        QVERIFY(window.welcomePage()->isVisible());
        QStringList buttons;
        for (QPushButton *button : window.welcomePage()->findChildren<QPushButton *>())
            buttons.append(button->text());
        QVERIFY2(buttons.contains(QStringLiteral("Datensatzordner öffnen…")), qPrintable(buttons.join(QLatin1String(", "))));
    }

    void availableLanguagesListsEnglishAndGerman()
    {
        const QList<QPair<QString, QString>> languages = availableLanguages();
        QVERIFY(languages.size() >= 2);
        QCOMPARE(languages.first(), qMakePair(QStringLiteral("en"), QStringLiteral("English")));
        QVERIFY(languages.contains(qMakePair(QStringLiteral("de"), QStringLiteral("Deutsch"))));
    }

    void cleanupTestCase() { QSettings().clear(); }
};

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
