#include "captions/CaptionCandidates.h"

#include "common/Error.h"

#include <QSet>

namespace faultline {

namespace {

bool startsWithVowelLetter(const QString &word)
{
    for (const QChar c : word) {
        if (!c.isLetter())
            continue;
        switch (c.toLower().unicode()) {
        case 'a': case 'e': case 'i': case 'o': case 'u':
            return true;
        default:
            return false;
        }
    }
    return false;
}

// The form captions are compared in: lower case, single spaces, no final '.'.
QString captionKey(const QString &caption)
{
    QString key = caption.simplified().toLower();
    while (key.endsWith(QLatin1Char('.')))
        key.chop(1);
    return key.trimmed();
}

} // namespace

QString composeCaption(CaptionVocabulary::Article article, const QString &adjective, const QString &noun,
                       const QString &preposition)
{
    const QString first = adjective.isEmpty() ? noun : adjective;
    const bool an = article == CaptionVocabulary::Article::Auto && startsWithVowelLetter(first);
    QStringList words{QStringLiteral("a photo of"), an ? QStringLiteral("an") : QStringLiteral("a")};
    for (const QString &part : {adjective, noun, preposition}) {
        const QString simplified = part.simplified();
        if (!simplified.isEmpty())
            words << simplified;
    }
    return words.join(QLatin1Char(' '));
}

QString referenceCaption(const CaptionVocabulary &vocabulary, const QString &className)
{
    return vocabulary.forClass(className).reference;
}

QVector<CaptionCandidate> captionCandidates(const CaptionVocabulary &vocabulary, const QString &className)
{
    const ClassCaptionVocabulary words = vocabulary.forClass(className);
    const QString where = QStringLiteral("%1: class \"%2\"").arg(vocabulary.source(), className);
    const qint64 combinations = qint64(words.adjectives.size() + 1) * words.nouns.size()
        * qint64(words.prepositions.size() + 1);
    if (combinations > CaptionVocabulary::kMaxCandidatesPerClass)
        throw Error(QStringLiteral("%1: %2 candidate captions, more than the %3 allowed for one class")
                        .arg(where).arg(combinations).arg(CaptionVocabulary::kMaxCandidatesPerClass));

    QStringList adjectives{QString()};
    adjectives += words.adjectives;
    QStringList prepositions{QString()};
    prepositions += words.prepositions;

    QVector<CaptionCandidate> candidates;
    candidates.reserve(combinations);
    QSet<QString> seen{captionKey(words.reference)};
    for (const QString &noun : words.nouns) {
        for (const QString &adjective : std::as_const(adjectives)) {
            for (const QString &preposition : std::as_const(prepositions)) {
                CaptionCandidate candidate;
                candidate.text = composeCaption(vocabulary.article(), adjective, noun, preposition);
                const QString key = captionKey(candidate.text);
                if (seen.contains(key))
                    continue;
                seen.insert(key);
                candidate.adjective = adjective;
                candidate.noun = noun;
                candidate.preposition = preposition;
                candidates.push_back(candidate);
            }
        }
    }
    if (candidates.isEmpty())
        throw Error(QStringLiteral("%1: the vocabulary gives no caption besides the reference \"%2\"; add "
                                   "adjectives, prepositions or nouns for it")
                        .arg(where, words.reference));
    return candidates;
}

} // namespace faultline
