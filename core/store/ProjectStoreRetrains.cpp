// ProjectStore: head retrainings (issue 13), kept with the analysis runs they started from.
#include "store/ProjectStore.h"

#include "common/Error.h"
#include "store/SqlSupport.h"

#include <QSqlQuery>
#include <QVariant>

namespace faultline {

using namespace sql;

qint64 ProjectStore::addRetrain(const StoredRetrain &retrain)
{
    qint64 id = 0;
    transaction([&] {
        QSqlQuery insert = execSql(m_db, QStringLiteral(
            "INSERT INTO retrains(created, run_id, classifier, intervention, parameters, report, output)"
            " VALUES(?, ?, ?, ?, ?, ?, ?)"),
            {timeOrNow(retrain.created), nullableId(retrain.runId), retrain.classifier, retrain.intervention,
             retrain.parameters, retrain.report, nullableText(retrain.output)});
        id = insert.lastInsertId().toLongLong();
    });
    return id;
}

void ProjectStore::setRetrainReport(qint64 id, const QString &reportJson)
{
    transaction([&] { execSql(m_db, QStringLiteral("UPDATE retrains SET report=? WHERE id=?"), {reportJson, id}); });
}

QVector<StoredRetrain> ProjectStore::retrains() const
{
    QVector<StoredRetrain> retrains;
    QSqlQuery query = execSql(m_db, QStringLiteral(
        "SELECT id, created, run_id, classifier, intervention, parameters, report, output FROM retrains ORDER BY id DESC"));
    while (query.next()) {
        StoredRetrain retrain;
        retrain.id = query.value(0).toLongLong();
        retrain.created = QDateTime::fromString(query.value(1).toString(), Qt::ISODateWithMs);
        retrain.runId = query.value(2).toLongLong();
        retrain.classifier = query.value(3).toString();
        retrain.intervention = query.value(4).toString();
        retrain.parameters = query.value(5).toString();
        retrain.report = query.value(6).toString();
        retrain.output = query.value(7).toString();
        retrains << retrain;
    }
    return retrains;
}

} // namespace faultline
