#pragma once

#include <QString>

namespace faultline {

// Decodes the file with OpenCV to prove it is a readable image. Returns an empty string when
// it is, else why not. Reads the bytes itself so non-ASCII paths work on every platform.
QString probeImage(const QString &path);

} // namespace faultline
