#include "clip/PilResample.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

// Written from the description of Pillow's algorithm (libImaging/Resample.c and the affine
// NEAREST path of Geometry.c); every floating-point expression keeps Pillow's evaluation
// order, because a different order can move a weight by one fixed-point unit and a pixel by one.

namespace faultline {
namespace {

// Pillow's fixed-point weights: 32 bits minus 8 for the pixel minus 2 for the sign and the
// overshoot of cubic lobes, so a sum of weighted bytes never overflows int32.
constexpr int kPrecisionBits = 32 - 8 - 2;

enum class Filter { Bicubic, Bilinear };

double bicubicKernel(double x)
{
    const double a = -0.5; // Pillow's choice (Catmull-Rom), not OpenCV's -0.75
    if (x < 0.0)
        x = -x;
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0)
        return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

double bilinearKernel(double x)
{
    if (x < 0.0)
        x = -x;
    return x < 1.0 ? 1.0 - x : 0.0;
}

// Pillow's filter table: the kernel and its support at scale 1.
double kernel(Filter filter, double x)
{
    return filter == Filter::Bicubic ? bicubicKernel(x) : bilinearKernel(x);
}

double kernelSupport(Filter filter)
{
    return filter == Filter::Bicubic ? 2.0 : 1.0;
}

// The weights of output pixels [begin, begin + count) along one axis of length inSize → outSize.
struct AxisTable
{
    Filter filter = Filter::Bicubic;
    int inSize = 0;
    int outSize = 0;
    int begin = 0;
    int count = 0;
    int taps = 0;                       // row length of `weights` / `fixed`
    std::vector<int> first;             // first input index per output
    std::vector<int> length;            // number of input indices used per output
    std::vector<double> weights;        // count × taps, normalised to sum 1
    std::vector<std::int32_t> fixed;    // the same in Pillow's fixed point

    // The fixed-point weights again, every window padded with zero weights to the same
    // `span` taps (windows at the far edge shifted left so they stay inside the input). Integer
    // sums do not depend on order or on added zeros, so this is exact, and a uniform
    // window length lets the hot loop be unrolled. span = 0 when the input is too short.
    int span = 0;
    std::vector<int> spanFirst;
    std::vector<std::int32_t> spanFixed; // count × span

