#include "models/ModelCatalog.h"

#include "common/Error.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

namespace faultline {

namespace {

const QString kBuiltinCatalog = QStringLiteral(":/faultline/models/catalog.json");

ModelEntry::Kind parseKind(const QString &text, const QString &where)
{
    if (text == QLatin1String("clip-checkpoint"))
        return ModelEntry::Kind::ClipCheckpoint;
    if (text == QLatin1String("bpe-vocab"))
        return ModelEntry::Kind::BpeVocab;
    throw Error(QStringLiteral("%1: kind: '%2' is not clip-checkpoint or bpe-vocab").arg(where, text));
}

QString stringField(const QJsonObject &object, const QString &key, const QString &where)
{
    const QJsonValue value = object.value(key);
    if (!value.isString())
        throw Error(QStringLiteral("%1: %2: expected a string").arg(where, key));
    return value.toString().trimmed();
}

void checkEntry(const ModelEntry &entry, const QString &where)
{
    if (entry.fileName.isEmpty())
        throw Error(QStringLiteral("%1: file: missing (and no URL to take it from)").arg(where));
    if (entry.fileName.contains(QLatin1Char('/')) || entry.fileName.contains(QLatin1Char('\\'))
        || entry.fileName == QLatin1String(".") || entry.fileName == QLatin1String(".."))
        throw Error(QStringLiteral("%1: file: '%2' must be a plain file name").arg(where, entry.fileName));
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (!entry.sha256.isEmpty() && !hex.match(entry.sha256).hasMatch())
        throw Error(QStringLiteral("%1: sha256: '%2' is not 64 hex digits").arg(where, entry.sha256));
    if (entry.sizeBytes < 0)
        throw Error(QStringLiteral("%1: size: must not be negative").arg(where));
    if (!entry.url.isEmpty()) {
        const QUrl url(entry.url, QUrl::StrictMode);
        const QString scheme = url.scheme();
        if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")
                               && scheme != QLatin1String("file")))
            throw Error(QStringLiteral("%1: url: '%2' is not an http(s) or file URL").arg(where, entry.url));
    }
}

} // namespace

QString modelKindName(ModelEntry::Kind kind)
{
    switch (kind) {
    case ModelEntry::Kind::ClipCheckpoint:
        return QStringLiteral("clip-checkpoint");
    case ModelEntry::Kind::BpeVocab:
        return QStringLiteral("bpe-vocab");
    }
    return {};
}

ModelCatalog ModelCatalog::builtin()
{
    ModelCatalog catalog;
    catalog.loadFile(kBuiltinCatalog);
    return catalog;
}

ModelCatalog ModelCatalog::standard()
{
    ModelCatalog catalog = builtin();
    const QString extra = qEnvironmentVariable("FAULTLINE_MODEL_CATALOG");
    if (!extra.isEmpty())
        catalog.loadFile(extra);
    return catalog;
}

void ModelCatalog::loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read the model catalogue: %2").arg(path, file.errorString()));
    loadJson(file.readAll(), path);
}

void ModelCatalog::loadJson(const QByteArray &json, const QString &source)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(QStringLiteral("%1: not valid JSON at byte %2: %3")
                        .arg(source).arg(parseError.offset).arg(parseError.errorString()));
    if (!document.isObject() || !document.object().value(QLatin1String("models")).isArray())
        throw Error(QStringLiteral("%1: expected an object with a \"models\" array").arg(source));
    const QJsonArray models = document.object().value(QLatin1String("models")).toArray();
    QVector<ModelEntry> parsed;
    for (qsizetype i = 0; i < models.size(); ++i) {
        QString where = QStringLiteral("%1: models[%2]").arg(source).arg(i);
        if (!models.at(i).isObject())
            throw Error(where + QStringLiteral(": expected an object"));
        const QJsonObject object = models.at(i).toObject();
        const QString name = stringField(object, QStringLiteral("name"), where);
        if (name.isEmpty())
            throw Error(where + QStringLiteral(": name: must not be empty"));
        where += QStringLiteral(" (%1)").arg(name);
        // Overrides start from the known entry (exact name only, so that an alias cannot
        // silently rewrite another model).
        ModelEntry entry;
        bool known = false;
        for (const ModelEntry &existing : std::as_const(m_entries)) {
            if (existing.name == name) {
                entry = existing;
                known = true;
            }
        }
        for (const ModelEntry &existing : std::as_const(parsed))
            if (existing.name == name)
                throw Error(where + QStringLiteral(": name: listed twice"));
        entry.name = name;
        if (object.contains(QLatin1String("url")))
            entry.url = stringField(object, QStringLiteral("url"), where);
        if (object.contains(QLatin1String("file")))
            entry.fileName = stringField(object, QStringLiteral("file"), where);
        else if (!known && !entry.url.isEmpty())
            entry.fileName = QFileInfo(QUrl(entry.url).path()).fileName();
        if (object.contains(QLatin1String("sha256")))
            entry.sha256 = stringField(object, QStringLiteral("sha256"), where).toLower();
        if (object.contains(QLatin1String("size"))) {
            const QJsonValue size = object.value(QLatin1String("size"));
            if (!size.isDouble() || size.toDouble() != double(qint64(size.toDouble())))
                throw Error(where + QStringLiteral(": size: expected a whole number of bytes"));
            entry.sizeBytes = qint64(size.toDouble());
        }
        if (object.contains(QLatin1String("kind")))
            entry.kind = parseKind(stringField(object, QStringLiteral("kind"), where), where);
        if (object.contains(QLatin1String("description")))
            entry.description = stringField(object, QStringLiteral("description"), where);
        if (!known && entry.url.isEmpty())
            throw Error(where + QStringLiteral(": url: missing"));
        checkEntry(entry, where);
        parsed.push_back(entry);
    }
    for (const ModelEntry &entry : std::as_const(parsed))
        add(entry);
}

void ModelCatalog::add(const ModelEntry &entry)
{
    for (ModelEntry &existing : m_entries) {
        if (existing.name == entry.name) {
            existing = entry;
            return;
        }
    }
    m_entries.push_back(entry);
}

const ModelEntry *ModelCatalog::find(const QString &name) const
{
    const QString wanted = name.trimmed();
    if (wanted.isEmpty())
        return nullptr;
    for (const ModelEntry &entry : m_entries)
        if (entry.name.compare(wanted, Qt::CaseInsensitive) == 0)
            return &entry;
    for (const ModelEntry &entry : m_entries)
        if (entry.fileName.compare(wanted, Qt::CaseInsensitive) == 0)
            return &entry;
    for (const ModelEntry &entry : m_entries) {
        const QString base = entry.fileName.section(QLatin1Char('.'), 0, 0);
        if (base.compare(wanted, Qt::CaseInsensitive) == 0)
            return &entry;
    }
    return nullptr;
}

QStringList ModelCatalog::names() const
{
    QStringList names;
    for (const ModelEntry &entry : m_entries)
        names << entry.name;
    return names;
}

QString ModelCatalog::downloadUrl(const ModelEntry &entry, const QString &mirror)
{
    if (mirror.isEmpty())
        return entry.url;
    QString base = mirror;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base + QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(entry.fileName));
}

} // namespace faultline
