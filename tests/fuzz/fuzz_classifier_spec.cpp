// ClassifierSpec::fromJson (core/classify/ClassifierSpec.h): arbitrary bytes as a classifier spec
// JSON file (and as the meta "classifier" a project stores), validated, written back and read
// again; the same bytes as the per-channel "mean"/"std" text users type.
#include "FuzzSupport.h"
#include "classify/ClassifierSpec.h"

#include <QJsonDocument>

using namespace faultline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::initQt();
    const QByteArray bytes = fuzz::bytes(data, size);
    (void)parseChannelValues(QString::fromUtf8(bytes));
    const QJsonDocument document = QJsonDocument::fromJson(bytes);
    if (!document.isObject())
        return 0;
    try {
        const ClassifierSpec spec = ClassifierSpec::fromJson(document.object());
        spec.validate();
        // What a project stores must read back as the same spec.
        const QJsonObject stored = spec.toJson();
        const ClassifierSpec again = ClassifierSpec::fromJson(stored);
        if (again.toJson() != stored)
            std::abort();
    } catch (const Error &) {
    }
    return 0;
}
