// ProjectStore: prediction sets, one per model (issue 13). Each set is a classifier's view of the
// dataset; the current one is what analyses, counts and the gallery read when none is named.
#include "store/ProjectStore.h"

#include "common/Error.h"
#include "store/SqlSupport.h"

#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

namespace faultline {

using namespace sql;

namespace {

constexpr int kMaxSetNameLength = 100;
const QString kCurrentSetKey = QStringLiteral("prediction_set");

} // namespace

void ProjectStore::checkPredictionSetName(const QString &name)
{
    if (name.trimmed().isEmpty())
        throw Error(QStringLiteral("prediction set name: it is empty; give the model a name, e.g. --name resnet50"));
    if (name.size() > kMaxSetNameLength)
        throw Error(QStringLiteral("prediction set name '%1…': longer than %2 characters")
                        .arg(name.left(20)).arg(kMaxSetNameLength));
    for (const QChar c : name)
        if (c == QLatin1Char(',') || c.category() == QChar::Other_Control)
            throw Error(QStringLiteral("prediction set name '%1': it holds a %2, which model lists (--models A,B)"
                                       " cannot carry").arg(name, c == QLatin1Char(',') ? QStringLiteral("comma")
                                                                                        : QStringLiteral("control character")));
}

namespace {

PredictionSetInfo setFromQuery(const QSqlQuery &query)
{
    PredictionSetInfo set;
    set.id = query.value(0).toLongLong();
    set.name = query.value(1).toString();
    set.source = query.value(2).toString();
    set.classifier = query.value(3).toString();
    set.created = QDateTime::fromString(query.value(4).toString(), Qt::ISODateWithMs);
    set.count = query.value(5).toLongLong();
    return set;
}

const char kSetColumns[] = "SELECT s.id, s.name, s.source, s.classifier, s.created,"
                           " (SELECT COUNT(*) FROM predictions p WHERE p.set_id = s.id) FROM prediction_sets s";

} // namespace

qint64 ProjectStore::predictionSetId(const QString &name) const
{
    const QString wanted = name.isEmpty() ? currentPredictionSet() : name;
    if (wanted.isEmpty())
        return 0;
    QSqlQuery query = execSql(m_db, QStringLiteral("SELECT id FROM prediction_sets WHERE name=?"), {wanted});
    if (query.next())
        return query.value(0).toLongLong();
    const QStringList names = predictionSetNames();
    throw Error(QStringLiteral("%1: there is no prediction set '%2' (%3)")
                    .arg(m_path, wanted,
                         names.isEmpty() ? QStringLiteral("the project has none yet: run predict or import a CSV")
                                         : QStringLiteral("it has: %1").arg(names.join(QStringLiteral(", ")))));
}

QString ProjectStore::currentPredictionSet() const
{
    // The chosen set, unless it was removed since: then the newest one.
    const QString chosen = meta(kCurrentSetKey);
    QSqlQuery query = execSql(m_db, QStringLiteral(
        "SELECT name FROM prediction_sets ORDER BY name = ? DESC, id DESC LIMIT 1"), {chosen});
    return query.next() ? query.value(0).toString() : QString();
}

void ProjectStore::replacePredictions(const QVector<PredictionRecord> &records, const QString &source,
                                      const QString &setName, const QString &classifierJson)
{
    QString name = setName.isEmpty() ? currentPredictionSet() : setName;
    if (name.isEmpty())
        name = defaultPredictionSet();
    checkPredictionSetName(name);
    transaction([&] {
        execSql(m_db, QStringLiteral(
            "INSERT INTO prediction_sets(name, source, classifier, created) VALUES(?, ?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET source=excluded.source, classifier=excluded.classifier,"
            " created=excluded.created"), {name, source, nullableText(classifierJson), now()});
        const qint64 setId = predictionSetId(name);
        execSql(m_db, QStringLiteral("DELETE FROM predictions WHERE set_id=?"), {setId});
        BatchedRows insert(m_db, QStringLiteral(
            "INSERT INTO predictions(set_id, image_id, label, prediction, split, confidence, source_line) VALUES %1"), 7);
        for (const qsizetype i : keyOrder(records.size(), [&](qsizetype i) { return records[i].imageId; })) {
            const PredictionRecord &r = records[i];
            // An explicit empty split ("") overrides the folder's; only an unset one is NULL.
            insert.add({setId, r.imageId, nullableText(r.label), r.prediction,
                        r.split ? QVariant(splitName(*r.split)) : QVariant(QMetaType::fromType<QString>()),
                        optionalValue(r.confidence), r.sourceLine});
        }
        insert.finish();
        setMeta(kCurrentSetKey, name);
    });
}

QVector<PredictionSetInfo> ProjectStore::predictionSets() const
{
    QVector<PredictionSetInfo> sets;
    QSqlQuery query = execSql(m_db, QString::fromLatin1(kSetColumns) + QStringLiteral(" ORDER BY s.id"));
    while (query.next())
        sets.push_back(setFromQuery(query));
    return sets;
}

QStringList ProjectStore::predictionSetNames() const
{
    QStringList names;
    QSqlQuery query = execSql(m_db, QStringLiteral("SELECT name FROM prediction_sets ORDER BY id"));
    while (query.next())
        names << query.value(0).toString();
    return names;
}

PredictionSetInfo ProjectStore::predictionSet(const QString &name) const
{
    const qint64 id = predictionSetId(name);
    if (id == 0)
        throw Error(QStringLiteral("%1: the project has no predictions yet: run predict or import a CSV").arg(m_path));
    QSqlQuery query = execSql(m_db, QString::fromLatin1(kSetColumns) + QStringLiteral(" WHERE s.id=?"), {id});
    if (!query.next())
        throw Error(QStringLiteral("%1: prediction set %2 was removed meanwhile").arg(m_path).arg(id));
    return setFromQuery(query);
}

void ProjectStore::setCurrentPredictionSet(const QString &name)
{
    predictionSetId(name); // throws for an unknown name
    setMeta(kCurrentSetKey, name);
}

void ProjectStore::removePredictionSet(const QString &name)
{
    const qint64 id = predictionSetId(name);
    transaction([&] { execSql(m_db, QStringLiteral("DELETE FROM prediction_sets WHERE id=?"), {id}); });
}

qint64 ProjectStore::predictionCount() const
{
    const qint64 setId = predictionSetId(QString());
    if (setId == 0)
        return 0;
    return cachedSummary(QStringLiteral("predictions:%1").arg(setId), [&] {
        QSqlQuery query = execSql(m_db, QStringLiteral("SELECT COUNT(*) FROM predictions WHERE set_id=?"), {setId});
        return QString::number(query.next() ? query.value(0).toLongLong() : 0);
    }).toLongLong();
}

QVector<LabeledImage> ProjectStore::labeledImages(const QString &setName) const
{
    QVector<LabeledImage> images;
    const qint64 setId = predictionSetId(setName);
    QSqlQuery query = execSql(m_db, QStringLiteral(
        "SELECT i.id, i.path, COALESCE(p.label, i.folder_class), p.prediction, COALESCE(p.split, i.folder_split),"
        " p.confidence FROM images i JOIN predictions p ON p.image_id = i.id"
        " WHERE p.set_id = ? AND i.readable = 1 AND i.missing = 0"
        // The predictions file's row order, as the reference reads it: stratified folds follow it.
        " ORDER BY p.source_line, i.path"), {setId});
    while (query.next()) {
        LabeledImage image;
        image.id = query.value(0).toLongLong();
        image.path = query.value(1).toString();
        image.label = query.value(2).toString();
        image.prediction = query.value(3).toString();
        image.split = splitOrUnassigned(query.value(4).toString());
        image.confidence = optionalDouble(query.value(5));
        images.push_back(image);
    }
    return images;
}

QHash<qint64, double> ProjectStore::confidences(const QVector<qint64> &imageIds, const QString &setName) const
{
    QHash<qint64, double> confidences;
    const qint64 setId = predictionSetId(setName);
    forIdBatches(m_db, QStringLiteral("SELECT image_id, confidence FROM predictions WHERE set_id = %1"
                                      " AND confidence IS NOT NULL AND image_id IN (%2)").arg(setId),
                 imageIds, [&](QSqlQuery &query) { confidences.insert(query.value(0).toLongLong(), query.value(1).toDouble()); });
    return confidences;
}

} // namespace faultline
