#pragma once

// Core-internal: the statement helpers ProjectStore's .cpp files share. Every failure becomes
// an Error naming the database or the statement's SQLite message.
#include <QByteArray>
#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>
#include <optional>

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

} // namespace faultline::sql
