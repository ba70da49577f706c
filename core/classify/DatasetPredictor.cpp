#include "classify/DatasetPredictor.h"

#include "classify/ImageClassifier.h"
#include "common/Error.h"
#include "common/JobControl.h"
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

// A per-image message without the "<path>: " the diagnostic names anyway.
QString reasonOnly(const QString &message, const QString &path)
{
    return message.startsWith(path + QLatin1String(": ")) ? message.mid(path.size() + 2) : message;
}

} // namespace

QString classifierPredictionSource(const QString &classifierPath)
{
    return QStringLiteral("classifier:%1").arg(QFileInfo(classifierPath).fileName());
}

DatasetPredictionReport predictDataset(ProjectStore &store, const QString &datasetRoot, const ClassifierSpec &spec,
                                       JobControl *control)
{
    QVector<StoredImage> images = store.images();
    const QStringList classes = datasetClasses(images);
    images.erase(std::remove_if(images.begin(), images.end(), [](const StoredImage &image) { return !image.readable; }),
                 images.end());
    if (images.isEmpty())
        throw Error(QStringLiteral("%1: the project has no readable images (scan the dataset first)").arg(store.path()));

    const auto classifier = ImageClassifier::load(spec, classes);
    checkClassesKnown(*classifier, classes);
    DatasetPredictionReport report;
    report.images = int(images.size());
    report.device = classifier->deviceName();
    report.source = classifierPredictionSource(spec.path);
    report.classNamesSource = classifier->classNamesSource();

    const QDir root(datasetRoot);
    QVector<PredictionRecord> records;
    records.reserve(images.size());
    const qsizetype chunk = spec.batchSize;
    for (qsizetype begin = 0; begin < images.size(); begin += chunk) {
        const qsizetype end = std::min(begin + chunk, images.size());
        std::vector<QByteArray> encoded;
        QStringList names;
        QStringList readErrors; // per image; a file that cannot be read is passed on empty
        for (qsizetype i = begin; i < end; ++i) {
            names << images[i].path;
            readErrors << QString();
            try {
                encoded.push_back(readImageFile(root.filePath(images[i].path)));
            } catch (const Error &error) {
                encoded.emplace_back();
                readErrors.last() = reasonOnly(error.message(), root.filePath(images[i].path));
            }
        }
        const std::vector<ClassifierVerdict> verdicts = classifier->classify(encoded, names, control);
        for (qsizetype i = begin; i < end; ++i) {
            const StoredImage &image = images[i];
            const ClassifierVerdict &verdict = verdicts[size_t(i - begin)];
            if (!verdict.ok()) {
                const QString &readError = readErrors[i - begin];
                ++report.failed;
                report.diagnostics.push_back({Diagnostic::Severity::Error, image.path, 0, QString(),
                                              readError.isEmpty() ? reasonOnly(verdict.error, image.path) : readError});
                continue;
            }
            PredictionRecord record;
            record.imageId = image.id;
            record.prediction = verdict.predictedClass;
            record.confidence = verdict.probabilityOf(classifier->classIndex(image.folderClass));
            record.sourceLine = int(i) + 1; // path order: the order analysis deals folds in
            records.push_back(record);
            ++report.predicted;
            report.correct += verdict.predictedClass == image.folderClass ? 1 : 0;
        }
        if (control)
            control->report(end, images.size(), QStringLiteral("classify"));
    }
    if (control)
        control->checkCancelled();

    store.transaction([&] {
        store.replacePredictions(records, report.source);
        store.setMeta(QStringLiteral("classifier"),
                      QString::fromUtf8(QJsonDocument(spec.toJson()).toJson(QJsonDocument::Compact)));
    });
    return report;
}

} // namespace faultline
