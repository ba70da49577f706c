// Running a classifier from the workbench: the Run classifier dialog (problems in place, presets,
// the spec it builds and remembers), the analysis dialog taking a classifier instead of a CSV,
// and ProjectSession::predict storing the classifier's predictions for a dataset without any.

#include "dialogs/AnalysisDialog.h"
#include "dialogs/ClassifierDialog.h"
#include "session/ProjectSession.h"
#include "TestImages.h"
#include "TinyClassifiers.h"
#include "store/ProjectStore.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace faultline;

class TestClassifierDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_model; // colour.pt: blue/green images are "cat", red/yellow ones "dog"

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FaultlineTest"));
        QSettings().clear();
        const QString failure = testing::makeColourClassifier(m_tmp.path());
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        m_model = QDir(m_tmp.path()).filePath(QStringLiteral("colour.pt"));
    }

    void problemsShowInPlace()
    {
        ClassifierDialog dialog;
        QVERIFY(!dialog.runButton()->isEnabled());
        QVERIFY2(dialog.problemText().contains(QLatin1String("TorchScript file")), qPrintable(dialog.problemText()));
        dialog.modelEdit()->setText(QDir(m_tmp.path()).filePath(QStringLiteral("missing.pt")));
        QVERIFY2(dialog.problemText().contains(QLatin1String("missing.pt")), qPrintable(dialog.problemText()));
        dialog.modelEdit()->setText(m_model);
        QVERIFY(dialog.runButton()->isEnabled());
        QLineEdit *mean = dialog.meanEdit();
        mean->setText(QStringLiteral("0.5, x, 0.5"));
        QVERIFY2(dialog.problemText().contains(QLatin1String("'x'")), qPrintable(dialog.problemText()));
        QVERIFY(!dialog.runButton()->isEnabled());
        mean->setText(QStringLiteral("0.5, 0.4"));
        QVERIFY2(dialog.problemText().contains(QLatin1String("three")), qPrintable(dialog.problemText()));
    }

    void buildsAndRemembersTheSpec()
    {
        {
            ClassifierDialog dialog;
            dialog.modelEdit()->setText(m_model);
            QComboBox *preset = dialog.normalisationCombo();
            QCOMPARE(preset->currentText(), QStringLiteral("ImageNet (torchvision)"));
            preset->setCurrentIndex(1); // [0, 1]
            Q_EMIT preset->activated(1);
            dialog.inputSizeSpin()->setValue(16);
            const ClassifierSpec spec = dialog.spec();
            QCOMPARE(spec.path, m_model);
            QCOMPARE(spec.inputSize, 16);
            QCOMPARE(spec.mean, (std::array<float, 3>{0.f, 0.f, 0.f}));
            QCOMPARE(spec.std, (std::array<float, 3>{1.f, 1.f, 1.f}));
            QCOMPARE(spec.output, ClassifierSpec::Output::Logits);
            dialog.accept();
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        ClassifierDialog again; // the next dataset starts from the spec last run
        QCOMPARE(again.spec().path, m_model);
        QCOMPARE(again.spec().inputSize, 16);
        QCOMPARE(again.spec().std, (std::array<float, 3>{1.f, 1.f, 1.f}));
    }

    void theAnalysisDialogTakesAClassifierInsteadOfACsv()
    {
        DatasetState state; // a dataset without predictions
        AnalysisDialog dialog(state);
        QVERIFY(!dialog.setup().classifier);
        ClassifierSpec spec;
        spec.path = m_model;
        dialog.setClassifier(spec);
        QCOMPARE(dialog.setup().classifier->path, m_model);
        QVERIFY(dialog.setup().predictionsCsv.isEmpty());
        dialog.predictionsEdit()->setText(QStringLiteral("p.csv")); // a CSV replaces the classifier
        QVERIFY(!dialog.setup().classifier);
    }

    void theSessionStoresTheClassifiersPredictions()
    {
        const QString root = QDir(m_tmp.path()).filePath(QStringLiteral("data"));
        int seed = 0;
        for (const QString &cls : {QStringLiteral("cat"), QStringLiteral("dog")})
            for (int i = 0; i < 6; ++i, ++seed) {
                const bool wrong = i % 3 == 0; // red cats and green dogs
                const bool cat = cls == QLatin1String("cat");
                const QByteArray png = cat ? (wrong ? testing::colourPng(20, 20, 210, 30, 30, seed) : testing::colourPng(20, 20, 30, 40, 210, seed))
                                           : (wrong ? testing::colourPng(20, 20, 30, 200, 40, seed) : testing::colourPng(20, 20, 220, 210, 30, seed));
                QVERIFY(testing::writeBytes(QDir(root).filePath(QStringLiteral("%1/%2.png").arg(cls).arg(i)), png));
            }
        ProjectSession session;
        session.open(root);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy() && session.state().images == 12, 60000);
        QCOMPARE(session.state().predictions, qint64(0));
        ClassifierSpec spec = testing::colourClassifierSpec(m_model);
        session.predict(spec);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy() && session.state().predictions == 12, 60000);
        int wrong = 0;
        for (const LabeledImage &image : ProjectStore(ProjectStore::defaultPath(root)).labeledImages())
            wrong += image.correct() ? 0 : 1;
        QCOMPARE(wrong, 4);

        QSignalSpy errors(&session, &ProjectSession::errorOccurred);
        spec.path = QDir(m_tmp.path()).filePath(QStringLiteral("missing.pt"));
        session.predict(spec);
        QTRY_VERIFY_WITH_TIMEOUT(errors.size() == 1, 60000);
        QVERIFY2(errors.first().first().toString().contains(QLatin1String("missing.pt")), qPrintable(errors.first().first().toString()));
        QCOMPARE(session.state().predictions, qint64(12)); // nothing stored is lost
    }
};

QTEST_MAIN(TestClassifierDialog)
#include "test_classifier_dialog.moc"
