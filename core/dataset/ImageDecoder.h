#pragma once

// Core-internal: OpenCV types. Include only from core .cpp files.
#include <QByteArray>
#include <QString>
#include <opencv2/core.hpp>

namespace faultline {

// The whole file; Error("<path>: cannot open: …" / "…: empty file"). Reads through QFile so
// non-ASCII paths work on every platform.
QByteArray readImageFile(const QString &path);

// Decodes with OpenCV as stored (alpha, 16-bit and all; no EXIF rotation, like Pillow's
// Image.open). Error("<name>: …") when the bytes are not a decodable image.
cv::Mat decodeImage(const QByteArray &bytes, const QString &name);

// What Pillow opens a 16-bit colour image as: 8-bit, keeping each value's high byte.
cv::Mat pillowHighBytes(const cv::Mat &wide);

// Empty when the file decodes, else why not (the scanner's check for corrupt files).
QString probeImage(const QString &path);

} // namespace faultline
