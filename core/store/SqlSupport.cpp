#include "store/SqlSupport.h"

#include "common/Error.h"

#include <QDateTime>
#include <QSqlError>
#include <QStringList>
#include <algorithm>

namespace faultline::sql {

QSqlQuery prepare(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    // Forward-only: otherwise Qt caches every row read for seeking back, and a 10M-row scan of
    // embeddings keeps 20 GB of them.
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        throw Error(QStringLiteral("%1: SQL error: %2").arg(db.databaseName(), query.lastError().text()));
    return query;
}

void exec(QSqlQuery &query)
{
    if (!query.exec())
        throw Error(QStringLiteral("project store: %1").arg(query.lastError().text()));
}

QSqlQuery execSql(const QSqlDatabase &db, const QString &sql, const QVariantList &binds)
{
    QSqlQuery query = prepare(db, sql);
    for (const QVariant &value : binds)
        query.addBindValue(value);
    exec(query);
    return query;
}

QVariant optionalValue(const std::optional<double> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<double>());
}

std::optional<double> optionalDouble(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<double>(value.toDouble());
}

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString timeOrNow(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : now();
}

QVariant nullableText(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QVariant nullableId(qint64 id)
{
    return id > 0 ? QVariant(id) : QVariant(QMetaType::fromType<qint64>());
}

void forIdBatches(const QSqlDatabase &db, const QString &sqlTemplate, QVector<qint64> ids,
                  const std::function<void(QSqlQuery &)> &onRow)
{
    constexpr qsizetype kBatch = 500;
    std::sort(ids.begin(), ids.end());
    for (qsizetype from = 0; from < ids.size(); from += kBatch) {
        QStringList list;
        for (qsizetype i = from; i < std::min(ids.size(), from + kBatch); ++i)
            list << QString::number(ids[i]);
        QSqlQuery query(db);
        query.setForwardOnly(true);
        if (!query.exec(sqlTemplate.arg(list.join(QLatin1Char(',')))))
            throw Error(QStringLiteral("project store: %1").arg(query.lastError().text()));
        while (query.next())
            onRow(query);
    }
}

Split splitOrUnassigned(const QString &name)
{
    Split split = Split::Unassigned;
    splitFromName(name, &split);
    return split;
}

} // namespace faultline::sql
