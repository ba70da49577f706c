#pragma once

#include <QString>

namespace faultline {

class ProjectStore;

struct EmbeddingImportReport
{
    qint64 modelId = 0;
    QString modelName;
    qint64 rows = 0;
    int dim = 0;
};

// Imports embeddings computed elsewhere: E.npy ([N, D] float32/float16, C order) with a text
// file naming the dataset-relative path of each row. All or nothing: a row-count mismatch, an
// unknown or duplicate path, or a NaN/Inf row is an Error naming the file and line/row, and
// nothing is stored. The embeddings are stored under `modelName` (default "import:<E.npy name>",
// or "import:<name>#<hash>" when that name holds other content: each import's SHA-256 is its
// identity). An explicit name that holds other vectors a run was fitted on is an Error.
EmbeddingImportReport importEmbeddings(const QString &npyPath, const QString &pathsFile, ProjectStore &store,
                                       QString modelName = QString());

} // namespace faultline
