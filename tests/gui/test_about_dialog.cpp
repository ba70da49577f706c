// Help ▸ About: the version line and one row per library with its licence.
#include "window/AboutDialog.h"
#include "common/BuildInfo.h"

#include <QLabel>
#include <QTableWidget>
#include <QtTest>

using namespace faultline;

class TestAboutDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsVersionAndEveryLibrary()
    {
        AboutDialog dialog;
        auto *header = dialog.findChild<QLabel *>(QStringLiteral("aboutHeader"));
        QVERIFY(header);
        QVERIFY2(header->text().contains(versionString().toHtmlEscaped()), qPrintable(header->text()));
        auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("aboutComponents"));
        QVERIFY(table);
        // The core's libraries plus QCustomPlot, which only the workbench links.
        QCOMPARE(table->rowCount(), int(thirdPartyComponents().size()) + 1);
        QCOMPARE(table->item(table->rowCount() - 1, 0)->text(), QStringLiteral("QCustomPlot"));
        for (int row = 0; row < table->rowCount(); ++row)
            QVERIFY(!table->item(row, 2)->text().isEmpty());
    }
};

QTEST_MAIN(TestAboutDialog)
#include "test_about_dialog.moc"
