#pragma once

// Core-internal: OpenCV types. Include only from core .cpp files.
#include <QByteArray>
#include <QString>
#include <opencv2/core.hpp>

namespace faultline {

// The whole file; Error("<path>: cannot open: …" / "…: empty file"). Reads through QFile so
// non-ASCII paths work on every platform.
QByteArray readImageFile(const QString &path);

// The most pixels an image may have: Pillow's DecompressionBombError threshold (twice
// PIL.Image.MAX_IMAGE_PIXELS), so what the reference pipeline opens, Faultline opens too.
constexpr qint64 kMaxImagePixels = qint64(2) * 89478485;

// Decodes with OpenCV as stored (alpha, 16-bit and all; no EXIF rotation, like Pillow's
// Image.open). Error("<name>: …") when the bytes are not a decodable image or the header
// states more than maxPixels pixels (checked before OpenCV allocates anything).
cv::Mat decodeImage(const QByteArray &bytes, const QString &name, qint64 maxPixels = kMaxImagePixels);

// What Pillow opens a 16-bit colour image as: 8-bit, keeping each value's high byte.
cv::Mat pillowHighBytes(const cv::Mat &wide);

// Empty when the file decodes, else why not (the scanner's check for corrupt files).
QString probeImage(const QString &path);

} // namespace faultline
