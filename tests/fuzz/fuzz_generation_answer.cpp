// The generation servers' answers (core/generation): arbitrary bytes as the body of a 2xx HTTP
// reply, taken as HttpJsonClient takes it (a JSON object, else refused) and read by both HTTP
// backends' answer readers, Automatic1111Backend::readAnswer (txt2img: base64 "images" and an
// "info" JSON document in a string) and EmbeddingDecoderBackend::readAnswer (faultline-embedding-
// decoder/1: "images" of {png_base64, seed}), which call ServerImage's answerImages/pngFromBase64.
// The first input byte picks how many images the request asked for (1..4).
#include "FuzzSupport.h"
#include "generation/Automatic1111Backend.h"
#include "generation/EmbeddingDecoderBackend.h"
#include "generation/ServerImage.h"

#include <QJsonDocument>

using namespace faultline;

namespace {

// The readers are private statics; an explicit instantiation may name a private member, so this
// takes their addresses without touching the headers.
using AnswerReaderFn = std::vector<GeneratedImage> (*)(const GenerationRequest &, const QJsonObject &);
template <typename Tag, AnswerReaderFn Fn> struct Rob
{
    friend AnswerReaderFn reader(Tag) { return Fn; }
};
struct A1111Tag
{
    friend AnswerReaderFn reader(A1111Tag);
};
struct DecoderTag
{
    friend AnswerReaderFn reader(DecoderTag);
};
template struct Rob<A1111Tag, &Automatic1111Backend::readAnswer>;
template struct Rob<DecoderTag, &EmbeddingDecoderBackend::readAnswer>;

void check(AnswerReaderFn read, const GenerationRequest &request, const QJsonObject &answer)
{
    try {
        const std::vector<GeneratedImage> images = read(request, answer);
        if (int(images.size()) != request.count)
            std::abort();
        for (const GeneratedImage &image : images)
            if (!image.png.startsWith("\x89PNG\r\n\x1a\n"))
                std::abort(); // checked to decode, re-encoded as PNG
    } catch (const Error &) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::initQt();
    if (size < 1)
        return 0;
    GenerationRequest request;
    request.count = 1 + data[0] % 4;
    request.seed = 1234;
    const QJsonDocument document = QJsonDocument::fromJson(fuzz::bytes(data + 1, size - 1));
    if (!document.isObject())
        return 0; // HttpJsonClient: "the answer is not a JSON object"
    const QJsonObject answer = document.object();
    check(reader(A1111Tag{}), request, answer);
    check(reader(DecoderTag{}), request, answer);
    return 0;
}
