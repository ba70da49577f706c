#include "analysis/MappedEmbeddings.h"

#include "common/Error.h"

#include <QDir>

namespace faultline {

MappedEmbeddings::MappedEmbeddings(const QString &folder, qint64 rows, int dim)
    : m_file(QDir(folder).filePath(QStringLiteral("analysis-embeddings-XXXXXX.f32"))), m_rows(rows), m_dim(dim)
{
    const qint64 bytes = rows * qint64(dim) * qint64(sizeof(float));
    if (!m_file.open())
        throw Error(QStringLiteral("%1: cannot create a file for the analysis's embeddings: %2")
                        .arg(folder, m_file.errorString()));
    // resize() makes a sparse file; its pages take disk space as they are written.
    if (!m_file.resize(qMax<qint64>(bytes, 1)))
        throw Error(QStringLiteral("%1: cannot make room for the analysis's embeddings (%2 GB): %3")
                        .arg(m_file.fileName()).arg(double(bytes) / 1e9, 0, 'f', 1).arg(m_file.errorString()));
    uchar *mapped = m_file.map(0, qMax<qint64>(bytes, 1));
    if (!mapped)
        throw Error(QStringLiteral("%1: cannot map the analysis's embeddings into memory: %2")
                        .arg(m_file.fileName(), m_file.errorString()));
    m_data = reinterpret_cast<float *>(mapped);
}

MappedEmbeddings::~MappedEmbeddings()
{
    if (m_data)
        m_file.unmap(reinterpret_cast<uchar *>(m_data));
    // QTemporaryFile removes the file.
}

void MappedEmbeddings::shrinkTo(qint64 rows)
{
    m_rows = qMin(m_rows, rows);
}

} // namespace faultline
