#pragma once
// One intervention end to end (issue 13; paper 000 Sec. 3, paper 002 Sec. 4.4): a stored run's
// images → the classifier's penultimate features (cached in the project as the embedding model
// "features:<file>@<sha>") → the training split plus the intervention's images → the head
// retrained → accuracy before and after on the test split, overall, per class, and on each
// class's hard subpopulation (its K hardest test images by the run's decision value, fixed
// before retraining) and the rest. The synthetic intervention trains on 4 of every 5 generated
// samples of the chosen groups (made by generation backends, not retrieved real images), each
// weighted λ·N_train/N_synthetic so the loss is eq. 1's L(train) + λ·L(debug) up to a constant,
// and measures on the 5th.
#include "classify/LinearHead.h"
#include "fix/HeadTraining.h"
#include "fix/InterventionSet.h"
#include "store/StoreTypes.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace faultline {

class ImageClassifier;
class JobControl;
class ProjectStore;

struct RetrainRequest
{
    qint64 runId = 0;                    // 0: the latest completed run
    Intervention intervention = Intervention::FilterSvm;
    int k = 50;                          // filtering: pool images added per class; upweight: hardest per class
    std::optional<double> hardThreshold; // upweight: flag train images below this instead of K per class
    double factor = 5;                   // upweight: the flagged images' weight
    int evalK = 50;                      // the hard subpopulation: K hardest test images per class
    quint64 seed = 0;                    // filter-random
    double lambda = 0.5;                 // synthetic: eq. 1's weight of the generated set (paper 002's default)
    QStringList sampleGroups{QStringLiteral("hard")}; // synthetic: which generated samples
    QString headName;                    // empty: the classifier's last torch.nn.Linear
    HeadTrainingParams training;
    QString outputFile;                  // write the retrained classifier here (TorchScript); empty: none
    // Store the retrained head's predictions of every image the run analysed as a prediction set
    // (a model of the project, for compare and analyze), named `predictionSet` (empty:
    // "retrain-<id>"). Off for interventions' many arms.
    bool storePredictions = true;
    QString predictionSet;
};

// Right answers of the original and the retrained head on the same images.
struct BeforeAfter
{
    int images = 0;
    int rightBefore = 0;
    int rightAfter = 0;
    double before() const { return images > 0 ? double(rightBefore) / images : 0; }
    double after() const { return images > 0 ? double(rightAfter) / images : 0; }
};

struct ClassBeforeAfter
{
    QString className;
    BeforeAfter all, hard, rest;
};

struct RetrainReport
{
    qint64 id = 0;            // as stored in the project (ProjectStore::retrains)
    qint64 runId = 0;
    QString intervention;
    QString headName;
    QString featuresModel;    // the cache's embedding model name
    int trainImages = 0;      // of the training split used
    int addedImages = 0;      // filtering: pool images added
    int upweightedImages = 0; // upweight: training images weighted by the factor
    int syntheticImages = 0;  // synthetic: generated samples trained on
    BeforeAfter heldOut;      // synthetic: the held-out generated samples (every 5th)
    int skippedImages = 0;    // not decodable, or a label the classifier has no output for
    BeforeAfter overall, hard, rest;
    QVector<ClassBeforeAfter> classes; // by class name
    HeadTrainingResult training;
    QString outputFile;       // absolute; empty when none was written
    QString predictionSet;    // where the retrained head's predictions were stored; empty when not
};

// The classifier's penultimate features of images, by image id (those that decoded).
struct FeatureRows
{
    int dim = 0;
    QHash<qint64, qsizetype> rowOf;
    std::vector<float> values;
    const float *of(qint64 imageId) const { return values.data() + rowOf.value(imageId) * dim; }
};

// Generated samples' features and labels (not cached in the project: they are not dataset images).
struct SyntheticSet
{
    std::vector<float> x;
    std::vector<int> labels;
};

struct SyntheticSplit
{
    SyntheticSet trainOn, heldOut; // every 5th sample held out
};

// What every retraining of one run with one classifier shares, done once when it is made: the
// run's rows by split, the original head, and on first use the classifier's features of every
// analysed image (read from the project's cache, the missing ones computed and stored) and the
// generated samples' features. `interventions` runs all its arms over one HeadRetrainer.
class HeadRetrainer
{
public:
    // runId 0: the latest completed run; headName empty: the classifier's last torch.nn.Linear.
    // Error for a missing or unfinished run, a run without train or test images, a head the
    // contract refuses.
    HeadRetrainer(ProjectStore &store, const QString &datasetRoot, const ImageClassifier &classifier, qint64 runId,
                  const QString &headName, JobControl *control = nullptr);
    ~HeadRetrainer();
    HeadRetrainer(const HeadRetrainer &) = delete;
    HeadRetrainer &operator=(const HeadRetrainer &) = delete;

    qint64 runId() const { return m_runId; }
    // One intervention (request.runId is ignored: the retrainer's run). The report (and the
    // prediction set, when asked for) is stored in one transaction after the file was written.
    RetrainReport retrain(const RetrainRequest &request, JobControl *control = nullptr);

private:
    void ensureFeatures(JobControl *control);
    const SyntheticSplit &synthetic(const QStringList &groups, JobControl *control);

    ProjectStore &m_store;
    QString m_root;
    const ImageClassifier &m_classifier;
    qint64 m_runId = 0;
    QString m_predictionSet;  // the model the run analysed
    QString m_headName;
    LinearHead m_original;
    QVector<RunScoreRow> m_rows;
    QVector<const RunScoreRow *> m_usable, m_train, m_pool, m_test;
    int m_unusable = 0;       // rows whose label the classifier has no output for
    QString m_featuresModel;
    FeatureRows m_features;   // computed by the first retrain()
    bool m_featuresReady = false;
    QHash<QString, SyntheticSplit> m_synthetic; // by sample groups
};

// One HeadRetrainer, one retraining.
// Error for a run or split that is missing (no training or test images), and whatever the
// intervention, the classifier contract or the training refuses. JobCancelled when cancelled.
RetrainReport retrainHead(ProjectStore &store, const QString &datasetRoot, const ImageClassifier &classifier,
                          const RetrainRequest &request, JobControl *control = nullptr);

} // namespace faultline
