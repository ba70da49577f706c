// The Difficulty dock over a real project embedded by the tiny reference CLIP: the slider's ends
// show exactly EmbeddingIndex::nearest(difficultyVector(...)), a fast drag ends on its last value
// without running a query per step, keyboard steps, the split choice, Generate (retrieval without
// a server; an embedding decoder that answers, stalls or fails) and a run without a CLIP checkpoint.

#include "support/AppSettings.h"
#include "interpret/DifficultyDock.h"
#include "FakeGenerationServer.h"
#include "generation/GeneratedSamplesPanel.h"
#include "generation/GroupAccuracyChart.h"
#include "interpret/ImageResultTabs.h"
#include "generation/SampleListModel.h"
#include "DockScreenshot.h"
#include "InterpretTestProject.h"
#include "gallery/NeighborListModel.h"
#include "session/RunTextModel.h"
#include "session/TextModelStatus.h"
#include "gallery/ThumbnailCache.h"
#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "embedding/TextEmbedder.h"
#include "interpret/RunImages.h"
#include "interpret/StoredFailureDirection.h"
#include "retrieval/EmbeddingIndex.h"
#include "store/ProjectStore.h"
#include "retrieval/Slerp.h"

#include <QApplication>
#include <QComboBox>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QSettings>
#include <QSlider>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <random>

#include <cmath>

using namespace faultline;

namespace {

constexpr int kTimeout = 120000;
constexpr int kNearest = 5;

} // namespace

