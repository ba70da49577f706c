#include "analysis/AnalysisJob.h"

#include "analysis/FailureDirectionFitter.h"
#include "analysis/HardnessRanking.h"
#include "analysis/MappedEmbeddings.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "store/ProjectStore.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <algorithm>
#include <cstring>

namespace faultline {

namespace {

QString paramsJson(const AnalysisParams &params, const EmbeddingModelInfo &model, const QString &predictionSet)
{
    QJsonArray grid;
    for (double c : params.cGrid)
        grid.append(c);
    QJsonObject object{{QStringLiteral("fit_split"), splitName(params.fitSplit)},
                       {QStringLiteral("whiten_split"), splitName(params.whitenSplit)},
                       {QStringLiteral("folds"), params.folds},
                       {QStringLiteral("c_grid"), grid},
                       {QStringLiteral("embedding_model"), model.name},
                       {QStringLiteral("prediction_set"), predictionSet},
                       {QStringLiteral("hardness"), params.hardness},
                       {QStringLiteral("solver"), QStringLiteral("libsvm C-SVC, linear kernel, balanced weights")}};
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

AnalysisOutcome runAnalysis(ProjectStore &store, qint64 embeddingModelId, AnalysisParams params, JobControl *control)
{
    AnalysisOutcome outcome;
    const EmbeddingModelInfo model = store.embeddingModel(embeddingModelId);
    const QString predictionSet = params.predictionSet.isEmpty() ? store.currentPredictionSet() : params.predictionSet;
    QVector<LabeledImage> labeled = store.labeledImages(predictionSet);
    if (labeled.isEmpty())
        throw Error(QStringLiteral("no image has a prediction: import a predictions CSV or run a classifier (predict) first"));

    // Keep only images that have an embedding from this model.
    QVector<qint64> ids;
    for (const LabeledImage &image : labeled)
        ids.push_back(image.id);
    AnalysisData data;
    const qint64 dim = model.dim;
    float *rows = nullptr;
    if (qint64(ids.size()) * dim * qint64(sizeof(float)) > params.inMemoryEmbeddingBytes) {
        data.mapped = std::make_shared<MappedEmbeddings>(QFileInfo(store.path()).absolutePath(), ids.size(), model.dim);
        rows = data.mapped->data();
    } else {
        data.embeddings.resize(ids.size(), model.dim);
        rows = data.embeddings.data();
    }
    const QVector<qint64> missing = store.loadEmbeddings(model.id, ids, rows, model.dim);
    if (!missing.isEmpty()) {
        const QSet<qint64> missingSet(missing.begin(), missing.end());
        outcome.diagnostics.push_back({Diagnostic::Severity::Warning, QString(), 0, QString(),
                                       QStringLiteral("%1 of %2 images have no '%3' embedding and are left out")
                                           .arg(missing.size()).arg(labeled.size()).arg(model.name)});
        // Compact in place: a second matrix would double the peak memory at 1M × 512.
        QVector<LabeledImage> kept;
        for (qsizetype i = 0; i < labeled.size(); ++i) {
            if (missingSet.contains(labeled[i].id))
                continue;
            if (kept.size() != i)
                std::memmove(rows + kept.size() * dim, rows + i * dim, size_t(dim) * sizeof(float));
            kept.push_back(labeled[i]);
        }
        labeled = kept;
        if (data.mapped)
            data.mapped->shrinkTo(labeled.size());
        else
            data.embeddings.conservativeResize(labeled.size(), Eigen::NoChange);
        if (labeled.isEmpty())
            throw Error(QStringLiteral("no image has a '%1' embedding").arg(model.name));
    }

    // Stored before vectors were checked, or written by hand: refused, not fitted to 0.5.
    const EmbeddingRows vectors = data.vectors();
    for (qsizetype i = 0; i < labeled.size(); ++i)
        if (!vectors.row(i).allFinite())
            throw Error(QStringLiteral("%1: the '%2' embedding of '%3' holds NaN or Inf; embed or import it again")
                            .arg(store.path(), model.name, labeled[i].path));

    QStringList classes;
    for (const LabeledImage &image : labeled)
        classes << image.label;
    classes.removeDuplicates();
    classes.sort();
    data.classNames = classes;
    QHash<QString, int> classIndex;
    for (int i = 0; i < classes.size(); ++i)
        classIndex.insert(classes[i], i);
    bool anyFit = false, allUnassigned = true;
    for (const LabeledImage &image : labeled) {
        data.label.push_back(classIndex.value(image.label));
        data.correct.push_back(image.correct());
        data.split.push_back(image.split);
        anyFit |= image.split == params.fitSplit;
        allUnassigned &= image.split == Split::Unassigned;
    }
    if (!anyFit) {
        if (!allUnassigned)
            throw Error(QStringLiteral("no image is in the fit split '%1'; choose another with --fit-split")
                            .arg(splitName(params.fitSplit)));
        // A dataset without splits: fit on everything, as the reference does with no split column.
        outcome.diagnostics.push_back({Diagnostic::Severity::Warning, QString(), 0, QString(),
                                       QStringLiteral("the dataset has no splits: fitting on all images")});
        params.fitSplit = Split::Unassigned;
    }
    outcome.rows = int(labeled.size());

    FailureDirectionFitter fitter(data, params);
    const qint64 runId = store.createRun(paramsJson(params, model, predictionSet), model.id, labeled, predictionSet);
    outcome.runId = runId;
    std::vector<qint64> rowImageIds;
    for (const LabeledImage &image : labeled)
        rowImageIds.push_back(image.id);
    try {
        const auto &w = fitter.whitener();
        store.storeWhitening(runId, std::vector<double>(w.mean().data(), w.mean().data() + w.mean().size()),
                             std::vector<double>(w.stddev().data(), w.stddev().data() + w.stddev().size()));
        // The split the whitening came from (EmbeddingWhitener::fit uses every row when none is in
        // it), found once: every class's hardness pool leaves it out.
        std::optional<Split> whitenedOn;
        if (std::find(data.split.begin(), data.split.end(), params.whitenSplit) != data.split.end())
            whitenedOn = params.whitenSplit;
        fitter.run(control, [&](const ClassResult &result) {
            store.storeClassResult(runId, data.classNames[result.classIndex], result, rowImageIds);
            (result.ok ? outcome.classesOk : outcome.classesSkipped) += 1;
            if (!params.hardness || !result.ok)
                return;
            if (const auto hardness = classHardness(data, fitter.whitener(), result, whitenedOn)) {
                QVector<QPair<qint64, double>> values;
                for (size_t i = 0; i < result.rows.size(); ++i)
                    values.push_back({rowImageIds[size_t(result.rows[i])], (*hardness)[i]});
                store.storeHardness(runId, values);
            } else {
                outcome.diagnostics.push_back({Diagnostic::Severity::Warning, QString(), 0, QString(),
                                               QStringLiteral("class '%1': more than %2 images outside the whitening"
                                                              " split, so no hardness (its images sort by decision value)")
                                                   .arg(data.classNames[result.classIndex])
                                                   .arg(HardnessOptions().maxPool)});
            }
        });
        store.finishRun(runId, QStringLiteral("done"));
    } catch (const JobCancelled &) {
        store.finishRun(runId, QStringLiteral("cancelled"));
        throw;
    } catch (const Error &error) {
        store.finishRun(runId, QStringLiteral("failed"), error.message());
        throw;
    }
    return outcome;
}

} // namespace faultline
