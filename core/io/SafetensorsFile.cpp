#include "io/SafetensorsFile.h"

#include "common/Error.h"
#include "io/BoundedFile.h"

#include <Eigen/Core>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QSet>
#include <QStringDecoder>
#include <QStringList>

#include <QtEndian>
#include <QtNumeric>

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <utility>

namespace faultline {

namespace {

[[noreturn]] void fail(const QString &path, const QString &what)
{
    throw Error(QStringLiteral("%1: %2").arg(path, what));
}

struct DTypeEntry
{
    TensorDType dtype;
    const char *name;
    int size;
};

const DTypeEntry kDTypes[] = {
    {TensorDType::F32, "F32", 4},  {TensorDType::F16, "F16", 2}, {TensorDType::BF16, "BF16", 2},
    {TensorDType::F64, "F64", 8},  {TensorDType::I64, "I64", 8}, {TensorDType::I32, "I32", 4},
    {TensorDType::I16, "I16", 2},  {TensorDType::I8, "I8", 1},   {TensorDType::U8, "U8", 1},
    {TensorDType::Bool, "BOOL", 1},
};

bool parseDType(const QString &text, TensorDType *out)
{
    for (const DTypeEntry &e : kDTypes) {
        if (text == QLatin1String(e.name)) {
            *out = e.dtype;
            return true;
        }
    }
    return false;
}

QString knownDTypeList()
{
    QStringList names;
    for (const DTypeEntry &e : kDTypes)
        names << QLatin1String(e.name);
    return names.join(QStringLiteral(", "));
}

// What a file that is not safetensors probably is, from its first bytes. `certain` is
// set for magics no valid safetensors file can start with (their header length would be
// far beyond the limit); the pickle guess is only a hint for other failures.
QString otherFormatHint(const uchar *head, qint64 size, bool *certain)
{
    auto startsWith = [&](const char *magic, qint64 n) {
        return size >= n && std::memcmp(head, magic, size_t(n)) == 0;
    };
    *certain = true;
    if (startsWith("PK\x03\x04", 4) || startsWith("PK\x05\x06", 4))
        return QStringLiteral("looks like a zip/TorchScript archive");
    if (startsWith("\x93NUMPY", 6))
        return QStringLiteral("looks like a NumPy .npy file");
    if (startsWith("GGUF", 4))
        return QStringLiteral("looks like a GGUF file");
    if (startsWith("\x89HDF", 4))
        return QStringLiteral("looks like an HDF5 file");
    *certain = false;
    if (size >= 2 && head[0] == 0x80 && head[1] >= 2 && head[1] <= 5)
        return QStringLiteral("looks like a Python pickle, e.g. a torch.save() checkpoint");
    return QString();
}

// The member names of the top-level JSON object, in the order of the text. Run only on
// text that QJsonDocument already accepted; still bounds-checked throughout. Names are
// decoded by QJsonDocument so they compare equal to the QJsonObject keys.
class TopLevelKeyScanner
{
public:
    TopLevelKeyScanner(const QString &path, const QByteArray &json) : m_path(path), m_s(json) {}

    QStringList keys()
    {
        QStringList result;
        skipSpace();
        expect('{');
        skipSpace();
        if (peek() == '}')
            return result;
        for (;;) {
            skipSpace();
            const qsizetype start = m_i;
            skipString();
            result << decodeString(m_s.mid(start, m_i - start));
            skipSpace();
            expect(':');
            skipValue();
            skipSpace();
            if (peek() == ',') {
                ++m_i;
                continue;
            }
            expect('}');
            return result;
        }
    }

private:
    char peek() const { return m_i < m_s.size() ? m_s.at(m_i) : '\0'; }

    void skipSpace()
    {
        while (m_i < m_s.size()
               && (m_s.at(m_i) == ' ' || m_s.at(m_i) == '\t' || m_s.at(m_i) == '\n' || m_s.at(m_i) == '\r'))
            ++m_i;
    }

    [[noreturn]] void error() const
    {
        fail(m_path, QStringLiteral("malformed safetensors header: unexpected JSON text at offset %1").arg(m_i));
    }

