// CaptionVocabulary::fromJson (core/captions/CaptionVocabulary.h): arbitrary bytes as a user's
// caption vocabulary (docs/CAPTION_VOCABULARIES.md), then the candidates of its classes.
#include "FuzzSupport.h"
#include "captions/CaptionCandidates.h"
#include "captions/CaptionVocabulary.h"

using namespace faultline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::initQt();
    try {
        CaptionVocabulary vocabulary = CaptionVocabulary::fromJson(fuzz::bytes(data, size), QStringLiteral("fuzz.json"));
        QStringList classes = vocabulary.namedClasses().mid(0, 8);
        classes << QStringLiteral("unnamed_class");
        for (const QString &name : classes) {
            const ClassCaptionVocabulary words = vocabulary.forClass(name);
            if (words.nouns.isEmpty())
                std::abort(); // "at least one"
            try {
                const QVector<CaptionCandidate> candidates = captionCandidates(vocabulary, name);
                if (candidates.size() > CaptionVocabulary::kMaxCandidatesPerClass)
                    std::abort();
                (void)referenceCaption(vocabulary, name);
            } catch (const Error &) {
            }
        }
        vocabulary.setReference(QStringLiteral("a photo of {class}"));
        if (!classes.isEmpty())
            vocabulary.setClassReference(classes.first(), QString());
    } catch (const Error &) {
    }
    return 0;
}
