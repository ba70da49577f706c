#pragma once

#include "clip/PilResample.h"

#include <QString>

#include <array>
#include <cstdint>

namespace faultline {

enum class ChannelOrder { Rgb, Bgr }; // Bgr(A): what OpenCV decodes to

// Where CLIP's Resize(short side → R) + CenterCrop(R) put an image of a given size.
struct ClipCropPlan
{
    int resizedWidth = 0;
    int resizedHeight = 0;
    int left = 0; // crop offset in the resized image
    int top = 0;
};

// OpenAI CLIP's image transform `_transform(R)`, bit-exact with Pillow + torchvision:
// Resize(R, BICUBIC) of the short side (Pillow's antialiased bicubic, not OpenCV's) →
// CenterCrop(R) → convert("RGB") → ToTensor → Normalize(CLIP's mean/std).
// Immutable after construction; every method is safe to call from many threads at once.
class ClipPreprocessor
{
public:
    explicit ClipPreprocessor(int resolution); // resolution > 0, else Error
    int resolution() const { return m_resolution; }
    int floatsPerImage() const { return 3 * m_resolution * m_resolution; }

    // Reads the file (through QFile, so any path works), decodes it as Pillow would see it
    // (gray replicated, alpha dropped after an alpha-aware resize, 16-bit as Pillow opens it,
    // palette PNGs resized nearest-neighbour as Pillow does) and writes 3·R·R floats, CHW, to
    // `out`. Throws Error("<path>: <why>") for unreadable, corrupt or unsupported files.
    void loadFile(const QString &path, float *out) const;
    // Same for a file already read into memory (`path` names it in errors).
    void loadEncoded(const QByteArray &bytes, const QString &path, float *out) const;

    // The same from decoded 8-bit pixels with 1 (gray), 3 or 4 (with alpha) channels.
    void fromPixels(const ImageView8 &image, ChannelOrder order, float *out) const;

    // The stage before ToTensor: the resized, cropped R×R RGB image, HWC uint8 (3·R·R bytes).
    void cropRgb(const ImageView8 &image, ChannelOrder order, std::uint8_t *rgbOut) const;

    // ToTensor + Normalize of an R×R HWC RGB image into CHW floats.
    void normalize(const std::uint8_t *rgb, float *out) const;

    // torchvision's geometry: short side → R, long side int(R·long/short), crop offsets
    // int(round((size − R)/2)) with Python's round-half-to-even.
    static ClipCropPlan plan(int width, int height, int resolution);
    // The same for torchvision's Resize(resolution) + CenterCrop(crop), crop <= resolution.
    static ClipCropPlan plan(int width, int height, int resolution, int crop);

private:
    enum class Filter { Bicubic, Nearest };
    void cropRgb(const ImageView8 &image, ChannelOrder order, Filter filter, std::uint8_t *rgbOut) const;

    int m_resolution = 0;
    std::array<float, 3 * 256> m_lut{}; // normalised value of each byte, per channel
};

} // namespace faultline
