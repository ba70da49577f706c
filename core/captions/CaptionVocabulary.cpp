#include "captions/CaptionVocabulary.h"

#include "captions/CaptionCandidates.h"
#include "common/Error.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace faultline {

const QString CaptionVocabulary::kFormat = QStringLiteral("faultline-caption-vocabulary");

namespace {

const QString kClassPlaceholder = QStringLiteral("{class}");
constexpr qint64 kMaxFileBytes = 16 * 1024 * 1024;

// "classes" + "cat" → "classes.cat"; keys that are not plain words are quoted: classes["a b"].
QString childPath(const QString &parent, const QString &key)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_][A-Za-z0-9_-]*$"));
    if (plain.match(key).hasMatch())
        return parent.isEmpty() ? key : parent + QLatin1Char('.') + key;
    QString quoted = key;
    quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return parent + QStringLiteral("[\"%1\"]").arg(quoted);
}

QString indexPath(const QString &parent, qsizetype index)
{
    return parent + QStringLiteral("[%1]").arg(index);
}

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("nothing");
}

int editDistance(const QString &a, const QString &b)
{
    QVector<int> previous(b.size() + 1), current(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int substitution = previous[j - 1] + (a.at(i - 1) == b.at(j - 1) ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

// Line and column (both 1-based; the column counts characters, not bytes) of a byte offset
// into UTF-8 text.
QPair<int, int> lineAndColumn(const QByteArray &data, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, data.size());
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < offset; ++i) {
        const auto byte = static_cast<unsigned char>(data.at(i));
        if (byte == '\n') {
            ++line;
            column = 1;
        } else if ((byte & 0xC0) != 0x80) {
            ++column;
        }
    }
    return {line, column};
}

} // namespace

QString normalizedCaptionClassName(const QString &className)
{
    QString name = className;
    name.replace(QLatin1Char('_'), QLatin1Char(' '));
    return name.simplified().toLower();
}

// Reads the JSON document into a CaptionVocabulary, naming the JSON path of every problem.
class CaptionVocabularyReader
{
public:
    CaptionVocabularyReader(CaptionVocabulary &vocabulary, const QString &source)
        : m_vocabulary(vocabulary), m_source(source) {}

    [[noreturn]] void fail(const QString &path, const QString &what) const
    {
        if (path.isEmpty())
            throw Error(QStringLiteral("%1: %2").arg(m_source, what));
        throw Error(QStringLiteral("%1: %2: %3").arg(m_source, path, what));
    }

