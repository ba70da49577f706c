#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "dataset/PredictionsImporter.h"
#include "store/ProjectStore.h"
#include "TestImages.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace faultline;
using faultline::testing::writeBytes;
using faultline::testing::writePng;

namespace {

QString diagnosticsText(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines << d.toString();
    return lines.join(QLatin1Char('\n'));
}

QVector<const Diagnostic *> errorsAt(const Diagnostics &diagnostics, int line)
{
    QVector<const Diagnostic *> out;
    for (const Diagnostic &d : diagnostics)
        if (d.severity == Diagnostic::Severity::Error && d.line == line)
            out.push_back(&d);
    return out;
}

QHash<QString, LabeledImage> labeledByPath(const ProjectStore &store)
{
    QHash<QString, LabeledImage> out;
    for (const LabeledImage &image : store.labeledImages())
        out.insert(image.path, image);
    return out;
}

} // namespace

class TestPredictionsImporter : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_root;
    std::unique_ptr<ProjectStore> m_store;

    QString path(const QString &rel) const { return QDir(m_root).filePath(rel); }
    QString csvPath() const { return QDir(m_tmp->path()).filePath(QStringLiteral("predictions.csv")); }

    void writeCsv(const QByteArray &bytes) { QVERIFY(writeBytes(csvPath(), bytes)); }

    // One error at `line`, in `field`, whose message contains `needle`.
    void expectError(const PredictionsReport &report, int line, const QString &field, const QString &needle)
    {
        const auto errors = errorsAt(report.diagnostics, line);
        QVERIFY2(errors.size() == 1, qPrintable(QStringLiteral("expected one error at line %1, got:\n%2")
                                                    .arg(line).arg(diagnosticsText(report.diagnostics))));
        const Diagnostic &d = *errors.first();
        QCOMPARE(d.file, csvPath());
        QCOMPARE(d.field, field);
        QVERIFY2(d.message.contains(needle), qPrintable(d.toString()));
        QVERIFY(d.toString().startsWith(csvPath() + QStringLiteral(":%1: error:").arg(line)));
    }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_root = QDir(m_tmp->path()).filePath(QStringLiteral("data"));
        const QStringList images = {
            QStringLiteral("train/cat/c1.png"), QStringLiteral("train/cat/c2.png"), QStringLiteral("val/cat/c3.png"),
            QStringLiteral("pool/cat/c4.png"), // never predicted
            QStringLiteral("val/dog/d1.png"), QStringLiteral("val/dog/d2.png"), QStringLiteral("pool/dog/d3.png"),
            QStringLiteral("val/dog/d4.png"), QStringLiteral("val/dog/d5.png"), QStringLiteral("val/dog/d6.png"),
            QStringLiteral("val/dog/d7.png"), QStringLiteral("val/dog/d8.png"), QStringLiteral("val/dog/d9.png"),
            QStringLiteral("val/big, cat/b1.png"),
        };
        int seed = 0;
        for (const QString &image : images)
            QVERIFY(writePng(path(image), ++seed));
        QVERIFY(writeBytes(path(QStringLiteral("val/dog/broken.png")), QByteArray("not a png at all")));
        m_store = std::make_unique<ProjectStore>(ProjectStore::defaultPath(m_root));
        const ScanReport scan = DatasetScanner::scan(m_root, *m_store);
        QCOMPARE(scan.images, 15);
        QCOMPARE(scan.unreadable, 1);
    }

    void cleanup()
    {
        m_store.reset();
        m_tmp.reset();
    }

    void importsValidRowsAndReportsEveryBadOne()
    {
        writeCsv(
            "path,prediction,label,split,confidence\n"                    // 1
            "train/cat/c1.png,cat,,,0.9\n"                                 // 2 ok
            "\"train/cat/c2.png\",dog,,,\n"                                // 3 ok (an error of the classifier)
            "val/cat/c3.png,\"big, cat\",,TEST,0.5\n"                      // 4 ok, split override (case-insensitive)
            "\"val/big, cat/b1.png\",\"big, cat\",,,1\n"                   // 5 ok, class with a comma
            "val/dog/d1.png,cat,tiger,,\n"                                 // 6 ok, label override (new class)
            "val/dog/missing.png,dog,,,\n"                                 // 7 missing file
            "val/dog/d2.png,wolf,,,\n"                                     // 8 ok, a class outside the dataset
            "train/cat/c1.png,cat,,,\n"                                    // 9 duplicate of line 2
            "pool/dog/d3.png,dog,,holdout,\n"                              // 10 bad split
            "val/dog/d4.png,dog,,,1.5\n"                                   // 11 confidence out of range
            "val/dog/d5.png,dog\n"                                         // 12 wrong field count
            "val/dog/d\xff\xfe.png,dog,,,\n"                               // 13 invalid UTF-8
            "val/dog/broken.png,dog,,,\n"                                  // 14 undecodable image
            "./val//dog/d6.png,dog,,Validation,0\n"                        // 15 ok, path normalised
            "val/dog/d7.png,dog,\"multi\nline\",,\n"                       // 16-17 ok, quoted line break
            "val/dog/d8.png,dog,,,abc\n"                                   // 18 confidence not a number
            "val/dog/d9.png,,,,\n"                                         // 19 empty prediction
            "\n"                                                           // 20 blank: skipped
            "pool/dog/d3.png,dog,,pool,-0.1\n");                           // 21 confidence below 0

        const PredictionsReport report = importPredictions(csvPath(), *m_store);
        QCOMPARE(report.rows, 18);
        QCOMPARE(report.imported, 8);
        // 14 readable images, 8 with a prediction.
        QCOMPARE(report.imagesWithoutPrediction, 6);
        // Issue 12 A10: 'wolf' is no class of the dataset, so a wrong prediction: kept, counted, reported.
        QCOMPARE(report.outsideClasses, 1);

        expectError(report, 7, QStringLiteral("path"), QStringLiteral("'val/dog/missing.png' is not an image of the dataset"));
        expectError(report, 9, QStringLiteral("path"), QStringLiteral("first at line 2"));
        expectError(report, 10, QStringLiteral("split"), QStringLiteral("'holdout' is not a split"));
        expectError(report, 11, QStringLiteral("confidence"), QStringLiteral("'1.5'"));
        expectError(report, 12, QString(), QStringLiteral("has 2 fields, the header has 5"));
        expectError(report, 13, QString(), QStringLiteral("not valid UTF-8"));
        expectError(report, 14, QStringLiteral("path"), QStringLiteral("cannot be decoded"));
        expectError(report, 18, QStringLiteral("confidence"), QStringLiteral("'abc'"));
        expectError(report, 19, QStringLiteral("prediction"), QStringLiteral("empty"));
        expectError(report, 21, QStringLiteral("confidence"), QStringLiteral("'-0.1'"));
        int errors = 0;
        for (const Diagnostic &d : report.diagnostics)
            errors += d.severity == Diagnostic::Severity::Error;
        QCOMPARE(errors, 10);
        // The images-without-prediction and outside-classes warnings.
        bool warned = false, outside = false;
        for (const Diagnostic &d : report.diagnostics) {
            warned |= d.severity == Diagnostic::Severity::Warning && d.message.startsWith(QLatin1String("6 readable images"));
            outside |= d.severity == Diagnostic::Severity::Warning && d.line == 8
                       && d.message == QLatin1String("1 rows predict a class that is not one of the dataset's ('wolf');"
                                                     " they are kept as wrong predictions");
        }
        QVERIFY2(warned && outside, qPrintable(diagnosticsText(report.diagnostics)));

        // What was stored.
        QCOMPARE(m_store->predictionCount(), qint64(8));
        const auto labeled = labeledByPath(*m_store);
        QCOMPARE(labeled.size(), 8);
        const LabeledImage d2 = labeled.value(QStringLiteral("val/dog/d2.png"));
        QCOMPARE(d2.prediction, QStringLiteral("wolf"));
        QVERIFY(!d2.correct());
        const LabeledImage c1 = labeled.value(QStringLiteral("train/cat/c1.png"));
        QCOMPARE(c1.label, QStringLiteral("cat"));
        QCOMPARE(c1.prediction, QStringLiteral("cat"));
        QCOMPARE(c1.split, Split::Train);
        QCOMPARE(c1.confidence, std::optional<double>(0.9));
        QVERIFY(c1.correct());
        const LabeledImage c2 = labeled.value(QStringLiteral("train/cat/c2.png"));
        QCOMPARE(c2.prediction, QStringLiteral("dog"));
        QVERIFY(!c2.correct());
        QVERIFY(!c2.confidence.has_value());
        const LabeledImage c3 = labeled.value(QStringLiteral("val/cat/c3.png"));
        QCOMPARE(c3.split, Split::Test); // CSV split overrides the folder's
        QCOMPARE(c3.prediction, QStringLiteral("big, cat"));
        const LabeledImage b1 = labeled.value(QStringLiteral("val/big, cat/b1.png"));
        QCOMPARE(b1.label, QStringLiteral("big, cat"));
        QCOMPARE(b1.prediction, QStringLiteral("big, cat"));
        QCOMPARE(b1.confidence, std::optional<double>(1.0));
        const LabeledImage d1 = labeled.value(QStringLiteral("val/dog/d1.png"));
        QCOMPARE(d1.label, QStringLiteral("tiger")); // CSV label overrides the folder's
        QCOMPARE(d1.prediction, QStringLiteral("cat"));
        const LabeledImage d6 = labeled.value(QStringLiteral("val/dog/d6.png"));
        QCOMPARE(d6.split, Split::Val);
        QCOMPARE(d6.confidence, std::optional<double>(0.0));
        const LabeledImage d7 = labeled.value(QStringLiteral("val/dog/d7.png"));
        QCOMPARE(d7.label, QStringLiteral("multi\nline"));
        QVERIFY(!labeled.contains(QStringLiteral("pool/cat/c4.png")));
        QVERIFY(!labeled.contains(QStringLiteral("val/dog/broken.png")));
    }

    void predictionMayNameACsvLabel()
    {
        // 'tiger' exists only as a CSV label; predicting it is not an unknown class.
        writeCsv("path,prediction,label\n"
                 "val/dog/d1.png,dog,tiger\n"
                 "val/dog/d2.png,tiger,\n");
        const PredictionsReport report = importPredictions(csvPath(), *m_store);
        QCOMPARE(report.imported, 2);
        QVERIFY(errorsAt(report.diagnostics, 3).isEmpty());
    }

    void unknownColumnIsAWarningAndColumnOrderIsFree()
    {
        writeCsv("Prediction, extra ,PATH\n"
                 "dog,x,val/dog/d1.png\n");
        const PredictionsReport report = importPredictions(csvPath(), *m_store);
        QCOMPARE(report.imported, 1);
        bool warned = false;
        for (const Diagnostic &d : report.diagnostics)
            warned |= d.severity == Diagnostic::Severity::Warning && d.line == 1 && d.field == QLatin1String(" extra ")
                      && d.message.contains(QLatin1String("unknown column"));
        QVERIFY2(warned, qPrintable(diagnosticsText(report.diagnostics)));
        QCOMPARE(labeledByPath(*m_store).value(QStringLiteral("val/dog/d1.png")).prediction, QStringLiteral("dog"));
    }

    void missingRequiredColumnIsAnError_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("column");
        QTest::newRow("no prediction") << QByteArray("path,label\nval/dog/d1.png,dog\n") << QStringLiteral("prediction");
        QTest::newRow("no path") << QByteArray("file,prediction\nval/dog/d1.png,dog\n") << QStringLiteral("path");
    }

    void missingRequiredColumnIsAnError()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, column);
        writeCsv("path,prediction\nval/dog/d1.png,dog\n");
        importPredictions(csvPath(), *m_store);
        writeCsv(csv);
        try {
            importPredictions(csvPath(), *m_store);
            QFAIL("expected Error");
        } catch (const Error &e) {
            QVERIFY2(e.message().startsWith(csvPath() + QStringLiteral(":1:")), qPrintable(e.message()));
            QVERIFY2(e.message().contains(QStringLiteral("missing required column '%1'").arg(column)), qPrintable(e.message()));
        }
        QCOMPARE(m_store->predictionCount(), qint64(1)); // the earlier import is untouched
    }

    void duplicateColumnIsAnError()
    {
        writeCsv("path,prediction,Path\nval/dog/d1.png,dog,x\n");
        try {
            importPredictions(csvPath(), *m_store);
            QFAIL("expected Error");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QLatin1String("appears twice")), qPrintable(e.message()));
        }
    }

    void missingOrEmptyFileIsAnError()
    {
        const QString missing = QDir(m_tmp->path()).filePath(QStringLiteral("nope.csv"));
        try {
            importPredictions(missing, *m_store);
            QFAIL("expected Error");
        } catch (const Error &e) {
            QVERIFY2(e.message().startsWith(missing), qPrintable(e.message()));
        }
        writeCsv("");
        QVERIFY_THROWS_EXCEPTION(Error, importPredictions(csvPath(), *m_store));
    }

    void reimportReplacesThePredictionSet()
    {
        writeCsv("path,prediction\nval/dog/d1.png,dog\nval/dog/d2.png,cat\n");
        QCOMPARE(importPredictions(csvPath(), *m_store).imported, 2);
        writeCsv("path,prediction\nval/dog/d3.png,dog\n");
        // d3 is not an image: a file with no usable row must not wipe the stored predictions.
        try {
            importPredictions(csvPath(), *m_store);
            QFAIL("a predictions file without one usable row must be an error");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("none of its 1 rows could be used")), qPrintable(error.message()));
            QVERIFY(error.message().contains(QLatin1String("val/dog/d3.png")));
        }
        QCOMPARE(m_store->predictionCount(), qint64(2));
        writeCsv("path,prediction\npool/dog/d3.png,dog\n");
        QCOMPARE(importPredictions(csvPath(), *m_store).imported, 1);
        const auto labeled = labeledByPath(*m_store);
        QCOMPARE(labeled.size(), 1);
        QCOMPARE(labeled.value(QStringLiteral("pool/dog/d3.png")).split, Split::Pool); // folder split
        QCOMPARE(m_store->predictionSet().source, csvPath());
    }

    void headerOnlyOrCrOnlyFileKeepsStoredPredictions()
    {
        // Issue 12 A3: neither a header-only file nor a CR-only one may wipe what is stored.
        writeCsv("path,prediction\nval/dog/d1.png,dog\nval/dog/d2.png,cat\n");
        QCOMPARE(importPredictions(csvPath(), *m_store).imported, 2);
        writeCsv("path,prediction,confidence\n");
        try {
            importPredictions(csvPath(), *m_store);
            QFAIL("a header-only predictions file must be an error");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("has a header but no rows; the stored predictions are unchanged")),
                     qPrintable(error.message()));
        }
        QCOMPARE(m_store->predictionCount(), qint64(2));
        writeCsv("path,prediction,confidence\rval/dog/d1.png,cat,0.5\rval/dog/d2.png,cat,0.5\rpool/dog/d3.png,dog,0.5\r");
        const PredictionsReport report = importPredictions(csvPath(), *m_store);
        QCOMPARE(report.rows, 3);
        QCOMPARE(report.imported, 3);
        QCOMPARE(m_store->predictionCount(), qint64(3));
        QCOMPARE(labeledByPath(*m_store).value(QStringLiteral("val/dog/d1.png")).prediction, QStringLiteral("cat"));
    }

    void crlfAndBomAreAccepted()
    {
        writeCsv("\xEF\xBB\xBFpath,prediction\r\nval/dog/d1.png,dog\r\nval/dog/missing.png,dog\r\n");
        const PredictionsReport report = importPredictions(csvPath(), *m_store);
        QCOMPARE(report.imported, 1);
        expectError(report, 3, QStringLiteral("path"), QStringLiteral("missing.png"));
    }
};

QTEST_GUILESS_MAIN(TestPredictionsImporter)
#include "test_predictions_importer.moc"
