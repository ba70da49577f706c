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
    if (!report.predictionSet.isEmpty())
        json.insert(QStringLiteral("prediction_set"), report.predictionSet);
    if (report.heldOut.images > 0)
        json.insert(QStringLiteral("generated_held_out"), toJson(report.heldOut));
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

// The retrained head's verdict on every analysed image that has features, stored as the
// prediction set report.predictionSet (the current set stays what it was). Its classifier is the
// written file with the original's preprocessing, when one was written.
void storeRetrainedPredictions(ProjectStore &store, const QVector<RunScoreRow> &rows, const FeatureRows &features,
                               const ImageClassifier &classifier, const RetrainReport &report)
{
    QVector<const RunScoreRow *> kept;
    std::vector<float> x;
    for (const RunScoreRow &row : rows)
        if (features.rowOf.contains(row.imageId)) { // only usable labels have features
            kept << &row;
            x.insert(x.end(), features.of(row.imageId), features.of(row.imageId) + features.dim);
        }
    const LinearHead &head = report.training.head;
    const std::vector<int> predicted = predictWithHead(head, x);
    const std::vector<double> probabilities = headProbabilities(head, x);
    const QStringList names = classifier.classNames();
    QVector<PredictionRecord> records;
    records.reserve(kept.size());
    for (qsizetype i = 0; i < kept.size(); ++i) {
        PredictionRecord record;
        record.imageId = kept[i]->imageId;
        record.label = kept[i]->label;
        record.prediction = names.value(predicted[size_t(i)]);
        record.split = kept[i]->split;
        record.confidence = probabilities[size_t(i) * size_t(head.classes) + size_t(classifier.classIndex(kept[i]->label))];
        record.sourceLine = int(i); // the run's order: an analysis of this set deals the same folds
        records << record;
    }
    QString spec;
    if (!report.outputFile.isEmpty()) {
        ClassifierSpec written = classifier.spec();
        written.path = report.outputFile;
        spec = QString::fromUtf8(QJsonDocument(written.toJson()).toJson(QJsonDocument::Compact));
    }
    const QString current = store.currentPredictionSet();
    store.replacePredictions(records, QStringLiteral("retrain:%1").arg(report.id), report.predictionSet, spec);
    if (!current.isEmpty())
        store.setCurrentPredictionSet(current);
}

void count(BeforeAfter &tally, bool before, bool after)
{
    ++tally.images;
    tally.rightBefore += before;
    tally.rightAfter += after;
}

} // namespace

HeadRetrainer::HeadRetrainer(ProjectStore &store, const QString &datasetRoot, const ImageClassifier &classifier,
                             qint64 runId, const QString &headName, JobControl *control)
    : m_store(store), m_root(datasetRoot), m_classifier(classifier)
{
    m_runId = runId > 0 ? runId : store.latestCompletedRun();
    if (m_runId == 0)
        throw Error(QStringLiteral("the project has no completed analysis run: run analyze first"));
    const RunInfo run = store.run(m_runId);
    if (run.status != QLatin1String("done"))
        throw Error(QStringLiteral("run %1 is not complete (%2)").arg(m_runId).arg(run.status));
    m_predictionSet = run.predictionSet;
    m_headName = classifier.headName(headName);
    m_original = classifier.head(m_headName);

    // The run's rows by split; labels the classifier has no output for cannot be trained on.
    m_rows = store.runScores(m_runId, ProjectStore::RunRowOrder::AsAnalysed);
    for (const RunScoreRow &row : std::as_const(m_rows)) {
        if (classifier.classIndex(row.label) < 0) {
            ++m_unusable;
            continue;
        }
        m_usable << &row;
        if (row.split == Split::Train)
            m_train << &row;
        else if (row.split == Split::Pool)
            m_pool << &row;
        else if (row.split == Split::Test)
            m_test << &row;
    }
    if (m_train.isEmpty())
        throw Error(QStringLiteral("run %1 has no images in the train split: the head is retrained on them").arg(m_runId));
    if (m_test.isEmpty())
        throw Error(QStringLiteral("run %1 has no images in the test split: before and after are measured on them").arg(m_runId));
}