    void checkKeys(const QJsonObject &object, const QString &path, const QStringList &allowed) const
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (allowed.contains(it.key()))
                continue;
            QString best;
            int bestDistance = 3;
            for (const QString &candidate : allowed) {
                const int distance = editDistance(it.key().toLower(), candidate);
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = candidate;
                }
            }
            QString what = QStringLiteral("unknown key \"%1\"").arg(it.key());
            const QString extended = it.key().mid(6);
            if (it.key().startsWith(QLatin1String("extra_")) && allowed.contains(extended))
                fail(path, what + QStringLiteral(" (\"extra_\" lists extend inherited words, in a group or a class "
                                                 "entry; here use \"%1\")").arg(extended));
            what += best.isEmpty() ? QStringLiteral(" (known: %1)").arg(allowed.join(QLatin1String(", ")))
                                   : QStringLiteral(" (did you mean \"%1\"?)").arg(best);
            fail(path, what);
        }
    }

    QString text(const QJsonValue &value, const QString &path, bool allowEmpty = false) const
    {
        if (!value.isString())
            fail(path, QStringLiteral("expected a string, found %1").arg(jsonTypeName(value)));
        const QString result = value.toString().simplified();
        if (!allowEmpty && result.isEmpty())
            fail(path, QStringLiteral("must not be empty"));
        return result;
    }

    // A caption word or phrase: non-empty, and "{class}" the only placeholder.
    QString word(const QJsonValue &value, const QString &path) const
    {
        const QString result = text(value, path);
        checkPlaceholders(result, path);
        return result;
    }

    void checkPlaceholders(const QString &value, const QString &path) const
    {
        static const QRegularExpression braces(QStringLiteral("\\{[^{}]*\\}|[{}]"));
        for (auto it = braces.globalMatch(value); it.hasNext();) {
            const QString found = it.next().captured();
            if (found != kClassPlaceholder)
                fail(path, QStringLiteral("\"%1\": unknown placeholder \"%2\" (only {class} is replaced)")
                               .arg(value, found));
        }
    }

    QStringList words(const QJsonValue &value, const QString &path, bool allowEmpty) const
    {
        if (!value.isArray())
            fail(path, QStringLiteral("expected an array of strings, found %1").arg(jsonTypeName(value)));
        const QJsonArray array = value.toArray();
        if (!allowEmpty && array.isEmpty())
            fail(path, QStringLiteral("must not be empty"));
        QStringList result;
        for (qsizetype i = 0; i < array.size(); ++i)
            result << word(array.at(i), indexPath(path, i));
        return result;
    }

    void readOverrides(const QJsonObject &object, const QString &path, CaptionVocabulary::Overrides &out) const
    {
        const auto readList = [&](const QString &key, CaptionVocabulary::ListOverride &list, bool allowEmpty) {
            if (object.contains(key)) {
                list.replaces = true;
                list.values = words(object.value(key), childPath(path, key), allowEmpty);
            }
            const QString extraKey = QStringLiteral("extra_") + key;
            if (object.contains(extraKey))
                list.extra = words(object.value(extraKey), childPath(path, extraKey), true);
        };
        readList(QStringLiteral("adjectives"), out.adjectives, true);
        readList(QStringLiteral("nouns"), out.nouns, false);
        readList(QStringLiteral("prepositions"), out.prepositions, true);
        if (object.contains(QLatin1String("reference"))) {
            const QString reference = QStringLiteral("reference");
            out.hasReference = true;
            out.reference = text(object.value(reference), childPath(path, reference));
            checkPlaceholders(out.reference, childPath(path, reference));
        }
    }

    static QStringList overrideKeys()
    {
        return {QStringLiteral("adjectives"), QStringLiteral("extra_adjectives"), QStringLiteral("nouns"),
                QStringLiteral("extra_nouns"), QStringLiteral("prepositions"), QStringLiteral("extra_prepositions"),
                QStringLiteral("reference")};
    }

    void read(const QByteArray &json)
    {
        if (json.trimmed().isEmpty())
            fail(QString(), QStringLiteral("the file is empty (expected a JSON object)"));
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            // Qt's offset is just past the character the parser stopped at (it has read it):
            // report that character, or the end of the text when the parser ran out of it.
            // Qt also says "unterminated object" mid-text (`1,,` or a missing ',' between
            // members), with the offset at the culprit: only an offset at the end ran out.
            const bool ranOut = (parseError.error == QJsonParseError::UnterminatedObject
                                 || parseError.error == QJsonParseError::UnterminatedArray
                                 || parseError.error == QJsonParseError::UnterminatedString)
                && parseError.offset >= json.size();
            const qsizetype offset = ranOut ? json.size() : std::max(0, parseError.offset - 1);
            const auto [line, column] = lineAndColumn(json, offset);
            throw Error(QStringLiteral("%1:%2:%3: %4").arg(m_source).arg(line).arg(column).arg(parseError.errorString()));
        }
        if (!document.isObject())
            fail(QString(), QStringLiteral("expected a JSON object at the top level"));
        const QJsonObject root = document.object();

        // Format and version first: a newer file is reported as newer, not as unknown keys.
        const QString formatKey = QStringLiteral("format");
        if (!root.contains(formatKey))
            fail(formatKey, QStringLiteral("missing; a caption vocabulary starts with \"format\": \"%1\"").arg(CaptionVocabulary::kFormat));
        const QString format = text(root.value(formatKey), formatKey, true);
        if (format != CaptionVocabulary::kFormat)
            fail(formatKey, QStringLiteral("\"%1\" is not \"%2\"").arg(format, CaptionVocabulary::kFormat));
        const QString versionKey = QStringLiteral("version");
        if (!root.contains(versionKey))
            fail(versionKey, QStringLiteral("missing (this Faultline reads version %1)").arg(CaptionVocabulary::kVersion));
        const QJsonValue versionValue = root.value(versionKey);
        const double version = versionValue.toDouble(-1);
        // Range first: converting a double beyond qint64 (1e128) is undefined behaviour.
        if (!versionValue.isDouble() || !std::isfinite(version) || version != std::trunc(version))
            fail(versionKey, QStringLiteral("expected a whole number, found %1").arg(
                                 versionValue.isDouble() ? QString::number(version) : jsonTypeName(versionValue)));
        const QString versionText = std::abs(version) < 1e15 ? QString::number(qint64(version)) : QString::number(version);
        if (version > CaptionVocabulary::kVersion)
            fail(versionKey, QStringLiteral("%1 is newer than this Faultline reads (%2); update Faultline")
                                 .arg(versionText).arg(CaptionVocabulary::kVersion));
        if (version < 1)
            fail(versionKey, QStringLiteral("%1 is not a valid version (this Faultline reads %2)")
                                 .arg(versionText).arg(CaptionVocabulary::kVersion));

        checkKeys(root, QString(),
                  {formatKey, versionKey, QStringLiteral("name"), QStringLiteral("description"),
                   QStringLiteral("article"), QStringLiteral("adjectives"), QStringLiteral("nouns"),
                   QStringLiteral("prepositions"), QStringLiteral("reference"), QStringLiteral("classes"),
                   QStringLiteral("groups")});

        CaptionVocabulary &v = m_vocabulary;
        if (root.contains(QLatin1String("name")))
            v.m_name = text(root.value(QLatin1String("name")), QStringLiteral("name"));
        if (root.contains(QLatin1String("description")))
            v.m_description = text(root.value(QLatin1String("description")), QStringLiteral("description"), true);
        if (root.contains(QLatin1String("article"))) {
            const QString article = text(root.value(QLatin1String("article")), QStringLiteral("article"));
            if (article == QLatin1String("a"))
                v.m_article = CaptionVocabulary::Article::A;
            else if (article == QLatin1String("auto"))
                v.m_article = CaptionVocabulary::Article::Auto;
            else
                fail(QStringLiteral("article"), QStringLiteral("\"%1\" is not \"a\" or \"auto\"").arg(article));
        }
        CaptionVocabulary::Overrides defaults;
        readOverrides(root, QString(), defaults);
        if (defaults.adjectives.replaces)
            v.m_adjectives = defaults.adjectives.values;
        if (defaults.nouns.replaces)
            v.m_nouns = defaults.nouns.values;
        if (defaults.prepositions.replaces)
            v.m_prepositions = defaults.prepositions.values;
        if (defaults.hasReference)
            v.m_reference = defaults.reference;

        if (root.contains(QLatin1String("groups")))
            readGroups(root.value(QLatin1String("groups")));
        if (root.contains(QLatin1String("classes")))
            readClasses(root.value(QLatin1String("classes")));

        const bool nounsOnlyClass = v.m_nouns == QStringList{kClassPlaceholder};
        if (v.m_adjectives.isEmpty() && v.m_prepositions.isEmpty() && nounsOnlyClass && v.m_groups.isEmpty()
            && v.m_classes.isEmpty())
            fail(QString(), QStringLiteral("the vocabulary is empty: it gives no adjectives, prepositions, nouns "
                                           "besides {class}, classes or groups, so no caption besides the reference"));
        checkSizes();
    }

    void readGroups(const QJsonValue &value)
    {
        const QString path = QStringLiteral("groups");
        if (!value.isArray())
            fail(path, QStringLiteral("expected an array of groups, found %1").arg(jsonTypeName(value)));
        const QJsonArray groups = value.toArray();
        QSet<QString> names;
        for (qsizetype i = 0; i < groups.size(); ++i) {
            const QString where = indexPath(path, i);
            if (!groups.at(i).isObject())
                fail(where, QStringLiteral("expected an object, found %1").arg(jsonTypeName(groups.at(i))));
            const QJsonObject object = groups.at(i).toObject();
            checkKeys(object, where,
                      QStringList{QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("classes")}
                          + overrideKeys());
            CaptionVocabulary::Group group;
            if (!object.contains(QLatin1String("name")))
                fail(childPath(where, QStringLiteral("name")), QStringLiteral("missing"));
            group.name = text(object.value(QLatin1String("name")), childPath(where, QStringLiteral("name")));
            if (names.contains(group.name.toLower()))
                fail(childPath(where, QStringLiteral("name")), QStringLiteral("\"%1\" names an earlier group too").arg(group.name));
            names.insert(group.name.toLower());
            if (object.contains(QLatin1String("description")))
                group.description = text(object.value(QLatin1String("description")),
                                          childPath(where, QStringLiteral("description")), true);
            const QString classesPath = childPath(where, QStringLiteral("classes"));
            if (!object.contains(QLatin1String("classes")))
                fail(classesPath, QStringLiteral("missing"));
            const QJsonValue classesValue = object.value(QLatin1String("classes"));
            if (!classesValue.isArray())
                fail(classesPath, QStringLiteral("expected an array of strings, found %1").arg(jsonTypeName(classesValue)));
            const QJsonArray classes = classesValue.toArray();
            for (qsizetype c = 0; c < classes.size(); ++c) {
                const QString classPath = indexPath(classesPath, c);
                const QString className = text(classes.at(c), classPath);
                const QString key = normalizedCaptionClassName(className);
                const auto earlier = m_vocabulary.m_groupIndex.constFind(key);
                if (earlier != m_vocabulary.m_groupIndex.constEnd()) {
                    const QString other = earlier.value() == m_vocabulary.m_groups.size()
                        ? group.name : m_vocabulary.m_groups.at(earlier.value()).name;
                    fail(classPath, QStringLiteral("class \"%1\" is already in group \"%2\"").arg(className, other));
                }
                m_vocabulary.m_groupIndex.insert(key, int(m_vocabulary.m_groups.size()));
                group.classes << className;
            }
            readOverrides(object, where, group.overrides);
            m_vocabulary.m_groups.push_back(group);
        }
    }

    void readClasses(const QJsonValue &value)
    {
        const QString path = QStringLiteral("classes");
        if (!value.isObject())
            fail(path, QStringLiteral("expected an object mapping class names to entries, found %1").arg(jsonTypeName(value)));
        const QJsonObject classes = value.toObject();
        for (auto it = classes.begin(); it != classes.end(); ++it) {
            const QString where = childPath(path, it.key());
            const QString key = normalizedCaptionClassName(it.key());
            if (key.isEmpty())
                fail(where, QStringLiteral("a class name must not be empty"));
            if (m_vocabulary.m_classIndex.contains(key))
                fail(where, QStringLiteral("names the same class as \"%1\" (names are matched case-insensitively, "
                                           "'_' as a space)")
                                .arg(m_vocabulary.m_classes.at(m_vocabulary.m_classIndex.value(key)).name));
            if (!it.value().isObject())
                fail(where, QStringLiteral("expected an object, found %1").arg(jsonTypeName(it.value())));
            const QJsonObject object = it.value().toObject();
            checkKeys(object, where, QStringList{QStringLiteral("description")} + overrideKeys());
            CaptionVocabulary::ClassEntry entry;
            entry.name = it.key();
            if (object.contains(QLatin1String("description")))
                entry.description = text(object.value(QLatin1String("description")),
                                         childPath(where, QStringLiteral("description")), true);
            readOverrides(object, where, entry.overrides);
            m_vocabulary.m_classIndex.insert(key, int(m_vocabulary.m_classes.size()));
            m_vocabulary.m_classes.push_back(entry);
        }
    }

    // Every class resolves to the defaults, a group, a class entry, or a group and an entry:
    // check each such combination against the cap on candidates per class.
    void checkSizes() const
    {
        const CaptionVocabulary &v = m_vocabulary;
        const auto check = [&](const QString &className, const QString &path) {
            const ClassCaptionVocabulary words = v.forClass(className);
            const qint64 count = qint64(words.adjectives.size() + 1) * words.nouns.size()
                * qint64(words.prepositions.size() + 1);
            if (count > CaptionVocabulary::kMaxCandidatesPerClass)
                fail(path, QStringLiteral("%1 adjective choices × %2 nouns × %3 phrase choices = %4 captions, more than "
                                          "the %5 allowed for one class")
                               .arg(words.adjectives.size() + 1).arg(words.nouns.size())
                               .arg(words.prepositions.size() + 1).arg(count).arg(CaptionVocabulary::kMaxCandidatesPerClass));
        };
        check(QStringLiteral("\x01 unnamed class"), QString());
        for (qsizetype g = 0; g < v.m_groups.size(); ++g)
            for (qsizetype c = 0; c < v.m_groups.at(g).classes.size(); ++c)
                check(v.m_groups.at(g).classes.at(c), indexPath(childPath(indexPath(QStringLiteral("groups"), g),
                                                                          QStringLiteral("classes")), c));
        for (const CaptionVocabulary::ClassEntry &entry : v.m_classes)
            check(entry.name, childPath(QStringLiteral("classes"), entry.name));
    }

