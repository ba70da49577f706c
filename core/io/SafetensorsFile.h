#pragma once

#include <QJsonObject>
#include <QString>
#include <QVector>
#include <QtGlobal>

#include <memory>
#include <vector>

class QFile;

namespace faultline {

// Element types of the safetensors format that Faultline reads. Other dtypes of the
// format (U16/U32/U64, the F8 variants, ...) are rejected when the header is parsed.
enum class TensorDType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool };

// The name used in safetensors headers ("F32", "BF16", "BOOL", ...).
QString tensorDTypeName(TensorDType dtype);
// Bytes per element (1 for Bool).
int tensorDTypeSize(TensorDType dtype);

struct TensorInfo
{
    QString name;
    TensorDType dtype = TensorDType::F32;
    std::vector<qint64> shape; // empty for a scalar (one element)
    qint64 begin = 0;          // byte offsets into the data section: [begin, end)
    qint64 end = 0;

    // Product of the shape (1 for a scalar). Validated not to overflow when the file was read.
    qint64 elementCount() const;
};

// "[128, 3, 16, 16]" ("[]" for a scalar).
QString tensorShapeText(const std::vector<qint64> &shape);

// A .safetensors file, mapped read-only (QFile::map; read into memory when the file
// system cannot map). The file is treated as untrusted; the constructor validates the
// whole header and throws Error("<path>: <problem>") for anything wrong:
//   - an 8-byte little-endian header length N with N <= 100 MiB and N <= file size - 8
//     (a zip/TorchScript archive or a .npy file is named as such);
//   - N bytes of UTF-8 JSON holding one object; "__metadata__", when present, maps
//     strings to strings; every other member is a tensor with "dtype" (one of
//     TensorDType), "shape" (non-negative integers whose product, and the product times
//     the dtype size, fit in 64 bits) and "data_offsets" [begin, end] (integers,
//     0 <= begin <= end <= data section size, end - begin == elements * dtype size);
//     unknown extra members of a tensor entry are ignored, as the reference reader does;
//   - a tensor name that occurs twice in the header is rejected (QJsonObject would keep
//     only one, silently), so the raw JSON is scanned for the member names too;
//   - like the reference implementation, the tensors, sorted by offset, must tile the
//     data section exactly: no overlap ("overlaps"), no gap, no unused bytes at the
//     end, and a data section shorter than the offsets claim is "truncated".
// After construction every byte access goes through validated offsets.
// Not copyable (owns the mapping); movable.
class SafetensorsFile
{
public:
    // Upper bound on the JSON header (the reference reader uses 100 MB).
    static constexpr qint64 kMaxHeaderBytes = 100 * 1024 * 1024;

    explicit SafetensorsFile(const QString &path);
    ~SafetensorsFile();
    SafetensorsFile(SafetensorsFile &&) noexcept;
    SafetensorsFile &operator=(SafetensorsFile &&) noexcept;
    SafetensorsFile(const SafetensorsFile &) = delete;
    SafetensorsFile &operator=(const SafetensorsFile &) = delete;

    const QString &path() const { return m_path; }

    // In the order of the header's JSON text.
    const QVector<TensorInfo> &tensors() const { return m_tensors; }

    // nullptr when there is no tensor of that name.
    const TensorInfo *find(const QString &name) const;

    // Throws Error("<file>: missing tensor 'x'") or, when expectedShape is not empty,
    // Error("<file>: tensor 'x' has shape [a, b], expected [c, d]"). To require a scalar,
    // check info.shape.empty() yourself (an empty expectedShape means "any shape").
    const TensorInfo &require(const QString &name, const std::vector<qint64> &expectedShape = {}) const;

    // The tensor's raw little-endian bytes (end - begin of them). Not necessarily aligned
    // for the element type: copy with memcpy/qFromLittleEndian. `t` must come from this file.
    const uchar *bytes(const TensorInfo &t) const;

    // The values as float, row-major. F32 is copied, F16/BF16 widened, F64 narrowed
    // (values beyond float range become ±inf). Other dtypes throw Error.
    std::vector<float> toFloat(const TensorInfo &t) const;

    // The "__metadata__" object (string -> string), or an empty object.
    QJsonObject metadata() const { return m_metadata; }

    // Size of the data section in bytes (file size - 8 - header length).
    qint64 dataSize() const { return m_dataSize; }

private:
    void checkOwned(const TensorInfo &t) const;

    QString m_path;
    std::unique_ptr<QFile> m_file;
    QByteArray m_buffer;            // the file contents when it could not be mapped
    const uchar *m_data = nullptr;  // start of the data section
    qint64 m_dataSize = 0;
    QVector<TensorInfo> m_tensors;
    QJsonObject m_metadata;
};

} // namespace faultline
