#pragma once

#include <QByteArray>
#include <QJsonValue>

namespace faultline {

// Images as generation servers send them: base64 in a JSON answer.

// The k-th (1-based) of n images of an answer as PNG bytes; other formats OpenCV decodes are
// re-encoded as PNG. Error("image k of n is not a decodable image") when it is not a string of
// valid base64 whose bytes decode as an image.
QByteArray pngFromBase64(const QJsonValue &base64, int k, int n);

// Error("asked for N images, the answer has M") unless the counts agree.
void checkImageCount(qsizetype received, int asked);

} // namespace faultline