private:
    CaptionVocabulary &m_vocabulary;
    QString m_source;
};

CaptionVocabulary CaptionVocabulary::fromJson(const QByteArray &json, const QString &source)
{
    CaptionVocabulary vocabulary;
    vocabulary.m_source = source;
    QString name = source.section(QLatin1Char('/'), -1);
    if (name.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        name.chop(5);
    vocabulary.m_name = name;
    CaptionVocabularyReader(vocabulary, source).read(json);
    return vocabulary;
}

CaptionVocabulary CaptionVocabulary::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read the caption vocabulary: %2").arg(path, file.errorString()));
    if (file.size() > kMaxFileBytes)
        throw Error(QStringLiteral("%1: %2 bytes is too large for a caption vocabulary (at most %3)")
                        .arg(path).arg(file.size()).arg(kMaxFileBytes));
    const QByteArray data = file.read(kMaxFileBytes + 1);
    if (file.error() != QFileDevice::NoError)
        throw Error(QStringLiteral("%1: cannot read the caption vocabulary: %2").arg(path, file.errorString()));
    return fromJson(data, path);
}

QStringList CaptionVocabulary::builtinNames()
{
    return {QStringLiteral("generic"), QStringLiteral("cifar10"), QStringLiteral("imagenet"),
            QStringLiteral("celeba"), QStringLiteral("cifar100")};
}

