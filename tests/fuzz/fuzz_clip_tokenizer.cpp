// ClipTokenizer (core/clip/ClipTokenizer.h): arbitrary bytes as UTF-8 caption text (captions,
// class names, prompts): encode, clip.tokenize() and decode. The vocabulary is CLIP's
// bpe_simple_vocab_16e6.txt.gz from resources/clip, loaded once.
#include "FuzzSupport.h"
#include "clip/ClipTokenizer.h"

using namespace faultline;

namespace {
const ClipTokenizer &tokenizer()
{
    static const ClipTokenizer t = [] {
        const QByteArray env = qgetenv("FAULTLINE_BPE_VOCAB");
        const QString path = env.isEmpty()
            ? QStringLiteral(FAULTLINE_SOURCE_DIR "/resources/clip/bpe_simple_vocab_16e6.txt.gz")
            : QString::fromLocal8Bit(env);
        return ClipTokenizer::fromBpeGz(path);
    }();
    return t;
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::initQt();
    (void)tokenizer();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const ClipTokenizer &t = tokenizer();
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    try {
        const std::vector<int> ids = t.encode(text);
        for (int id : ids)
            if (id < 0 || id >= t.vocabSize())
                std::abort();
        (void)t.decode(ids);
        const std::vector<qint64> rows = t.tokenize({text, text.left(8)}, 77, /*truncate=*/true);
        if (rows.size() != 2 * 77 || rows[0] != t.startOfTextId())
            std::abort();
        try {
            (void)t.tokenize({text}, 77, /*truncate=*/false); // too long: Error
        } catch (const Error &) {
        }
        const QStringList pieces = ClipTokenizer::preTokenize(ClipTokenizer::cleanText(text));
        for (const QString &piece : pieces.mid(0, 4))
            (void)t.bpe(piece);
    } catch (const Error &) {
    }
    return 0;
}