    void expect(char c)
    {
        if (peek() != c)
            error();
        ++m_i;
    }

    void skipString()
    {
        expect('"');
        while (m_i < m_s.size() && m_s.at(m_i) != '"') {
            if (m_s.at(m_i) == '\\')
                ++m_i;
            ++m_i;
        }
        expect('"');
    }

    // Skips one value: a string, an object or array (strings inside may hold brackets),
    // or a bare literal (number, true, false, null).
    void skipValue()
    {
        skipSpace();
        const char c = peek();
        if (c == '"') {
            skipString();
            return;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (m_i < m_s.size()) {
                const char d = m_s.at(m_i);
                if (d == '"') {
                    skipString();
                    continue;
                }
                ++m_i;
                if (d == '{' || d == '[') {
                    ++depth;
                } else if (d == '}' || d == ']') {
                    if (--depth == 0)
                        return;
                }
            }
            error();
        }
        const qsizetype start = m_i;
        while (m_i < m_s.size() && m_s.at(m_i) != ',' && m_s.at(m_i) != '}' && m_s.at(m_i) != ' '
               && m_s.at(m_i) != '\t' && m_s.at(m_i) != '\n' && m_s.at(m_i) != '\r')
            ++m_i;
        if (m_i == start)
            error();
    }

    QString decodeString(const QByteArray &quoted) const
    {
        const QJsonDocument doc = QJsonDocument::fromJson('[' + quoted + ']');
        if (!doc.isArray() || doc.array().size() != 1 || !doc.array().at(0).isString())
            error();
        return doc.array().at(0).toString();
    }

    const QString &m_path;
    const QByteArray &m_s;
    qsizetype m_i = 0;
};

// A JSON integer: a number that is whole and fits qint64. Anything else gives false.
bool jsonInteger(const QJsonValue &v, qint64 *out)
{
    if (!v.isDouble())
        return false;
    // toInteger() returns the default when the value is not a whole number that fits.
    const qint64 a = v.toInteger(0);
    const qint64 b = v.toInteger(1);
    if (a != b)
        return false;
    *out = a;
    return true;
}

QString jsonText(const QJsonValue &v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact)).left(200);
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)).left(200);
    if (v.isString())
        return QStringLiteral("\"%1\"").arg(v.toString().left(200));
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isNull())
        return QStringLiteral("null");
    if (v.isUndefined())
        return QStringLiteral("(absent)");
    return QString::number(v.toDouble(), 'g', 17);
}

} // namespace

QString tensorDTypeName(TensorDType dtype)
{
    for (const DTypeEntry &e : kDTypes) {
        if (e.dtype == dtype)
            return QLatin1String(e.name);
    }
    return QStringLiteral("?");
}

int tensorDTypeSize(TensorDType dtype)
{
    for (const DTypeEntry &e : kDTypes) {
        if (e.dtype == dtype)
            return e.size;
    }
    return 0;
}

QString tensorShapeText(const std::vector<qint64> &shape)
{
    QStringList parts;
    for (qint64 d : shape)
        parts << QString::number(d);
    return QStringLiteral("[%1]").arg(parts.join(QStringLiteral(", ")));
}

qint64 TensorInfo::elementCount() const
{
    // Validated at load time for tensors of a SafetensorsFile; -1 for a hand-made
    // TensorInfo whose shape is negative or overflows.
    qint64 count = 1;
    for (qint64 d : shape) {
        if (d < 0 || qMulOverflow(count, d, &count))
            return -1;
    }
    return count;
}