CaptionVocabulary CaptionVocabulary::builtin(const QString &name)
{
    const QString wanted = name.trimmed().toLower();
    if (!builtinNames().contains(wanted))
        throw Error(QStringLiteral("unknown built-in caption vocabulary \"%1\" (known: %2)")
                        .arg(name, builtinNames().join(QLatin1String(", "))));
    return load(QStringLiteral(":/faultline/captions/%1.json").arg(wanted));
}

CaptionVocabulary CaptionVocabulary::open(const QString &nameOrPath)
{
    if (nameOrPath.endsWith(QLatin1String(".json"), Qt::CaseInsensitive) || nameOrPath.contains(QLatin1Char('/'))
        || nameOrPath.contains(QLatin1Char('\\')))
        return load(nameOrPath);
    if (!builtinNames().contains(nameOrPath.trimmed().toLower()))
        throw Error(QStringLiteral("unknown caption vocabulary \"%1\": give one of %2 or the path of a .json file")
                        .arg(nameOrPath, builtinNames().join(QLatin1String(", "))));
    return builtin(nameOrPath);
}

QStringList CaptionVocabulary::namedClasses() const
{
    QStringList names;
    QSet<QString> seen;
    for (const ClassEntry &entry : m_classes) {
        names << entry.name;
        seen.insert(normalizedCaptionClassName(entry.name));
    }
    for (const Group &group : m_groups)
        for (const QString &name : group.classes)
            if (!seen.contains(normalizedCaptionClassName(name)))
                names << name;
    return names;
}

