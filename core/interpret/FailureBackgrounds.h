#pragma once

#include "interpret/ClassCaptions.h" // TextEncoder

#include <QString>
#include <QVector>

namespace faultline {

class CaptionVocabulary;
struct RunClassImages;

// A background phrase and how many of the class's failures CLIP matched to it.
struct BackgroundShare
{
    QString background;  // "in the snow"
    QString prompt;      // "a photo of a cat in the snow": the text-to-image prompt
    int failures = 0;
    double share = 0;    // failures / all failures of the class
};

// Paper 002 Sec. 4.2: each misclassified image of the class is assigned, zero-shot, to the
// background whose prompt "a photo of a <class> <background>" is nearest to it in CLIP space;
// backgrounds are ranked by how many failures they took (ties: vocabulary order). The
// backgrounds are the vocabulary's phrases for the class (its settings and backgrounds).
// Throws Error when the class has no failures or the vocabulary gives it no phrases.
QVector<BackgroundShare> rankFailureBackgrounds(const RunClassImages &images, const CaptionVocabulary &vocabulary,
                                                const TextEncoder &encode);

} // namespace faultline