SafetensorsFile::SafetensorsFile(const QString &path)
    : m_path(path), m_file(std::make_unique<QFile>(path))
{
    requireRegularFile(path, std::numeric_limits<qint64>::max(), QStringLiteral("checkpoint"));
    if (!m_file->open(QIODevice::ReadOnly))
        fail(path, QStringLiteral("cannot open: %1").arg(m_file->errorString()));
    const qint64 fileSize = m_file->size();
    if (fileSize == 0)
        fail(path, QStringLiteral("not a safetensors file: the file is empty"));

    // Map the whole file; fall back to reading it when mapping is not possible.
    const uchar *base = m_file->map(0, fileSize);
    if (!base) {
        m_file->seek(0);
        m_buffer = m_file->readAll();
        if (m_buffer.size() != fileSize)
            fail(path, QStringLiteral("read error: %1").arg(m_file->errorString()));
        base = reinterpret_cast<const uchar *>(m_buffer.constData());
    }

    bool certain = false;
    const QString hint = otherFormatHint(base, fileSize, &certain);
    if (certain)
        fail(path, QStringLiteral("not a safetensors file (%1)").arg(hint));
    const QString hintSuffix = hint.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(hint);

    if (fileSize < 8)
        fail(path, QStringLiteral("not a safetensors file: %1 bytes, too short for the 8-byte header length%2")
                       .arg(fileSize).arg(hintSuffix));
    const quint64 headerLength = qFromLittleEndian<quint64>(base);
    if (headerLength > quint64(kMaxHeaderBytes))
        fail(path, QStringLiteral("not a safetensors file: header length %1 exceeds the %2-byte limit%3")
                       .arg(headerLength).arg(kMaxHeaderBytes).arg(hintSuffix));
    if (headerLength > quint64(fileSize - 8))
        fail(path, QStringLiteral("truncated: header length %1 goes beyond the end of the file (%2 bytes)%3")
                       .arg(headerLength).arg(fileSize).arg(hintSuffix));
    if (headerLength < 2)
        fail(path, QStringLiteral("malformed safetensors header: header length %1 is too short for a JSON object%2")
                       .arg(headerLength).arg(hintSuffix));

    const QByteArray header = QByteArray::fromRawData(reinterpret_cast<const char *>(base + 8),
                                                      qsizetype(headerLength));
    if (header.at(0) != '{')
        fail(path, QStringLiteral("malformed safetensors header: does not start with '{'%1").arg(hintSuffix));
    {
        QStringDecoder utf8(QStringDecoder::Utf8);
        const QString decoded = utf8.decode(header);
        Q_UNUSED(decoded);
        if (utf8.hasError())
            fail(path, QStringLiteral("malformed safetensors header: not valid UTF-8"));
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(header, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        fail(path, QStringLiteral("malformed safetensors header: invalid JSON at offset %1: %2")
                       .arg(parseError.offset).arg(parseError.errorString()));
    if (!doc.isObject())
        fail(path, QStringLiteral("malformed safetensors header: not a JSON object"));
    const QJsonObject root = doc.object();

    m_dataSize = fileSize - 8 - qint64(headerLength);
    m_data = base + 8 + headerLength;

    // Member names in text order; a repeated name would be silently collapsed by QJsonObject.
    const QStringList order = TopLevelKeyScanner(path, header).keys();
    {
        QSet<QString> seen;
        for (const QString &key : order) {
            if (seen.contains(key))
                fail(path, QStringLiteral("malformed safetensors header: '%1' occurs more than once").arg(key));
            seen.insert(key);
        }
        if (seen.size() != root.size())
            fail(path, QStringLiteral("malformed safetensors header: %1 member names in the text, %2 in the "
                                      "parsed object").arg(seen.size()).arg(root.size()));
    }

    const QString metadataKey = QStringLiteral("__metadata__");
    if (root.contains(metadataKey)) {
        const QJsonValue meta = root.value(metadataKey);
        if (!meta.isObject())
            fail(path, QStringLiteral("malformed safetensors header: '__metadata__' is %1, expected an object "
                                      "of strings").arg(jsonText(meta)));
        m_metadata = meta.toObject();
        for (auto it = m_metadata.constBegin(); it != m_metadata.constEnd(); ++it) {
            if (!it.value().isString())
                fail(path, QStringLiteral("malformed safetensors header: '__metadata__' entry '%1' is %2, "
                                          "expected a string").arg(it.key(), jsonText(it.value())));
        }
    }

    m_tensors.reserve(order.size());
    for (const QString &name : order) {
        if (name == metadataKey)
            continue;
        auto bad = [&](const QString &what) {
            fail(path, QStringLiteral("tensor '%1': %2").arg(name, what));
        };
        const QJsonValue entryValue = root.value(name);
        if (!entryValue.isObject())
            bad(QStringLiteral("entry is %1, expected an object with dtype, shape and data_offsets")
                    .arg(jsonText(entryValue)));
        const QJsonObject entry = entryValue.toObject();

        TensorInfo t;
        t.name = name;

        const QJsonValue dtype = entry.value(QLatin1String("dtype"));
        if (!dtype.isString())
            bad(QStringLiteral("'dtype' is %1, expected a string").arg(jsonText(dtype)));
        if (!parseDType(dtype.toString(), &t.dtype))
            bad(QStringLiteral("unsupported dtype '%1' (supported: %2)").arg(dtype.toString().left(50), knownDTypeList()));

        const QJsonValue shape = entry.value(QLatin1String("shape"));
        if (!shape.isArray())
            bad(QStringLiteral("'shape' is %1, expected a list of non-negative integers").arg(jsonText(shape)));
        qint64 count = 1;
        for (const QJsonValue d : shape.toArray()) {
            qint64 dim = 0;
            if (!jsonInteger(d, &dim) || dim < 0)
                bad(QStringLiteral("'shape' is %1, expected a list of non-negative integers").arg(jsonText(shape)));
            t.shape.push_back(dim);
            if (qMulOverflow(count, dim, &count))
                bad(QStringLiteral("shape %1 has too many elements (overflows 64 bits)").arg(jsonText(shape)));
        }
        qint64 byteCount = 0;
        if (qMulOverflow(count, qint64(tensorDTypeSize(t.dtype)), &byteCount))
            bad(QStringLiteral("shape %1 of %2 is too large (byte size overflows 64 bits)")
                    .arg(jsonText(shape), tensorDTypeName(t.dtype)));

        const QJsonValue offsets = entry.value(QLatin1String("data_offsets"));
        const QJsonArray offsetArray = offsets.toArray();
        if (!offsets.isArray() || offsetArray.size() != 2 || !jsonInteger(offsetArray.at(0), &t.begin)
            || !jsonInteger(offsetArray.at(1), &t.end))
            bad(QStringLiteral("'data_offsets' is %1, expected [begin, end] integers").arg(jsonText(offsets)));
        if (t.begin < 0 || t.end < t.begin)
            bad(QStringLiteral("invalid data_offsets [%1, %2]").arg(t.begin).arg(t.end));
        if (t.end > m_dataSize)
            bad(QStringLiteral("truncated: data_offsets [%1, %2] go beyond the data section (%3 bytes)")
                    .arg(t.begin).arg(t.end).arg(m_dataSize));
        if (t.end - t.begin != byteCount)
            bad(QStringLiteral("data_offsets [%1, %2] hold %3 bytes, but %4 %5 needs %6")
                    .arg(t.begin).arg(t.end).arg(t.end - t.begin)
                    .arg(tensorShapeText(t.shape), tensorDTypeName(t.dtype)).arg(byteCount));
        m_tensors.push_back(std::move(t));
    }

    // The tensors, sorted by offset, must tile the data section: no overlap, no gap, no
    // trailing bytes (as the reference reader demands; it prevents polyglot files).
    std::vector<const TensorInfo *> byOffset;
    byOffset.reserve(size_t(m_tensors.size()));
    for (const TensorInfo &t : std::as_const(m_tensors))
        byOffset.push_back(&t);
    std::stable_sort(byOffset.begin(), byOffset.end(), [](const TensorInfo *a, const TensorInfo *b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    qint64 covered = 0;
    const TensorInfo *previous = nullptr;
    for (const TensorInfo *t : byOffset) {
        if (t->begin < covered)
            fail(path, QStringLiteral("tensor '%1' (bytes %2-%3) overlaps tensor '%4' (bytes %5-%6)")
                           .arg(t->name).arg(t->begin).arg(t->end)
                           .arg(previous->name).arg(previous->begin).arg(previous->end));
        if (t->begin > covered)
            fail(path, QStringLiteral("malformed safetensors file: %1 unused bytes in the data section before "
                                      "tensor '%2' (offset %3)").arg(t->begin - covered).arg(t->name).arg(covered));
        covered = t->end;
        previous = t;
    }
    if (covered != m_dataSize)
        fail(path, QStringLiteral("malformed safetensors file: the tensors cover %1 bytes, the data section has %2 "
                                  "(%3 unused bytes at the end)").arg(covered).arg(m_dataSize).arg(m_dataSize - covered));
}

SafetensorsFile::~SafetensorsFile() = default;
SafetensorsFile::SafetensorsFile(SafetensorsFile &&) noexcept = default;
SafetensorsFile &SafetensorsFile::operator=(SafetensorsFile &&) noexcept = default;

const TensorInfo *SafetensorsFile::find(const QString &name) const
{
    for (const TensorInfo &t : m_tensors) {
        if (t.name == name)
            return &t;
    }
    return nullptr;
}

const TensorInfo &SafetensorsFile::require(const QString &name, const std::vector<qint64> &expectedShape) const
{
    const TensorInfo *t = find(name);
    if (!t)
        fail(m_path, QStringLiteral("missing tensor '%1'").arg(name));
    if (!expectedShape.empty() && t->shape != expectedShape)
        fail(m_path, QStringLiteral("tensor '%1' has shape %2, expected %3")
                         .arg(name, tensorShapeText(t->shape), tensorShapeText(expectedShape)));
    return *t;
}

void SafetensorsFile::checkOwned(const TensorInfo &t) const
{
    // Guards against a TensorInfo that did not come from this file (or was edited).
    const qint64 count = t.elementCount();
    qint64 bytes = 0;
    if (!m_data || t.begin < 0 || t.end < t.begin || t.end > m_dataSize || count < 0
        || qMulOverflow(count, qint64(tensorDTypeSize(t.dtype)), &bytes) || bytes != t.end - t.begin)
        fail(m_path, QStringLiteral("tensor '%1': offsets [%2, %3] do not match this file")
                         .arg(t.name).arg(t.begin).arg(t.end));
}

const uchar *SafetensorsFile::bytes(const TensorInfo &t) const
{
    checkOwned(t);
    return m_data + t.begin;
}

std::vector<float> SafetensorsFile::toFloat(const TensorInfo &t) const
{
    checkOwned(t);
    const uchar *src = m_data + t.begin;
    const qint64 count = t.elementCount();
    std::vector<float> out;
    switch (t.dtype) {
    case TensorDType::F32:
    case TensorDType::F16:
    case TensorDType::BF16:
    case TensorDType::F64:
        break;
    default:
        fail(m_path, QStringLiteral("tensor '%1' has dtype %2, expected a floating-point tensor (F32, F16, BF16 or F64)")
                         .arg(t.name, tensorDTypeName(t.dtype)));
    }
    try {
        out.resize(size_t(count));
    } catch (const std::bad_alloc &) {
        fail(m_path, QStringLiteral("tensor '%1': out of memory for %2 floats").arg(t.name).arg(count));
    } catch (const std::length_error &) {
        fail(m_path, QStringLiteral("tensor '%1': out of memory for %2 floats").arg(t.name).arg(count));
    }
    switch (t.dtype) {
    case TensorDType::F32:
        for (qint64 i = 0; i < count; ++i)
            out[size_t(i)] = qFromLittleEndian<float>(src + 4 * i);
        break;
    case TensorDType::F16:
        for (qint64 i = 0; i < count; ++i) {
            const quint16 bits = qFromLittleEndian<quint16>(src + 2 * i);
            out[size_t(i)] = static_cast<float>(Eigen::half(Eigen::half_impl::raw_uint16_to_half(bits)));
        }
        break;
    case TensorDType::BF16:
        for (qint64 i = 0; i < count; ++i) {
            const quint16 bits = qFromLittleEndian<quint16>(src + 2 * i);
            out[size_t(i)] = static_cast<float>(Eigen::bfloat16(Eigen::bfloat16_impl::raw_uint16_to_bfloat16(bits)));
        }
        break;
    case TensorDType::F64:
        for (qint64 i = 0; i < count; ++i)
            out[size_t(i)] = static_cast<float>(qFromLittleEndian<double>(src + 8 * i));
        break;
    default:
        break;
    }
    return out;
}

} // namespace faultline
