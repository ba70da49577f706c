// CsvReader (core/io/CsvReader.h): arbitrary bytes as a predictions/paths CSV file.
#include "FuzzSupport.h"
#include "io/CsvReader.h"

using namespace faultline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::initQt();
    const QString path = fuzz::writeInput(data, size, QStringLiteral("input.csv"));
    try {
        CsvReader reader(path);
        CsvRecord record;
        qint64 fields = 0;
        int lastLine = 0;
        while (reader.next(record)) {
            // Records come in file order with 1-based line numbers; a bad record has no fields.
            if (record.line < 1 || record.line < lastLine || (record.invalidEncoding && !record.fields.isEmpty()))
                std::abort();
            lastLine = record.line;
            for (const QString &field : record.fields)
                fields += field.size();
        }
        if (fields > qint64(size))
            std::abort(); // more field text than input bytes
    } catch (const Error &) {
    }
    return 0;
}
