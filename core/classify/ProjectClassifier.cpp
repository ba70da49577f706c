#include "classify/ProjectClassifier.h"

#include "classify/ImageClassifier.h"
#include "common/Error.h"
#include "store/ProjectStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace faultline {

QStringList datasetClassNames(const QVector<StoredImage> &images)
{
    QSet<QString> classes;
    for (const StoredImage &image : images)
        if (!image.folderClass.isEmpty())
            classes.insert(image.folderClass);
    return QStringList(classes.begin(), classes.end());
}

std::unique_ptr<ImageClassifier> loadProjectClassifier(const ProjectStore &store, const QString &overridePath,
                                                       const QString &predictionSet)
{
    ClassifierSpec spec;
    const bool anySet = !predictionSet.isEmpty() || !store.currentPredictionSet().isEmpty();
    const PredictionSetInfo set = anySet ? store.predictionSet(predictionSet) : PredictionSetInfo();
    if (!set.classifier.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument json = QJsonDocument::fromJson(set.classifier.toUtf8(), &parseError);
        if (!json.isObject())
            throw Error(QStringLiteral("%1: the classifier of prediction set '%2' is not a JSON object: %3")
                            .arg(store.path(), set.name, parseError.errorString()));
        spec = ClassifierSpec::fromJson(json.object());
    }
    if (!overridePath.isEmpty())
        spec.path = overridePath;
    if (spec.path.isEmpty())
        return nullptr;
    return ImageClassifier::load(spec, datasetClassNames(store.images()));
}

std::unique_ptr<ImageClassifier> loadRunClassifier(const ProjectStore &store, qint64 runId, const QString &overridePath)
{
    const qint64 run = runId > 0 ? runId : store.latestCompletedRun();
    return loadProjectClassifier(store, overridePath, run > 0 ? store.run(run).predictionSet : QString());
}

} // namespace faultline
