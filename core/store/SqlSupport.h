#pragma once

// Core-internal: the statement helpers ProjectStore's .cpp files share. Every failure becomes
// an Error naming the database or the statement's SQLite message.
#include <QByteArray>
#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>
#include <QVector>
#include <functional>
#include <optional>

#include "dataset/Split.h"

namespace faultline::sql {

QSqlQuery prepare(const QSqlDatabase &db, const QString &sql);
void exec(QSqlQuery &query);
QSqlQuery execSql(const QSqlDatabase &db, const QString &sql, const QVariantList &binds = {});

template <typename T>
QByteArray toBlob(const T *values, qsizetype count)
{
    return QByteArray(reinterpret_cast<const char *>(values), count * qsizetype(sizeof(T)));
}

// NULL for an unset value, typed so SQLite stores REAL.
QVariant optionalValue(const std::optional<double> &value);
std::optional<double> optionalDouble(const QVariant &value);

// UTC, ISO 8601 with milliseconds: how the store writes every time.
QString now();
// `time` in that form, or now() when it is not set.
QString timeOrNow(const QDateTime &time);

// NULL for an empty text or a row id ≤ 0 (none), typed as the column is.
QVariant nullableText(const QString &text);
QVariant nullableId(qint64 id);

// Runs `sqlTemplate` (with %1 standing for a comma-separated list of ids) over `ids` in
// batches: a class's rows are read by primary key instead of scanning the whole table.
// Sorted, each batch reads neighbouring pages (twice as fast as in path order).
void forIdBatches(const QSqlDatabase &db, const QString &sqlTemplate, QVector<qint64> ids,
                  const std::function<void(QSqlQuery &)> &onRow);

// A split column's value; Unassigned for NULL or a name Faultline does not know.
Split splitOrUnassigned(const QString &name);

} // namespace faultline::sql
