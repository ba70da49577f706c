#include "embedding/TextEmbedder.h"

#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"

namespace faultline {

std::vector<float> embedTexts(const ClipModel &model, const ClipTokenizer &tokenizer, const QStringList &texts,
                              bool truncate)
{
    constexpr int kBatch = 256; // bounds the attention activations for long caption lists
    const int context = model.hyperParams().contextLength;
    std::vector<float> out;
    out.reserve(size_t(texts.size()) * size_t(model.hyperParams().embedDim));
    for (qsizetype begin = 0; begin < texts.size(); begin += kBatch) {
        const QStringList batch = texts.mid(begin, kBatch);
        const std::vector<float> encoded =
            model.encodeText(tokenizer.tokenize(batch, context, truncate), int(batch.size()));
        out.insert(out.end(), encoded.begin(), encoded.end());
    }
    return out;
}

} // namespace faultline
