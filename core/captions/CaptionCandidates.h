#pragma once

#include "captions/CaptionVocabulary.h"

#include <QString>
#include <QVector>

namespace faultline {

// One candidate caption and the words it was made of (empty adjective/preposition: left out).
struct CaptionCandidate
{
    QString text; // "a photo of a white cat on the grass"
    QString adjective, noun, preposition;
};

// "a photo of <article> <adjective> <noun> <preposition>" with the optional parts left out and
// single spaces between words. The article is "a" (Article::A, as the paper writes every caption),
// or with Article::Auto "an" when the next word starts with a vowel letter a/e/i/o/u (spelling,
// not sound: "an hour"/"a unicorn" are not special-cased).
QString composeCaption(CaptionVocabulary::Article article, const QString &adjective,
                       const QString &noun, const QString &preposition);

// Every combination of (no adjective | adjective) × noun × (no phrase | phrase) for `className`,
// in a fixed order: nouns in vocabulary order, then adjectives (none first), then phrases (none
// first). Captions whose text repeats an earlier one, or the class's reference caption
// (compared case-insensitively, ignoring a final '.'), are left out. Throws Error when the class
// would get more than CaptionVocabulary::kMaxCandidatesPerClass candidates, or none at all.
QVector<CaptionCandidate> captionCandidates(const CaptionVocabulary &vocabulary, const QString &className);

// The class's reference caption: the vocabulary's "reference" with "{class}" replaced, or
// composeCaption(article, "", className, "") when none is given.
QString referenceCaption(const CaptionVocabulary &vocabulary, const QString &className);

} // namespace faultline
