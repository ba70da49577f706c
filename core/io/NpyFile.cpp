#include "io/NpyFile.h"

#include "common/Error.h"
#include "io/BoundedFile.h"
#include "io/AtomicFileWriter.h"

#include <Eigen/Core>

#include <QFile>

#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

namespace faultline {

namespace {

const char kMagic[] = "\x93NUMPY";
const int kMagicLength = 6;

[[noreturn]] void fail(const QString &path, const QString &what)
{
    throw Error(QStringLiteral("%1: %2").arg(path, what));
}

// A value of the header dict: a Python literal of the few kinds numpy writes.
struct PyValue
{
    enum class Kind { String, Bool, Int, Tuple, List, None, Other } kind = Kind::Other;
    QString text;              // String: contents; otherwise the literal as written
    bool boolean = false;
    qint64 integer = 0;
    std::vector<qint64> items; // Tuple of non-negative ints
    bool tupleOfInts = true;
};

// Parses the header dict, e.g. "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }".
// Keys may come in any order; spaces and trailing commas are accepted.
class HeaderParser
{
public:
    HeaderParser(const QString &path, const QString &header)
        : m_path(path), m_s(header) {}

    std::map<QString, PyValue> parseDict()
    {
        std::map<QString, PyValue> dict;
        skipSpace();
        expect(QLatin1Char('{'));
        for (;;) {
            skipSpace();
            if (peek() == QLatin1Char('}')) {
                ++m_i;
                break;
            }
            const PyValue key = parseValue();
            if (key.kind != PyValue::Kind::String)
                error(QStringLiteral("dictionary key is not a string"));
            skipSpace();
            expect(QLatin1Char(':'));
            dict[key.text] = parseValue();
            skipSpace();
            if (peek() == QLatin1Char(',')) {
                ++m_i;
            } else if (peek() != QLatin1Char('}')) {
                error(QStringLiteral("expected ',' or '}'"));
            }
        }
        skipSpace();
        if (m_i != m_s.size())
            error(QStringLiteral("unexpected text after the dictionary"));
        return dict;
    }

private:
    QChar peek() const { return m_i < m_s.size() ? m_s.at(m_i) : QChar(); }

    void skipSpace()
    {
        while (m_i < m_s.size() && m_s.at(m_i).isSpace())
            ++m_i;
    }

    [[noreturn]] void error(const QString &what) const
    {
        fail(m_path, QStringLiteral("malformed .npy header (%1 at offset %2): %3")
                         .arg(what).arg(m_i).arg(m_s.trimmed().left(200)));
    }

    void expect(QChar c)
    {
        if (peek() != c)
            error(QStringLiteral("expected '%1'").arg(c));
        ++m_i;
    }

    PyValue parseValue()
    {
        // Nesting bounds the recursion: a header of "((((…" must not exhaust the stack.
        struct Depth
        {
            int &depth;
            explicit Depth(int &d) : depth(d) { ++depth; }
            ~Depth() { --depth; }
        } guard(m_depth);
        if (m_depth > 32)
            error(QStringLiteral("nested too deeply"));
        skipSpace();
        PyValue v;
        const QChar c = peek();
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            ++m_i;
            const qsizetype start = m_i;
            while (m_i < m_s.size() && m_s.at(m_i) != c) {
                if (m_s.at(m_i) == QLatin1Char('\\'))
                    ++m_i;
                ++m_i;
            }
            if (m_i >= m_s.size())
                error(QStringLiteral("unterminated string"));
            v.kind = PyValue::Kind::String;
            v.text = m_s.mid(start, m_i - start);
            ++m_i;
            return v;
        }
        if (c == QLatin1Char('(') || c == QLatin1Char('[')) {
            const QChar close = c == QLatin1Char('(') ? QLatin1Char(')') : QLatin1Char(']');
            v.kind = c == QLatin1Char('(') ? PyValue::Kind::Tuple : PyValue::Kind::List;
            const qsizetype start = m_i;
            ++m_i;
            for (;;) {
                skipSpace();
                if (peek() == close) {
                    ++m_i;
                    break;
                }
                const PyValue item = parseValue();
                if (item.kind == PyValue::Kind::Int)
                    v.items.push_back(item.integer);
                else
                    v.tupleOfInts = false;
                skipSpace();
                if (peek() == QLatin1Char(',')) {
                    ++m_i;
                } else if (peek() != close) {
                    error(QStringLiteral("expected ',' or '%1'").arg(close));
                }
            }
            v.text = m_s.mid(start, m_i - start);
            return v;
        }
        // A bare word: True, False, None or an integer (numpy may write 3L on Python 2).
        const qsizetype start = m_i;
        while (m_i < m_s.size()
               && (m_s.at(m_i).isLetterOrNumber() || m_s.at(m_i) == QLatin1Char('_')
                   || m_s.at(m_i) == QLatin1Char('-') || m_s.at(m_i) == QLatin1Char('+')))
            ++m_i;
        v.text = m_s.mid(start, m_i - start);
        if (v.text.isEmpty())
            error(QStringLiteral("expected a value"));
        if (v.text == QLatin1String("True") || v.text == QLatin1String("False")) {
            v.kind = PyValue::Kind::Bool;
            v.boolean = v.text == QLatin1String("True");
            return v;
        }
        if (v.text == QLatin1String("None")) {
            v.kind = PyValue::Kind::None;
            return v;
        }
        QString digits = v.text;
        if (digits.endsWith(QLatin1Char('L')))
            digits.chop(1);
        bool ok = false;
        const qint64 number = digits.toLongLong(&ok);
        if (!ok)
            error(QStringLiteral("unexpected value '%1'").arg(v.text));
        v.kind = PyValue::Kind::Int;
        v.integer = number;
        return v;
    }

