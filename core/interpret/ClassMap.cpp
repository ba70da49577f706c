#include "interpret/ClassMap.h"

#include "analysis/PcaProjection.h"
#include "analysis/TsneProjection.h"
#include "interpret/RunImages.h"
#include "store/ProjectStore.h"

#include <QHash>

namespace faultline {

ClassMap classMap(ProjectStore &store, qint64 runId, const RunClassImages &images, MapMethod method, JobControl *control)
{
    const QString methodName = method == MapMethod::Tsne ? QStringLiteral("tsne") : QStringLiteral("pca");
    // The whole run's map is kept as class '' (an empty, not a null, string: a null binds NULL).
    const QString key = images.labels.isEmpty() ? images.className : QStringLiteral("");
    ClassMap map;
    std::vector<float> stored;
    const QVector<qint64> ids = store.loadProjection(runId, methodName, key, &stored);
    if (ids.size() == images.size()) {
        QHash<qint64, int> rowOf;
        for (qsizetype i = 0; i < ids.size(); ++i)
            rowOf.insert(ids[i], int(i));
        map.xy.resize(size_t(images.size()) * 2);
        bool complete = true;
        for (qsizetype i = 0; i < images.size() && complete; ++i) {
            const auto it = rowOf.constFind(images.imageIds[size_t(i)]);
            complete = it != rowOf.constEnd();
            if (complete) {
                map.xy[size_t(i) * 2] = stored[size_t(*it) * 2];
                map.xy[size_t(i) * 2 + 1] = stored[size_t(*it) * 2 + 1];
            }
        }
        if (complete) {
            map.fromStore = true;
            return map;
        }
    }
    map.xy = method == MapMethod::Tsne ? tsneProjection(images.embeddings.data(), images.size(), images.dim, {}, control)
                                       : pcaProjection(images.embeddings.data(), images.size(), images.dim).xy;
    store.storeProjection(runId, methodName, key,
                          QVector<qint64>(images.imageIds.begin(), images.imageIds.end()), map.xy);
    return map;
}

} // namespace faultline
