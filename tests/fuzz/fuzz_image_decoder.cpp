// The image decoder path (core/dataset/ImageDecoder.h) every dataset image takes in scan, embed
// and predict: the file read (readImageFile), OpenCV's decode (decodeImage: PNG, JPEG, WebP,
// TIFF, BMP, ...) and the 16-bit narrowing (pillowHighBytes). OpenCV itself is Debian's, not
// instrumented: the fuzzer sees coverage of Faultline's side only, but ASan still checks every
// allocation (a header that asks for > 2 GB is a finding: -rss_limit_mb/-malloc_limit_mb).
#include "FuzzSupport.h"
#include "dataset/ImageDecoder.h"

using namespace faultline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::initQt();
    const QString path = fuzz::writeInput(data, size, QStringLiteral("image.img"));
    try {
        const cv::Mat image = decodeImage(readImageFile(path), path);
        if (image.empty() || image.rows <= 0 || image.cols <= 0)
            std::abort();
        if (image.depth() == CV_16U) {
            const cv::Mat narrow = pillowHighBytes(image);
            if (narrow.rows != image.rows || narrow.cols != image.cols)
                std::abort();
        }
    } catch (const Error &) {
    }
    (void)probeImage(path);
    return 0;
}
