// ProjectStore: what the views compute once per run and keep — the embedding map's coordinates
// (per method and class) and the slider's calibrated approximate search (per class and split) —
// so reopening does not compute them again.
#include "store/ProjectStore.h"

#include "common/Error.h"
#include "store/SqlSupport.h"

#include <QSqlQuery>
#include <QVariant>

namespace faultline {

using namespace sql;

void ProjectStore::storeProjection(qint64 runId, const QString &method, const QString &className,
                                   const QVector<qint64> &imageIds, const std::vector<float> &xy)
{
    if (xy.size() != size_t(imageIds.size()) * 2)
        throw Error(QStringLiteral("storeProjection: %1 ids but %2 coordinates").arg(imageIds.size()).arg(xy.size()));
    transaction([&] {
        QSqlQuery clear = prepare(m_db, QStringLiteral("DELETE FROM run_projections WHERE run_id=? AND method=? AND class=?"));
        clear.addBindValue(runId);
        clear.addBindValue(method);
        clear.addBindValue(className);
        exec(clear);
        const std::vector<qsizetype> order = keyOrder(imageIds.size(), [&](qsizetype i) { return imageIds[i]; });
        BatchedRows insert(m_db, QStringLiteral("INSERT INTO run_projections(run_id, method, class, image_id, x, y) VALUES %1"), 6);
        for (qsizetype i : order)
            insert.add({runId, method, className, imageIds[i], double(xy[size_t(i) * 2]), double(xy[size_t(i) * 2 + 1])});
        insert.finish();
    });
}

QVector<qint64> ProjectStore::loadProjection(qint64 runId, const QString &method, const QString &className,
                                             std::vector<float> *xy) const
{
    QSqlQuery query = prepare(m_db, QStringLiteral(
        "SELECT image_id, x, y FROM run_projections WHERE run_id=? AND method=? AND class=? ORDER BY image_id"));
    query.addBindValue(runId);
    query.addBindValue(method);
    query.addBindValue(className);
    exec(query);
    QVector<qint64> ids;
    xy->clear();
    while (query.next()) {
        ids << query.value(0).toLongLong();
        xy->push_back(float(query.value(1).toDouble()));
        xy->push_back(float(query.value(2).toDouble()));
    }
    return ids;
}

void ProjectStore::storeSearchIndex(qint64 runId, const QString &className, const QString &split, const QByteArray &state)
{
    transaction([&] {
        QSqlQuery insert = prepare(m_db, QStringLiteral(
            "INSERT OR REPLACE INTO run_search_indexes(run_id, class, split, state) VALUES (?, ?, ?, ?)"));
        insert.addBindValue(runId);
        insert.addBindValue(className);
        insert.addBindValue(split);
        insert.addBindValue(state);
        exec(insert);
    });
}

QByteArray ProjectStore::loadSearchIndex(qint64 runId, const QString &className, const QString &split) const
{
    QSqlQuery query = prepare(m_db, QStringLiteral("SELECT state FROM run_search_indexes WHERE run_id=? AND class=? AND split=?"));
    query.addBindValue(runId);
    query.addBindValue(className);
    query.addBindValue(split);
    exec(query);
    return query.next() ? query.value(0).toByteArray() : QByteArray();
}

} // namespace faultline
