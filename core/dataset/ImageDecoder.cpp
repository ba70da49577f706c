#include "dataset/ImageDecoder.h"

#include "common/Error.h"
#include "dataset/ImageHeader.h"
#include "io/BoundedFile.h"

#include <QFile>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>

#include <mutex>

namespace faultline {

QByteArray readImageFile(const QString &path)
{
    const QByteArray bytes = readBoundedFile(path, kMaxImageFileBytes, QStringLiteral("dataset image"));
    if (bytes.isEmpty())
        throw Error(QStringLiteral("%1: empty file").arg(path));
    return bytes;
}

namespace {

Error tooManyPixels(const QString &name, qint64 width, qint64 height, qint64 maxPixels)
{
    return Error(QStringLiteral("%1: %2 × %3 pixels in its header, more than the %4 an image may have")
                     .arg(name).arg(width).arg(height).arg(maxPixels));
}

} // namespace

cv::Mat decodeImage(const QByteArray &bytes, const QString &name, qint64 maxPixels)
{
    // OpenCV hands files with "DICM" at byte 128 to GDCM, whose assert() aborts the whole
    // process on a damaged one (found by fuzz_image_decoder). DICOM is no dataset image format
    // here (nor for Pillow, which the reference reads images with).
    if (bytes.size() >= 132 && bytes.mid(128, 4) == "DICM")
        throw Error(QStringLiteral("%1: a DICOM file, not a supported image format").arg(name));
    const std::optional<ImageDimensions> header = imageHeaderDimensions(bytes);
    if (header && header->pixels() > maxPixels)
        throw tooManyPixels(name, header->width, header->height, maxPixels);
    // OpenCV decodes "P1"–"P7"/"PF" + whitespace as PNM and reads any non-digit as a separator, so
    // a header the size check cannot read could still claim gigapixels (fuzz_image_decoder: a
    // 3 GB allocation from 44 bytes). Netpbm separates its numbers with whitespace and comments.
    if (!header && bytes.size() >= 3 && bytes[0] == 'P' && QByteArray("1234567Ff").contains(bytes[1])
        && QByteArray(" \t\r\n\v\f").contains(bytes[2]))
        throw Error(QStringLiteral("%1: a PNM header whose width and height cannot be read (numbers separated by "
                                   "whitespace expected)").arg(name));
    // The same for a JPEG whose frame header ImageHeader cannot find: libjpeg would need it too,
    // so nothing decodable is refused, and nothing unchecked reaches its allocation.
    if (!header && bytes.startsWith("\xFF\xD8"))
        throw Error(QStringLiteral("%1: a JPEG without a readable frame header (width and height)").arg(name));
    static std::once_flag quiet;
    // Faultline reports corrupt files with their path; OpenCV's own stderr noise adds nothing.
    std::call_once(quiet, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
    cv::Mat image;
    try {
        const cv::Mat encoded(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
        image = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception &e) {
        // e.err, not e.msg: the reason without OpenCV's source file and line.
        throw Error(QStringLiteral("%1: corrupt image data (%2)").arg(name, QString::fromStdString(e.err)));
    }
    if (image.empty())
        throw Error(QStringLiteral("%1: not a supported image or corrupt data").arg(name));
    if (qint64(image.total()) > maxPixels) // a format whose header ImageHeader does not read
        throw tooManyPixels(name, image.cols, image.rows, maxPixels);
    return image;
}

cv::Mat pillowHighBytes(const cv::Mat &wide)
{
    cv::Mat narrow(wide.rows, wide.cols, CV_MAKETYPE(CV_8U, wide.channels()));
    const int values = wide.cols * wide.channels();
    for (int y = 0; y < wide.rows; ++y) {
        const auto *in = wide.ptr<std::uint16_t>(y);
        auto *out = narrow.ptr<std::uint8_t>(y);
        for (int i = 0; i < values; ++i)
            out[i] = std::uint8_t(in[i] >> 8);
    }
    return narrow;
}

QString probeImage(const QString &path)
{
    try {
        decodeImage(readImageFile(path), path);
    } catch (const Error &error) {
        // The scanner reports the path itself; keep only the reason.
        return error.reasonFor(path);
    }
    return QString();
}

} // namespace faultline
