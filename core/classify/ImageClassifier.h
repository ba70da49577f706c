#pragma once

#include "classify/ClassifierSpec.h"
#include "classify/LinearHead.h"

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

// Penultimate features of a batch of images (ImageClassifier::features).
struct ClassifierFeatures
{
    int dim = 0;
    std::vector<float> values;   // one row per image, in input order (zeros where it did not decode)
    std::vector<QString> errors; // per image: empty when it decoded
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

    // Retraining its head (issue 13). The contract: the scripted module has a features(x) method
    // (@torch.jit.export) giving each image's penultimate features, and a torch.nn.Linear
    // submodule (`headName`, or the last Linear among its direct submodules) that maps them to
    // the class scores. Error naming the file otherwise: no features(x), no such submodule, not
    // a Linear, or sizes that do not chain (features → head → classes).
    QString headName(const QString &requested = QString()) const;
    LinearHead head(const QString &headName) const;
    // The same decoding and batching as classify(); JobCancelled between batches.
    ClassifierFeatures features(const std::vector<QByteArray> &encodedImages, const QStringList &names,
                                JobControl *control = nullptr) const;
    // Writes the module with `head` in place of headName's weights, nothing else changed
    // (atomically: a failed write leaves no partial file).
    void saveWithHead(const QString &headName, const LinearHead &head, const QString &path) const;

private:
    struct Impl;
    explicit ImageClassifier(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace faultline
