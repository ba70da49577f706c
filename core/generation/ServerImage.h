#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

namespace faultline {

// Images as generation servers send them: base64 in a JSON answer.

// The k-th (1-based) of n images of an answer as PNG bytes; other formats OpenCV decodes are
// re-encoded as PNG. Error("image k of n is not a decodable image") when it is not a string of
// valid base64 whose bytes decode as an image.
QByteArray pngFromBase64(const QJsonValue &base64, int k, int n);

// The answer's "images" list, checked to hold the `asked` images: Error("the answer has no
// \"images\" list") or Error("asked for N images, the answer has M").
QJsonArray answerImages(const QJsonObject &answer, int asked);

} // namespace faultline
