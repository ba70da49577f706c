#pragma once

#include <QString>
#include <QtGlobal>

#include <vector>

namespace faultline {

// A 2-D float matrix, row-major (C order): values[r * cols + c].
struct NpyMatrix
{
    qint64 rows = 0;
    qint64 cols = 0;
    std::vector<float> values; // rows * cols
};

// Reads a NumPy .npy file (format 1.0, 2.0 or 3.0) holding a 2-D C-order array of
// float32 or float16 (either byte order; float16 is widened to float). The file is
// treated as untrusted: every problem throws Error("<path>: <problem>"). Values are
// not checked for NaN/Inf; see firstNonFiniteRow().
NpyMatrix readNpyMatrix(const QString &path);

// Writes values (row-major, rows * cols floats) as .npy format 1.0, '<f4', C order.
// Atomic: the file is replaced only when everything was written. Throws Error.
void writeNpyMatrix(const QString &path, const float *values, qint64 rows, qint64 cols);

// Index of the first row holding a NaN or an infinity, or -1 when all are finite.
qint64 firstNonFiniteRow(const NpyMatrix &matrix);

} // namespace faultline
