#include "generation/ServerImage.h"

#include "common/Error.h"
#include "dataset/ImageDecoder.h"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <vector>

namespace faultline {

qint64 servedImagePixelCap(int width, int height)
{
    return std::max(qint64(4) * qMax(width, 1) * qMax(height, 1), qint64(1024) * 1024);
}

QByteArray pngFromBase64(const QJsonValue &base64, int k, int n, qint64 maxPixels)
{
    const QString notAnImage = QStringLiteral("image %1 of %2 is not a decodable image").arg(k).arg(n);
    if (!base64.isString())
        throw Error(notAnImage + QStringLiteral(" (not a base64 string)"));
    const auto decoded = QByteArray::fromBase64Encoding(base64.toString().toLatin1(),
                                                         QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty())
        throw Error(notAnImage + QStringLiteral(" (invalid base64)"));
    const QByteArray &bytes = decoded.decoded;
    const QString name = QStringLiteral("image %1").arg(k);
    cv::Mat image;
    try {
        image = decodeImage(bytes, name, maxPixels);
    } catch (const Error &error) {
        throw Error(notAnImage + QStringLiteral(" (%1)").arg(error.reasonFor(name)));
    }
    if (bytes.startsWith("\x89PNG\r\n\x1a\n"))
        return bytes;
    std::vector<uchar> png;
    if (!cv::imencode(".png", image, png))
        throw Error(notAnImage + QStringLiteral(" (cannot re-encode it as PNG)"));
    return QByteArray(reinterpret_cast<const char *>(png.data()), qsizetype(png.size()));
}

QJsonArray answerImages(const QJsonObject &answer, int asked)
{
    const QJsonValue images = answer.value(QStringLiteral("images"));
    if (!images.isArray())
        throw Error(QStringLiteral("the answer has no \"images\" list"));
    const qsizetype received = images.toArray().size();
    if (received != asked)
        throw Error(QStringLiteral("asked for %1 image%2, the answer has %3")
                        .arg(asked)
                        .arg(asked == 1 ? QString() : QStringLiteral("s"))
                        .arg(received));
    return images.toArray();
}

} // namespace faultline
