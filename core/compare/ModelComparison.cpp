#include "compare/ModelComparison.h"

#include "common/Error.h"
#include "store/ProjectStore.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace faultline {

namespace {

const QString kAll = QStringLiteral("all");

// A run's failure direction of one class mapped back to the embedding space (w / std), or empty.
std::vector<double> embeddingSpaceDirection(const ProjectStore &store, qint64 runId, const QString &className)
{
    try {
        const ClassDirection direction = store.classDirection(runId, className);
        const RunWhitening whitening = store.runWhitening(runId);
        if (whitening.stddev.size() != direction.normal.size())
            return {};
        std::vector<double> w(direction.normal.size());
        for (size_t d = 0; d < w.size(); ++d)
            w[d] = whitening.stddev[d] > 0 ? direction.normal[d] / whitening.stddev[d] : 0;
        return w;
    } catch (const Error &) { // the class was skipped in that run
        return {};
    }
}

double cosine(const std::vector<double> &a, const std::vector<double> &b)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t d = 0; d < a.size(); ++d) {
        ab += a[d] * b[d];
        aa += a[d] * a[d];
        bb += b[d] * b[d];
    }
    return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0;
}

} // namespace

ModelComparison compareModels(const ProjectStore &store, const ModelComparisonRequest &request)
{
    ModelComparison result;
    result.models = request.models;
    if (result.models.isEmpty())
        result.models = store.predictionSetNames();
    result.models.removeDuplicates();
    if (result.models.size() < 2)
        throw Error(QStringLiteral("compare needs two models or more; the project has %1 (store another with"
                                   " faultline-cli predict --name NAME, or retrain)")
                        .arg(result.models.isEmpty() ? QStringLiteral("none") : QStringLiteral("'%1'").arg(result.models.join(QStringLiteral("', '")))));
    result.split = request.split ? splitName(*request.split) : kAll;

    // Each model's verdicts; the first model's label and path stand for the image.
    const int modelCount = int(result.models.size());
    QHash<qint64, QVector<QString>> predictions; // image → prediction per model
    QHash<qint64, LabeledImage> images;
    for (int m = 0; m < modelCount; ++m) {
        const QVector<LabeledImage> rows = store.labeledImages(result.models[m]);
        int inSplit = 0;
        for (const LabeledImage &row : rows) {
            if (request.split && row.split != *request.split)
                continue;
            ++inSplit;
            if (m == 0) {
                images.insert(row.id, row);
                predictions[row.id].resize(modelCount);
            }
            const auto it = predictions.find(row.id);
            if (it != predictions.end())
                (*it)[m] = row.prediction;
        }
        if (inSplit == 0)
            throw Error(QStringLiteral("model '%1' predicted no image in the %2 split (choose another with --split)")
                            .arg(result.models[m], result.split));
    }
    QVector<qint64> common;
    int partial = 0;
    for (auto it = predictions.begin(); it != predictions.end(); ++it) {
        if (std::all_of(it->begin(), it->end(), [](const QString &p) { return !p.isEmpty(); }))
            common << it.key();
        else
            ++partial;
    }
    if (common.isEmpty())
        throw Error(QStringLiteral("no image of the %1 split was predicted by every one of %2")
                        .arg(result.split, result.models.join(QStringLiteral(", "))));
    if (partial > 0)
        result.notes << QStringLiteral("%1 images of '%2' that another model did not predict are left out")
                            .arg(partial).arg(result.models.first());
    std::sort(common.begin(), common.end(), [&](qint64 a, qint64 b) { return images[a].path < images[b].path; });
    result.images = int(common.size());

    // Per class ("all" first): accuracy, and the failures as sets of image ids.
    QMap<QString, QVector<qint64>> byClass;
    for (qint64 id : std::as_const(common))
        byClass[images[id].label] << id;
    result.classes = byClass.keys();
    QVector<QPair<QString, QVector<qint64>>> groups{{kAll, common}};
    for (auto it = byClass.begin(); it != byClass.end(); ++it)
        groups.push_back({it.key(), it.value()});
    for (const auto &[className, ids] : std::as_const(groups)) {
        QVector<QSet<qint64>> failures(modelCount);
        for (int m = 0; m < modelCount; ++m) {
            ModelAccuracy accuracy{result.models[m], className, int(ids.size()), 0, {}};
            for (qint64 id : ids) {
                if (predictions[id][m] == images[id].label) {
                    ++accuracy.correct;
                } else {
                    failures[m].insert(id);
                    accuracy.wrong << id;
                }
            }
            result.accuracy << accuracy;
        }
        for (int a = 0; a < modelCount; ++a)
            for (int b = a + 1; b < modelCount; ++b) {
                FailureOverlap overlap;
                overlap.className = className;
                overlap.modelA = result.models[a];
                overlap.modelB = result.models[b];
                for (qint64 id : ids) // in path order
                    if (failures[a].contains(id) && failures[b].contains(id))
                        overlap.both << id;
                overlap.unionCount = int((failures[a] | failures[b]).size());
                result.overlaps << overlap;
            }
    }
    QHash<qint64, double> decisionOf;
    if (const qint64 run = store.latestCompletedRun(result.models.first()); run > 0)
        for (const RunScoreRow &row : store.runScores(run))
            if (row.decisionValue)
                decisionOf.insert(row.imageId, *row.decisionValue);
    for (qint64 id : std::as_const(common)) {
        const QVector<QString> &verdicts = predictions[id];
        const auto decision = decisionOf.constFind(id);
        result.compared.insert(id, ComparedImage{images[id].path, images[id].label, QStringList(verdicts.begin(), verdicts.end()),
                                                 decision == decisionOf.constEnd() ? std::nullopt : std::optional<double>(*decision)});
        const QString &label = images[id].label;
        if (std::none_of(verdicts.begin(), verdicts.end(), [&](const QString &p) { return p == label; }))
            result.collective << CollectiveFailure{id, images[id].path, label, QStringList(verdicts.begin(), verdicts.end())};
    }

    // Failure directions of the models' latest runs, where two share an embedding model.
    QVector<qint64> runs(modelCount, 0);
    for (int m = 0; m < modelCount; ++m) {
        runs[m] = store.latestCompletedRun(result.models[m]);
        if (runs[m] == 0)
            result.notes << QStringLiteral("model '%1' has no completed analysis run: no failure directions to compare"
                                           " (faultline-cli analyze --predictions-name %1)").arg(result.models[m]);
    }
    for (int a = 0; a < modelCount; ++a)
        for (int b = a + 1; b < modelCount; ++b) {
            if (runs[a] == 0 || runs[b] == 0)
                continue;
            if (store.run(runs[a]).embeddingModelId != store.run(runs[b]).embeddingModelId) {
                result.notes << QStringLiteral("runs %1 and %2 use different embedding models: their directions are not"
                                               " compared").arg(runs[a]).arg(runs[b]);
                continue;
            }
            for (const QString &className : std::as_const(result.classes)) {
                const std::vector<double> wa = embeddingSpaceDirection(store, runs[a], className);
                const std::vector<double> wb = embeddingSpaceDirection(store, runs[b], className);
                if (!wa.empty() && wa.size() == wb.size())
                    result.cosines << DirectionCosine{className, result.models[a], result.models[b], runs[a], runs[b],
                                                      cosine(wa, wb)};
            }
        }
    return result;
}

} // namespace faultline