void HeadRetrainer::ensureFeatures(JobControl *control)
{
    if (m_featuresReady)
        return;
    // Features of every analysed image, once: any arm may add any pool image, and the retrained
    // head's predictions of all of them are stored as a model.
    const QString path = m_classifier.spec().path;
    const QString sha = sha256OfFile(path, control, QStringLiteral("fingerprint"));
    m_featuresModel = classifierFeatureModelName(QFileInfo(path).fileName(), sha.left(12));
    const qint64 modelId = m_store.ensureEmbeddingModel(m_featuresModel, m_original.features, QFileInfo(path).absoluteFilePath());
    m_features = featuresOf(m_store, m_root, m_classifier, modelId, m_original.features, m_usable, control);
    m_featuresReady = true;
}

HeadRetrainer::~HeadRetrainer() = default;

const SyntheticSplit &HeadRetrainer::synthetic(const QStringList &groups, JobControl *control)
{
    const QString key = groups.join(QLatin1Char(','));
    auto it = m_synthetic.find(key);
    if (it == m_synthetic.end()) {
        SyntheticSplit split;
        syntheticSamples(m_store, m_root, m_classifier, groups, control, split.trainOn, split.heldOut);
        it = m_synthetic.insert(key, std::move(split));
    }
    return *it;
}

