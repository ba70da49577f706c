#pragma once

// Core-internal: the statement helpers ProjectStore's .cpp files share. Every failure becomes
// an Error naming the database or the statement's SQLite message.
#include <QByteArray>
#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>
#include <QVector>
#include <algorithm>
#include <functional>
#include <vector>
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

// Many rows through one statement per batch: `sqlTemplate`'s %1 stands for "(?, …), (?, …), …"
// with `columns` placeholders per row, and `trailing` is bound after every batch's rows (e.g.
// "INSERT INTO t(a, b) VALUES %1" or "UPDATE t SET x = v.column2 FROM (VALUES %1) AS v WHERE
// t.id = v.column1 AND t.run = ?"). A statement per row costs SQLite a statement journal entry
// for every page it touches and Qt a prepare-bind-step round; batched, a 61,000-row insert runs
// about 490 statements. Rows go in their order (ids are assigned as one row at a time would be);
// any failure is an Error like exec()'s, and the caller's transaction rolls back all of it.
class BatchedRows
{
public:
    BatchedRows(const QSqlDatabase &db, QString sqlTemplate, int columns, QVariantList trailing = {});
    // One row's values, `columns` of them, in column order.
    void add(std::initializer_list<QVariant> row);
    // Writes the rows still buffered; call it before anything reads the table.
    void finish();

private:
    void flush();
    QSqlQuery &statementFor(int rows);

    QSqlDatabase m_db;
    QString m_template;
    int m_columns;
    int m_rowsPerStatement;
    QVariantList m_trailing;
    QVariantList m_values;
    std::optional<QSqlQuery> m_full;
    std::optional<QSqlQuery> m_partial;
    int m_partialRows = 0;
};

// 0 … n−1 ordered by `keyOf(i)`, ties in their order: rows inserted in primary-key order append to
// their b-tree instead of landing all over it (the same rows and the same final table; of two
// rows with the same key the later one still goes last).
template <typename KeyOf>
std::vector<qsizetype> keyOrder(qsizetype n, KeyOf keyOf)
{
    std::vector<qsizetype> order(static_cast<size_t>(n));
    for (qsizetype i = 0; i < n; ++i)
        order[static_cast<size_t>(i)] = i;
    std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return keyOf(a) < keyOf(b); });
    return order;
}

// A split column's value; Unassigned for NULL or a name Faultline does not know.
Split splitOrUnassigned(const QString &name);

} // namespace faultline::sql
