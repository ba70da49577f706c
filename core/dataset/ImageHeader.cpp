#include "dataset/ImageHeader.h"

#include <QByteArrayView>
#include <QList>

#include <algorithm>
#include <cstdint>

namespace faultline {

namespace {

// Bounds-checked reads: a header is untrusted and may end anywhere.
class Bytes
{
public:
    explicit Bytes(const QByteArray &data) : m_data(data) {}
    qsizetype size() const { return m_data.size(); }
    bool has(qsizetype offset, qsizetype count) const { return offset >= 0 && count >= 0 && offset <= size() - count; }
    std::uint32_t u8(qsizetype i) const { return std::uint8_t(m_data[i]); }
    std::uint32_t be16(qsizetype i) const { return u8(i) << 8 | u8(i + 1); }
    std::uint32_t le16(qsizetype i) const { return u8(i) | u8(i + 1) << 8; }
    std::uint32_t be32(qsizetype i) const { return be16(i) << 16 | be16(i + 2); }
    std::uint32_t le32(qsizetype i) const { return le16(i) | le16(i + 2) << 16; }
    // A literal's bytes, NULs included ("II*\0").
    template <qsizetype N>
    bool startsWith(const char (&prefix)[N], qsizetype at = 0) const
    {
        return has(at, N - 1) && QByteArrayView(m_data).sliced(at, N - 1) == QByteArrayView(prefix, N - 1);
    }
    const QByteArray &data() const { return m_data; }

private:
    const QByteArray &m_data;
};

std::optional<ImageDimensions> dimensions(qint64 width, qint64 height)
{
    if (width <= 0 || height <= 0)
        return std::nullopt;
    return ImageDimensions{width, height};
}

std::optional<ImageDimensions> png(const Bytes &b)
{
    if (!b.startsWith("\x89PNG\r\n\x1a\n") || !b.startsWith("IHDR", 12) || !b.has(16, 8))
        return std::nullopt;
    return dimensions(b.be32(16), b.be32(20));
}

std::optional<ImageDimensions> jpeg(const Bytes &b)
{
    if (!b.has(0, 2) || b.u8(0) != 0xFF || b.u8(1) != 0xD8)
        return std::nullopt;
    qsizetype i = 2;
    for (;;) {
        // As libjpeg's next_marker(), which OpenCV decodes with: bytes other than 0xFF before a
        // marker are skipped (libjpeg only warns), and so are fill bytes (FF FF) and stuffed
        // zeros (FF 00) — a stricter reader would miss the frame header libjpeg then finds.
        while (b.has(i, 1) && b.u8(i) != 0xFF)
            ++i;
        while (b.has(i + 1, 1) && b.u8(i + 1) == 0xFF)
            ++i;
        if (!b.has(i, 2))
            return std::nullopt;
        const std::uint32_t marker = b.u8(i + 1);
        if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // no length
            i += 2;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) // scan data or the end before any frame header
            return std::nullopt;
        if (!b.has(i + 2, 2))
            return std::nullopt;
        const qsizetype length = b.be16(i + 2);
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            return b.has(i + 5, 4) ? dimensions(b.be16(i + 7), b.be16(i + 5)) : std::nullopt;
        if (length < 2)
            return std::nullopt;
        i += 2 + length;
    }
}

std::optional<ImageDimensions> bmp(const Bytes &b)
{
    if (!b.startsWith("BM") || !b.has(14, 4))
        return std::nullopt;
    if (b.le32(14) == 12) // OS/2 BITMAPCOREHEADER: 16-bit sizes
        return b.has(18, 4) ? dimensions(b.le16(18), b.le16(20)) : std::nullopt;
    if (!b.has(18, 8))
        return std::nullopt;
    const qint64 height = std::int32_t(b.le32(22)); // negative: stored top-down
    return dimensions(std::int32_t(b.le32(18)), height < 0 ? -height : height);
}

std::optional<ImageDimensions> webp(const Bytes &b)
{
    if (!b.startsWith("RIFF") || !b.startsWith("WEBP", 8))
        return std::nullopt;
    if (b.startsWith("VP8X", 12) && b.has(24, 6)) // canvas size − 1, 24 bits each
        return dimensions((b.le32(24) & 0xFFFFFF) + 1, (b.le16(27) | b.u8(29) << 16) + 1);
    if (b.startsWith("VP8L", 12) && b.has(21, 4) && b.u8(20) == 0x2F) { // 14 bits each, − 1
        const std::uint32_t bits = b.le32(21);
        return dimensions((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    if (b.startsWith("VP8 ", 12) && b.has(26, 4) && b.startsWith("\x9d\x01\x2a", 23))
        return dimensions(b.le16(26) & 0x3FFF, b.le16(28) & 0x3FFF);
    return std::nullopt;
}

std::optional<ImageDimensions> tiff(const Bytes &b)
{
    const bool little = b.startsWith("II*\0");
    if (!little && !b.startsWith("MM\0*"))
        return std::nullopt;
    const auto u16 = [&](qsizetype i) { return little ? b.le16(i) : b.be16(i); };
    const auto u32 = [&](qsizetype i) { return little ? b.le32(i) : b.be32(i); };
    if (!b.has(4, 4))
        return std::nullopt;
    const qsizetype ifd = qsizetype(u32(4)); // the first page: what the decoder reads
    if (!b.has(ifd, 2))
        return std::nullopt;
    qint64 width = 0, height = 0;
    const std::uint32_t entries = u16(ifd);
    for (std::uint32_t e = 0; e < entries; ++e) {
        const qsizetype at = ifd + 2 + qsizetype(e) * 12;
        if (!b.has(at, 12))
            break;
        const std::uint32_t tag = u16(at), type = u16(at + 2);
        const qint64 value = type == 3 ? u16(at + 8) : type == 4 ? u32(at + 8) : 0; // SHORT or LONG
        if (tag == 256)
            width = value;
        else if (tag == 257)
            height = value;
    }
    return dimensions(width, height);
}

// The whitespace-separated decimal numbers after a PNM/PFM magic, skipping # comments.
QList<qint64> headerNumbers(const Bytes &b, qsizetype from, int count)
{
    QList<qint64> numbers;
    qsizetype i = from;
    const qsizetype end = std::min(b.size(), qsizetype(4096));
    while (i < end && numbers.size() < count) {
        const char c = b.data()[i];
        if (c == '#') {
            while (i < end && b.data()[i] != '\n')
                ++i;
        } else if (c >= '0' && c <= '9') {
            qint64 value = 0;
            for (; i < end && b.data()[i] >= '0' && b.data()[i] <= '9'; ++i)
                value = std::min<qint64>(value * 10 + (b.data()[i] - '0'), qint64(1) << 40);
            numbers << value;
            continue;
        } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            break;
        }
        ++i;
    }
    return numbers;
}

std::optional<ImageDimensions> pnm(const Bytes &b)
{
    if (!b.has(0, 3) || (b.u8(0) != 'P'))
        return std::nullopt;
    const char kind = char(b.u8(1));
    if ((kind >= '1' && kind <= '6') || kind == 'F' || kind == 'f') {
        const QList<qint64> n = headerNumbers(b, 2, 2);
        return n.size() == 2 ? dimensions(n[0], n[1]) : std::nullopt;
    }
    if (kind == '7') { // PAM: WIDTH n / HEIGHT n lines
        const QByteArray head = b.data().left(4096);
        const auto field = [&](const char *name) -> qint64 {
            const qsizetype at = head.indexOf(name);
            if (at < 0)
                return 0;
            const QList<qint64> n = headerNumbers(b, at + qsizetype(qstrlen(name)), 1);
            return n.isEmpty() ? 0 : n[0];
        };
        return dimensions(field("\nWIDTH"), field("\nHEIGHT"));
    }
    return std::nullopt;
}

std::optional<ImageDimensions> sunRaster(const Bytes &b)
{
    if (!b.startsWith("\x59\xa6\x6a\x95") || !b.has(4, 8))
        return std::nullopt;
    return dimensions(b.be32(4), b.be32(8));
}

std::optional<ImageDimensions> radiance(const Bytes &b)
{
    if (!b.startsWith("#?"))
        return std::nullopt;
    // Header lines, an empty line, then the resolution: "-Y 480 +X 640" (or another orientation).
    const QByteArray head = b.data().left(16384);
    const qsizetype blank = head.indexOf("\n\n");
    if (blank < 0)
        return std::nullopt;
    const qsizetype lineEnd = head.indexOf('\n', blank + 2);
    const QList<QByteArray> parts = head.mid(blank + 2, lineEnd < 0 ? -1 : lineEnd - blank - 2).simplified().split(' ');
    if (parts.size() != 4)
        return std::nullopt;
    bool ok1 = false, ok2 = false;
    const qint64 first = parts[1].toLongLong(&ok1), second = parts[3].toLongLong(&ok2);
    if (!ok1 || !ok2)
        return std::nullopt;
    const bool rowsFirst = parts[0].endsWith('Y'); // "-Y H +X W": height first
    return rowsFirst ? dimensions(second, first) : dimensions(first, second);
}

std::optional<ImageDimensions> openExr(const Bytes &b)
{
    if (!b.startsWith("\x76\x2f\x31\x01"))
        return std::nullopt;
    // Attributes after the version: name\0 type\0 size value, until an empty name.
    qsizetype i = 8;
    const QByteArray &d = b.data();
    while (b.has(i, 1) && d[i] != '\0') {
        const qsizetype nameEnd = d.indexOf('\0', i);
        const qsizetype typeEnd = nameEnd < 0 ? -1 : d.indexOf('\0', nameEnd + 1);
        if (typeEnd < 0 || !b.has(typeEnd + 1, 4))
            return std::nullopt;
        const QByteArray name = d.mid(i, nameEnd - i);
        const QByteArray type = d.mid(nameEnd + 1, typeEnd - nameEnd - 1);
        const qsizetype size = qsizetype(b.le32(typeEnd + 1)), value = typeEnd + 5;
        if (name == "dataWindow" && type == "box2i" && size == 16 && b.has(value, 16)) {
            const qint64 xMin = std::int32_t(b.le32(value)), yMin = std::int32_t(b.le32(value + 4));
            const qint64 xMax = std::int32_t(b.le32(value + 8)), yMax = std::int32_t(b.le32(value + 12));
            return dimensions(xMax - xMin + 1, yMax - yMin + 1);
        }
        if (!b.has(value, size))
            return std::nullopt;
        i = value + size;
    }
    return std::nullopt;
}

std::optional<ImageDimensions> jpeg2000(const Bytes &b)
{
    if (b.startsWith("\xff\x4f\xff\x51") && b.has(8, 16)) // a bare codestream: its SIZ marker
        return dimensions(qint64(b.be32(8)) - b.be32(16), qint64(b.be32(12)) - b.be32(20));
    if (!b.startsWith("jP  ", 4))
        return std::nullopt;
    const qsizetype at = b.data().left(65536).indexOf("ihdr"); // inside the jp2h box
    if (at < 0 || !b.has(at + 4, 8))
        return std::nullopt;
    return dimensions(b.be32(at + 8), b.be32(at + 4));
}

} // namespace

std::optional<ImageDimensions> imageHeaderDimensions(const QByteArray &bytes)
{
    const Bytes b(bytes);
    for (const auto reader : {png, jpeg, bmp, webp, tiff, pnm, sunRaster, radiance, openExr, jpeg2000})
        if (const std::optional<ImageDimensions> found = reader(b))
            return found;
    return std::nullopt;
}

} // namespace faultline
