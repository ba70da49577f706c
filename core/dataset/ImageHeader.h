#pragma once
// Image dimensions from a file's header, read before anything is decoded: a few hundred bytes
// claiming 60000 × 60000 pixels must not make the decoder allocate gigabytes first.
#include <QByteArray>
#include <limits>
#include <optional>

namespace faultline {

struct ImageDimensions
{
    qint64 width = 0;
    qint64 height = 0;
    // Saturates: two 32-bit sizes overflow 64 bits (found by fuzz_image_decoder).
    qint64 pixels() const
    {
        return height > 0 && width > std::numeric_limits<qint64>::max() / height ? std::numeric_limits<qint64>::max()
                                                                                  : width * height;
    }
};

// Width and height as the header of a PNG, JPEG, BMP, WebP, TIFF, PNM/PAM/PFM, Sun raster,
// Radiance HDR, OpenEXR or JPEG 2000 file states them; nullopt for another format or a header
// too short or malformed to say (the decoder then decides, and its result is checked).
std::optional<ImageDimensions> imageHeaderDimensions(const QByteArray &bytes);

} // namespace faultline
