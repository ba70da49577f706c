#pragma once

#include <cstddef>
#include <cstdint>

namespace faultline {

// A borrowed, interleaved image: `channels` values per pixel, `stride` bytes per row
// (rows may be padded). Nothing is copied; the caller keeps the pixels alive.
template <typename T>
struct ImageView
{
    const T *data = nullptr;
    int width = 0;
    int height = 0;
    int channels = 0;
    std::size_t stride = 0; // bytes from one row to the next
};
using ImageView8 = ImageView<std::uint8_t>;
using ImageView32 = ImageView<std::int32_t>;

// A rectangle of the *resized* image: only these output pixels are computed. Every output
// pixel depends only on its own coefficients, so computing a crop directly is bit-identical
// to resizing everything and cropping afterwards (and much cheaper for 1×500-like inputs).
struct OutputRegion
{
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

// Pillow's Image.resize((outWidth, outHeight), BICUBIC) for an 8-bit image (modes L, RGB,
// and premultiplied RGBa/La: the caller premultiplies), reproduced bit for bit: antialiased
// separable cubic (a = -0.5) whose support grows with the scale, fixed-point weights, a
// horizontal pass rounded to uint8 and then a vertical one, each only when that axis changes.
// Writes region.width × region.height × channels bytes to `out`, rows packed.
void pilResizeBicubic(const ImageView8 &src, int outWidth, int outHeight, const OutputRegion &region,
                      std::uint8_t *out);

// Pillow's Image.resize(..., BILINEAR) for the same 8-bit images (torchvision's default Resize
// filter on PIL images): the same algorithm with the triangle kernel of support 1.
void pilResizeBilinear(const ImageView8 &src, int outWidth, int outHeight, const OutputRegion &region,
                       std::uint8_t *out);

// The same for Pillow's 32-bit integer mode "I" (what a 16-bit grayscale PNG opens as):
// double-precision weights, each pass rounded to int32. One channel only.
void pilResizeBicubicInt32(const ImageView32 &src, int outWidth, int outHeight, const OutputRegion &region,
                           std::int32_t *out);

// Pillow's Image.resize(..., NEAREST), which Pillow silently uses for palette ("P") and
// 1-bit ("1") images whatever filter was asked for.
void pilResizeNearest(const ImageView8 &src, int outWidth, int outHeight, const OutputRegion &region,
                      std::uint8_t *out);

} // namespace faultline
