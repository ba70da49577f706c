#include "fix/HeadRetraining.h"

#include "classify/ImageClassifier.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/ImageDecoder.h"
#include "models/ModelManager.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>

namespace faultline {

namespace {

constexpr qsizetype kFeatureBatch = 256;

// The classifier's penultimate features of `rows`' images: cached ones from the store, the
// others computed and stored. Images that do not decode are left out of rowOf.
struct FeatureRows
{
    int dim = 0;
    QHash<qint64, qsizetype> rowOf;
    std::vector<float> values;
    const float *of(qint64 imageId) const { return values.data() + rowOf.value(imageId) * dim; }
};

FeatureRows featuresOf(ProjectStore &store, const QString &root, const ImageClassifier &classifier, qint64 modelId,
                       int dim, const QVector<const RunScoreRow *> &rows, JobControl *control)
{
    FeatureRows features;
    features.dim = dim;
    QVector<qint64> ids;
    QHash<qint64, QString> pathOf;
    for (const RunScoreRow *row : rows)
        if (!pathOf.contains(row->imageId)) {
            ids << row->imageId;
            pathOf.insert(row->imageId, row->path);
        }
    features.values.assign(size_t(ids.size()) * size_t(dim), 0.f);
    const QVector<qint64> missing = store.loadEmbeddings(modelId, ids, features.values.data(), dim);
    const QSet<qint64> toCompute(missing.begin(), missing.end());
    for (qsizetype i = 0; i < ids.size(); ++i)
        if (!toCompute.contains(ids[i]))
            features.rowOf.insert(ids[i], i);
    QHash<qint64, qsizetype> indexOf;
    for (qsizetype i = 0; i < ids.size(); ++i)
        indexOf.insert(ids[i], i);
    for (qsizetype begin = 0; begin < missing.size(); begin += kFeatureBatch) {
        if (control) {
            control->checkCancelled();
            control->report(begin, missing.size(), QStringLiteral("classifier features"));
        }
        const QVector<qint64> batch = missing.mid(begin, kFeatureBatch);
        std::vector<QByteArray> bytes;
        QStringList names;
        QVector<qint64> readable;
        for (qint64 id : batch) {
            const QString path = QDir(root).filePath(pathOf.value(id));
            try {
                bytes.push_back(readImageFile(path));
                names << pathOf.value(id);
                readable << id;
            } catch (const Error &) { // reported as skipped
            }
        }
        const ClassifierFeatures computed = classifier.features(bytes, names, control);
        QVector<qint64> stored;
        std::vector<float> values;
        for (qsizetype i = 0; i < readable.size(); ++i) {
            if (!computed.errors[size_t(i)].isEmpty())
                continue;
            const float *row = computed.values.data() + i * dim;
            stored << readable[i];
            values.insert(values.end(), row, row + dim);
            const qsizetype at = indexOf.value(readable[i]);
            std::copy_n(row, dim, features.values.begin() + at * dim);
            features.rowOf.insert(readable[i], at);
        }
        if (!stored.isEmpty())
            store.storeEmbeddings(modelId, stored, values.data(), dim);
    }
    return features;
}

// Generated samples' features and labels (not cached: they are not dataset images).
struct SyntheticSet
{
    std::vector<float> x;
    std::vector<int> labels;
};

// The generated samples of `groups` for the classifier's classes, made by a generation backend
// (retrieved real images are left out); every 5th (by id) held out for measuring.
void syntheticSamples(const ProjectStore &store, const QString &root, const ImageClassifier &classifier,
                      const QStringList &groups, JobControl *control, SyntheticSet &trainOn, SyntheticSet &heldOut)
{
    std::vector<QByteArray> bytes;
    QStringList names;
    std::vector<int> labels;
    for (const GeneratedSample &sample : store.generatedSamples()) {
        if (!groups.contains(sample.group) || !sample.sourceImage.isEmpty() || classifier.classIndex(sample.className) < 0)
            continue;
        try {
            bytes.push_back(readImageFile(QDir(root).filePath(sample.file)));
            names << sample.file;
            labels.push_back(classifier.classIndex(sample.className));
        } catch (const Error &) { // a sample file removed by hand: left out
        }
    }
    if (bytes.empty())
        throw Error(QStringLiteral("no generated %1 samples to train on: make some with faultline-cli generate")
                        .arg(groups.join(QStringLiteral("/"))));
    const ClassifierFeatures features = classifier.features(bytes, names, control);
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (!features.errors[i].isEmpty())
            continue;
        SyntheticSet &into = i % 5 == 4 ? heldOut : trainOn;
        const float *row = features.values.data() + i * size_t(features.dim);
        into.x.insert(into.x.end(), row, row + features.dim);
        into.labels.push_back(labels[i]);
    }
    if (trainOn.labels.empty())
        throw Error(QStringLiteral("none of the generated samples decodes"));
}

QJsonObject toJson(const BeforeAfter &tally)
{
    return {{QStringLiteral("images"), tally.images}, {QStringLiteral("right_before"), tally.rightBefore},
            {QStringLiteral("right_after"), tally.rightAfter}};
}

QString parametersJson(const RetrainRequest &request)
{
    QJsonObject json{{QStringLiteral("k"), request.k},
                     {QStringLiteral("eval_k"), request.evalK},
                     {QStringLiteral("head"), request.headName},
                     {QStringLiteral("epochs"), request.training.epochs},
                     {QStringLiteral("learning_rate"), request.training.learningRate},
                     {QStringLiteral("momentum"), request.training.momentum},
                     {QStringLiteral("weight_decay"), request.training.weightDecay}};
    if (request.intervention == Intervention::Upweight) {
        json.insert(QStringLiteral("factor"), request.factor);
        if (request.hardThreshold)
            json.insert(QStringLiteral("threshold"), *request.hardThreshold);
    }
    if (request.intervention == Intervention::FilterRandom)
        json.insert(QStringLiteral("seed"), qint64(request.seed));
    if (request.intervention == Intervention::Synthetic) {
        json.insert(QStringLiteral("lambda"), request.lambda);
        json.insert(QStringLiteral("groups"), QJsonArray::fromStringList(request.sampleGroups));
    }
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

QString reportJson(const RetrainReport &report)
{
    QJsonArray classes;
    for (const ClassBeforeAfter &c : report.classes)
        classes.append(QJsonObject{{QStringLiteral("class"), c.className}, {QStringLiteral("all"), toJson(c.all)},
                                   {QStringLiteral("hard"), toJson(c.hard)}, {QStringLiteral("rest"), toJson(c.rest)}});
    QJsonObject json{{QStringLiteral("head"), report.headName},
                     {QStringLiteral("features_model"), report.featuresModel},
                     {QStringLiteral("train_images"), report.trainImages},
                     {QStringLiteral("added_images"), report.addedImages},
                     {QStringLiteral("upweighted_images"), report.upweightedImages},
                     {QStringLiteral("synthetic_images"), report.syntheticImages},
                     {QStringLiteral("skipped_images"), report.skippedImages},
                     {QStringLiteral("initial_loss"), report.training.initialLoss},
                     {QStringLiteral("final_loss"), report.training.finalLoss},
                     {QStringLiteral("overall"), toJson(report.overall)},
                     {QStringLiteral("hard"), toJson(report.hard)},
                     {QStringLiteral("rest"), toJson(report.rest)},
                     {QStringLiteral("classes"), classes}};
    if (report.heldOut.images > 0)
        json.insert(QStringLiteral("generated_held_out"), toJson(report.heldOut));
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

void count(BeforeAfter &tally, bool before, bool after)
{
    ++tally.images;
    tally.rightBefore += before;
    tally.rightAfter += after;
}

} // namespace

RetrainReport retrainHead(ProjectStore &store, const QString &datasetRoot, const ImageClassifier &classifier,
                          const RetrainRequest &request, JobControl *control)
{
    RetrainReport report;
    report.intervention = interventionName(request.intervention);
    report.runId = request.runId > 0 ? request.runId : store.latestCompletedRun();
    if (report.runId == 0)
        throw Error(QStringLiteral("the project has no completed analysis run: run analyze first"));
    if (const QString status = store.run(report.runId).status; status != QLatin1String("done"))
        throw Error(QStringLiteral("run %1 is not complete (%2)").arg(report.runId).arg(status));
    checkHeadTrainingParams(request.training);
    if (request.evalK < 1)
        throw Error(QStringLiteral("the hard subpopulation needs K ≥ 1 test images per class, got %1").arg(request.evalK));
    report.headName = classifier.headName(request.headName);
    const LinearHead original = classifier.head(report.headName);

    // The run's rows by split; labels the classifier has no output for cannot be trained on.
    const QVector<RunScoreRow> rows = store.runScores(report.runId, ProjectStore::RunRowOrder::AsAnalysed);
    QVector<const RunScoreRow *> train, pool, test;
    for (const RunScoreRow &row : rows) {
        if (classifier.classIndex(row.label) < 0) {
            ++report.skippedImages;
            continue;
        }
        if (row.split == Split::Train)
            train << &row;
        else if (row.split == Split::Pool)
            pool << &row;
        else if (row.split == Split::Test)
            test << &row;
    }
    if (train.isEmpty())
        throw Error(QStringLiteral("run %1 has no images in the train split: the head is retrained on them").arg(report.runId));
    if (test.isEmpty())
        throw Error(QStringLiteral("run %1 has no images in the test split: before and after are measured on them").arg(report.runId));

    // The intervention's images and weights, chosen before any feature is read.
    const auto candidate = [](const RunScoreRow *row) {
        CandidateImage image;
        image.imageId = row->imageId;
        image.className = row->label;
        // Images of a class the run did not fit have no rank: never the hardest.
        image.decisionValue = row->decisionValue.value_or(std::numeric_limits<double>::infinity());
        image.confidence = std::numeric_limits<double>::quiet_NaN();
        return image;
    };
    std::vector<float> trainWeights(size_t(train.size()), 1.f);
    QVector<const RunScoreRow *> added;
    if (request.intervention == Intervention::Upweight) {
        QVector<CandidateImage> candidates;
        for (const RunScoreRow *row : train)
            candidates << candidate(row);
        HardFlag flag;
        if (request.hardThreshold)
            flag.threshold = request.hardThreshold;
        else
            flag.perClass = request.k;
        trainWeights = upweightedTraining(candidates, flag, request.factor);
        report.upweightedImages = int(std::count(trainWeights.begin(), trainWeights.end(), float(request.factor)));
    } else if (request.intervention == Intervention::Synthetic) {
        if (!std::isfinite(request.lambda) || request.lambda < 0)
            throw Error(QStringLiteral("λ must be a number ≥ 0, got %1").arg(request.lambda));
    } else {
        QVector<CandidateImage> candidates;
        QVector<qint64> ids;
        for (const RunScoreRow *row : pool)
            if (row->decisionValue) { // the fitted classes' pool images
                candidates << candidate(row);
                ids << row->imageId;
            }
        if (candidates.isEmpty())
            throw Error(QStringLiteral("run %1 scored no pool image: filtering adds pool images").arg(report.runId));
        const QHash<qint64, double> confidence = store.confidences(ids);
        for (CandidateImage &image : candidates)
            image.confidence = confidence.value(image.imageId, std::numeric_limits<double>::quiet_NaN());
        QHash<qint64, const RunScoreRow *> poolRow;
        for (const RunScoreRow *row : pool)
            poolRow.insert(row->imageId, row);
        for (qint64 id : chooseFilteredImages(candidates, request.intervention, request.k, request.seed))
            added << poolRow.value(id);
    }

    // Features of everything trained or measured on.
    const QString path = classifier.spec().path;
    const QString sha = sha256OfFile(path, control, QStringLiteral("fingerprint"));
    report.featuresModel = classifierFeatureModelName(QFileInfo(path).fileName(), sha.left(12));
    const qint64 modelId = store.ensureEmbeddingModel(report.featuresModel, original.features, QFileInfo(path).absoluteFilePath());
    const FeatureRows features = featuresOf(store, datasetRoot, classifier, modelId, original.features,
                                            train + added + test, control);

    HeadTrainingSet set;
    set.features = original.features;
    const auto addRow = [&](const RunScoreRow *row, float weight) {
        if (!features.rowOf.contains(row->imageId)) {
            ++report.skippedImages;
            return false;
        }
        const float *x = features.of(row->imageId);
        set.x.insert(set.x.end(), x, x + set.features);
        set.labels.push_back(classifier.classIndex(row->label));
        set.weights.push_back(weight);
        return true;
    };
    for (qsizetype i = 0; i < train.size(); ++i)
        report.trainImages += addRow(train[i], trainWeights[size_t(i)]);
    for (const RunScoreRow *row : added)
        report.addedImages += addRow(row, 1.f);
    SyntheticSet heldOut;
    if (request.intervention == Intervention::Synthetic) {
        SyntheticSet trainOn;
        syntheticSamples(store, datasetRoot, classifier, request.sampleGroups, control, trainOn, heldOut);
        report.syntheticImages = int(trainOn.labels.size());
        // Σ weights of the generated set = λ · Σ weights of the training set: eq. 1 up to a constant.
        const float weight = float(request.lambda * report.trainImages / std::max(report.syntheticImages, 1));
        set.x.insert(set.x.end(), trainOn.x.begin(), trainOn.x.end());
        set.labels.insert(set.labels.end(), trainOn.labels.begin(), trainOn.labels.end());
        set.weights.insert(set.weights.end(), trainOn.labels.size(), weight);
    }
    report.training = trainLinearHead(set, original, request.training, control);
    if (!heldOut.labels.empty()) {
        const std::vector<int> before = predictWithHead(original, heldOut.x), after = predictWithHead(report.training.head, heldOut.x);
        for (size_t i = 0; i < heldOut.labels.size(); ++i)
            count(report.heldOut, before[i] == heldOut.labels[i], after[i] == heldOut.labels[i]);
    }

    // Before and after on the test split; each class's hard subpopulation fixed by the run.
    QMap<QString, QVector<const RunScoreRow *>> testByClass;
    for (const RunScoreRow *row : test)
        if (features.rowOf.contains(row->imageId))
            testByClass[row->label] << row;
        else
            ++report.skippedImages;
    for (auto it = testByClass.begin(); it != testByClass.end(); ++it) {
        QVector<const RunScoreRow *> &classRows = it.value();
        std::sort(classRows.begin(), classRows.end(), [](const RunScoreRow *a, const RunScoreRow *b) {
            const double x = a->decisionValue.value_or(INFINITY), y = b->decisionValue.value_or(INFINITY);
            return x != y ? x < y : a->imageId < b->imageId;
        });
        std::vector<float> x;
        for (const RunScoreRow *row : classRows)
            x.insert(x.end(), features.of(row->imageId), features.of(row->imageId) + set.features);
        const std::vector<int> before = predictWithHead(original, x), after = predictWithHead(report.training.head, x);
        ClassBeforeAfter tally;
        tally.className = it.key();
        const int label = classifier.classIndex(it.key());
        for (qsizetype i = 0; i < classRows.size(); ++i) {
            const bool b = before[size_t(i)] == label, a = after[size_t(i)] == label;
            const bool hard = i < request.evalK && classRows[i]->decisionValue.has_value();
            count(tally.all, b, a);
            count(hard ? tally.hard : tally.rest, b, a);
            count(report.overall, b, a);
            count(hard ? report.hard : report.rest, b, a);
        }
        report.classes << tally;
    }
    StoredRetrain stored;
    stored.runId = report.runId;
    stored.classifier = QFileInfo(path).absoluteFilePath();
    stored.intervention = report.intervention;
    stored.parameters = parametersJson(request);
    stored.report = reportJson(report);
    report.id = store.addRetrain(stored);
    return report;
}

} // namespace faultline
