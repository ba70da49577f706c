// readClassNamesFile (core/classify/ClassNames.h): arbitrary bytes as a classifier's class-name
// mapping (lines, "index,name" CSV or JSON).
#include "FuzzSupport.h"
#include "classify/ClassNames.h"

using namespace faultline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::initQt();
    const QString path = fuzz::writeInput(data, size, QStringLiteral("classes.txt"));
    try {
        const ClassNames names = readClassNamesFile(path);
        if (names.names.size() > qsizetype(size) + 1)
            std::abort();
        (void)imageFolderClassNames(names.names);
    } catch (const Error &) {
    }
    return 0;
}
