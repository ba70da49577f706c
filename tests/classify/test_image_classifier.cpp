// ImageClassifier and predictDataset against the tiny TorchScript classifiers of
// make_tiny_classifier.py: probabilities equal Python's (same preprocessing, Pillow-exact
// bilinear resize), every user error gives one clear message, and the project store gets the
// predictions, true-label confidences and the spec — or nothing when cancelled.

#include "classify/ClassNames.h"
#include "classify/DatasetPredictor.h"
#include "classify/ImageClassifier.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/DatasetScanner.h"
#include "store/ProjectStore.h"

#include "TestImages.h"
#include "TinyClassifiers.h"
#include "ErrorOf.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <functional>

using namespace faultline;
using faultline::testing::errorOf;
using faultline::testing::writeBytes;
using faultline::testing::writeText;

namespace {

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

const QStringList kClasses = {QStringLiteral("c0"), QStringLiteral("c1"), QStringLiteral("c2"), QStringLiteral("c3")};

} // namespace

class TestImageClassifier : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_fixtures;
    QJsonArray m_cases;

    QString fixture(const QString &name) const { return QDir(m_fixtures).filePath(name); }
    QString tmp(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }

    ClassifierSpec rgbSpec(const QString &model = QStringLiteral("tiny_rgb.pt")) const
    {
        ClassifierSpec spec;
        spec.path = fixture(model);
        spec.inputSize = 16;
        spec.device = ComputeDevice::Cpu;
        return spec;
    }

    // ROOT/c<k>/img<i>.png, `perClass` images per class, scanned into a fresh project.
    QString writeDataset(const QString &name, int perClass, const QStringList &classes = kClasses)
    {
        const QString root = tmp(name);
        int seed = 0;
        for (const QString &cls : classes)
            for (int i = 0; i < perClass; ++i, ++seed)
                writeBytes(QDir(root).filePath(QStringLiteral("%1/img%2.png").arg(cls).arg(i)),
                           testing::pngBytesWithChannels(18 + seed % 7, 16 + seed % 9, 3, seed));
        ProjectStore store(ProjectStore::defaultPath(root));
        DatasetScanner::scan(root, store);
        return root;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_fixtures = tmp(QStringLiteral("fixtures"));
        const QString failure = testing::makeTinyClassifiers(m_fixtures);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        m_cases = testing::readJsonObject(fixture(QStringLiteral("expected.json"))).value(QStringLiteral("cases")).toArray();
        QVERIFY(m_cases.size() >= 5);
    }

    void specJsonRoundTripsAndNamesBadFields()
    {
        ClassifierSpec spec = rgbSpec();
        spec.resize = ClassifierSpec::Resize::Stretch;
        spec.output = ClassifierSpec::Output::Probabilities;
        spec.channels = 1;
        spec.mean = {0.1f, 0.2f, 0.3f};
        spec.classNamesPath = QStringLiteral("names.txt");
        spec.batchSize = 7;
        QCOMPARE(ClassifierSpec::fromJson(spec.toJson()).toJson(), spec.toJson());

        QJsonObject bad = spec.toJson();
        bad[QStringLiteral("inputSize")] = QStringLiteral("big");
        QVERIFY(errorOf([&] { ClassifierSpec::fromJson(bad); }).contains(QLatin1String("'inputSize'")));
        bad = spec.toJson();
        bad[QStringLiteral("resize")] = QStringLiteral("squash");
        QVERIFY(errorOf([&] { ClassifierSpec::fromJson(bad); }).contains(QLatin1String("'resize': 'squash'")));
        bad = spec.toJson();
        bad[QStringLiteral("mean")] = QJsonArray{1, 2};
        QVERIFY(errorOf([&] { ClassifierSpec::fromJson(bad); }).contains(QLatin1String("'mean'")));
        bad = spec.toJson();
        bad[QStringLiteral("resizeSize")] = 8;
        QVERIFY(errorOf([&] { ClassifierSpec::fromJson(bad); }).contains(QLatin1String("'resizeSize'")));
    }

    // Python's probabilities for every case (RGB/grey, crop/stretch, logits/probabilities) and
    // every image kind (alpha, grey, grey+alpha, palette, 16-bit grey).
    void matchesPython_data()
    {
        QTest::addColumn<QJsonObject>("testCase");
        for (const QJsonValue &value : std::as_const(m_cases)) {
            const QJsonObject spec = value.toObject().value(QStringLiteral("spec")).toObject();
            const QString name = QStringLiteral("%1 %2 %3 %4").arg(QFileInfo(spec.value(QStringLiteral("path")).toString()).fileName(),
                spec.value(QStringLiteral("resize")).toString(), QString::number(spec.value(QStringLiteral("resizeSize")).toInt()),
                spec.value(QStringLiteral("output")).toString());
            QTest::newRow(qPrintable(name)) << value.toObject();
        }
    }

    void matchesPython()
    {
        QFETCH(QJsonObject, testCase);
        const ClassifierSpec spec = ClassifierSpec::fromJson(testCase.value(QStringLiteral("spec")).toObject());
        const auto classifier = ImageClassifier::load(spec, kClasses);
        const QJsonObject expected = testCase.value(QStringLiteral("probabilities")).toObject();
        std::vector<QByteArray> encoded;
        QStringList names;
        for (const QString &name : expected.keys()) {
            encoded.push_back(fileBytes(fixture(QStringLiteral("images/") + name)));
            names << name;
        }
        const std::vector<ClassifierVerdict> verdicts = classifier->classify(encoded, names);
        QCOMPARE(verdicts.size(), encoded.size());
        for (qsizetype i = 0; i < names.size(); ++i) {
            const ClassifierVerdict &verdict = verdicts[size_t(i)];
            QVERIFY2(verdict.ok(), qPrintable(verdict.error));
            const QJsonArray python = expected.value(names[i]).toArray();
            QCOMPARE(qsizetype(verdict.probabilities.size()), python.size());
            for (int c = 0; c < python.size(); ++c)
                QVERIFY2(std::abs(verdict.probabilities[size_t(c)] - python[c].toDouble()) < 1e-5,
                         qPrintable(QStringLiteral("%1 class %2: %3 vs Python %4").arg(names[i]).arg(c)
                                        .arg(verdict.probabilities[size_t(c)]).arg(python[c].toDouble())));
            QCOMPARE(verdict.predictedClass, kClasses[verdict.predicted]);
        }
    }

    void readsMappingFiles_data()
    {
        QTest::addColumn<QString>("content");
        QTest::newRow("lines") << QStringLiteral("cat\ndog\r\nfrog\n\n");
        QTest::newRow("csv") << QStringLiteral("2,frog\n0,cat\n1,dog\n");
        QTest::newRow("csv with header") << QStringLiteral("index,name\n0,cat\n1,dog\n2,frog\n");
        QTest::newRow("json array") << QStringLiteral("[\"cat\", \"dog\", \"frog\"]");
        QTest::newRow("json object") << QStringLiteral("{\"1\": \"dog\", \"0\": \"cat\", \"2\": \"frog\"}");
    }

    void readsMappingFiles()
    {
        QFETCH(QString, content);
        const QString path = tmp(QStringLiteral("names.txt"));
        QVERIFY(writeText(path, content));
        const ClassNames names = readClassNamesFile(path);
        QCOMPARE(names.names, QStringList({QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("frog")}));
        QCOMPARE(names.source, path);
    }

    void rejectsBadMappingFiles_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("error"); // after "<file>"
        QTest::newRow("blank line") << QStringLiteral("cat\n\ndog\n") << QStringLiteral(":2: empty class name");
        QTest::newRow("csv not an index") << QStringLiteral("0,cat\nx,dog\n") << QStringLiteral(":2: 'x' is not a class index");
        QTest::newRow("csv fields") << QStringLiteral("0,cat\n1,dog,extra\n") << QStringLiteral(":2: expected 'index,name'");
        QTest::newRow("csv duplicate") << QStringLiteral("0,cat\n1,dog\n1,frog\n")
                                       << QStringLiteral(":3: class index 1 given again (first at ");
        QTest::newRow("csv gap") << QStringLiteral("0,cat\n2,frog\n") << QStringLiteral(": no name for class index 1");
        QTest::newRow("json syntax") << QStringLiteral("[\"cat\",\n\"dog\"\n") << QStringLiteral(":3: not valid JSON");
        QTest::newRow("json not a string") << QStringLiteral("[\"cat\", 3]") << QStringLiteral(": element 1: not a string");
        QTest::newRow("json key") << QStringLiteral("{\"zero\": \"cat\"}") << QStringLiteral(": key 'zero': not a class index");
        QTest::newRow("json duplicate") << QStringLiteral("{\"1\": \"cat\", \"01\": \"dog\", \"0\": \"x\"}")
                                        << QStringLiteral("class index 1 given again");
        QTest::newRow("empty") << QStringLiteral("\n") << QStringLiteral(": no class names");
    }

    void rejectsBadMappingFiles()
    {
        QFETCH(QString, content);
        QFETCH(QString, error);
        const QString path = tmp(QStringLiteral("bad_names.txt"));
        QVERIFY(writeText(path, content));
        const QString message = errorOf([&] { readClassNamesFile(path); });
        QVERIFY2(message.startsWith(path) && message.contains(error), qPrintable(message));
    }

    void sortsDatasetClassesAsImageFolder()
    {
        const ClassNames names = imageFolderClassNames({QStringLiteral("dog"), QStringLiteral("cat"), QStringLiteral("Zebra"),
                                                        QStringLiteral("cat"), QStringLiteral("émeu"), QStringLiteral("ant")});
        QCOMPARE(names.names, QStringList({QStringLiteral("Zebra"), QStringLiteral("ant"), QStringLiteral("cat"),
                                           QStringLiteral("dog"), QStringLiteral("émeu")}));
        QCOMPARE(names.source, QStringLiteral("the dataset's 5 class folders"));
        const auto classifier = ImageClassifier::load(rgbSpec(), {QStringLiteral("b"), QStringLiteral("d"),
                                                                  QStringLiteral("a"), QStringLiteral("c")});
        QCOMPARE(classifier->classNames(), QStringList({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                                        QStringLiteral("d")}));
        QCOMPARE(classifier->classIndex(QStringLiteral("c")), 2);
        QCOMPARE(classifier->classIndex(QStringLiteral("zebra")), -1);
    }

    void rejectsNonTorchScriptFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::newRow("random bytes") << QStringLiteral("random.bin") << QString();
        QTest::newRow("state_dict pickle") << QStringLiteral("state_dict.pt") << QString();
        QTest::newRow("missing") << QStringLiteral("nothing.pt") << QStringLiteral("no such file");
    }

    void rejectsNonTorchScriptFiles()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        ClassifierSpec spec = rgbSpec(file);
        const QString message = errorOf([&] { ImageClassifier::load(spec, kClasses); });
        const QString expected = spec.path + QStringLiteral(": not a TorchScript module (save it with torch.jit.script/trace"
                                                            " + torch.jit.save): ");
        QVERIFY2(message.startsWith(expected) && message.size() > expected.size() && !message.contains(QLatin1Char('\n')),
                 qPrintable(message));
        QVERIFY2(message.endsWith(reason), qPrintable(message));
    }

    void rejectsWrongOutputWidth()
    {
        const ClassifierSpec spec = rgbSpec(QStringLiteral("wrong_width.pt"));
        QCOMPARE(errorOf([&] { ImageClassifier::load(spec, kClasses); }),
                 spec.path + QStringLiteral(": the model outputs 5 scores per image but there are 4 classes"
                                            " (the dataset's 4 class folders)"));
        ClassifierSpec mapped = rgbSpec();
        mapped.classNamesPath = tmp(QStringLiteral("three.txt"));
        QVERIFY(writeText(mapped.classNamesPath, QStringLiteral("a\nb\nc\n")));
        QCOMPARE(errorOf([&] { ImageClassifier::load(mapped, kClasses); }),
                 mapped.path + QStringLiteral(": the model outputs 4 scores per image but there are 3 classes (%1)")
                                   .arg(mapped.classNamesPath));
    }

    void rejectsLogitsDeclaredAsProbabilities()
    {
        ClassifierSpec spec = rgbSpec();
        spec.output = ClassifierSpec::Output::Probabilities;
        const QString message = errorOf([&] { ImageClassifier::load(spec, kClasses); });
        QVERIFY2(message.startsWith(spec.path + QStringLiteral(": the model's outputs are not probabilities"))
                     && message.contains(QLatin1String("--output logits")), qPrintable(message));
    }

    void quotesTorchOnWrongInputShape_data()
    {
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("inputSize");
        QTest::addColumn<QString>("shape");
        QTest::newRow("grey into an RGB model") << 1 << 16 << QStringLiteral("[1, 1, 16, 16]");
        QTest::newRow("wrong size") << 3 << 20 << QStringLiteral("[1, 3, 20, 20]");
    }

    void quotesTorchOnWrongInputShape()
    {
        QFETCH(int, channels);
        QFETCH(int, inputSize);
        QFETCH(QString, shape);
        ClassifierSpec spec = rgbSpec();
        spec.channels = channels;
        spec.inputSize = inputSize;
        const QString message = errorOf([&] { ImageClassifier::load(spec, kClasses); });
        const QString prefix = spec.path + QStringLiteral(": the model fails on an input of shape %1: ").arg(shape);
        QVERIFY2(message.startsWith(prefix) && message.size() > prefix.size() + 10 && !message.contains(QLatin1Char('\n')),
                 qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("Error")), qPrintable(message)); // torch's exception line, not its traceback
    }

    void reportsUndecodableImages()
    {
        const auto classifier = ImageClassifier::load(rgbSpec(), kClasses);
        const std::vector<QByteArray> encoded = {fileBytes(fixture(QStringLiteral("images/rgb_24x20.png"))),
                                                 QByteArray("not an image"), QByteArray()};
        const std::vector<ClassifierVerdict> verdicts =
            classifier->classify(encoded, {QStringLiteral("good.png"), QStringLiteral("bad.png"), QStringLiteral("empty.png")});
        QVERIFY(verdicts[0].ok());
        QCOMPARE(verdicts[0].probabilities.size(), size_t(4));
        for (size_t i : {size_t(1), size_t(2)}) {
            QVERIFY(!verdicts[i].ok());
            QVERIFY(verdicts[i].probabilities.empty());
            QCOMPARE(verdicts[i].predicted, -1);
        }
        QVERIFY2(verdicts[1].error.startsWith(QLatin1String("bad.png: ")), qPrintable(verdicts[1].error));
    }

    void predictDatasetStoresPredictionsAndTrueLabelConfidence()
    {
        const QString root = writeDataset(QStringLiteral("dataset"), 3);
        QVERIFY(writeBytes(QDir(root).filePath(QStringLiteral("c2/img0.png")), "corrupted after the scan"));
        ProjectStore store(ProjectStore::defaultPath(root));
        ClassifierSpec spec = rgbSpec();
        spec.batchSize = 4;
        JobControl control;
        qint64 lastDone = 0;
        control.setProgressHandler([&](qint64 done, qint64 total, const QString &stage) {
            QCOMPARE(stage, QStringLiteral("classify"));
            QCOMPARE(total, qint64(12));
            lastDone = done;
        });
        const DatasetPredictionReport report = predictDataset(store, root, spec, &control);
        QCOMPARE(lastDone, qint64(12));
        QCOMPARE(report.images, 12);
        QCOMPARE(report.predicted, 11);
        QCOMPARE(report.failed, 1);
        QCOMPARE(report.diagnostics.size(), 1);
        QCOMPARE(report.diagnostics[0].file, QStringLiteral("c2/img0.png"));
        QCOMPARE(report.source, QStringLiteral("classifier:tiny_rgb.pt"));
        QVERIFY(report.device.startsWith(QLatin1String("cpu")));
        QCOMPARE(store.predictionCount(), qint64(11));
        QCOMPARE(store.predictionSet().source, report.source);
        QCOMPARE(QJsonDocument::fromJson(store.predictionSet().classifier.toUtf8()).object(), spec.toJson());

        // The stored confidence is the probability of the folder's class, as the classifier gives it.
        const auto classifier = ImageClassifier::load(spec, kClasses);
        const QVector<LabeledImage> labelled = store.labeledImages();
        QCOMPARE(labelled.size(), 11);
        int correct = 0;
        for (const LabeledImage &image : labelled) {
            const ClassifierVerdict verdict =
                classifier->classify({fileBytes(QDir(root).filePath(image.path))}, {image.path})[0];
            QCOMPARE(image.prediction, verdict.predictedClass);
            QVERIFY(image.confidence.has_value());
            QVERIFY(std::abs(*image.confidence - verdict.probabilityOf(classifier->classIndex(image.label))) < 1e-6);
            correct += image.correct() ? 1 : 0;
        }
        QCOMPARE(report.correct, correct);
    }

    void cancelStoresNothing()
    {
        const QString root = writeDataset(QStringLiteral("cancelled"), 3);
        ProjectStore store(ProjectStore::defaultPath(root));
        ClassifierSpec spec = rgbSpec();
        spec.batchSize = 2;
        JobControl control;
        control.setProgressHandler([&](qint64, qint64, const QString &) { control.requestCancel(); });
        QVERIFY_THROWS_EXCEPTION(JobCancelled, predictDataset(store, root, spec, &control));
        QCOMPARE(store.predictionCount(), qint64(0));
        QVERIFY(store.predictionSets().isEmpty());
    }

    void rejectsDatasetClassesTheClassifierLacks()
    {
        const QString root = writeDataset(QStringLiteral("extra"), 1,
                                          kClasses + QStringList{QStringLiteral("zebra"), QStringLiteral("yak")});
        ProjectStore store(ProjectStore::defaultPath(root));
        ClassifierSpec spec = rgbSpec();
        spec.classNamesPath = tmp(QStringLiteral("four.txt"));
        QVERIFY(writeText(spec.classNamesPath, kClasses.join(QLatin1Char('\n'))));
        QCOMPARE(errorOf([&] { predictDataset(store, root, spec); }),
                 spec.path + QStringLiteral(": the classifier's class names (%1) lack 2 of the dataset's classes: yak, zebra")
                                 .arg(spec.classNamesPath));
        QCOMPARE(store.predictionCount(), qint64(0));
    }
};

QTEST_GUILESS_MAIN(TestImageClassifier)
#include "test_image_classifier.moc"
