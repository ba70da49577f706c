// ProjectStore's generated-sample table (schema v7), apart from the rest of the store.
#include "store/ProjectStore.h"

#include "common/Error.h"
#include "store/SqlSupport.h"

#include <QStringList>
#include <cstring>

namespace faultline {

using namespace sql;

namespace {

const QString kSampleColumns = QStringLiteral(
    "id, run_id, class, sample_group, origin, prompt, embedding, embedding_space, alpha, seed, backend, parameters,"
    " created, file, source_image, prediction, confidence, checked, classifier");

GeneratedSample readSample(const QSqlQuery &query)
{
    GeneratedSample sample;
    sample.id = query.value(0).toLongLong();
    sample.runId = query.value(1).toLongLong();
    sample.className = query.value(2).toString();
    sample.group = query.value(3).toString();
    sample.origin = query.value(4).toString();
    sample.prompt = query.value(5).toString();
    const QByteArray blob = query.value(6).toByteArray();
    sample.embedding.resize(size_t(blob.size()) / sizeof(float));
    if (!sample.embedding.empty()) // a prompt-only sample has no vector (memcpy from null is UB)
        std::memcpy(sample.embedding.data(), blob.constData(), sample.embedding.size() * sizeof(float));
    sample.embeddingSpace = query.value(7).toString();
    sample.alpha = optionalDouble(query.value(8));
    sample.seed = query.value(9).toLongLong();
    sample.backend = query.value(10).toString();
    sample.parameters = query.value(11).toString();
    sample.created = QDateTime::fromString(query.value(12).toString(), Qt::ISODateWithMs);
    sample.file = query.value(13).toString();
    sample.sourceImage = query.value(14).toString();
    sample.prediction = query.value(15).toString();
    sample.confidence = optionalDouble(query.value(16));
    sample.checked = QDateTime::fromString(query.value(17).toString(), Qt::ISODateWithMs);
    sample.classifier = query.value(18).toString();
    return sample;
}

} // namespace

qint64 ProjectStore::addGeneratedSample(const GeneratedSample &sample)
{
    if (sample.className.isEmpty() || sample.group.isEmpty() || sample.file.isEmpty())
        throw Error(QStringLiteral("%1: a generated sample needs a class, a group and a file").arg(m_path));
    qint64 id = 0;
    transaction([&] {
        QSqlQuery insert = execSql(m_db, QStringLiteral(
            "INSERT INTO generated_samples(run_id, class, sample_group, origin, prompt, embedding, embedding_space, alpha,"
            " seed, backend, parameters, created, file, source_image) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {nullableId(sample.runId), sample.className,
             sample.group, sample.origin, nullableText(sample.prompt),
             sample.embedding.empty() ? QVariant(QMetaType::fromType<QByteArray>())
                                      : QVariant(toBlob(sample.embedding.data(), qsizetype(sample.embedding.size()))),
             nullableText(sample.embeddingSpace), optionalValue(sample.alpha), sample.seed, sample.backend,
             sample.parameters.isEmpty() ? QStringLiteral("{}") : sample.parameters,
             timeOrNow(sample.created), sample.file,
             nullableText(sample.sourceImage)});
        id = insert.lastInsertId().toLongLong();
    });
    return id;
}

QVector<GeneratedSample> ProjectStore::generatedSamples(const QString &className) const
{
    QVector<GeneratedSample> samples;
    QSqlQuery query = className.isEmpty()
        ? execSql(m_db, QStringLiteral("SELECT %1 FROM generated_samples ORDER BY id").arg(kSampleColumns))
        : execSql(m_db, QStringLiteral("SELECT %1 FROM generated_samples WHERE class=? ORDER BY id").arg(kSampleColumns),
                  {className});
    while (query.next())
        samples.push_back(readSample(query));
    return samples;
}

QVector<GeneratedSample> ProjectStore::generatedSamples(const QVector<qint64> &ids) const
{
    QVector<GeneratedSample> samples;
    QSqlQuery query = prepare(m_db, QStringLiteral("SELECT %1 FROM generated_samples WHERE id=?").arg(kSampleColumns));
    for (const qint64 id : ids) {
        query.bindValue(0, id);
        exec(query);
        if (query.next())
            samples.push_back(readSample(query));
    }
    return samples;
}

void ProjectStore::storeSampleVerdicts(const QVector<SampleVerdict> &verdicts)
{
    transaction([&] {
        QSqlQuery update = prepare(m_db, QStringLiteral(
            "UPDATE generated_samples SET prediction=?, confidence=?, checked=?, classifier=? WHERE id=?"));
        const QString checked = now();
        for (const SampleVerdict &verdict : verdicts) {
            update.bindValue(0, verdict.prediction);
            update.bindValue(1, verdict.confidence);
            update.bindValue(2, checked);
            update.bindValue(3, verdict.classifier);
            update.bindValue(4, verdict.sampleId);
            exec(update);
        }
    });
}

void ProjectStore::removeGeneratedSamples(const QVector<qint64> &ids)
{
    transaction([&] {
        QSqlQuery remove = prepare(m_db, QStringLiteral("DELETE FROM generated_samples WHERE id=?"));
        for (const qint64 id : ids) {
            remove.bindValue(0, id);
            exec(remove);
        }
    });
}

} // namespace faultline
