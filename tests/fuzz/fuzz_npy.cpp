// readNpyMatrix (core/io/NpyFile.h): arbitrary bytes as an embeddings .npy file.
#include "FuzzSupport.h"
#include "io/NpyFile.h"

using namespace faultline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::initQt();
    const QString path = fuzz::writeInput(data, size, QStringLiteral("input.npy"));
    try {
        const NpyMatrix matrix = readNpyMatrix(path);
        if (matrix.rows < 0 || matrix.cols < 0 || qint64(matrix.values.size()) != matrix.rows * matrix.cols)
            std::abort();
        // float16 is widened: never more values than 2-byte elements in the file.
        if (qint64(matrix.values.size()) > qint64(size) / 2)
            std::abort();
        (void)firstNonFiniteRow(matrix);
    } catch (const Error &) {
    }
    return 0;
}
