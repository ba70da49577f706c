#pragma once

#include "store/StoreTypes.h"

#include <QStringList>
#include <QVector>

namespace faultline {

class ImageClassifier;
class JobControl;
class ProjectStore;

struct SampleCheckResult
{
    int checked = 0;
    QStringList errors;   // samples whose file is gone or does not decode (left unchecked)
};

// Paper 000 Sec. 4.1 / Fig. 8b: runs the user's classifier on generated samples and stores its
// verdict (prediction, probability of the sample's class) with each. Throws Error when the
// classifier has no class of a sample; JobCancelled between batches (nothing of the current
// batch is stored, earlier batches are).
SampleCheckResult checkGeneratedSamples(ProjectStore &store, const QString &datasetRoot,
                                        const ImageClassifier &classifier, const QVector<GeneratedSample> &samples,
                                        JobControl *control);

// One class's samples of one group: the classifier's accuracy on them.
struct GroupAccuracy
{
    QString className;
    QString group;            // hard | reference | easy
    int samples = 0;
    int checked = 0;
    int correct = 0;
    double meanConfidence = 0; // over checked samples
    double accuracy() const { return checked > 0 ? double(correct) / checked : qQNaN(); }
};

// Per class (sorted) and group (hard, reference, easy): the table and plot series of Fig. 8b.
QVector<GroupAccuracy> generatedAccuracy(const QVector<GeneratedSample> &samples);

} // namespace faultline
