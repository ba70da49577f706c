// The Jobs dock's rows (issue 15.6): a succeeded job's bar is full; a failed one keeps the
// progress it reached, says it failed, and shows its whole message (wrapped, and as tooltip).

#include "jobs/JobsDock.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "jobs/BackgroundJob.h"

#include <QLabel>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace faultline;

class TestJobsDock : public QObject
{
    Q_OBJECT

    static JobRow *run(JobsDock &dock, std::function<void(JobControl &)> work)
    {
        auto *job = new BackgroundJob(QStringLiteral("job"), std::move(work), &dock);
        dock.addJob(job);
        JobRow *row = dock.rows().first();
        QSignalSpy finished(row, &JobRow::finished);
        job->start();
        if (!finished.wait(10000))
            return nullptr;
        return row;
    }

private Q_SLOTS:
    void succeededJobFillsItsBar()
    {
        JobsDock dock;
        JobRow *row = run(dock, [](JobControl &control) { control.report(1, 4, QStringLiteral("step")); });
        QVERIFY(row);
        QCOMPARE(row->progressBar()->value(), row->progressBar()->maximum());
        QVERIFY(row->detailText().startsWith(JobRow::tr("Done")));
    }

    void failedJobKeepsItsProgressAndWholeMessage()
    {
        JobsDock dock;
        dock.resize(400, 200);
        const QString message = QStringLiteral("/data/project.sqlite: the disk is full (no space left on device); nothing"
                                               " more was stored");
        JobRow *row = run(dock, [message](JobControl &control) {
            control.report(3, 10, QStringLiteral("embed"));
            QThread::msleep(50); // the progress reaches the row before the failure does
            throw Error(message);
        });
        QVERIFY(row);
        QCOMPARE(row->progressBar()->maximum(), 1000);
        QCOMPARE(row->progressBar()->value(), 300);
        QVERIFY(row->progressBar()->text().contains(JobRow::tr("failed at %p%").left(6)));
        QVERIFY(row->detailText().contains(message));
        const QLabel *detail = row->findChildren<QLabel *>().last(); // title, then detail
        QVERIFY(detail->wordWrap());
        QCOMPARE(detail->toolTip(), JobRow::tr("Failed: %1").arg(message));
    }

    void failureBeforeAnyProgressShowsAnEmptyBar()
    {
        JobsDock dock;
        JobRow *row = run(dock, [](JobControl &) { throw Error(QStringLiteral("no such file")); });
        QVERIFY(row);
        QVERIFY(row->progressBar()->maximum() > 0); // not the busy indicator any more
        QCOMPARE(row->progressBar()->value(), row->progressBar()->minimum());
    }
};

QTEST_MAIN(TestJobsDock)
#include "test_jobs_dock.moc"
