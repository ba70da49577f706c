#pragma once
// A rows × dim float32 matrix in a temporary file mapped into memory (QFileDevice::map): an
// analysis whose embeddings outgrow memory (10M × 512 is 20 GB) has them paged by the
// operating system from the file instead of held, so its peak memory stays that of the rest.
#include <QString>
#include <QTemporaryFile>

namespace faultline {

class MappedEmbeddings
{
public:
    // A zero-filled file in `folder` (next to the project store: the dataset's own disk);
    // Error naming the folder when it cannot be created, sized or mapped (e.g. the disk is full).
    MappedEmbeddings(const QString &folder, qint64 rows, int dim);
    ~MappedEmbeddings();
    MappedEmbeddings(const MappedEmbeddings &) = delete;
    MappedEmbeddings &operator=(const MappedEmbeddings &) = delete;

    float *data() { return m_data; }
    const float *data() const { return m_data; }
    qint64 rows() const { return m_rows; }
    int dim() const { return m_dim; }
    // Keeps only the first `rows` (after the caller compacted them); the file keeps its size.
    void shrinkTo(qint64 rows);

private:
    QTemporaryFile m_file;
    float *m_data = nullptr;
    qint64 m_rows = 0;
    int m_dim = 0;
};

} // namespace faultline
