#include "generation/SampleCheck.h"

#include "classify/ImageClassifier.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <algorithm>

namespace faultline {

namespace {

const QStringList &groupOrder()
{
    static const QStringList order{QStringLiteral("hard"), QStringLiteral("reference"), QStringLiteral("easy")};
    return order;
}

} // namespace

SampleCheckResult checkGeneratedSamples(ProjectStore &store, const QString &datasetRoot,
                                        const ImageClassifier &classifier, const QVector<GeneratedSample> &samples,
                                        JobControl *control)
{
    for (const GeneratedSample &sample : samples)
        if (classifier.classIndex(sample.className) < 0)
            throw Error(QStringLiteral("%1: the classifier has no class '%2' (a generated sample's class)")
                            .arg(classifier.spec().path, sample.className));
    SampleCheckResult result;
    const QString classifierName = QFileInfo(classifier.spec().path).fileName();
    const int batch = std::max(1, classifier.spec().batchSize);
    for (qsizetype from = 0; from < samples.size(); from += batch) {
        if (control)
            control->checkCancelled();
        std::vector<QByteArray> encoded;
        QStringList names;
        QVector<const GeneratedSample *> batchSamples;
        for (qsizetype i = from; i < std::min(samples.size(), from + batch); ++i) {
            const GeneratedSample &sample = samples[i];
            QFile file(QDir(datasetRoot).filePath(sample.file));
            if (!file.open(QIODevice::ReadOnly)) {
                result.errors << QStringLiteral("%1: cannot read: %2").arg(file.fileName(), file.errorString());
                continue;
            }
            encoded.push_back(file.readAll());
            names << sample.file;
            batchSamples.push_back(&sample);
        }
        const std::vector<ClassifierVerdict> verdicts = classifier.classify(encoded, names, control);
        QVector<SampleVerdict> stored;
        for (size_t i = 0; i < verdicts.size(); ++i) {
            const GeneratedSample &sample = *batchSamples[qsizetype(i)];
            if (!verdicts[i].ok()) {
                result.errors << verdicts[i].error;
                continue;
            }
            stored.push_back({sample.id, verdicts[i].predictedClass,
                              double(verdicts[i].probabilityOf(classifier.classIndex(sample.className))), classifierName});
        }
        store.storeSampleVerdicts(stored);
        result.checked += int(stored.size());
        if (control)
            control->report(std::min(samples.size(), from + batch), samples.size(), QStringLiteral("check"));
    }
    return result;
}

QVector<GroupAccuracy> generatedAccuracy(const QVector<GeneratedSample> &samples)
{
    QMap<QPair<QString, int>, GroupAccuracy> groups;
    for (const GeneratedSample &sample : samples) {
        int rank = int(groupOrder().indexOf(sample.group));
        if (rank < 0)
            rank = int(groupOrder().size());
        GroupAccuracy &group = groups[{sample.className, rank}];
        group.className = sample.className;
        group.group = sample.group;
        ++group.samples;
        if (const std::optional<bool> correct = sample.correct()) {
            ++group.checked;
            group.correct += *correct ? 1 : 0;
            group.meanConfidence += sample.confidence.value_or(0.0);
        }
    }
    QVector<GroupAccuracy> table;
    for (GroupAccuracy group : groups) {
        if (group.checked > 0)
            group.meanConfidence /= group.checked;
        table.push_back(group);
    }
    return table;
}

} // namespace faultline
