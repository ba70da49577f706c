#pragma once

#include "interpret/ClassCaptions.h"
#include "rules/FailureRules.h"

#include <QStringList>
#include <vector>

namespace faultline {

class CaptionVocabulary;
class ProjectStore;

// A class's concepts: the vocabulary's caption candidates for it (its adjectives and phrases
// composed with the class noun), then the user's own concepts with "{class}" replaced by the
// class name; repeats left out, order kept. Either source may be absent.
QStringList conceptTexts(const CaptionVocabulary *vocabulary, const QString &className, const QStringList &userConcepts);

// Scales each of `rows` rows of dim floats to unit length (in double); zero rows stay zero.
void normaliseRows(float *values, size_t rows, int dim);

// Unit-length text embeddings of `texts` (dim floats each): those the project holds for this
// embedding model are read, the rest embedded with `encode` (called once, only when needed) and
// stored, so a project's concepts cost the text tower once.
std::vector<float> conceptEmbeddings(ProjectStore &store, qint64 embeddingModelId, int dim, const QStringList &texts,
                                     const TextEncoder &encode);

// Each image's cosine to each concept, named cos("<text>"): images are rows × dim raw embeddings
// (normalised here), concepts unit vectors.
RuleFeatures conceptFeatures(const std::vector<float> &images, int dim, const QStringList &texts,
                             const std::vector<float> &unitConcepts);

} // namespace faultline
