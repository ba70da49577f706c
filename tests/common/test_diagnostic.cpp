#include "common/Diagnostic.h"
#include "common/Error.h"
#include "common/JobControl.h"

#include <QtTest>

using namespace faultline;

class TestDiagnostic : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void formatsFileLineAndField()
    {
        Diagnostic d{Diagnostic::Severity::Error, QStringLiteral("p.csv"), 12,
                     QStringLiteral("prediction"), QStringLiteral("unknown class 'cat'")};
        QCOMPARE(d.toString(), QStringLiteral("p.csv:12: error: prediction: unknown class 'cat'"));
    }

    void omitsMissingParts()
    {
        Diagnostic d{Diagnostic::Severity::Warning, QStringLiteral("a.png"), 0, QString(),
                     QStringLiteral("cannot decode")};
        QCOMPARE(d.toString(), QStringLiteral("a.png: warning: cannot decode"));
    }

    void cancellationThrowsOnlyAfterRequest()
    {
        JobControl control;
        control.checkCancelled();
        control.requestCancel();
        QVERIFY_THROWS_EXCEPTION(JobCancelled, control.checkCancelled());
    }

    void progressReachesHandler()
    {
        JobControl control;
        qint64 seenDone = -1, seenTotal = -1;
        control.setProgressHandler([&](qint64 done, qint64 total, const QString &) {
            seenDone = done;
            seenTotal = total;
        });
        control.report(3, 7, QStringLiteral("fit"));
        QCOMPARE(seenDone, 3);
        QCOMPARE(seenTotal, 7);
    }
};

QTEST_GUILESS_MAIN(TestDiagnostic)
#include "test_diagnostic.moc"
