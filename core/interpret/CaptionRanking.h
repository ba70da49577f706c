#pragma once

#include <QString>
#include <QStringList>
#include <QVector>
#include <vector>

namespace faultline {

class StoredFailureDirection;

struct RankedCaption
{
    QString caption;
    double score = 0;   // the SVM decision value of the caption's direction: negative = hard
};

// The paper's caption scoring, as its public code does it: for caption embedding t_i and
// reference embedding t_0 (raw CLIP text features), d_i = t_i − t_0 goes through the images'
// preprocessing (whiten with the run's train mean/std, L2-normalise) and the class SVM scores
// it. Returned sorted from the most negative (best description of the failure) to the most
// positive (of the easy side). `captionEmbeddings` is captions.size() × dim, row-major.
QVector<RankedCaption> rankCaptions(const StoredFailureDirection &direction, const QStringList &captions,
                                    const std::vector<float> &captionEmbeddings, const std::vector<float> &reference);

} // namespace faultline