    int inputBegin() const { return first.front(); }
    int inputEnd() const { return first.back() + length.back(); }
};

void padWindows(AxisTable &t)
{
    const int span = *std::max_element(t.length.begin(), t.length.end());
    if (span > t.inSize)
        return;
    t.span = span;
    t.spanFirst.resize(std::size_t(t.count));
    t.spanFixed.assign(std::size_t(t.count) * std::size_t(span), 0);
    for (int i = 0; i < t.count; ++i) {
        const int first = std::min(t.first[std::size_t(i)], t.inSize - span);
        const int shift = t.first[std::size_t(i)] - first;
        t.spanFirst[std::size_t(i)] = first;
        for (int k = 0; k < t.length[std::size_t(i)]; ++k)
            t.spanFixed[std::size_t(i) * std::size_t(span) + std::size_t(shift + k)] = t.fixed[std::size_t(i) * std::size_t(t.taps) + std::size_t(k)];
    }
}

std::shared_ptr<const AxisTable> computeAxisTable(Filter filter, int inSize, int outSize, int begin, int count)
{
    auto table = std::make_shared<AxisTable>();
    table->filter = filter;
    table->inSize = inSize;
    table->outSize = outSize;
    table->begin = begin;
    table->count = count;

    // Pillow passes the box as floats; float(inSize) is exact for any realistic size.
    const double scale = double(float(inSize)) / outSize;
    const double filterScale = std::max(scale, 1.0); // widen the kernel when shrinking: antialiasing
    const double support = kernelSupport(filter) * filterScale;
    const int taps = int(std::ceil(support)) * 2 + 1;
    table->taps = taps;
    table->first.resize(std::size_t(count));
    table->length.resize(std::size_t(count));
    table->weights.assign(std::size_t(count) * std::size_t(taps), 0.0);
    table->fixed.assign(std::size_t(count) * std::size_t(taps), 0);

    for (int i = 0; i < count; ++i) {
        const int out = begin + i;
        const double center = (out + 0.5) * scale;
        const double invScale = 1.0 / filterScale;
        // Pillow rounds the window bounds by adding 0.5 and truncating towards zero.
        const int lo = std::max(int(center - support + 0.5), 0);
        const int hi = std::min(int(center + support + 0.5), inSize);
        const int n = hi - lo;
        double *w = &table->weights[std::size_t(i) * std::size_t(taps)];
        double sum = 0.0;
        for (int k = 0; k < n; ++k) {
            w[k] = kernel(filter, (k + lo - center + 0.5) * invScale);
            sum += w[k];
        }
        std::int32_t *f = &table->fixed[std::size_t(i) * std::size_t(taps)];
        for (int k = 0; k < n; ++k) {
            if (sum != 0.0)
                w[k] /= sum;
            const double scaled = w[k] * (1 << kPrecisionBits);
            f[k] = std::int32_t(w[k] < 0 ? -0.5 + scaled : 0.5 + scaled); // round half away from zero
        }
        table->first[std::size_t(i)] = lo;
        table->length[std::size_t(i)] = n;
    }
    padWindows(*table);
    return table;
}

// Datasets are dominated by a few image sizes, so a handful of recent tables per thread
// saves recomputing them for every image without any locking.
std::shared_ptr<const AxisTable> axisTable(Filter filter, int inSize, int outSize, int begin, int count)
{
    constexpr std::size_t kEntries = 8;
    thread_local std::array<std::shared_ptr<const AxisTable>, kEntries> cache;
    thread_local std::size_t next = 0;
    for (const auto &entry : cache) {
        if (entry && entry->filter == filter && entry->inSize == inSize && entry->outSize == outSize && entry->begin == begin
            && entry->count == count)
            return entry;
    }
    auto table = computeAxisTable(filter, inSize, outSize, begin, count);
    cache[next] = table;
    next = (next + 1) % kEntries;
    return table;
}

// Pillow's clip8: >= 256 after the shift → 255, <= 0 → 0. Written with a clamp (the shift
// of a negative sum is arithmetic on every supported compiler) so loops stay branch-free.
inline std::uint8_t clipFixed(std::int32_t value)
{
    return std::uint8_t(std::clamp(value >> kPrecisionBits, 0, 255));
}

constexpr std::int32_t kHalf = 1 << (kPrecisionBits - 1); // rounds the final shift to nearest

// One output pixel of the horizontal pass: n taps of C interleaved channels.
template <int C>
inline void horizontalPixel(const std::uint8_t *p, const std::int32_t *k, int n, std::uint8_t *dst)
{
    std::int32_t acc[C];
    for (int c = 0; c < C; ++c)
        acc[c] = kHalf;
    for (int j = 0; j < n; ++j)
        for (int c = 0; c < C; ++c)
            acc[c] += std::int32_t(p[j * C + c]) * k[j];
    for (int c = 0; c < C; ++c)
        dst[c] = clipFixed(acc[c]);
}

// Horizontal pass over rows [rowBegin, rowBegin + rowCount) of src; out rows are packed.
// Span > 0: every window has exactly Span taps (known at compile time, so fully unrolled).
template <int C, int Span>
void horizontalPass(const ImageView8 &src, int rowBegin, int rowCount, const AxisTable &t, std::uint8_t *out)
{
    for (int r = 0; r < rowCount; ++r) {
        const std::uint8_t *in = src.data + std::size_t(rowBegin + r) * src.stride;
        std::uint8_t *dst = out + std::size_t(r) * std::size_t(t.count) * C;
        for (int i = 0; i < t.count; ++i) {
            if (Span > 0)
                horizontalPixel<C>(in + std::size_t(t.spanFirst[std::size_t(i)]) * C,
                                   &t.spanFixed[std::size_t(i) * Span], Span, dst + i * C);
            else
                horizontalPixel<C>(in + std::size_t(t.first[std::size_t(i)]) * C,
                                   &t.fixed[std::size_t(i) * std::size_t(t.taps)], t.length[std::size_t(i)], dst + i * C);
        }
    }
}

template <int C>
void horizontalPass(const ImageView8 &src, int rowBegin, int rowCount, const AxisTable &t, std::uint8_t *out)
{
    // Spans of the common scale factors (up to ~3.5× downscaling); others take the generic loop.
    switch (t.span) {
    case 4: return horizontalPass<C, 4>(src, rowBegin, rowCount, t, out);
    case 5: return horizontalPass<C, 5>(src, rowBegin, rowCount, t, out);
    case 6: return horizontalPass<C, 6>(src, rowBegin, rowCount, t, out);
    case 7: return horizontalPass<C, 7>(src, rowBegin, rowCount, t, out);
    case 8: return horizontalPass<C, 8>(src, rowBegin, rowCount, t, out);
    case 9: return horizontalPass<C, 9>(src, rowBegin, rowCount, t, out);
    case 10: return horizontalPass<C, 10>(src, rowBegin, rowCount, t, out);
    case 11: return horizontalPass<C, 11>(src, rowBegin, rowCount, t, out);
    case 12: return horizontalPass<C, 12>(src, rowBegin, rowCount, t, out);
    case 13: return horizontalPass<C, 13>(src, rowBegin, rowCount, t, out);
    case 14: return horizontalPass<C, 14>(src, rowBegin, rowCount, t, out);
    case 15: return horizontalPass<C, 15>(src, rowBegin, rowCount, t, out);
    default: return horizontalPass<C, 0>(src, rowBegin, rowCount, t, out);
    }
}

void horizontalPass(const ImageView8 &src, int rowBegin, int rowCount, const AxisTable &t, std::uint8_t *out)
{
    switch (src.channels) {
    case 1: return horizontalPass<1>(src, rowBegin, rowCount, t, out);
    case 2: return horizontalPass<2>(src, rowBegin, rowCount, t, out);
    case 3: return horizontalPass<3>(src, rowBegin, rowCount, t, out);
    case 4: return horizontalPass<4>(src, rowBegin, rowCount, t, out);
    default: break;
    }
}

// Vertical pass: `rows` points at input row `rowBegin` (its columns already the output's),
// `rowStride` bytes apart; rowValues values per row. Whole rows are accumulated at once so
// the inner loop runs over contiguous memory and vectorises.
void verticalPass(const std::uint8_t *rows, std::size_t rowStride, int rowBegin, int rowValues, const AxisTable &t,
                  std::uint8_t *out)
{
    thread_local std::vector<std::int32_t> acc;
    acc.resize(std::size_t(rowValues));
    for (int i = 0; i < t.count; ++i) {
        std::fill(acc.begin(), acc.end(), kHalf);
        const std::int32_t *k = &t.fixed[std::size_t(i) * std::size_t(t.taps)];
        const int n = t.length[std::size_t(i)];
        const int first = t.first[std::size_t(i)] - rowBegin;
        std::int32_t *a = acc.data();
        for (int j = 0; j < n; ++j) {
            const std::uint8_t *row = rows + std::size_t(first + j) * rowStride;
            const std::int32_t weight = k[j];
            for (int v = 0; v < rowValues; ++v)
                a[v] += std::int32_t(row[v]) * weight;
        }
        std::uint8_t *dst = out + std::size_t(i) * std::size_t(rowValues);
        for (int v = 0; v < rowValues; ++v)
            dst[v] = clipFixed(a[v]);
    }
}

void copyRows(const std::uint8_t *rows, std::size_t rowStride, int rowCount, std::size_t rowBytes, std::uint8_t *out)
{
    for (int r = 0; r < rowCount; ++r)
        std::memcpy(out + std::size_t(r) * rowBytes, rows + std::size_t(r) * rowStride, rowBytes);
}

// Pillow's ROUND_UP for its 32-bit modes: half away from zero (0.5F is a float in Pillow,
// but adding it to a double gives the same value).
inline std::int32_t roundInt32(double value)
{
    return std::int32_t(value >= 0.0 ? value + 0.5 : value - 0.5);
}

// Pillow's COORD for the affine nearest transform: truncation, with negatives mapped to -1.
inline int nearestCoord(double value) { return value < 0.0 ? -1 : int(value); }

// Source index of each output index along one axis, accumulating the step the way Pillow
// does (repeated addition, not multiplication, so the rounding matches).
std::vector<int> nearestIndices(int inSize, int outSize)
{
    const double step = double(float(inSize)) / outSize;
    std::vector<int> index(static_cast<std::size_t>(outSize));
    double position = 0.0 + step * 0.5;
    for (int i = 0; i < outSize; ++i) {
        index[std::size_t(i)] = std::clamp(nearestCoord(position), 0, inSize - 1);
        position += step;
    }
    return index;
}

// Pillow's ImagingResample for 8-bit modes with either filter (the kernels differ, nothing else).
void pilResize8(Filter filter, const ImageView8 &src, int outWidth, int outHeight, const OutputRegion &region,
                       std::uint8_t *out)
{
    const int C = src.channels;
    const bool needHorizontal = outWidth != src.width;
    const bool needVertical = outHeight != src.height;
    const std::size_t outRowBytes = std::size_t(region.width) * std::size_t(C);

    std::shared_ptr<const AxisTable> vertical;
    int rowBegin = region.y;
    int rowEnd = region.y + region.height;
    if (needVertical) {
        vertical = axisTable(filter, src.height, outHeight, region.y, region.height);
        rowBegin = vertical->inputBegin();
        rowEnd = vertical->inputEnd();
    }

    // Stage 1: the needed input rows, already reduced to the region's columns.
    const std::uint8_t *rows = nullptr;
    std::size_t rowStride = 0;
    thread_local std::vector<std::uint8_t> intermediate;
    if (needHorizontal) {
        const auto horizontal = axisTable(filter, src.width, outWidth, region.x, region.width);
        if (!needVertical) {
            horizontalPass(src, rowBegin, rowEnd - rowBegin, *horizontal, out);
            return;
        }
        intermediate.resize(std::size_t(rowEnd - rowBegin) * outRowBytes);
        horizontalPass(src, rowBegin, rowEnd - rowBegin, *horizontal, intermediate.data());
        rows = intermediate.data();
        rowStride = outRowBytes;
    } else {
        rows = src.data + std::size_t(rowBegin) * src.stride + std::size_t(region.x) * std::size_t(C);
        rowStride = src.stride;
    }

    // Stage 2: rows.
    if (needVertical)
        verticalPass(rows, rowStride, rowBegin, int(outRowBytes), *vertical, out);
    else
        copyRows(rows, rowStride, region.height, outRowBytes, out);
}

} // namespace

void pilResizeBicubic(const ImageView8 &src, int outWidth, int outHeight, const OutputRegion &region,
                      std::uint8_t *out)
{
    pilResize8(Filter::Bicubic, src, outWidth, outHeight, region, out);
}

void pilResizeBilinear(const ImageView8 &src, int outWidth, int outHeight, const OutputRegion &region,
                       std::uint8_t *out)
{
    pilResize8(Filter::Bilinear, src, outWidth, outHeight, region, out);
}

void pilResizeBicubicInt32(const ImageView32 &src, int outWidth, int outHeight, const OutputRegion &region,
                           std::int32_t *out)
{
    // Rare (16-bit grayscale files) and small, so clarity over speed: full-precision passes.
    const bool needHorizontal = outWidth != src.width;
    const bool needVertical = outHeight != src.height;
    auto pixel = [&src](int x, int y) {
        return reinterpret_cast<const std::int32_t *>(reinterpret_cast<const char *>(src.data) + std::size_t(y) * src.stride)[x];
    };

    std::shared_ptr<const AxisTable> vertical;
    int rowBegin = region.y;
    int rowEnd = region.y + region.height;
    if (needVertical) {
        vertical = axisTable(Filter::Bicubic, src.height, outHeight, region.y, region.height);
        rowBegin = vertical->inputBegin();
        rowEnd = vertical->inputEnd();
    }
    const int rowCount = rowEnd - rowBegin;
    std::vector<std::int32_t> rows(std::size_t(rowCount) * std::size_t(region.width));
    if (needHorizontal) {
        const auto h = axisTable(Filter::Bicubic, src.width, outWidth, region.x, region.width);
        for (int r = 0; r < rowCount; ++r) {
            for (int i = 0; i < region.width; ++i) {
                const double *k = &h->weights[std::size_t(i) * std::size_t(h->taps)];
                double sum = 0.0;
                for (int j = 0; j < h->length[std::size_t(i)]; ++j)
                    sum += pixel(h->first[std::size_t(i)] + j, rowBegin + r) * k[j];
                rows[std::size_t(r) * std::size_t(region.width) + std::size_t(i)] = roundInt32(sum);
            }
        }
    } else {
        for (int r = 0; r < rowCount; ++r)
            for (int i = 0; i < region.width; ++i)
                rows[std::size_t(r) * std::size_t(region.width) + std::size_t(i)] = pixel(region.x + i, rowBegin + r);
    }

    for (int i = 0; i < region.height; ++i) {
        for (int x = 0; x < region.width; ++x) {
            std::int32_t value;
            if (needVertical) {
                const double *k = &vertical->weights[std::size_t(i) * std::size_t(vertical->taps)];
                const int first = vertical->first[std::size_t(i)] - rowBegin;
                double sum = 0.0;
                for (int j = 0; j < vertical->length[std::size_t(i)]; ++j)
                    sum += rows[std::size_t(first + j) * std::size_t(region.width) + std::size_t(x)] * k[j];
                value = roundInt32(sum);
            } else {
                value = rows[std::size_t(i) * std::size_t(region.width) + std::size_t(x)];
            }
            out[std::size_t(i) * std::size_t(region.width) + std::size_t(x)] = value;
        }
    }
}

void pilResizeNearest(const ImageView8 &src, int outWidth, int outHeight, const OutputRegion &region,
                      std::uint8_t *out)
{
    const std::vector<int> xs = nearestIndices(src.width, outWidth);
    const std::vector<int> ys = nearestIndices(src.height, outHeight);
    const int C = src.channels;
    for (int i = 0; i < region.height; ++i) {
        const std::uint8_t *in = src.data + std::size_t(ys[std::size_t(region.y + i)]) * src.stride;
        std::uint8_t *dst = out + std::size_t(i) * std::size_t(region.width) * std::size_t(C);
        for (int x = 0; x < region.width; ++x)
            std::memcpy(dst + std::size_t(x) * std::size_t(C), in + std::size_t(xs[std::size_t(region.x + x)]) * std::size_t(C),
                        std::size_t(C));
    }
}

} // namespace faultline
