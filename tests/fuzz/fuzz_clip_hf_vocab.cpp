// ClipTokenizer::fromHuggingFace (core/clip/ClipTokenizer.h): a Hugging Face tokenizer's
// vocab.json and merges.txt, both from the input (split at the first NUL byte; no NUL: all of it
// is vocab.json and merges.txt is empty), then a short text encoded with the result.
#include "FuzzSupport.h"
#include "clip/ClipTokenizer.h"

#include <cstring>

using namespace faultline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::initQt();
    const auto *nul = static_cast<const uint8_t *>(std::memchr(data, 0, size));
    const size_t vocabSize = nul ? size_t(nul - data) : size;
    const QString vocab = fuzz::writeInput(data, vocabSize, QStringLiteral("vocab.json"));
    const QString merges = nul ? fuzz::writeInput(nul + 1, size - vocabSize - 1, QStringLiteral("merges.txt"))
                               : fuzz::writeInput(data, 0, QStringLiteral("merges.txt"));
    try {
        const ClipTokenizer t = ClipTokenizer::fromHuggingFace(vocab, merges);
        const std::vector<int> ids = t.encode(QStringLiteral("a photo of a cat, on the grass! 123 naïve"));
        (void)t.decode(ids);
        (void)t.tokenize({QStringLiteral("a dog")});
    } catch (const Error &) {
    }
    return 0;
}
