// The Rules dock (issue 14) in the workbench over the interpretation test project (red cats
// predicted "dog"; embedded by the tiny reference CLIP): the tree it draws and its leaves equal
// core's explainClassFailures, a leaf shows exactly its images in the gallery, a node shows the
// images matching its concept most and least, and a run without a text tower falls back to the
// embedding's dimensions. Screenshots at 1024×700 and 1920×1080.

#include "interpret/CaptionsDock.h"
#include "DockScreenshot.h"
#include "gallery/GalleryModel.h"
#include "gallery/GalleryView.h"
#include "InterpretTestProject.h"
#include "SettleWindow.h"
#include "window/MainWindow.h"
#include "gallery/NeighborListModel.h"
#include "session/ProjectSession.h"
#include "captions/CaptionVocabulary.h"
#include "common/Error.h"
#include "rules/ClassFailureRules.h"
#include "rules/RulesDock.h"
#include "store/ProjectStore.h"

#include <QComboBox>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace faultline;

namespace {

constexpr int kTimeout = 120000;

int leafCount(const QTreeWidgetItem *item)
{
    if (item->childCount() == 0)
        return 1;
    int n = 0;
    for (int i = 0; i < item->childCount(); ++i)
        n += leafCount(item->child(i));
    return n;
}

} // namespace

class TestRulesDock : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    testing::InterpretTestProject m_project;

    static void openClass(ProjectSession &session, MainWindow &window, const QString &root)
    {
        window.openDataset(root);
        QTRY_VERIFY_WITH_TIMEOUT(session.state().latestRun > 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 30000);
        session.setSelectedClass(QStringLiteral("cat"));
        RulesDock *dock = window.rulesDock();
        dock->show();
        dock->raise();
        QTRY_VERIFY_WITH_TIMEOUT(dock->tree()->topLevelItemCount() == 1, kTimeout);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_tmp.isValid());
        const QString why = m_project.build(m_tmp.path());
        if (why.contains(QLatin1String("not set")))
            QSKIP("run through ctest (FAULTLINE_CLI, FAULTLINE_CLIP_REFERENCE)");
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }

    void treeAndLeavesAreCoresRules()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.resize(1920, 1080);
        window.show();
        openClass(session, window, m_project.root);
        RulesDock *dock = window.rulesDock();
        QCOMPARE(dock->featuresCombo()->currentText(), QStringLiteral("Concepts (CLIP text)"));

        // core, on the same run, class and settings
        ProjectStore store(m_project.projectPath());
        const CaptionVocabulary vocabulary = CaptionVocabulary::builtin(QStringLiteral("generic"));
        RulesRequest request;
        request.runId = 1;
        request.classes = {QStringLiteral("cat")};
        request.features.vocabulary = &vocabulary;
        request.features.encode = [](const QStringList &) -> std::vector<float> {
            throw Error(QStringLiteral("the dock stored every concept's embedding"));
        };
        const ClassFailureRules expected = explainClassFailures(store, request).value(0);
        QVERIFY(expected.skipReason.isEmpty());

        QTreeWidgetItem *root = dock->tree()->topLevelItem(0);
        QCOMPARE(root->text(1), QLocale().toString(expected.tree.samples));
        QCOMPARE(leafCount(root), int(expected.tree.leaves.size()));
        QCOMPARE(dock->leaves()->rowCount(), int(expected.tree.leaves.size()));
        for (int r = 0; r < dock->leaves()->rowCount(); ++r) {
            QCOMPARE(dock->leaves()->item(r, 3)->text(), expected.tree.leaves[size_t(r)].rule);
            QCOMPARE(dock->leaves()->item(r, 2)->text(), QLocale().toString(expected.tree.leaves[size_t(r)].samples));
        }
        // the first split names a concept of the class
        QVERIFY2(root->child(0)->text(0).startsWith(QLatin1String("cos(\"a photo of")), qPrintable(root->child(0)->text(0)));
        QVERIFY(testing::saveScreenshot(&window, window.galleryView()->thumbnailCache(), QStringLiteral("rules-1920x1080.png")));

        // The most important leaf: exactly its images in the gallery, under a bar that names the rule.
        dock->chooseLeaf(0);
        const FailureRuleLeaf &top = expected.tree.leaves.front();
        QVERIFY2(window.galleryView()->subsetTitle().contains(top.rule), qPrintable(window.galleryView()->subsetTitle()));
        QCOMPARE(window.galleryView()->hardestModel()->rowCount(), top.samples);
        QSet<qint64> leafImages;
        for (size_t i = 0; i < expected.imageIds.size(); ++i)
            if (expected.leafOfRow[i] == top.node)
                leafImages.insert(expected.imageIds[i]);
        for (int row = 0; row < window.galleryView()->hardestModel()->rowCount(); ++row)
            QVERIFY(leafImages.contains(window.galleryView()->hardestModel()->itemAt(row).imageId));
        // its concept's most and least matching images, ranked by the cosine
        NeighborListModel *most = dock->mostMatching();
        QVERIFY(most->rowCount() > 0 && most->rowCount() <= 8);
        for (int row = 1; row < most->rowCount(); ++row)
            QVERIFY(most->cosineAt(row - 1) >= most->cosineAt(row));
        QVERIFY(dock->leastMatching()->cosineAt(0) <= most->cosineAt(most->rowCount() - 1));

        // another class shows the whole class again
        session.setSelectedClass(QStringLiteral("dog"));
        QTRY_VERIFY_WITH_TIMEOUT(window.galleryView()->subsetTitle().isEmpty(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(dock->tree()->topLevelItemCount() == 1 && dock->statusText().startsWith(QLatin1String("dog")),
                                 kTimeout);
        testing::settle(window);
    }

    void depthAndEmbeddingDimensions()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.resize(1024, 700);
        window.show();
        openClass(session, window, m_project.root);
        RulesDock *dock = window.rulesDock();
        dock->depthSpin()->setValue(1);
        dock->featuresCombo()->setCurrentIndex(1);
        dock->explain();
        QTRY_VERIFY_WITH_TIMEOUT(dock->tree()->topLevelItemCount() == 1
                                     && dock->tree()->topLevelItem(0)->child(0)->text(0).startsWith(QLatin1String("embedding[")),
                                 kTimeout);
        QVERIFY(dock->leaves()->rowCount() <= 2);
        QVERIFY(testing::saveScreenshot(&window, window.galleryView()->thumbnailCache(), QStringLiteral("rules-1024x700.png")));
        testing::settle(window);
    }

    void importedEmbeddingsFallBackToDimensions()
    {
        ProjectSession session;
        MainWindow window(&session);
        window.resize(1024, 700);
        window.show();
        openClass(session, window, m_project.imported);
        RulesDock *dock = window.rulesDock();
        QCOMPARE(dock->featuresCombo()->currentIndex(), 1); // embedding dimensions
        auto *model = qobject_cast<QStandardItemModel *>(dock->featuresCombo()->model());
        QVERIFY(!model->item(0)->isEnabled());
        QVERIFY(!dock->featuresCombo()->toolTip().isEmpty()); // why concepts are not offered
        QVERIFY(dock->tree()->topLevelItem(0)->child(0)->text(0).startsWith(QLatin1String("embedding[")));
        testing::settle(window, false);
    }
};

QTEST_MAIN(TestRulesDock)
#include "test_rules_dock.moc"
