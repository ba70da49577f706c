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

namespace {

// SQLite's smallest limit on a statement's parameters (SQLITE_MAX_VARIABLE_NUMBER before 3.32).
constexpr int kMaxBinds = 999;

} // namespace

BatchedRows::BatchedRows(const QSqlDatabase &db, QString sqlTemplate, int columns, QVariantList trailing)
    : m_db(db), m_template(std::move(sqlTemplate)), m_columns(columns), m_trailing(std::move(trailing))
{
    m_rowsPerStatement = std::max(1, (kMaxBinds - int(m_trailing.size())) / m_columns);
    m_values.reserve(qsizetype(m_rowsPerStatement) * m_columns);
}

void BatchedRows::add(std::initializer_list<QVariant> row)
{
    Q_ASSERT(int(row.size()) == m_columns);
    for (const QVariant &value : row)
        m_values.push_back(value);
    if (m_values.size() >= qsizetype(m_rowsPerStatement) * m_columns)
        flush();
}

void BatchedRows::finish()
{
    flush();
}

QSqlQuery &BatchedRows::statementFor(int rows)
{
    std::optional<QSqlQuery> &slot = rows == m_rowsPerStatement ? m_full : m_partial;
    if (!slot || (&slot == &m_partial && m_partialRows != rows)) {
        QString row = QStringLiteral("(?");
        for (int c = 1; c < m_columns; ++c)
            row += QStringLiteral(", ?");
        row += QLatin1Char(')');
        QStringList list;
        list.reserve(rows);
        for (int r = 0; r < rows; ++r)
            list << row;
        slot = prepare(m_db, m_template.arg(list.join(QStringLiteral(", "))));
        if (&slot == &m_partial)
            m_partialRows = rows;
    }
    return *slot;
}

void BatchedRows::flush()
{
    const int rows = int(m_values.size() / m_columns);
    if (rows == 0)
        return;
    QSqlQuery &query = statementFor(rows);
    for (const QVariant &value : std::as_const(m_values))
        query.addBindValue(value);
    for (const QVariant &value : std::as_const(m_trailing))
        query.addBindValue(value);
    exec(query);
    m_values.clear();
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
