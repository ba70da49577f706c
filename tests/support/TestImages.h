#pragma once

// Helpers shared by tests that build small datasets on disk: valid PNG files written
// without QtGui (faultline_core links Qt Core only), arbitrary bytes, text files.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QtEndian>

#include <algorithm>
#include <array>
#include <random>
#include <cstdint>

namespace faultline::testing {

inline quint32 crc32(const QByteArray &bytes)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 n = 0; n < 256; ++n) {
            quint32 c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    quint32 c = 0xFFFFFFFFu;
    for (char ch : bytes)
        c = table[(c ^ quint8(ch)) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

// An 8-bit RGB PNG of w × h pixels from rgb(x, y, pixel): every test image goes through this.
template <typename Rgb>
inline QByteArray rgbPng(int w, int h, Rgb rgb)
{
    auto be32 = [](quint32 v) {
        QByteArray b(4, '\0');
        qToBigEndian(v, b.data());
        return b;
    };
    auto chunk = [&](const char *type, const QByteArray &data) {
        const QByteArray typed = QByteArray(type, 4) + data;
        return be32(quint32(data.size())) + typed + be32(crc32(typed));
    };
    QByteArray header = be32(quint32(w)) + be32(quint32(h));
    header.append(char(8)).append(char(2)).append(char(0)).append(char(0)).append(char(0));
    QByteArray raw;
    for (int y = 0; y < h; ++y) {
        raw.append(char(0)); // filter: none
        for (int x = 0; x < w; ++x) {
            unsigned char pixel[3];
            rgb(x, y, pixel);
            raw.append(reinterpret_cast<const char *>(pixel), 3);
        }
    }
    const QByteArray zlib = qCompress(raw).mid(4); // qCompress prefixes the length
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", header) + chunk("IDAT", zlib)
           + chunk("IEND", QByteArray());
}

// A valid RGB PNG of w × h pixels; `seed` varies the pixels (so files differ).
inline QByteArray pngBytes(int w = 2, int h = 2, int seed = 0)
{
    return rgbPng(w, h, [seed](int x, int y, unsigned char *pixel) {
        pixel[0] = (seed * 37 + x * 11) & 0xFF;
        pixel[1] = (seed * 13 + y * 7) & 0xFF;
        pixel[2] = (seed + x + y) & 0xFF;
    });
}

// An 8-bit PNG of w × h pixels with 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA) channels.
// `seed` varies the pixels; `solid` makes every pixel the same colour (still seed-dependent).
inline QByteArray pngBytesWithChannels(int w, int h, int channels, int seed, bool solid = false)
{
    static const char colourTypes[] = {0, 0, 4, 2, 6};
    auto be32 = [](quint32 v) {
        QByteArray b(4, '\0');
        qToBigEndian(v, b.data());
        return b;
    };
    auto chunk = [&](const char *type, const QByteArray &data) {
        const QByteArray typed = QByteArray(type, 4) + data;
        return be32(quint32(data.size())) + typed + be32(crc32(typed));
    };
    QByteArray header = be32(quint32(w)) + be32(quint32(h));
    header.append(char(8)).append(colourTypes[channels]).append(char(0)).append(char(0)).append(char(0));
    QByteArray raw;
    for (int y = 0; y < h; ++y) {
        raw.append(char(0)); // filter: none
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < channels; ++c) {
                const bool alpha = (channels == 2 && c == 1) || (channels == 4 && c == 3);
                const int value = solid ? seed * 53 + c * 71
                                        : alpha ? 255 - ((x * 13 + y * 5 + seed) & 0x7F)
                                                : seed * 37 + x * 11 * (c + 1) + y * 7 * (3 - c) + (x * y) % 17;
                raw.append(char(value & 0xFF));
            }
    }
    const QByteArray zlib = qCompress(raw).mid(4); // qCompress prefixes the length
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", header) + chunk("IDAT", zlib)
           + chunk("IEND", QByteArray());
}

// A w × h RGB PNG around one colour, with per-pixel noise (seeded) so no two files are alike.
inline QByteArray colourPng(int w, int h, int r, int g, int b, int seed)
{
    std::mt19937 rng{quint32(seed)};
    std::uniform_int_distribution<int> noise(-25, 25);
    return rgbPng(w, h, [&](int, int, unsigned char *pixel) {
        pixel[0] = std::clamp(r + noise(rng), 0, 255);
        pixel[1] = std::clamp(g + noise(rng), 0, 255);
        pixel[2] = std::clamp(b + noise(rng), 0, 255);
    });
}

inline bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(bytes) == bytes.size();
}

inline bool writePng(const QString &path, int seed = 0)
{
    return writeBytes(path, pngBytes(2, 2, seed));
}

inline bool writeText(const QString &path, const QString &text)
{
    return writeBytes(path, text.toUtf8());
}

} // namespace faultline::testing
