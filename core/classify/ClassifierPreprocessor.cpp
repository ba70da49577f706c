#include "classify/ClassifierPreprocessor.h"

#include "clip/ClipPreprocessor.h"
#include "clip/PilResample.h"
#include "common/Error.h"
#include "dataset/ImageDecoder.h"

#include <opencv2/core.hpp>

#include <vector>

namespace faultline {

namespace {

// Pillow's L24: ITU-R 601-2 luma in 16-bit fixed point, rounded (Convert.c rgb2l).
inline std::uint8_t pillowLuma(unsigned r, unsigned g, unsigned b)
{
    return std::uint8_t((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
}

// The 8-bit image Pillow opens: 16-bit colour keeps the high byte; 16-bit grey opens as
// 32-bit "I", which convert() clamps to 0…255 (saturate_cast does the same).
cv::Mat pillow8Bit(const cv::Mat &decoded, const QString &name)
{
    if (decoded.depth() == CV_8U)
        return decoded;
    if (decoded.depth() == CV_16U && decoded.channels() == 1) {
        cv::Mat clamped;
        decoded.convertTo(clamped, CV_8U);
        return clamped;
    }
    if (decoded.depth() == CV_16U)
        return pillowHighBytes(decoded);
    throw Error(QStringLiteral("%1: unsupported pixel format (OpenCV depth %2)").arg(name).arg(decoded.depth()));
}

// convert("RGB") or convert("L") of OpenCV's gray / gray+alpha / BGR / BGRA pixels: alpha is
// dropped (not composited), gray replicated, colour turned to Pillow's luma. Rows packed.
std::vector<std::uint8_t> pillowConvert(const cv::Mat &image, int channels)
{
    const int C = image.channels();
    std::vector<std::uint8_t> out(size_t(image.rows) * size_t(image.cols) * size_t(channels));
    std::uint8_t *dst = out.data();
    for (int y = 0; y < image.rows; ++y) {
        const std::uint8_t *in = image.ptr<std::uint8_t>(y);
        for (int x = 0; x < image.cols; ++x, in += C, dst += channels) {
            const bool gray = C <= 2;
            const unsigned r = gray ? in[0] : in[2], g = gray ? in[0] : in[1], b = in[0];
            if (channels == 1) {
                dst[0] = gray ? in[0] : pillowLuma(r, g, b);
            } else {
                dst[0] = std::uint8_t(r);
                dst[1] = std::uint8_t(g);
                dst[2] = std::uint8_t(b);
            }
        }
    }
    return out;
}

} // namespace

ClassifierPreprocessor::ClassifierPreprocessor(const ClassifierSpec &spec)
    : m_channels(spec.channels)
    , m_inputSize(spec.inputSize)
    , m_resizeSize(spec.resizeSize > 0 ? spec.resizeSize : spec.inputSize)
    , m_stretch(spec.resize == ClassifierSpec::Resize::Stretch)
{
    spec.validate();
    // ToTensor (byte / 255) then Normalize, in float32 as torch evaluates them: a lookup per byte.
    for (int c = 0; c < 3; ++c)
        for (int v = 0; v < 256; ++v)
            m_lut[c][v] = (float(v) / 255.0f - spec.mean[size_t(c)]) / spec.std[size_t(c)];
}

void ClassifierPreprocessor::loadEncoded(const QByteArray &bytes, const QString &name, float *out) const
{
    const cv::Mat image = pillow8Bit(decodeImage(bytes, name), name);
    if (image.channels() < 1 || image.channels() > 4)
        throw Error(QStringLiteral("%1: unsupported channel count %2").arg(name).arg(image.channels()));
    const std::vector<std::uint8_t> converted = pillowConvert(image, m_channels);
    ImageView8 view;
    view.data = converted.data();
    view.width = image.cols;
    view.height = image.rows;
    view.channels = m_channels;
    view.stride = size_t(image.cols) * size_t(m_channels);

    const int S = m_inputSize;
    std::vector<std::uint8_t> resized(size_t(S) * size_t(S) * size_t(m_channels));
    if (m_stretch) {
        pilResizeBilinear(view, S, S, OutputRegion{0, 0, S, S}, resized.data());
    } else {
        const ClipCropPlan plan = ClipPreprocessor::plan(view.width, view.height, m_resizeSize, S);
        pilResizeBilinear(view, plan.resizedWidth, plan.resizedHeight, OutputRegion{plan.left, plan.top, S, S},
                          resized.data());
    }

    const size_t plane = size_t(S) * size_t(S);
    for (int c = 0; c < m_channels; ++c)
        for (size_t i = 0; i < plane; ++i)
            out[size_t(c) * plane + i] = m_lut[c][resized[i * size_t(m_channels) + size_t(c)]];
}

} // namespace faultline
