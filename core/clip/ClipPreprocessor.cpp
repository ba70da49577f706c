#include "clip/ClipPreprocessor.h"

#include "common/Error.h"
#include "dataset/ImageDecoder.h"


#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <vector>

namespace faultline {
namespace {

// CLIP's normalisation constants (OpenAI clip/clip.py), as float32 like torchvision's Normalize.
constexpr float kMean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
constexpr float kStd[3] = {0.26862954f, 0.26130258f, 0.27577711f};

// Python's round() of d / 2.0 for d >= 0: halves go to the even neighbour.
int halfOfRoundedEven(int d)
{
    const int k = d / 2;
    if (d % 2 == 0)
        return k;
    return (k % 2 == 0) ? k : k + 1;
}

// Pillow's MULDIV255: a·b/255 rounded, without a division.
inline std::uint8_t mulDiv255(unsigned a, unsigned b)
{
    const unsigned t = a * b + 128;
    return std::uint8_t(((t >> 8) + t) >> 8);
}

// Pillow resizes images with alpha in premultiplied form ("RGBA" → "RGBa" → resize →
// "RGBA"), so transparent pixels do not bleed their hidden colour into visible ones. The
// round trip is lossy, which is why it must be reproduced rather than skipped.
void premultiply(const ImageView8 &src, std::vector<std::uint8_t> &dst)
{
    const int C = src.channels;
    dst.resize(std::size_t(src.width) * std::size_t(src.height) * std::size_t(C));
    for (int y = 0; y < src.height; ++y) {
        const std::uint8_t *in = src.data + std::size_t(y) * src.stride;
        std::uint8_t *out = dst.data() + std::size_t(y) * std::size_t(src.width) * std::size_t(C);
        for (int x = 0; x < src.width; ++x, in += C, out += C) {
            const unsigned alpha = in[C - 1];
            for (int c = 0; c < C - 1; ++c)
                out[c] = mulDiv255(in[c], alpha);
            out[C - 1] = std::uint8_t(alpha);
        }
    }
}

void unpremultiply(std::uint8_t *pixels, std::size_t count, int C)
{
    for (std::size_t i = 0; i < count; ++i, pixels += C) {
        const unsigned alpha = pixels[C - 1];
        if (alpha == 0 || alpha == 255)
            continue;
        for (int c = 0; c < C - 1; ++c)
            pixels[c] = std::uint8_t(std::min(255u, 255u * pixels[c] / alpha)); // truncating, as Pillow
    }
}

// convert("RGB") of the cropped pixels: gray replicated, alpha dropped, BGR swapped.
void toRgb(const std::uint8_t *in, std::size_t count, int C, ChannelOrder order, std::uint8_t *rgb)
{
    if (C <= 2) {
        for (std::size_t i = 0; i < count; ++i, in += C, rgb += 3)
            rgb[0] = rgb[1] = rgb[2] = in[0];
        return;
    }
    const int r = order == ChannelOrder::Bgr ? 2 : 0;
    const int b = 2 - r;
    for (std::size_t i = 0; i < count; ++i, in += C, rgb += 3) {
        rgb[0] = in[r];
        rgb[1] = in[1];
        rgb[2] = in[b];
    }
}

// Pillow ignores the requested filter for palette ("P") and 1-bit ("1") images and resizes
// them nearest-neighbour. OpenCV expands both to gray/BGR(A), losing that fact, so it is read
// from the PNG header (colour type 3 = palette; colour type 0 at bit depth 1 = mode "1").
bool pillowResizesNearest(const QByteArray &bytes)
{
    static const char signature[] = "\x89PNG\r\n\x1a\n";
    if (bytes.size() < 26 || !bytes.startsWith(QByteArray(signature, 8)) || bytes.mid(12, 4) != "IHDR")
        return false;
    const int bitDepth = quint8(bytes[24]);
    const int colourType = quint8(bytes[25]);
    return colourType == 3 || (colourType == 0 && bitDepth == 1);
}

ImageView8 viewOf(const cv::Mat &m)
{
    ImageView8 view;
    view.data = m.ptr<std::uint8_t>();
    view.width = m.cols;
    view.height = m.rows;
    view.channels = m.channels();
    view.stride = m.step[0];
    return view;
}

QString depthName(int depth)
{
    switch (depth) {
    case CV_8S: return QStringLiteral("8-bit signed");
    case CV_16S: return QStringLiteral("16-bit signed");
    case CV_32S: return QStringLiteral("32-bit integer");
    case CV_32F: return QStringLiteral("32-bit float");
    case CV_64F: return QStringLiteral("64-bit float");
    default: return QStringLiteral("depth %1").arg(depth);
    }
}

} // namespace

ClipPreprocessor::ClipPreprocessor(int resolution)
    : m_resolution(resolution)
{
    if (resolution <= 0)
        throw Error(QStringLiteral("CLIP image resolution must be positive, got %1").arg(resolution));
    // ToTensor (byte / 255) and Normalize, evaluated once per byte value in float32 exactly as
    // torch does, so the table is bit-identical to the tensor ops and the loop is a lookup.
    for (int c = 0; c < 3; ++c)
        for (int v = 0; v < 256; ++v)
            m_lut[std::size_t(c * 256 + v)] = (float(v) / 255.0f - kMean[c]) / kStd[c];
}

ClipCropPlan ClipPreprocessor::plan(int width, int height, int resolution)
{
    return plan(width, height, resolution, resolution);
}

ClipCropPlan ClipPreprocessor::plan(int width, int height, int resolution, int crop)
{
    // torchvision's Resize(int): the short side becomes `resolution`, the long side
    // int(resolution * long / short) computed in double (Python's true division).
    const bool portrait = width <= height;
    const int shortSide = portrait ? width : height;
    const int longSide = portrait ? height : width;
    const int newLong = int(double(qint64(resolution) * longSide) / double(shortSide));
    ClipCropPlan p;
    p.resizedWidth = portrait ? resolution : newLong;
    p.resizedHeight = portrait ? newLong : resolution;
    p.left = halfOfRoundedEven(p.resizedWidth - crop);
    p.top = halfOfRoundedEven(p.resizedHeight - crop);
    return p;
}

void ClipPreprocessor::cropRgb(const ImageView8 &image, ChannelOrder order, std::uint8_t *rgbOut) const
{
    cropRgb(image, order, Filter::Bicubic, rgbOut);
}

void ClipPreprocessor::cropRgb(const ImageView8 &image, ChannelOrder order, Filter filter, std::uint8_t *rgbOut) const
{
    if (!image.data || image.width <= 0 || image.height <= 0)
        throw Error(QStringLiteral("empty image"));
    if (image.channels < 1 || image.channels > 4)
        throw Error(QStringLiteral("unsupported channel count %1").arg(image.channels));

    const int R = m_resolution;
    const ClipCropPlan p = plan(image.width, image.height, R);
    const OutputRegion region{p.left, p.top, R, R};
    const int C = image.channels;
    const bool hasAlpha = C == 2 || C == 4;
    const bool resized = p.resizedWidth != image.width || p.resizedHeight != image.height;

    // The R×R crop is reused per thread; the premultiplied copy is as big as the input and
    // alpha images are rare, so it is not kept alive between calls.
    std::vector<std::uint8_t> premultiplied;
    thread_local std::vector<std::uint8_t> cropped;
    cropped.resize(std::size_t(R) * std::size_t(R) * std::size_t(C));

    if (filter == Filter::Nearest) {
        pilResizeNearest(image, p.resizedWidth, p.resizedHeight, region, cropped.data());
    } else if (hasAlpha && resized) {
        premultiply(image, premultiplied);
        ImageView8 view = image;
        view.data = premultiplied.data();
        view.stride = std::size_t(image.width) * std::size_t(C);
        pilResizeBicubic(view, p.resizedWidth, p.resizedHeight, region, cropped.data());
        unpremultiply(cropped.data(), std::size_t(R) * std::size_t(R), C);
    } else {
        // Pillow returns an unchanged copy when the size already matches, so this path is a
        // plain crop then (pilResizeBicubic copies when neither axis changes).
        pilResizeBicubic(image, p.resizedWidth, p.resizedHeight, region, cropped.data());
    }
    toRgb(cropped.data(), std::size_t(R) * std::size_t(R), C, order, rgbOut);
}

void ClipPreprocessor::normalize(const std::uint8_t *rgb, float *out) const
{
    const std::size_t plane = std::size_t(m_resolution) * std::size_t(m_resolution);
    for (int c = 0; c < 3; ++c) {
        const float *lut = &m_lut[std::size_t(c) * 256];
        float *dst = out + std::size_t(c) * plane;
        for (std::size_t i = 0; i < plane; ++i)
            dst[i] = lut[rgb[i * 3 + std::size_t(c)]];
    }
}

void ClipPreprocessor::fromPixels(const ImageView8 &image, ChannelOrder order, float *out) const
{
    thread_local std::vector<std::uint8_t> rgb;
    rgb.resize(std::size_t(floatsPerImage()));
    cropRgb(image, order, rgb.data());
    normalize(rgb.data(), out);
}

void ClipPreprocessor::loadFile(const QString &path, float *out) const
{
    loadEncoded(readImageFile(path), path, out);
}

void ClipPreprocessor::loadEncoded(const QByteArray &bytes, const QString &path, float *out) const
{
    cv::Mat image = decodeImage(bytes, path);
    if (image.channels() != 1 && image.channels() != 3 && image.channels() != 4)
        throw Error(QStringLiteral("%1: unsupported channel count %2").arg(path).arg(image.channels()));

    const Filter filter = pillowResizesNearest(bytes) ? Filter::Nearest : Filter::Bicubic;
    thread_local std::vector<std::uint8_t> rgb;
    rgb.resize(std::size_t(floatsPerImage()));

    if (image.depth() == CV_16U && image.channels() == 1) {
        // Pillow opens 16-bit grayscale as 32-bit integer mode "I", resizes the full-range
        // values and convert("RGB") then clamps them to 0…255 (not scales): most such images
        // come out white in CLIP's own pipeline, and parity means doing the same.
        cv::Mat wide;
        image.convertTo(wide, CV_32S);
        ImageView32 view;
        view.data = wide.ptr<std::int32_t>();
        view.width = wide.cols;
        view.height = wide.rows;
        view.channels = 1;
        view.stride = wide.step[0];
        const int R = m_resolution;
        const ClipCropPlan p = plan(view.width, view.height, R);
        std::vector<std::int32_t> cropped(std::size_t(R) * std::size_t(R));
        pilResizeBicubicInt32(view, p.resizedWidth, p.resizedHeight, OutputRegion{p.left, p.top, R, R},
                              cropped.data());
        for (std::size_t i = 0; i < cropped.size(); ++i)
            rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = std::uint8_t(std::clamp(cropped[i], 0, 255));
    } else if (image.depth() == CV_8U || image.depth() == CV_16U) {
        if (image.depth() == CV_16U)
            image = pillowHighBytes(image);
        cropRgb(viewOf(image), ChannelOrder::Bgr, filter, rgb.data());
    } else {
        throw Error(QStringLiteral("%1: unsupported pixel format (%2)").arg(path, depthName(image.depth())));
    }
    normalize(rgb.data(), out);
}

} // namespace faultline
