#include "classify/DatasetPredictor.h"

#include "classify/ImageClassifier.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/ContentHash.h"
#include "dataset/ImageDecoder.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>

namespace faultline {

namespace {

QStringList datasetClasses(const QVector<StoredImage> &images)
{
    QSet<QString> classes;
    for (const StoredImage &image : images)
        classes.insert(image.folderClass);
    return QStringList(classes.begin(), classes.end());
}

// Every class the dataset labels images with must be one the classifier can predict, or the
// true-label confidence is undefined.
void checkClassesKnown(const ImageClassifier &classifier, const QStringList &classes)
{
    QStringList missing;
    for (const QString &name : classes)
        if (classifier.classIndex(name) < 0)
            missing << name;
    if (missing.isEmpty())
        return;
    std::sort(missing.begin(), missing.end());
    constexpr int kShown = 5;
    QString listed = QStringList(missing.mid(0, kShown)).join(QStringLiteral(", "));
    if (missing.size() > kShown)
        listed += QStringLiteral(" and %1 more").arg(missing.size() - kShown);
    throw Error(QStringLiteral("%1: the classifier's class names (%2) lack %3 of the dataset's classes: %4")
                    .arg(classifier.spec().path, classifier.classNamesSource()).arg(missing.size()).arg(listed));
}

} // namespace

QString classifierPredictionSource(const QString &classifierPath)
{
    return QStringLiteral("classifier:%1").arg(QFileInfo(classifierPath).fileName());
}

std::unique_ptr<ImageClassifier> loadDatasetClassifier(const ClassifierSpec &spec, const QStringList &datasetClasses)
{
    auto classifier = ImageClassifier::load(spec, datasetClasses);
    checkClassesKnown(*classifier, datasetClasses);
    return classifier;
}

void classifyImageFiles(const ImageClassifier &classifier, const QString &rootPath, const QVector<ImageToClassify> &images,
                        const std::function<void(const QVector<ClassifiedImage> &, qsizetype)> &onBatch,
                        JobControl *control)
{
    const QDir root(rootPath);
    const qsizetype chunk = classifier.spec().batchSize;
    for (qsizetype begin = 0; begin < images.size(); begin += chunk) {
        const qsizetype end = std::min(begin + chunk, images.size());
        std::vector<QByteArray> encoded;
        QStringList names;
        QStringList readErrors; // per image; a file that cannot be read is passed on empty
        QStringList hashes;
        for (qsizetype i = begin; i < end; ++i) {
            names << images[i].path;
            readErrors << QString();
            try {
                encoded.push_back(readImageFile(root.filePath(images[i].path)));
                hashes << contentHash(encoded.back());
            } catch (const Error &error) {
                encoded.emplace_back();
                hashes << QString();
                readErrors.last() = error.reasonFor(root.filePath(images[i].path));
            }
        }
        const std::vector<ClassifierVerdict> verdicts = classifier.classify(encoded, names, control);
        QVector<ClassifiedImage> batch;
        for (qsizetype i = begin; i < end; ++i) {
            const ClassifierVerdict &verdict = verdicts[size_t(i - begin)];
            ClassifiedImage image;
            image.path = images[i].path;
            if (verdict.ok()) {
                image.prediction = verdict.predictedClass;
                image.confidence = verdict.probabilityOf(classifier.classIndex(images[i].label));
                image.contentHash = hashes[i - begin];
            } else {
                const QString &readError = readErrors[i - begin];
                image.error = readError.isEmpty() ? reasonFor(verdict.error, images[i].path) : readError;
            }
            batch.push_back(image);
        }
        onBatch(batch, end);
    }
    if (control)
        control->checkCancelled();
}

DatasetPredictionReport predictDataset(ProjectStore &store, const QString &datasetRoot, const ClassifierSpec &spec,
                                       JobControl *control, const QString &predictionSet)
{
    QVector<StoredImage> images = store.images();
    const QStringList classes = datasetClasses(images);
    images.erase(std::remove_if(images.begin(), images.end(), [](const StoredImage &image) { return !image.readable; }),
                 images.end());
    if (images.isEmpty())
        throw Error(QStringLiteral("%1: the project has no readable images (scan the dataset first)").arg(store.path()));

    const auto classifier = loadDatasetClassifier(spec, classes);
    DatasetPredictionReport report;
    report.images = int(images.size());
    report.device = classifier->deviceName();
    report.source = classifierPredictionSource(spec.path);
    report.classNamesSource = classifier->classNamesSource();

    QVector<ImageToClassify> toClassify;
    for (const StoredImage &image : std::as_const(images))
        toClassify.push_back({image.path, image.folderClass});
    QVector<PredictionRecord> records;
    records.reserve(images.size());
    classifyImageFiles(*classifier, datasetRoot, toClassify, [&](const QVector<ClassifiedImage> &batch, qsizetype done) {
        qsizetype index = done - batch.size();
        for (const ClassifiedImage &verdict : batch) {
            const StoredImage &image = images[index++];
            if (!verdict.error.isEmpty()) {
                ++report.failed;
                report.diagnostics.push_back({Diagnostic::Severity::Error, image.path, 0, QString(), verdict.error});
                continue;
            }
            PredictionRecord record;
            record.imageId = image.id;
            record.prediction = verdict.prediction;
            record.confidence = verdict.confidence;
            record.sourceLine = int(index); // path order: the order analysis deals folds in
            records.push_back(record);
            ++report.predicted;
            report.correct += verdict.prediction == image.folderClass ? 1 : 0;
        }
        if (control)
            control->report(done, images.size(), QStringLiteral("classify"));
    }, control);

    store.replacePredictions(records, report.source, predictionSet,
                             QString::fromUtf8(QJsonDocument(spec.toJson()).toJson(QJsonDocument::Compact)));
    return report;
}

} // namespace faultline
