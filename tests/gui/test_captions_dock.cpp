// The Captions dock over a real project embedded by the tiny reference CLIP: ranked Hard/Easy
// lists equal to core rankCaptions, stored scores shown without the model, a chosen caption's
// nearest test images and validation curve, bad vocabulary files and a run without a CLIP
// checkpoint (its explanation, a bad and a good chosen checkpoint).

#include "support/AppSettings.h"
#include "interpret/CaptionsDock.h"
#include "DockScreenshot.h"
#include "FakeGenerationServer.h"
#include "generation/GeneratedSamplesPanel.h"
#include "interpret/ImageResultTabs.h"
#include "InterpretTestProject.h"
#include "gallery/NeighborListModel.h"
#include "support/QCustomPlotInclude.h"
#include "session/RunTextModel.h"
#include "generation/SampleListModel.h"
#include "session/TextModelStatus.h"
#include "gallery/ThumbnailCache.h"
#include "captions/CaptionCandidates.h"
#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "embedding/TextEmbedder.h"
#include "interpret/CaptionValidation.h"
#include "interpret/RunImages.h"
#include "interpret/StoredFailureDirection.h"
#include "jobs/BackgroundJob.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <cmath>

using namespace faultline;

namespace {

constexpr int kTimeout = 120000;

struct Shown
{
    QString caption;
    double score = 0;
};

QVector<Shown> shownCaptions(const QTreeWidget *list)
{
    QVector<Shown> shown;
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        shown.push_back({list->topLevelItem(i)->text(1), list->topLevelItem(i)->data(0, Qt::UserRole + 1).toDouble()});
    return shown;
}

} // namespace