class TestDifficultyDock : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    testing::InterpretTestProject m_project;
    std::shared_ptr<const RunClassImages> m_cat;
    ThumbnailCache *m_cache = nullptr;
    RunTextModel *m_textModel = nullptr;
    DifficultyDock *m_dock = nullptr;

    // The images the slider must show at `difficulty`, computed with the core directly.
    QStringList expectedNearest(Split split, double difficulty)
    {
        const auto model = ClipModel::load(m_project.modelPath, ComputeDevice::Cpu);
        const std::vector<float> text = embedTexts(*model, ClipTokenizer::builtin(), {QStringLiteral("a photo of a cat")});
        ProjectStore store(m_project.projectPath());
        const StoredFailureDirection direction = StoredFailureDirection::load(store, 1, QStringLiteral("cat"));
        const RunClassImages images = imagesOfSplit(*m_cat, split);
        const EmbeddingIndex index = EmbeddingIndex::build(images.embeddings.data(), images.size(), images.dim);
        std::vector<EmbeddingIndex::Neighbor> nearest;
        index.nearest(difficultyVector(Eigen::Map<const Eigen::VectorXf>(text.data(), Eigen::Index(text.size())),
                                       direction.clipSpaceDirection(), difficulty),
                      kNearest, nearest);
        QStringList paths;
        for (const EmbeddingIndex::Neighbor &n : nearest)
            paths << QDir(m_project.root).filePath(images.paths[n.row]);
        return paths;
    }

    int incorrectShown() const
    {
        int incorrect = 0;
        for (int row = 0; row < m_dock->nearestModel()->rowCount(); ++row)
            incorrect += m_dock->nearestModel()->index(row).data(GalleryModel::CorrectRole).toBool() ? 0 : 1;
        return incorrect;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FaultlineTest"));
        QSettings().clear();
        const QString error = m_project.build(m_tmp.path());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        ProjectStore store(m_project.projectPath());
        m_cat = std::make_shared<RunClassImages>(loadRunClassImages(store, 1, QStringLiteral("cat")));
        m_cache = new ThumbnailCache(this);
        m_textModel = new RunTextModel(this);
        m_dock = new DifficultyDock(m_textModel, m_cache);
        m_dock->resize(760, 420);
        m_dock->setNearestCount(kNearest);
    }

    void cleanupTestCase()
    {
        delete m_dock;
    }

    void emptyStateSaysWhatToDo()
    {
        QVERIFY(m_dock->emptyStateText().contains(QLatin1String("Select a class")));
        QCOMPARE(m_dock->nearestModel()->rowCount(), 0);
    }

    void showsTheReferenceImagesFirst()
    {
        m_dock->showClass(m_cat, m_project.root, m_project.projectPath(), 1);
        QVERIFY(m_dock->emptyStateText().isEmpty());
        QCOMPARE(m_dock->split(), Split::Test);
        QCOMPARE(m_dock->splitCombo()->currentText(), QStringLiteral("Test")); // titled as the gallery titles it
        QCOMPARE(m_dock->splitCombo()->count(), 3);
        QCOMPARE(m_dock->referenceText(), QStringLiteral("a photo of a cat"));
        QTRY_COMPARE_WITH_TIMEOUT(m_dock->shownDifficulty(), 0.0, kTimeout);
        QVERIFY2(m_dock->messageText().isEmpty(), qPrintable(m_dock->messageText()));
        QCOMPARE(m_dock->nearestModel()->paths(), expectedNearest(Split::Test, 0.0));
        QVERIFY(m_dock->alphaText().contains(QLatin1String("0.00")));
    }

    void sliderEndsShowTheCoresNearestImages()
    {
        m_dock->setDifficulty(-1.0);
        QCOMPARE(m_dock->slider()->value(), m_dock->slider()->maximum()); // hardest is on the right
        QTRY_COMPARE_WITH_TIMEOUT(m_dock->shownDifficulty(), -1.0, kTimeout);
        QCOMPARE(m_dock->nearestModel()->paths(), expectedNearest(Split::Test, -1.0));
        QVERIFY(m_dock->alphaText().contains(QLatin1String("-1.00")) && m_dock->alphaText().contains(QLatin1String("harder")));
        const int incorrectWhenHard = incorrectShown();
        for (int row = 1; row < kNearest; ++row)
            QVERIFY(m_dock->nearestModel()->cosineAt(row - 1) >= m_dock->nearestModel()->cosineAt(row));
        QVERIFY(m_dock->nearestModel()->index(0).data(GalleryModel::DetailRole).toString().startsWith(QLatin1String("cos 0.")));
        QVERIFY(testing::saveScreenshot(m_dock, m_cache, QStringLiteral("difficulty_dock_hardest.png")));

        m_dock->setDifficulty(1.0);
        QCOMPARE(m_dock->slider()->value(), m_dock->slider()->minimum());
        QTRY_COMPARE_WITH_TIMEOUT(m_dock->shownDifficulty(), 1.0, kTimeout);
        QCOMPARE(m_dock->nearestModel()->paths(), expectedNearest(Split::Test, 1.0));
        // The planted failure: the hard end shows more of the misclassified (red) cats.
        QVERIFY2(incorrectWhenHard > incorrectShown(),
                 qPrintable(QStringLiteral("%1 vs %2").arg(incorrectWhenHard).arg(incorrectShown())));
        QVERIFY(testing::saveScreenshot(m_dock, m_cache, QStringLiteral("difficulty_dock_easiest.png")));
        m_dock->hide();
    }

    void aFastDragEndsOnItsLastValue()
    {
        const int before = m_dock->queriesRun();
        QSlider *slider = m_dock->slider();
        for (int value = slider->minimum(); value <= slider->maximum(); value += 2) {
            slider->setValue(value);
            if (value % 20 == 0)
                QCoreApplication::processEvents();
        }
        slider->setValue(37);
        QTRY_COMPARE_WITH_TIMEOUT(m_dock->shownDifficulty(), -0.37, kTimeout);
        QTest::qWait(100);
        QCOMPARE(m_dock->shownDifficulty(), -0.37);
        QCOMPARE(m_dock->nearestModel()->paths(), expectedNearest(Split::Test, -0.37));
        // Stale positions were coalesced: far fewer queries than slider moves (102).
        QVERIFY2(m_dock->queriesRun() - before < 40, qPrintable(QString::number(m_dock->queriesRun() - before)));
    }

    void keyboardStepsAndSlots()
    {
        m_dock->setDifficulty(0.0);
        m_dock->harder();
        QCOMPARE(m_dock->difficulty(), -0.1);
        m_dock->harder();
        QCOMPARE(m_dock->difficulty(), -0.2);
        m_dock->easier();
        QCOMPARE(m_dock->difficulty(), -0.1);
        QCOMPARE(m_dock->slider()->focusPolicy(), Qt::StrongFocus);
        m_dock->setDifficulty(-1.0);
        m_dock->harder(); // stays at the end
        QCOMPARE(m_dock->difficulty(), -1.0);
        m_dock->setDifficulty(0.0);
        QTest::keyClick(m_dock->slider(), Qt::Key_Right); // right = harder
        QCOMPARE(m_dock->difficulty(), -0.1);
        QTRY_COMPARE_WITH_TIMEOUT(m_dock->shownDifficulty(), -0.1, kTimeout);
    }

    void largeClassesGetAnApproximateIndexInTheBackground()
    {
        // A class at or above approximateMinRows() (lowered here; 500,000 in the app): the slider
        // answers from the exact index at once, then the approximate one is calibrated in a job
        // and swapped in when it pays (or the exact one kept); the slider keeps answering.
        RunClassImages large = *m_cat;
        std::mt19937 rng(3);
        std::normal_distribution<float> noise(0.0f, 0.01f);
        for (int copy = 1; copy < 40; ++copy)
            for (qsizetype i = 0; i < m_cat->size(); ++i) {
                large.imageIds.push_back(m_cat->imageIds[size_t(i)] + copy * 100000);
                large.paths << m_cat->paths[i];
                large.splits.push_back(m_cat->splits[size_t(i)]);
                large.correct.push_back(m_cat->correct[size_t(i)]);
                if (!m_cat->predictions.isEmpty())
                    large.predictions << m_cat->predictions[i];
                large.decisionValues.push_back(m_cat->decisionValues[size_t(i)]);
                if (!m_cat->hardness.empty())
                    large.hardness.push_back(m_cat->hardness[size_t(i)]);
                for (int c = 0; c < m_cat->dim; ++c)
                    large.embeddings.push_back(m_cat->embeddings[size_t(i) * size_t(m_cat->dim) + size_t(c)] + noise(rng));
            }
        EmbeddingIndex::setApproximateMinRowsForTesting(100);
        QSignalSpy ready(m_dock, &DifficultyDock::approximateIndexReady);
        m_dock->showClass(std::make_shared<const RunClassImages>(large), m_project.root, m_project.projectPath(), 1);
        QVERIFY(ready.wait(kTimeout));
        EmbeddingIndex::setApproximateMinRowsForTesting(0);
        QCOMPARE(m_dock->searchesApproximately(), ready.first().first().toBool());
        QVERIFY(!ready.first().at(1).toBool()); // calibrated, then kept in the project
        QTRY_VERIFY_WITH_TIMEOUT(!m_dock->isCalibrating(), kTimeout); // the finished job goes at the next event loop turn
        const QByteArray kept = ProjectStore(m_project.projectPath()).loadSearchIndex(1, QStringLiteral("cat"), splitName(Split::Test));
        QVERIFY(!kept.isEmpty());
        // The same class again (a reopening): read back, not calibrated again.
        EmbeddingIndex::setApproximateMinRowsForTesting(100);
        ready.clear();
        m_dock->showClass(std::make_shared<const RunClassImages>(large), m_project.root, m_project.projectPath(), 1);
        QVERIFY(ready.wait(kTimeout));
        EmbeddingIndex::setApproximateMinRowsForTesting(0);
        QVERIFY(ready.first().at(1).toBool());
        QCOMPARE(m_dock->searchesApproximately(), ready.first().first().toBool());
        QTRY_VERIFY_WITH_TIMEOUT(!m_dock->isCalibrating(), kTimeout);
        m_dock->setDifficulty(-0.5);
        QTRY_COMPARE_WITH_TIMEOUT(m_dock->shownDifficulty(), -0.5, kTimeout);
        QCOMPARE(m_dock->nearestModel()->rowCount(), kNearest);
        for (int row = 1; row < kNearest; ++row)
            QVERIFY(m_dock->nearestModel()->cosineAt(row - 1) >= m_dock->nearestModel()->cosineAt(row));
        // Another class while calibrating: the job is cancelled, nothing arrives for the old class.
        EmbeddingIndex::setApproximateMinRowsForTesting(100);
        m_dock->showClass(std::make_shared<const RunClassImages>(large), m_project.root, m_project.projectPath(), 1);
        m_dock->showClass(m_cat, m_project.root, m_project.projectPath(), 1);
        EmbeddingIndex::setApproximateMinRowsForTesting(0);
        QTRY_VERIFY_WITH_TIMEOUT(!m_dock->isCalibrating(), kTimeout);
        QVERIFY(!m_dock->searchesApproximately());
        QTRY_VERIFY_WITH_TIMEOUT(m_dock->nearestModel()->rowCount() > 0, kTimeout);
    }

    void splitChoice()
    {
        m_dock->setSplit(Split::Val);
        QCOMPARE(m_dock->splitCombo()->currentText(), QStringLiteral("Validation"));
        m_dock->setDifficulty(-1.0);
        QTRY_VERIFY_WITH_TIMEOUT(m_dock->nearestModel()->rowCount() == kNearest && m_dock->shownDifficulty() == -1.0, kTimeout);
        QCOMPARE(m_dock->nearestModel()->paths(), expectedNearest(Split::Val, -1.0));
        for (const QString &path : m_dock->nearestModel()->paths())
            QVERIFY(path.contains(QLatin1String("/val/cat/")));
        m_dock->setSplit(Split::Test);
    }

    void tilesActivate()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_dock->nearestModel()->rowCount() > 0, kTimeout);
        QSignalSpy activated(m_dock, &DifficultyDock::imageActivated);
        auto *view = m_dock->findChild<QListView *>();
        QVERIFY(view);
        Q_EMIT view->activated(m_dock->nearestModel()->index(0));
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.first().first().toString(), m_dock->nearestModel()->paths().first());
    }

    void generateWithoutAServerShowsTheNearestRealImages()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_textModel->state() == RunTextModel::State::Ready, kTimeout);
        GeneratedSamplesPanel *panel = m_dock->samplesPanel();
        QVERIFY(m_dock->generateButton()->isVisibleTo(m_dock));
        QVERIFY(panel->summaryText().contains(QLatin1String("press Generate")));
        SampleSettings samples;
        samples.imagesPerRequest = 3;
        AppSettings::setSampleSettings(samples);
        m_dock->setDifficulty(-1.0);
        QTest::mouseClick(m_dock->generateButton(), Qt::LeftButton);
        QCOMPARE(m_dock->resultTabs()->currentWidget(), panel);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isGenerating(), kTimeout);
        QVERIFY2(panel->noteText().contains(QLatin1String("no generation server"), Qt::CaseInsensitive), qPrintable(panel->noteText()));
        QCOMPARE(panel->sampleCount(), 3);
        QCOMPARE(m_dock->resultTabs()->tabText(1), QStringLiteral("Generated (3)"));
        int wrong = 0;
        for (int row = 0; row < 3; ++row) {
            const QModelIndex index = panel->samples()->index(row);
            QVERIFY(QFileInfo::exists(index.data(GalleryModel::PathRole).toString()));
            QVERIFY(index.data(GalleryModel::CorrectRole).isValid()); // the project's prediction is its verdict
            wrong += index.data(GalleryModel::CorrectRole).toBool() ? 0 : 1;
            QVERIFY(panel->samples()->sampleAt(row).group == QLatin1String("hard"));
        }
        QVERIFY(wrong >= 2); // the hardest end of the slider finds the planted failures
        const QVector<double> bars = panel->chart()->accuracies(); // Fig. 8b: hard, reference, easy
        QCOMPARE(bars[0], double(3 - wrong) / 3);
        QVERIFY(std::isnan(bars[1]) && std::isnan(bars[2]));
        QVERIFY2(panel->summaryText().contains(QLatin1String("hard")), qPrintable(panel->summaryText()));
        QVERIFY(testing::saveScreenshot(m_dock, m_cache, QStringLiteral("difficulty-generated.png")));
    }

    void generateWithAnEmbeddingDecoder()
    {
        GeneratedSamplesPanel *panel = m_dock->samplesPanel();
        const int before = panel->sampleCount();
        testing::FakeGenerationServer server;
        server.setDecoder(m_textModel->embeddingSpace(), m_cat->dim);
        // The first request stalls: the window stays responsive and the dock shows it is working.
        server.script("/v1/decode", {testing::FakeBehaviour::slow(1500)});
        GenerationBackendConfig config;
        config.kind = GenerationBackendConfig::kEmbeddingDecoder;
        config.url = server.url();
        config.limits.timeoutMs = 10000;
        AppSettings::setGenerationBackend(config);
        SampleSettings samples;
        samples.imagesPerRequest = 2;
        samples.width = samples.height = 64;
        AppSettings::setSampleSettings(samples);
        m_dock->setDifficulty(0.5);
        QTest::mouseClick(m_dock->generateButton(), Qt::LeftButton);
        QVERIFY(panel->isGenerating());
        QVERIFY(!m_dock->generateButton()->isEnabled());
        QElapsedTimer clock;
        clock.start();
        QTest::qWait(300);
        QVERIFY(clock.elapsed() < 1000); // the event loop ran while the server stalled
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isGenerating(), kTimeout);
        QVERIFY(m_dock->generateButton()->isEnabled());
        QCOMPARE(panel->sampleCount(), before + 2);
        const GeneratedSample newest = panel->samples()->sampleAt(0);
        QCOMPARE(newest.backend, QStringLiteral("embedding-decoder"));
        QCOMPARE(newest.group, QStringLiteral("easy"));
        QCOMPARE(newest.alpha, std::optional<double>(0.5));
        QVERIFY(!newest.correct().has_value()); // no classifier in this project: no verdict, and the note says so
        QVERIFY2(panel->noteText().contains(QLatin1String("no classifier"), Qt::CaseInsensitive), qPrintable(panel->noteText()));
        QVERIFY(!panel->samples()->index(0).data(GalleryModel::CorrectRole).isValid());
        QVERIFY(QFileInfo::exists(panel->samples()->absolutePath(0)));

        // Made again from its seed (the tile's context menu): the same image, and the note says so.
        panel->makeAgain({newest.id});
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isGenerating(), kTimeout);
        QVERIFY2(panel->noteText().contains(QLatin1String("identical")), qPrintable(panel->noteText()));
        QCOMPARE(panel->samples()->sampleAt(0).file, newest.file);
        QCOMPARE(panel->sampleCount(), before + 3);

        // A server that keeps failing: the fault is reported, the samples already made stay.
        const testing::FakeBehaviour failure = testing::FakeBehaviour::status(500, R"({"error":"out of memory"})");
        server.script("/v1/decode", {failure, failure, failure});
        config.limits.backoffMs = 10;
        AppSettings::setGenerationBackend(config);
        QTest::mouseClick(m_dock->generateButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isGenerating(), kTimeout);
        QVERIFY2(panel->noteText().contains(QLatin1String("HTTP 500")) && panel->noteText().contains(QLatin1String("out of memory")),
                 qPrintable(panel->noteText()));
        QCOMPARE(panel->sampleCount(), before + 3);
        QCOMPARE(ProjectStore(m_project.projectPath()).generatedSamples(QStringLiteral("cat")).size(), qsizetype(before + 3));

        // Cancel while a request stalls.
        server.script("/v1/decode", {testing::FakeBehaviour::slow(20000)});
        QTest::mouseClick(m_dock->generateButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(server.requests("/v1/decode").size() >= 5, kTimeout);
        panel->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isGenerating(), 5000);
        QVERIFY2(panel->noteText().contains(QLatin1String("Cancelled")), qPrintable(panel->noteText()));
        AppSettings::setGenerationBackend(GenerationBackendConfig{GenerationBackendConfig::kRetrieval, {}, {}, {}, {}});
    }

    void aClassWithoutDirectionShowsTheError()
    {
        auto bird = std::make_shared<RunClassImages>(*m_cat);
        bird->className = QStringLiteral("bird");
        m_dock->showClass(bird, m_project.root, m_project.projectPath(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!m_dock->messageText().isEmpty(), kTimeout);
        QVERIFY2(m_dock->messageText().contains(QLatin1String("bird")), qPrintable(m_dock->messageText()));
        QCOMPARE(m_dock->nearestModel()->rowCount(), 0);
        m_dock->showClass(m_cat, m_project.root, m_project.projectPath(), 1); // and back
        QTRY_VERIFY_WITH_TIMEOUT(m_dock->nearestModel()->rowCount() == kNearest, kTimeout);
        QVERIFY(m_dock->messageText().isEmpty());
    }

    void runWithoutCheckpointExplains()
    {
        RunTextModel textModel;
        DifficultyDock dock(&textModel, m_cache);
        dock.resize(760, 420);
        dock.setNearestCount(kNearest);
        ProjectStore store(m_project.importedProjectPath());
        auto cat = std::make_shared<RunClassImages>(loadRunClassImages(store, 1, QStringLiteral("cat")));
        dock.showClass(cat, m_project.imported, m_project.importedProjectPath(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(textModel.state(), RunTextModel::State::NoCheckpoint, kTimeout);
        auto *status = dock.findChild<TextModelStatus *>();
        QVERIFY(status && status->isVisibleTo(&dock));
        QVERIFY2(status->text().contains(QLatin1String("imported")), qPrintable(status->text()));
        QVERIFY(status->chooseButton()->isVisibleTo(&dock));
        QTest::qWait(200);
        QCOMPARE(dock.nearestModel()->rowCount(), 0);
        QVERIFY(testing::saveScreenshot(&dock, m_cache, QStringLiteral("difficulty_dock_no_checkpoint.png")));

        textModel.chooseCheckpoint(m_project.modelPath);
        QTRY_COMPARE_WITH_TIMEOUT(dock.shownDifficulty(), 0.0, kTimeout);
        QCOMPARE(dock.nearestModel()->rowCount(), kNearest);
        QVERIFY(!status->isVisibleTo(&dock));
    }
};

QTEST_MAIN(TestDifficultyDock)
#include "test_difficulty_dock.moc"
