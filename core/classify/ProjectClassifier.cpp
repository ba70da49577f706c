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

std::unique_ptr<ImageClassifier> loadProjectClassifier(const ProjectStore &store, const QString &overridePath)
{
    ClassifierSpec spec;
    const QString stored = store.meta(QStringLiteral("classifier"));
    if (!stored.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument json = QJsonDocument::fromJson(stored.toUtf8(), &parseError);
        if (!json.isObject())
            throw Error(QStringLiteral("%1: meta \"classifier\" is not a JSON object: %2")
                            .arg(store.path(), parseError.errorString()));
        spec = ClassifierSpec::fromJson(json.object());
    }
    if (!overridePath.isEmpty())
        spec.path = overridePath;
    if (spec.path.isEmpty())
        return nullptr;
    return ImageClassifier::load(spec, datasetClassNames(store.images()));
}

} // namespace faultline