class TestCaptionsDock : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    testing::InterpretTestProject m_project;
    std::unique_ptr<ClipModel> m_model;
    std::shared_ptr<const RunClassImages> m_cat;
    ThumbnailCache *m_cache = nullptr;
    RunTextModel *m_textModel = nullptr;
    CaptionsDock *m_dock = nullptr;
    QVector<Shown> m_firstHard;

    QHash<QString, double> coreScores(const CaptionVocabulary &vocabulary, const QString &reference)
    {
        QStringList texts;
        for (const CaptionCandidate &c : captionCandidates(vocabulary, QStringLiteral("cat")))
            texts << c.text;
        ProjectStore store(m_project.projectPath());
        const StoredFailureDirection direction = StoredFailureDirection::load(store, 1, QStringLiteral("cat"));
        QHash<QString, double> scores;
        for (const RankedCaption &c : rankCaptions(direction, texts, embedTexts(*m_model, ClipTokenizer::builtin(), texts),
                                                   embedTexts(*m_model, ClipTokenizer::builtin(), {reference})))
            scores.insert(c.caption, c.score);
        return scores;
    }

    void verifyLists(const QHash<QString, double> &expected)
    {
        const QVector<Shown> hard = shownCaptions(m_dock->hardList());
        const QVector<Shown> easy = shownCaptions(m_dock->easyList());
        const int n = int(expected.size());
        QCOMPARE(hard.size() + easy.size(), qsizetype(std::min(n, 2 * CaptionsDock::kShownPerSide)));
        for (int i = 1; i < hard.size(); ++i)
            QVERIFY2(hard[i - 1].score <= hard[i].score, "Hard: most negative first");
        for (int i = 1; i < easy.size(); ++i)
            QVERIFY2(easy[i - 1].score >= easy[i].score, "Easy: most positive first");
        QVERIFY(hard.last().score <= easy.last().score);
        for (const Shown &s : hard + easy) {
            QVERIFY2(expected.contains(s.caption), qPrintable(s.caption));
            QVERIFY2(std::abs(expected[s.caption] - s.score) <= 1e-4 * std::max(1.0, std::abs(s.score)),
                     qPrintable(QStringLiteral("%1: %2 vs %3").arg(s.caption).arg(s.score).arg(expected[s.caption])));
        }
        // The lowest score of all is on top of Hard, the highest on top of Easy.
        double lo = 1e300, hi = -1e300;
        for (double v : expected)
            lo = std::min(lo, v), hi = std::max(hi, v);
        QVERIFY(std::abs(hard.first().score - lo) <= 1e-4 * std::max(1.0, std::abs(lo)));
        QVERIFY(std::abs(easy.first().score - hi) <= 1e-4 * std::max(1.0, std::abs(hi)));
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
        m_model = ClipModel::load(m_project.modelPath, ComputeDevice::Cpu);
        ProjectStore store(m_project.projectPath());
        m_cat = std::make_shared<RunClassImages>(loadRunClassImages(store, 1, QStringLiteral("cat")));
        m_cache = new ThumbnailCache(this);
        m_textModel = new RunTextModel(this);
        m_dock = new CaptionsDock(m_textModel, m_cache);
        m_dock->resize(980, 720);
    }

    void cleanupTestCase()
    {
        delete m_dock;
    }

    void emptyStateSaysWhatToDo()
    {
        QVERIFY(m_dock->emptyStateText().contains(QLatin1String("Select a class")));
        QCOMPARE(m_dock->hardList()->topLevelItemCount(), 0);
    }

    void ranksCaptionsLikeTheCore()
    {
        QStringList titles; // jobs end (and are deleted) before the test looks: take their titles at once
        const QMetaObject::Connection announced = connect(m_textModel, &RunTextModel::jobStarted, this,
                                                          [&titles](BackgroundJob *job) { titles << job->title(); });
        m_dock->showClass(m_cat, m_project.root, m_project.projectPath(), 1);
        QVERIFY(m_dock->emptyStateText().isEmpty());
        QCOMPARE(m_dock->referenceEdit()->text(), QStringLiteral("a photo of a cat"));
        QCOMPARE(m_dock->referenceEdit()->cursorPosition(), 0); // its start shows in a narrow field
        QTRY_VERIFY_WITH_TIMEOUT(m_dock->hardList()->topLevelItemCount() > 0, kTimeout);
        QVERIFY2(m_dock->messageText().isEmpty(), qPrintable(m_dock->messageText()));
        QVERIFY(!m_dock->scoresFromStore());
        // The model load and the ranking are announced for the Jobs dock.
        disconnect(announced);
        QCOMPARE(titles, (QStringList{QStringLiteral("Loading the CLIP text model"), QStringLiteral("Ranking captions of cat")}));
        verifyLists(coreScores(CaptionVocabulary::builtin(QStringLiteral("generic")), QStringLiteral("a photo of a cat")));
        m_firstHard = shownCaptions(m_dock->hardList());

        // And they were stored for the run, class and vocabulary.
        ProjectStore store(m_project.projectPath());
        const auto stored = store.captionScores(1, QStringLiteral("cat"), QStringLiteral("generic"));
        QVERIFY(!stored.isEmpty());
        QCOMPARE(stored.first().first, m_firstHard.first().caption);
    }

    void storedScoresAreShownWithoutRanking()
    {
        QSignalSpy jobs(m_textModel, &RunTextModel::jobStarted);
        m_dock->clearClass();
        QVERIFY(!m_dock->emptyStateText().isEmpty());
        m_dock->showClass(m_cat, m_project.root, m_project.projectPath(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(m_dock->scoresFromStore(), kTimeout);
        QCOMPARE(jobs.size(), 0); // same run: no reload, no ranking job
        const QVector<Shown> hard = shownCaptions(m_dock->hardList());
        QCOMPARE(hard.size(), m_firstHard.size());
        for (int i = 0; i < hard.size(); ++i)
            QCOMPARE(hard[i].caption, m_firstHard[i].caption);
        QVERIFY(m_dock->summaryText().contains(QLatin1String("stored")));
    }

    void choosingACaptionShowsNearestImagesAndItsCurve()
    {
        QTreeWidget *hard = m_dock->hardList();
        hard->setCurrentItem(hard->topLevelItem(0));
        const QString caption = hard->topLevelItem(0)->text(1);
        QCOMPARE(m_dock->chosenCaption(), caption);
        QCustomPlot *plot = m_dock->validationPlot();
        // 12 test images: K = 10, 11, 12.
        QTRY_COMPARE_WITH_TIMEOUT(plot->graph(0)->dataCount(), 3, kTimeout);
        QCOMPARE(plot->graph(1)->dataCount(), 3);

        const RunClassImages test = validationImages(*m_cat, Split::Test);
        QCOMPARE(test.size(), qsizetype(12));
        const auto expected = accuracyAlongCaption(test.embeddings, test.correct,
                                                   embedTexts(*m_model, ClipTokenizer::builtin(), {caption}));
        const auto reference = accuracyAlongCaption(test.embeddings, test.correct,
                                                    embedTexts(*m_model, ClipTokenizer::builtin(),
                                                               {QStringLiteral("a photo of a cat")}));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(plot->graph(0)->data()->at(i)->key, double(expected[size_t(i)].k));
            QCOMPARE(plot->graph(0)->data()->at(i)->value, expected[size_t(i)].accuracy);
            QCOMPARE(plot->graph(1)->data()->at(i)->value, reference[size_t(i)].accuracy);
        }

        // Nearest images: the 12 test cats, most similar first, with their correctness.
        NeighborListModel *nearest = m_dock->nearestModel();
        QCOMPARE(nearest->rowCount(), 12);
        for (int row = 0; row < nearest->rowCount(); ++row) {
            QVERIFY(nearest->itemAt(row).relativePath.startsWith(QLatin1String("test/cat/")));
            if (row > 0)
                QVERIFY(nearest->cosineAt(row - 1) >= nearest->cosineAt(row));
            const bool red = nearest->itemAt(row).relativePath.section(QLatin1Char('/'), 2).section(QLatin1Char('.'), 0, 0).toInt() % 2 == 0;
            QCOMPARE(nearest->index(row).data(GalleryModel::CorrectRole).toBool(), !red);
        }
        QVERIFY(nearest->index(0).data(GalleryModel::DetailRole).toString().startsWith(QLatin1String("cos 0.")));

        QSignalSpy activated(m_dock, &CaptionsDock::imageActivated);
        auto *view = m_dock->findChild<QListView *>();
        QVERIFY(view);
        Q_EMIT view->activated(nearest->index(0));
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.first().first().toString(), nearest->itemAt(0).path);

        QVERIFY(testing::saveScreenshot(m_dock, m_cache, QStringLiteral("captions_dock.png")));
    }

    void generateFromTheChosenCaptionAndTheTopCaptions()
    {
        testing::FakeGenerationServer server;
        GenerationBackendConfig config;
        config.kind = GenerationBackendConfig::kAutomatic1111;
        config.url = server.url();
        AppSettings::setGenerationBackend(config);
        SampleSettings samples;
        samples.imagesPerRequest = 2;
        samples.width = samples.height = 64;
        AppSettings::setSampleSettings(samples);

        const QString chosen = m_dock->chosenCaption(); // the top hard caption, chosen above
        QVERIFY(!chosen.isEmpty());
        GeneratedSamplesPanel *panel = m_dock->samplesPanel();
        m_dock->generate(CaptionsDock::GenerateFrom::ChosenCaption);
        QCOMPARE(m_dock->resultTabs()->currentWidget(), panel);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isGenerating(), kTimeout);
        QCOMPARE(panel->sampleCount(), 2);
        QCOMPARE(server.requests("/sdapi/v1/txt2img").size(), 1);
        QCOMPARE(server.requests("/sdapi/v1/txt2img").first().json().value(QStringLiteral("prompt")).toString(), chosen);
        QCOMPARE(panel->samples()->sampleAt(0).group, QStringLiteral("hard"));
        QCOMPARE(panel->samples()->sampleAt(0).prompt, chosen);

        // The paper's recipe: the top hard and easy captions and the reference.
        m_dock->generate(CaptionsDock::GenerateFrom::TopCaptions);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isGenerating(), kTimeout);
        QCOMPARE(panel->sampleCount(), 2 + 10);
        QCOMPARE(m_dock->resultTabs()->tabText(1), QStringLiteral("Generated (12)"));
        QSet<QString> groups;
        for (int row = 0; row < panel->sampleCount(); ++row)
            groups.insert(panel->samples()->sampleAt(row).group);
        QCOMPARE(groups, (QSet<QString>{QStringLiteral("hard"), QStringLiteral("easy"), QStringLiteral("reference")}));
        QVERIFY(testing::saveScreenshot(m_dock, m_cache, QStringLiteral("captions_dock_generated.png")));
        m_dock->resultTabs()->setCurrentIndex(0);
        m_dock->hide();
        AppSettings::setGenerationBackend(GenerationBackendConfig{GenerationBackendConfig::kRetrieval, {}, {}, {}, {}});
    }

    void editedReferenceRanksAgainWithoutOverwritingStoredScores()
    {
        ProjectStore store(m_project.projectPath());
        const auto before = store.captionScores(1, QStringLiteral("cat"), QStringLiteral("generic"));
        m_dock->setReferenceCaption(QStringLiteral("a photo of a blue cat"));
        QCOMPARE(m_dock->referenceEdit()->text(), QStringLiteral("a photo of a blue cat"));
        QTRY_VERIFY_WITH_TIMEOUT(m_dock->hardList()->topLevelItemCount() > 0, kTimeout);
        QVERIFY(!m_dock->scoresFromStore());
        CaptionVocabulary vocabulary = CaptionVocabulary::builtin(QStringLiteral("generic"));
        vocabulary.setClassReference(QStringLiteral("cat"), QStringLiteral("a photo of a blue cat"));
        verifyLists(coreScores(vocabulary, QStringLiteral("a photo of a blue cat")));
        QCOMPARE(store.captionScores(1, QStringLiteral("cat"), QStringLiteral("generic")), before);

        // Back to the vocabulary's reference: the stored scores again.
        m_dock->setReferenceCaption(QString());
        QCOMPARE(m_dock->referenceEdit()->text(), QStringLiteral("a photo of a cat"));
        QTRY_VERIFY_WITH_TIMEOUT(m_dock->scoresFromStore(), kTimeout);
    }

    void malformedVocabularyFileShowsItsError()
    {
        const QString bad = QDir(m_tmp.path()).filePath(QStringLiteral("bad_vocabulary.json"));
        QVERIFY(testing::writeText(bad, QStringLiteral("{\"format\": \"faultline-caption-vocabulary\", \"version\": 1,")));
        m_dock->setVocabulary(bad);
        QVERIFY2(m_dock->messageText().contains(QLatin1String("bad_vocabulary.json")), qPrintable(m_dock->messageText()));
        QCOMPARE(m_dock->vocabularyCombo()->currentText(), QStringLiteral("bad_vocabulary.json"));
        QCOMPARE(m_dock->hardList()->topLevelItemCount(), 0);
        QVERIFY(!m_dock->isBusy());

        m_dock->setVocabulary(QStringLiteral("cifar10"));
        QVERIFY(m_dock->messageText().isEmpty());
        QCOMPARE(m_dock->vocabularyCombo()->currentText(), QStringLiteral("cifar10"));
        QTRY_VERIFY_WITH_TIMEOUT(m_dock->hardList()->topLevelItemCount() > 0, kTimeout);
        verifyLists(coreScores(CaptionVocabulary::builtin(QStringLiteral("cifar10")),
                               referenceCaption(CaptionVocabulary::builtin(QStringLiteral("cifar10")), QStringLiteral("cat"))));
        m_dock->setVocabulary(QStringLiteral("generic"));
    }

    void aClassWithoutDirectionShowsTheError()
    {
        auto bird = std::make_shared<RunClassImages>(*m_cat);
        bird->className = QStringLiteral("bird");
        m_dock->showClass(bird, m_project.root, m_project.projectPath(), 1);
        // Nothing of the last class's validation curves or their captions stays (issue 15.4).
        for (int i = 0; i < m_dock->validationPlot()->graphCount(); ++i) {
            QCOMPARE(m_dock->validationPlot()->graph(i)->dataCount(), 0);
            QVERIFY2(!m_dock->validationPlot()->graph(i)->name().contains(QLatin1String("cat")),
                     qPrintable(m_dock->validationPlot()->graph(i)->name()));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!m_dock->messageText().isEmpty(), kTimeout);
        QVERIFY2(m_dock->messageText().contains(QLatin1String("bird")), qPrintable(m_dock->messageText()));
        QCOMPARE(m_dock->hardList()->topLevelItemCount(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!m_dock->isBusy(), kTimeout);
    }

    void runWithoutCheckpointExplainsAndAcceptsAChosenOne()
    {
        RunTextModel textModel;
        CaptionsDock dock(&textModel, m_cache);
        dock.resize(980, 720);
        ProjectStore store(m_project.importedProjectPath());
        auto cat = std::make_shared<RunClassImages>(loadRunClassImages(store, 1, QStringLiteral("cat")));
        dock.showClass(cat, m_project.imported, m_project.importedProjectPath(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(textModel.state(), RunTextModel::State::NoCheckpoint, kTimeout);
        auto *status = dock.findChild<TextModelStatus *>();
        QVERIFY(status && status->isVisibleTo(&dock));
        QVERIFY2(status->text().contains(QLatin1String("imported")) && status->text().contains(QLatin1String("Choose")),
                 qPrintable(status->text()));
        QVERIFY(status->chooseButton()->isVisibleTo(&dock));
        QCOMPARE(dock.hardList()->topLevelItemCount(), 0);
        QVERIFY(testing::saveScreenshot(&dock, m_cache, QStringLiteral("captions_dock_no_checkpoint.png")));

        // Not a checkpoint: the error is shown in place.
        const QString notModel = QDir(m_tmp.path()).filePath(QStringLiteral("not_a_model.safetensors"));
        QVERIFY(testing::writeText(notModel, QStringLiteral("hello")));
        textModel.chooseCheckpoint(notModel);
        QTRY_COMPARE_WITH_TIMEOUT(textModel.state(), RunTextModel::State::Failed, kTimeout);
        QVERIFY2(status->text().contains(QLatin1String("not_a_model.safetensors")), qPrintable(status->text()));

        // The checkpoint that made the embeddings: the captions are ranked.
        textModel.chooseCheckpoint(m_project.modelPath);
        QTRY_VERIFY_WITH_TIMEOUT(dock.hardList()->topLevelItemCount() > 0, kTimeout);
        QVERIFY(!status->isVisibleTo(&dock));
    }
};

QTEST_MAIN(TestCaptionsDock)
#include "test_captions_dock.moc"
