#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

namespace faultline {

// Images as generation servers send them: base64 in a JSON answer.

// The most pixels a server's image may have for a request of width × height: four times the
// area (a server may upscale, e.g. Automatic1111's hires fix at 2×), never less than 1024².
qint64 servedImagePixelCap(int width, int height);

// The k-th (1-based) of n images of an answer as PNG bytes; other formats OpenCV decodes are
// re-encoded as PNG. Error("image k of n is not a decodable image (why)") when it is not a
// string of valid base64 whose bytes decode as an image of at most maxPixels pixels (checked
// from the header, before decoding).
QByteArray pngFromBase64(const QJsonValue &base64, int k, int n, qint64 maxPixels);

// The answer's "images" list, checked to hold the `asked` images: Error("the answer has no
// \"images\" list") or Error("asked for N images, the answer has M").
QJsonArray answerImages(const QJsonObject &answer, int asked);

} // namespace faultline
