#include "classify/ClassNames.h"

#include "common/Error.h"
#include "io/BoundedFile.h"
#include "io/CsvReader.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

#include <algorithm>

namespace faultline {

namespace {

// Collects index → name entries and checks them: no repeats, no gaps, no empty names.
class IndexedNames
{
public:
    explicit IndexedNames(QString path) : m_path(std::move(path)) {}

    // `where` is "file:line" or "file: key 'x'": the place named in errors.
    void add(qint64 index, const QString &name, const QString &where)
    {
        if (name.trimmed().isEmpty())
            throw Error(QStringLiteral("%1: empty class name").arg(where));
        const auto seen = m_where.constFind(index);
        if (seen != m_where.constEnd())
            throw Error(QStringLiteral("%1: class index %2 given again (first at %3)").arg(where).arg(index).arg(*seen));
        m_names.insert(index, name.trimmed());
        m_where.insert(index, where);
    }

    ClassNames finish() const
    {
        if (m_names.isEmpty())
            throw Error(QStringLiteral("%1: no class names").arg(m_path));
        ClassNames result;
        result.source = m_path;
        qint64 expected = 0;
        for (auto it = m_names.constBegin(); it != m_names.constEnd(); ++it, ++expected) {
            if (it.key() != expected)
                throw Error(QStringLiteral("%1: no name for class index %2 (indices must run 0..N-1 without gaps)")
                                .arg(m_path).arg(expected));
            result.names << it.value();
        }
        return result;
    }

private:
    QString m_path;
    QMap<qint64, QString> m_names;
    QMap<qint64, QString> m_where;
};

bool parseIndex(const QString &text, qint64 *index)
{
    bool ok = false;
    *index = text.trimmed().toLongLong(&ok);
    return ok && *index >= 0;
}

int lineOfOffset(const QByteArray &bytes, qsizetype offset)
{
    return int(bytes.left(offset).count('\n')) + 1;
}

ClassNames fromJson(const QString &path, const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        throw Error(QStringLiteral("%1:%2: not valid JSON: %3").arg(path).arg(lineOfOffset(bytes, error.offset))
                        .arg(error.errorString()));
    IndexedNames names(path);
    if (document.isArray()) {
        const QJsonArray array = document.array();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString where = QStringLiteral("%1: element %2").arg(path).arg(i);
            if (!array[i].isString())
                throw Error(QStringLiteral("%1: not a string").arg(where));
            names.add(i, array[i].toString(), where);
        }
    } else {
        const QJsonObject object = document.object();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QString where = QStringLiteral("%1: key '%2'").arg(path, it.key());
            qint64 index = 0;
            if (!parseIndex(it.key(), &index))
                throw Error(QStringLiteral("%1: not a class index (a non-negative integer)").arg(where));
            if (!it.value().isString())
                throw Error(QStringLiteral("%1: the class name is not a string").arg(where));
            names.add(index, it.value().toString(), where);
        }
    }
    return names.finish();
}

ClassNames fromCsv(const QString &path)
{
    CsvReader reader(path);
    IndexedNames names(path);
    CsvRecord record;
    bool first = true;
    while (reader.next(record)) {
        const QString where = QStringLiteral("%1:%2").arg(path).arg(record.line);
        if (record.invalidEncoding)
            throw Error(QStringLiteral("%1: not valid UTF-8").arg(where));
        qint64 index = 0;
        const bool numbered = !record.fields.isEmpty() && parseIndex(record.fields[0], &index);
        const bool header = first && !numbered;
        first = false;
        if (header)
            continue;
        if (record.fields.size() != 2)
            throw Error(QStringLiteral("%1: expected 'index,name', got %2 fields").arg(where).arg(record.fields.size()));
        if (!numbered)
            throw Error(QStringLiteral("%1: '%2' is not a class index (a non-negative integer)").arg(where, record.fields[0]));
        names.add(index, record.fields[1], where);
    }
    return names.finish();
}

ClassNames fromLines(const QString &path, const QByteArray &bytes)
{
    QStringList lines = QString::fromUtf8(bytes).split(QLatin1Char('\n'));
    while (!lines.isEmpty() && lines.last().trimmed().isEmpty()) // a final newline (or a few) ends the list
        lines.removeLast();
    IndexedNames names(path);
    for (qsizetype i = 0; i < lines.size(); ++i)
        names.add(i, lines[i], QStringLiteral("%1:%2").arg(path).arg(i + 1));
    return names.finish();
}

} // namespace

ClassNames readClassNamesFile(const QString &path)
{
    QByteArray bytes = readBoundedFile(path, kMaxSmallTextBytes, QStringLiteral("class names file"));
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    const QByteArray trimmed = bytes.trimmed();
    if (trimmed.startsWith('[') || trimmed.startsWith('{'))
        return fromJson(path, bytes);
    const QByteArray firstLine = trimmed.left(trimmed.indexOf('\n'));
    // Names that contain commas need the CSV (quoted) or JSON form.
    return firstLine.contains(',') ? fromCsv(path) : fromLines(path, bytes);
}

ClassNames imageFolderClassNames(const QStringList &datasetClasses)
{
    // UTF-8 byte order is code point order (what Python's sorted() uses); QString's own
    // comparison is by UTF-16 unit, which differs above U+FFFF.
    std::vector<QByteArray> utf8;
    for (const QString &name : datasetClasses)
        if (!name.isEmpty())
            utf8.push_back(name.toUtf8());
    std::sort(utf8.begin(), utf8.end());
    utf8.erase(std::unique(utf8.begin(), utf8.end()), utf8.end());
    ClassNames result;
    for (const QByteArray &name : utf8)
        result.names << QString::fromUtf8(name);
    result.source = QStringLiteral("the dataset's %1 class folders").arg(result.names.size());
    return result;
}

} // namespace faultline
