// SafetensorsFile (core/io/SafetensorsFile.h): arbitrary bytes as a .safetensors checkpoint, read
// the way loadClipCheckpoint (core/clip/ClipCheckpoint.cpp) reads one: its format sniffing first
// (a zip/TorchScript archive goes to torch::jit::load, which is libtorch's and not fuzzed here;
// anything else is opened as safetensors), then every tensor converted to float.
#include "FuzzSupport.h"
#include "io/SafetensorsFile.h"

#include <cstring>

using namespace faultline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::initQt();
    if (size >= 4 && std::memcmp(data, "PK\x03\x04", 4) == 0)
        return 0; // ClipCheckpoint's isZipArchive(): TorchScript, not ours to parse
    const QString path = fuzz::writeInput(data, size, QStringLiteral("input.safetensors"));
    try {
        const SafetensorsFile file(path);
        (void)file.metadata();
        qint64 total = 0;
        for (const TensorInfo &info : file.tensors()) {
            if (info.begin < 0 || info.end < info.begin || info.end > file.dataSize())
                std::abort();
            if (file.find(info.name) == nullptr)
                std::abort();
            total += info.end - info.begin;
            (void)tensorShapeText(info.shape);
            const uchar *bytes = file.bytes(info);
            volatile uchar sink = 0;
            for (qint64 i = 0; i < info.end - info.begin; ++i)
                sink = sink ^ bytes[i];
            try {
                const std::vector<float> values = file.toFloat(info);
                if (qint64(values.size()) != info.elementCount())
                    std::abort();
            } catch (const Error &) { // integer dtypes are refused here
            }
        }
        if (total != file.dataSize())
            std::abort(); // the header promises the tensors tile the data section
        try {
            file.require(QStringLiteral("visual.conv1.weight"), {768, 3, 32, 32});
        } catch (const Error &) {
        }
    } catch (const Error &) {
    }
    return 0;
}
