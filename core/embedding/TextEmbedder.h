#pragma once

#include <QStringList>
#include <vector>

namespace faultline {

class ClipModel;
class ClipTokenizer;

// CLIP text features (not normalised) for each text, row-major texts × embedDim: the API the
// caption ranking and the slerp slider build on. Long texts are truncated to the context, as
// OpenAI's clip.tokenize(truncate=True) does, unless `truncate` is false (then Error).
std::vector<float> embedTexts(const ClipModel &model, const ClipTokenizer &tokenizer, const QStringList &texts,
                              bool truncate = true);

} // namespace faultline