RetrainReport HeadRetrainer::retrain(const RetrainRequest &request, JobControl *control)
{
    RetrainReport report;
    report.intervention = interventionName(request.intervention);
    report.runId = m_runId;
    report.headName = m_headName;
    report.skippedImages = m_unusable;
    checkHeadTrainingParams(request.training);
    if (request.evalK < 1)
        throw Error(QStringLiteral("the hard subpopulation needs K ≥ 1 test images per class, got %1").arg(request.evalK));
    if (!request.headName.isEmpty() && m_classifier.headName(request.headName) != m_headName)
        throw Error(QStringLiteral("this retrainer was prepared for the head '%1', not '%2'").arg(m_headName, request.headName));

    // The intervention's images and weights.
    const auto candidate = [](const RunScoreRow *row) {
        CandidateImage image;
        image.imageId = row->imageId;
        image.className = row->label;
        // Images of a class the run did not fit have no rank: never the hardest.
        image.decisionValue = row->decisionValue.value_or(std::numeric_limits<double>::infinity());
        image.confidence = std::numeric_limits<double>::quiet_NaN();
        return image;
    };
    std::vector<float> trainWeights(size_t(m_train.size()), 1.f);
    QVector<const RunScoreRow *> added;
    if (request.intervention == Intervention::Upweight) {
        QVector<CandidateImage> candidates;
        for (const RunScoreRow *row : std::as_const(m_train))
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
        for (const RunScoreRow *row : std::as_const(m_pool))
            if (row->decisionValue) { // the fitted classes' pool images
                candidates << candidate(row);
                ids << row->imageId;
            }
        if (candidates.isEmpty())
            throw Error(QStringLiteral("run %1 scored no pool image: filtering adds pool images").arg(m_runId));
        if (request.intervention == Intervention::FilterConfidence) {
            // The confidence of the model the run analysed (the current one when that set is gone).
            const bool known = m_store.predictionSetNames().contains(m_predictionSet);
            const QHash<qint64, double> confidence = m_store.confidences(ids, known ? m_predictionSet : QString());
            for (CandidateImage &image : candidates)
                image.confidence = confidence.value(image.imageId, std::numeric_limits<double>::quiet_NaN());
        }
        QHash<qint64, const RunScoreRow *> poolRow;
        for (const RunScoreRow *row : std::as_const(m_pool))
            poolRow.insert(row->imageId, row);
        for (qint64 id : chooseFilteredImages(candidates, request.intervention, request.k, request.seed))
            added << poolRow.value(id);
    }

    // Chosen before any feature is read: a request the intervention refuses costs nothing.
    ensureFeatures(control);
    report.featuresModel = m_featuresModel;
    HeadTrainingSet set;
    set.features = m_original.features;
    const auto addRow = [&](const RunScoreRow *row, float weight) {
        if (!m_features.rowOf.contains(row->imageId)) {
            ++report.skippedImages;
            return false;
        }
        const float *x = m_features.of(row->imageId);
        set.x.insert(set.x.end(), x, x + set.features);
        set.labels.push_back(m_classifier.classIndex(row->label));
        set.weights.push_back(weight);
        return true;
    };
    for (qsizetype i = 0; i < m_train.size(); ++i)
        report.trainImages += addRow(m_train[i], trainWeights[size_t(i)]);
    for (const RunScoreRow *row : std::as_const(added))
        report.addedImages += addRow(row, 1.f);
    const SyntheticSet *heldOut = nullptr;
    if (request.intervention == Intervention::Synthetic) {
        const SyntheticSplit &samples = synthetic(request.sampleGroups, control);
        heldOut = &samples.heldOut;
        report.syntheticImages = int(samples.trainOn.labels.size());
        // Σ weights of the generated set = λ · Σ weights of the training set: eq. 1 up to a constant.
        const float weight = float(request.lambda * report.trainImages / std::max(report.syntheticImages, 1));
        set.x.insert(set.x.end(), samples.trainOn.x.begin(), samples.trainOn.x.end());
        set.labels.insert(set.labels.end(), samples.trainOn.labels.begin(), samples.trainOn.labels.end());
        set.weights.insert(set.weights.end(), samples.trainOn.labels.size(), weight);
    }
    report.training = trainLinearHead(set, m_original, request.training, control);
    if (heldOut && !heldOut->labels.empty()) {
        const std::vector<int> before = predictWithHead(m_original, heldOut->x), after = predictWithHead(report.training.head, heldOut->x);
        for (size_t i = 0; i < heldOut->labels.size(); ++i)
            count(report.heldOut, before[i] == heldOut->labels[i], after[i] == heldOut->labels[i]);
    }

    // Before and after on the test split; each class's hard subpopulation fixed by the run.
    QMap<QString, QVector<const RunScoreRow *>> testByClass;
    for (const RunScoreRow *row : std::as_const(m_test))
        if (m_features.rowOf.contains(row->imageId))
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
            x.insert(x.end(), m_features.of(row->imageId), m_features.of(row->imageId) + set.features);
        const std::vector<int> before = predictWithHead(m_original, x), after = predictWithHead(report.training.head, x);
        ClassBeforeAfter tally;
        tally.className = it.key();
        const int label = m_classifier.classIndex(it.key());
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

    if (!request.outputFile.isEmpty()) {
        m_classifier.saveWithHead(m_headName, report.training.head, request.outputFile);
        report.outputFile = QFileInfo(request.outputFile).absoluteFilePath();
    }
    if (control)
        control->checkCancelled();
    StoredRetrain stored;
    stored.runId = m_runId;
    stored.classifier = QFileInfo(m_classifier.spec().path).absoluteFilePath();
    stored.intervention = report.intervention;
    stored.parameters = parametersJson(request);
    stored.output = report.outputFile;
    m_store.transaction([&] {
        stored.report = reportJson(report);
        report.id = m_store.addRetrain(stored);
        if (!request.storePredictions)
            return;
        report.predictionSet = request.predictionSet.isEmpty() ? QStringLiteral("retrain-%1").arg(report.id)
                                                               : request.predictionSet;
        storeRetrainedPredictions(m_store, m_rows, m_features, m_classifier, report);
        m_store.setRetrainReport(report.id, reportJson(report));
    });
    return report;
}

RetrainReport retrainHead(ProjectStore &store, const QString &datasetRoot, const ImageClassifier &classifier,
                          const RetrainRequest &request, JobControl *control)
{
    checkHeadTrainingParams(request.training); // before the features cost anything
    return HeadRetrainer(store, datasetRoot, classifier, request.runId, request.headName, control).retrain(request, control);
}

} // namespace faultline
