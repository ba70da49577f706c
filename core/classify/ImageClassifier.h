#pragma once

#include "classify/ClassifierSpec.h"

#include <QByteArray>
#include <QStringList>
#include <memory>
#include <vector>

namespace faultline {

class JobControl;

// The classifier's answer for one image.
struct ClassifierVerdict
{
    int predicted = -1;                 // output index
    QString predictedClass;             // its class name
    std::vector<float> probabilities;   // one per class, summing to 1
    QString error;                      // set (and the rest empty) when the image did not decode
    bool ok() const { return error.isEmpty(); }
    float probabilityOf(int index) const { return index >= 0 && index < int(probabilities.size()) ? probabilities[size_t(index)] : 0.f; }
};

// A user's TorchScript classifier on libtorch (CUDA when available and asked for, else CPU),
// with its preprocessing. libtorch stays behind this header (pimpl). Thread-safe after loading.
class ImageClassifier
{
public:
    // Loads the TorchScript file and the class names (spec.classNamesPath, else
    // `datasetClasses` sorted as torchvision's ImageFolder sorts them), then runs one dummy
    // batch to check the output width. Throws Error naming the file: not TorchScript, output
    // width ≠ class count, a mapping file line that does not parse.
    static std::unique_ptr<ImageClassifier> load(const ClassifierSpec &spec, const QStringList &datasetClasses);
    ~ImageClassifier();

    const ClassifierSpec &spec() const;
    const QStringList &classNames() const;
    QString classNamesSource() const;               // the mapping file, or "the dataset's N class folders"
    int classIndex(const QString &className) const; // -1 when the classifier has no such class
    QString deviceName() const;

    // Encoded images (PNG, JPEG …) in, one verdict each; undecodable images get verdict.error.
    // Decoded on the classifier's own thread pool, batched by spec.batchSize; cancellable
    // between batches (JobCancelled). Reports no progress: callers report per call (predictDataset).
    std::vector<ClassifierVerdict> classify(const std::vector<QByteArray> &encodedImages, const QStringList &names,
                                            JobControl *control = nullptr) const;

private:
    struct Impl;
    explicit ImageClassifier(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace faultline