QStringList CaptionVocabulary::groupNames() const
{
    QStringList names;
    for (const Group &group : m_groups)
        names << group.name;
    return names;
}

namespace {

void applyList(QStringList &list, const CaptionVocabulary::ListOverride &override)
{
    if (override.replaces)
        list = override.values;
    list += override.extra;
}

void apply(QStringList &adjectives, QStringList &nouns, QStringList &prepositions, QString &reference,
           const CaptionVocabulary::Overrides &overrides)
{
    applyList(adjectives, overrides.adjectives);
    applyList(nouns, overrides.nouns);
    applyList(prepositions, overrides.prepositions);
    if (overrides.hasReference)
        reference = overrides.reference;
}

// Replaces {class} and drops repeats (case-insensitively), keeping the first.
QStringList substituted(const QStringList &words, const QString &className)
{
    QStringList result;
    QSet<QString> seen;
    for (QString word : words) {
        word.replace(kClassPlaceholder, className);
        word = word.simplified();
        if (word.isEmpty())
            continue;
        const QString key = word.toLower();
        if (seen.contains(key))
            continue;
        seen.insert(key);
        result << word;
    }
    return result;
}

} // namespace

ClassCaptionVocabulary CaptionVocabulary::forClass(const QString &className) const
{
    const QString key = normalizedCaptionClassName(className);
    QString written = className;
    written.replace(QLatin1Char('_'), QLatin1Char(' '));
    written = written.simplified();

    QStringList adjectives = m_adjectives, nouns = m_nouns, prepositions = m_prepositions;
    QString reference = m_reference;
    ClassCaptionVocabulary result;
    result.className = className;
    const auto group = m_groupIndex.constFind(key);
    if (group != m_groupIndex.constEnd()) {
        result.group = m_groups.at(group.value()).name;
        apply(adjectives, nouns, prepositions, reference, m_groups.at(group.value()).overrides);
    }
    const auto entry = m_classIndex.constFind(key);
    if (entry != m_classIndex.constEnd())
        apply(adjectives, nouns, prepositions, reference, m_classes.at(entry.value()).overrides);

    result.adjectives = substituted(adjectives, written);
    result.nouns = substituted(nouns, written);
    result.prepositions = substituted(prepositions, written);
    if (reference.isEmpty()) {
        result.reference = composeCaption(m_article, QString(), written, QString());
    } else {
        reference.replace(kClassPlaceholder, written);
        result.reference = reference.simplified();
    }
    return result;
}

void CaptionVocabulary::setReference(const QString &text)
{
    m_reference = text.simplified();
}

void CaptionVocabulary::setClassReference(const QString &className, const QString &text)
{
    const QString key = normalizedCaptionClassName(className);
    auto entry = m_classIndex.constFind(key);
    if (entry == m_classIndex.constEnd()) {
        ClassEntry created;
        created.name = className;
        entry = m_classIndex.insert(key, int(m_classes.size()));
        m_classes.push_back(created);
    }
    Overrides &overrides = m_classes[entry.value()].overrides;
    overrides.reference = text.simplified();
    overrides.hasReference = !overrides.reference.isEmpty();
    // An empty text falls back to the group's or the vocabulary's reference.
}

} // namespace faultline
