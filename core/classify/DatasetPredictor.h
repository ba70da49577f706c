#pragma once

#include "classify/ClassifierSpec.h"
#include "common/Diagnostic.h"

#include <QString>
#include <QVector>
#include <functional>
#include <memory>
#include <optional>

namespace faultline {

class ImageClassifier;
class JobControl;
class ProjectStore;

struct ImageToClassify
{
    QString path;  // dataset-relative
    QString label; // its true class (the folder's)
};

struct ClassifiedImage
{
    QString path;
    QString prediction;     // the predicted class name; empty on error
    double confidence = 0;  // the classifier's probability of the true label
    QString contentHash;    // SHA-256 of the file that was classified
    QString error;          // why the file could not be read or decoded (without the path)
};

struct DatasetPredictionReport
{
    int images = 0;        // readable images in the project
    int predicted = 0;     // classified and stored
    int failed = 0;        // could not be read or decoded; reported in diagnostics
    int correct = 0;       // predicted == folder label
    QString device;        // where the model ran
    QString source;        // the predictions' source in the project: "classifier:<file name>"
    QString classNamesSource;
    Diagnostics diagnostics;
    std::optional<double> accuracy() const
    {
        return predicted > 0 ? std::optional<double>(double(correct) / predicted) : std::nullopt;
    }
};

// The project's name for predictions made by a classifier file: "classifier:<file name>".
QString classifierPredictionSource(const QString &classifierPath);

// Loads the classifier for a dataset with these class folders and checks that it can predict
// every one of them (else the true label's confidence is undefined). Throws Error naming the file.
std::unique_ptr<ImageClassifier> loadDatasetClassifier(const ClassifierSpec &spec, const QStringList &datasetClasses);

// Classifies files under `root` in batches of the spec's batch size; `onBatch` gets each batch
// in order with the number of images done so far. Shared by predictDataset and the shard worker.
void classifyImageFiles(const ImageClassifier &classifier, const QString &root, const QVector<ImageToClassify> &images,
                        const std::function<void(const QVector<ClassifiedImage> &batch, qsizetype done)> &onBatch,
                        JobControl *control = nullptr);

// Runs the classifier over every readable image of the project (label = its class folder) and
// replaces the prediction set `predictionSet` (empty: the current one, or "default") with its
// answers, confidence = the probability of the true label; the set keeps the spec (JSON). Files are decoded on the classifier's
// own pool, batches run while progress is reported ("classify"). Nothing is stored unless the
// whole dataset was classified: JobCancelled leaves the previous predictions. Throws Error when
// the project has no images, the classifier does not load, or it lacks some of the dataset's
// classes; undecodable images are left out and reported.
DatasetPredictionReport predictDataset(ProjectStore &store, const QString &datasetRoot, const ClassifierSpec &spec,
                                       JobControl *control = nullptr, const QString &predictionSet = QString());

} // namespace faultline