    const QString &m_path;
    QString m_s;
    qsizetype m_i = 0;
    int m_depth = 0;
};

QString shapeText(const std::vector<qint64> &shape)
{
    QStringList parts;
    for (qint64 d : shape)
        parts << QString::number(d);
    if (shape.size() == 1)
        return QStringLiteral("(%1,)").arg(parts.first());
    return QStringLiteral("(%1)").arg(parts.join(QStringLiteral(", ")));
}

void readExactly(QFile &file, const QString &path, char *into, qint64 bytes)
{
    while (bytes > 0) {
        const qint64 got = file.read(into, bytes);
        if (got <= 0)
            fail(path, QStringLiteral("read error: %1").arg(file.errorString()));
        into += got;
        bytes -= got;
    }
}

} // namespace

NpyMatrix readNpyMatrix(const QString &path)
{
    // The data's size is checked against the file's before it is read; a device has no size.
    requireRegularFile(path, std::numeric_limits<qint64>::max(), QStringLiteral(".npy file"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail(path, QStringLiteral("cannot open: %1").arg(file.errorString()));
    const qint64 fileSize = file.size();

    // Preamble: magic, version, header length.
    char preamble[12] = {};
    const qint64 preambleRead = file.read(preamble, 10);
    if (preambleRead < 8 || std::memcmp(preamble, kMagic, kMagicLength) != 0)
        fail(path, QStringLiteral("not a NumPy .npy file (bad magic)"));
    const int major = static_cast<unsigned char>(preamble[6]);
    const int minor = static_cast<unsigned char>(preamble[7]);
    if (major < 1 || major > 3)
        fail(path, QStringLiteral("unsupported .npy format version %1.%2 (1.0, 2.0 and 3.0 are read)")
                       .arg(major).arg(minor));
    qint64 headerLength = 0;
    qint64 headerStart = 0;
    if (major == 1) {
        if (preambleRead < 10)
            fail(path, QStringLiteral("truncated .npy preamble"));
        headerLength = qFromLittleEndian<quint16>(preamble + 8);
        headerStart = 10;
    } else {
        if (preambleRead < 10 || file.read(preamble + 10, 2) != 2)
            fail(path, QStringLiteral("truncated .npy preamble"));
        headerLength = qFromLittleEndian<quint32>(preamble + 8);
        headerStart = 12;
    }
    // numpy writes headers of a few hundred bytes; a huge one is hostile or broken.
    constexpr qint64 kMaxHeaderLength = 1 << 20;
    if (headerLength > kMaxHeaderLength)
        fail(path, QStringLiteral("header length %1 is implausible (at most %2 bytes expected)")
                       .arg(headerLength).arg(kMaxHeaderLength));
    if (headerStart + headerLength > fileSize)
        fail(path, QStringLiteral("header length %1 goes beyond the end of the file (%2 bytes)")
                       .arg(headerLength).arg(fileSize));

    QByteArray headerBytes(headerLength, Qt::Uninitialized);
    readExactly(file, path, headerBytes.data(), headerLength);
    const QString header = major == 3 ? QString::fromUtf8(headerBytes) : QString::fromLatin1(headerBytes);

    const std::map<QString, PyValue> dict = HeaderParser(path, header).parseDict();
    auto require = [&](const char *key) -> const PyValue & {
        const auto it = dict.find(QLatin1String(key));
        if (it == dict.end())
            fail(path, QStringLiteral("malformed .npy header: missing '%1': %2")
                           .arg(QLatin1String(key), header.trimmed()));
        return it->second;
    };
    const PyValue &descr = require("descr");
    const PyValue &fortran = require("fortran_order");
    const PyValue &shapeValue = require("shape");

    // dtype
    if (descr.kind != PyValue::Kind::String)
        fail(path, QStringLiteral("unsupported dtype %1 (structured arrays are not supported); "
                                  "expected float32 ('<f4') or float16 ('<f2')").arg(descr.text));
    const QString dtype = descr.text;
    bool bigEndian = false;
    int itemSize = 0;
    if (dtype.size() == 3 && dtype.at(1) == QLatin1Char('f')
        && (dtype.at(2) == QLatin1Char('4') || dtype.at(2) == QLatin1Char('2'))) {
        const QChar order = dtype.at(0);
        if (order == QLatin1Char('<')) {
            bigEndian = false;
        } else if (order == QLatin1Char('>')) {
            bigEndian = true;
        } else if (order == QLatin1Char('|') || order == QLatin1Char('=')) {
            bigEndian = QSysInfo::ByteOrder == QSysInfo::BigEndian;
        } else {
            itemSize = -1;
        }
        if (itemSize == 0)
            itemSize = dtype.at(2) == QLatin1Char('4') ? 4 : 2;
    }
    if (itemSize <= 0)
        fail(path, QStringLiteral("unsupported dtype '%1'; expected float32 ('<f4') or float16 ('<f2') "
                                  "(convert with arr.astype(np.float32))").arg(dtype));

    if (fortran.kind != PyValue::Kind::Bool)
        fail(path, QStringLiteral("malformed .npy header: 'fortran_order' is %1, expected True or False")
                       .arg(fortran.text));
    if (fortran.boolean)
        fail(path, QStringLiteral("Fortran order not supported; save with np.ascontiguousarray"));

    if (shapeValue.kind != PyValue::Kind::Tuple || !shapeValue.tupleOfInts)
        fail(path, QStringLiteral("malformed .npy header: 'shape' is %1, expected a tuple of integers")
                       .arg(shapeValue.text));
    const std::vector<qint64> &shape = shapeValue.items;
    for (qint64 d : shape) {
        if (d < 0)
            fail(path, QStringLiteral("invalid shape %1: negative dimension").arg(shapeText(shape)));
    }
    if (shape.size() != 2) {
        QString hint;
        if (shape.size() == 1)
            hint = QStringLiteral("; for one vector save arr.reshape(1, -1), for N scalars arr.reshape(-1, 1)");
        fail(path, QStringLiteral("array has shape %1 (%2-D); expected a 2-D [N, D] matrix%3")
                       .arg(shapeText(shape)).arg(shape.size()).arg(hint));
    }

    NpyMatrix m;
    m.rows = shape[0];
    m.cols = shape[1];
    const qint64 dataStart = headerStart + headerLength;
    const qint64 available = fileSize - dataStart;
    const qint64 maxElements = std::numeric_limits<qint64>::max() / itemSize;
    if (m.cols != 0 && m.rows > maxElements / m.cols)
        fail(path, QStringLiteral("truncated: shape %1 of %2-byte values needs more bytes than can exist, "
                                  "file has %3").arg(shapeText(shape)).arg(itemSize).arg(available));
    const qint64 count = m.rows * m.cols;
    const qint64 dataBytes = count * itemSize;
    if (dataBytes > available)
        fail(path, QStringLiteral("truncated: expected %1 bytes of data, file has %2")
                       .arg(dataBytes).arg(available));
    if (quint64(count) > m.values.max_size())
        fail(path, QStringLiteral("shape %1 is too large for this machine").arg(shapeText(shape)));

    try {
        m.values.resize(size_t(count));
    } catch (const std::bad_alloc &) {
        fail(path, QStringLiteral("out of memory for shape %1").arg(shapeText(shape)));
    }
    if (count == 0)
        return m;

    const bool swap = bigEndian != (QSysInfo::ByteOrder == QSysInfo::BigEndian);
    if (itemSize == 4) {
        readExactly(file, path, reinterpret_cast<char *>(m.values.data()), dataBytes);
        if (swap) {
            auto *words = reinterpret_cast<quint32 *>(m.values.data());
            for (qint64 i = 0; i < count; ++i)
                words[i] = qbswap(words[i]);
        }
    } else {
        // float16: read in chunks and widen through Eigen::half.
        const qint64 chunk = 1 << 20;
        std::vector<quint16> buffer(size_t(std::min(count, chunk)));
        for (qint64 done = 0; done < count;) {
            const qint64 n = std::min(chunk, count - done);
            readExactly(file, path, reinterpret_cast<char *>(buffer.data()), n * 2);
            float *out = m.values.data() + done;
            for (qint64 i = 0; i < n; ++i) {
                const quint16 bits = swap ? qbswap(buffer[size_t(i)]) : buffer[size_t(i)];
                out[i] = static_cast<float>(Eigen::half(Eigen::half_impl::raw_uint16_to_half(bits)));
            }
            done += n;
        }
    }
    return m;
}

void writeNpyMatrix(const QString &path, const float *values, qint64 rows, qint64 cols)
{
    if (rows < 0 || cols < 0)
        fail(path, QStringLiteral("cannot write shape (%1, %2): negative dimension").arg(rows).arg(cols));
    if (cols != 0 && rows > std::numeric_limits<qint64>::max() / 4 / cols)
        fail(path, QStringLiteral("cannot write shape (%1, %2): too large").arg(rows).arg(cols));
    const qint64 count = rows * cols;
    if (count > 0 && !values)
        fail(path, QStringLiteral("cannot write: no values given"));

    QByteArray header = QStringLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (%1, %2), }")
                            .arg(rows).arg(cols).toLatin1();
    // Pad with spaces and a final newline so the data starts on a 64-byte boundary.
    const qsizetype preamble = 10;
    const qsizetype total = ((preamble + header.size() + 1 + 63) / 64) * 64;
    header.append(QByteArray(total - preamble - header.size() - 1, ' '));
    header.append('\n');

    QByteArray bytes(kMagic, kMagicLength);
    bytes.append('\x01');
    bytes.append('\x00');
    char lengthBytes[2];
    qToLittleEndian<quint16>(quint16(header.size()), lengthBytes);
    bytes.append(lengthBytes, 2);
    bytes.append(header);

    AtomicFileWriter file(path);
    auto writeAll = [&](const char *data, qint64 size) { file.write(data, size); };
    writeAll(bytes.constData(), bytes.size());
    if (QSysInfo::ByteOrder == QSysInfo::LittleEndian) {
        writeAll(reinterpret_cast<const char *>(values), count * 4);
    } else {
        const qint64 chunk = 1 << 16;
        std::vector<quint32> buffer(size_t(std::min<qint64>(std::max<qint64>(count, 1), chunk)));
        for (qint64 done = 0; done < count;) {
            const qint64 n = std::min(chunk, count - done);
            for (qint64 i = 0; i < n; ++i) {
                quint32 word;
                std::memcpy(&word, values + done + i, 4);
                buffer[size_t(i)] = qToLittleEndian(word);
            }
            writeAll(reinterpret_cast<const char *>(buffer.data()), n * 4);
            done += n;
        }
    }
    file.commit();
}

qint64 firstNonFiniteRow(const NpyMatrix &matrix)
{
    if (matrix.cols <= 0)
        return -1;
    const float *v = matrix.values.data();
    const qint64 rows = std::min(matrix.rows, qint64(matrix.values.size()) / matrix.cols);
    for (qint64 r = 0; r < rows; ++r) {
        const float *row = v + r * matrix.cols;
        for (qint64 c = 0; c < matrix.cols; ++c) {
            if (!std::isfinite(row[c]))
                return r;
        }
    }
    return -1;
}

} // namespace faultline
