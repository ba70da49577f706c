// confusionMatrix()/confusionCellImages(): rows by label, columns by prediction (labels first,
// then predicted-only names), per split, and the images of a cell.

#include "interpret/RunConfusion.h"
#include "store/StoreTypes.h"

#include <QtTest>

using namespace faultline;

namespace {

RunScoreRow row(qint64 id, const char *label, const char *prediction, Split split)
{
    RunScoreRow r;
    r.imageId = id;
    r.label = QString::fromLatin1(label);
    r.prediction = QString::fromLatin1(prediction);
    r.split = split;
    return r;
}

} // namespace

class TestRunConfusion : public QObject
{
    Q_OBJECT

    const QVector<RunScoreRow> m_rows = {
        row(1, "dog", "dog", Split::Test), row(2, "dog", "cat", Split::Test), row(3, "dog", "cat", Split::Val),
        row(4, "cat", "cat", Split::Test), row(5, "cat", "wolf", Split::Test), row(6, "bird", "bird", Split::Val),
        row(7, "dog", "dog", Split::Test)};

private Q_SLOTS:
    void layoutAndCounts()
    {
        const ConfusionMatrix m = confusionMatrix(m_rows);
        QCOMPARE(m.labels, (QStringList{"bird", "cat", "dog"}));
        QCOMPARE(m.predictions, (QStringList{"bird", "cat", "dog", "wolf"})); // wolf: predicted, never a label
        QCOMPARE(m.at(2, 2), 2); // dog → dog
        QCOMPARE(m.at(2, 1), 2); // dog → cat
        QCOMPARE(m.at(1, 3), 1); // cat → wolf
        QCOMPARE(m.rowTotal(2), 4);
        QCOMPARE(m.columnTotal(1), 3);
        QCOMPARE(m.total(), 7);
        QCOMPARE(m.rowAccuracy(2), 0.5);
        QCOMPARE(m.rowAccuracy(0), 1.0);
    }

    void oneSplitKeepsEveryLabelAsARow()
    {
        const ConfusionMatrix m = confusionMatrix(m_rows, Split::Test);
        QCOMPARE(m.labels.size(), 3);      // bird has no test image, its row stays (a stable layout)
        QCOMPARE(m.rowTotal(0), 0);
        QCOMPARE(m.rowAccuracy(0), 0.0);
        QCOMPARE(m.at(2, 1), 1);           // the val dog → cat is not counted
        QCOMPARE(m.total(), 5);
    }

    void cellImages()
    {
        QCOMPARE(confusionCellImages(m_rows, "dog", "cat"), (QSet<qint64>{2, 3}));
        QCOMPARE(confusionCellImages(m_rows, "dog", "cat", Split::Val), (QSet<qint64>{3}));
        QCOMPARE(confusionCellImages(m_rows, "bird", "cat"), QSet<qint64>{});
    }

    void emptyRun()
    {
        const ConfusionMatrix m = confusionMatrix({});
        QVERIFY(m.labels.isEmpty() && m.predictions.isEmpty() && m.counts.empty());
        QCOMPARE(m.total(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRunConfusion)
#include "test_run_confusion.moc"
