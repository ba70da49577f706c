#pragma once

#include <QDataStream>

#include <limits>
#include <type_traits>
#include <vector>

namespace faultline {

// Arrays of plain numbers in a QDataStream (saved search indexes in the project store): a count,
// then the values' bytes as they are in memory (little-endian on every platform Faultline runs on).
template <typename T>
void writeArray(QDataStream &out, const T *values, qint64 count)
{
    static_assert(std::is_arithmetic_v<T>);
    out << count;
    out.writeRawData(reinterpret_cast<const char *>(values), int(count * qint64(sizeof(T))));
}

template <typename T>
void writeArray(QDataStream &out, const std::vector<T> &values)
{
    writeArray(out, values.data(), qint64(values.size()));
}

// Reads what writeArray wrote; false (the stream's status set) when the count is negative or
// above `maxCount`, or the bytes end early: the blob is damaged or not of this shape.
template <typename T>
bool readArray(QDataStream &in, std::vector<T> &values, qint64 maxCount)
{
    static_assert(std::is_arithmetic_v<T>);
    qint64 count = -1;
    in >> count;
    if (in.status() != QDataStream::Ok || count < 0 || count > maxCount) {
        in.setStatus(QDataStream::ReadCorruptData);
        return false;
    }
    values.resize(size_t(count));
    const qint64 bytes = count * qint64(sizeof(T));
    if (bytes > std::numeric_limits<int>::max()) {
        in.setStatus(QDataStream::ReadCorruptData);
        return false;
    }
    if (in.readRawData(reinterpret_cast<char *>(values.data()), int(bytes)) != bytes) {
        in.setStatus(QDataStream::ReadPastEnd);
        return false;
    }
    return true;
}

} // namespace faultline
