// ProjectStore: text embeddings of rule concepts (issue 14), cached per embedding model so a
// project's concept features can be recomputed without loading the CLIP text tower again.
#include "store/ProjectStore.h"

#include "common/Error.h"
#include "store/SqlSupport.h"

#include <QSqlQuery>
#include <QVariant>
#include <cstring>

namespace faultline {

using namespace sql;

void ProjectStore::storeConceptEmbeddings(qint64 modelId, const QStringList &texts, const float *values, int dim)
{
    transaction([&] {
        QSqlQuery insert = prepare(m_db, QStringLiteral(
            "INSERT OR REPLACE INTO concept_embeddings(model_id, text, vector) VALUES(?, ?, ?)"));
        for (qsizetype i = 0; i < texts.size(); ++i) {
            insert.addBindValue(modelId);
            insert.addBindValue(texts[i]);
            insert.addBindValue(toBlob(values + i * dim, dim));
            exec(insert);
        }
    });
}

QStringList ProjectStore::loadConceptEmbeddings(qint64 modelId, const QStringList &texts, float *out, int dim) const
{
    QStringList absent;
    QSqlQuery query = prepare(m_db, QStringLiteral(
        "SELECT vector FROM concept_embeddings WHERE model_id=? AND text=?"));
    for (qsizetype i = 0; i < texts.size(); ++i) {
        query.addBindValue(modelId);
        query.addBindValue(texts[i]);
        exec(query);
        const QByteArray blob = query.next() ? query.value(0).toByteArray() : QByteArray();
        if (blob.size() != qsizetype(dim * sizeof(float)))
            absent << texts[i]; // not stored, or stored for another width: embed it again
        else
            std::memcpy(out + i * dim, blob.constData(), size_t(blob.size()));
    }
    return absent;
}

} // namespace faultline
