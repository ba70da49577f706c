#include "clip/ClipModel.h"
#include "common/Error.h"
#include "io/NpyFile.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace faultline;

namespace {

struct Agreement
{
    double maxAbsDiff = 0;
    double minCosine = 1;
};

Agreement compareRows(const std::vector<float> &actual, const NpyMatrix &expected)
{
    Agreement a;
    for (qint64 r = 0; r < expected.rows; ++r) {
        double dot = 0, na = 0, ne = 0;
        for (qint64 c = 0; c < expected.cols; ++c) {
            const double x = actual[size_t(r * expected.cols + c)], y = expected.values[size_t(r * expected.cols + c)];
            a.maxAbsDiff = std::max(a.maxAbsDiff, std::abs(x - y));
            dot += x * y;
            na += x * x;
            ne += y * y;
        }
        a.minCosine = std::min(a.minCosine, dot / std::sqrt(na * ne));
    }
    return a;
}

std::vector<qint64> tokensOf(const NpyMatrix &m)
{
    return std::vector<qint64>(m.values.begin(), m.values.end());
}

} // namespace

class TestClipModel : public QObject
{
    Q_OBJECT
private:
    QString m_reference;
    QTemporaryDir m_fixtures;

    QString fixture(const QString &name) const { return m_fixtures.filePath(name); }
    QString reference(const QString &name) const { return QDir(m_reference).filePath(name); }

    void checkParity(const QString &checkpoint, const QString &pixels, const QString &imageEmbeddings,
                     const QString &tokens, const QString &textEmbeddings, double tolerance)
    {
        const auto model = ClipModel::load(checkpoint, ComputeDevice::Cpu);
        const NpyMatrix images = readNpyMatrix(fixture(pixels));
        const Agreement img = compareRows(model->encodeImages(images.values.data(), int(images.rows)),
                                          readNpyMatrix(fixture(imageEmbeddings)));
        const NpyMatrix ids = readNpyMatrix(fixture(tokens));
        const Agreement txt = compareRows(model->encodeText(tokensOf(ids), int(ids.rows)),
                                          readNpyMatrix(fixture(textEmbeddings)));
        qInfo("%s: image max|diff| %.2e cos %.7f; text max|diff| %.2e cos %.7f", qPrintable(QFileInfo(checkpoint).fileName()),
              img.maxAbsDiff, img.minCosine, txt.maxAbsDiff, txt.minCosine);
        QVERIFY2(img.maxAbsDiff <= tolerance, qPrintable(QStringLiteral("image diff %1").arg(img.maxAbsDiff)));
        QVERIFY(img.minCosine >= 0.99999);
        QVERIFY2(txt.maxAbsDiff <= tolerance, qPrintable(QStringLiteral("text diff %1").arg(txt.maxAbsDiff)));
        QVERIFY(txt.minCosine >= 0.99999);
    }

    void expectLoadError(const QString &path, const QString &fragment)
    {
        try {
            ClipModel::load(path, ComputeDevice::Cpu);
            QFAIL("loading should have failed");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(fragment), qPrintable(error.message()));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_reference = qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE");
        QVERIFY2(QFileInfo(reference(QStringLiteral("tiny_clip.safetensors"))).exists(),
                 qPrintable(QStringLiteral("CLIP reference data not found in FAULTLINE_CLIP_REFERENCE='%1'").arg(m_reference)));
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral(FAULTLINE_CLIP_TEST_DIR "/make_clip_fixtures.py"), m_reference, m_fixtures.path()});
        QVERIFY(python.waitForFinished(180000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    }

    void inferHyperParametersFromShapes()
    {
        const auto model = ClipModel::load(reference(QStringLiteral("tiny_clip.safetensors")), ComputeDevice::Cpu);
        const ClipHyperParams &hp = model->hyperParams();
        QCOMPARE(hp.embedDim, 64);
        QCOMPARE(hp.imageResolution, 64);
        QCOMPARE(hp.patchSize, 16);
        QCOMPARE(hp.visionWidth, 128);
        QCOMPARE(hp.visionLayers, 2);
        QCOMPARE(hp.visionHeads, 2);
        QCOMPARE(hp.contextLength, 77);
        QCOMPARE(hp.vocabSize, 49408);
        QCOMPARE(hp.textWidth, 128);
        QCOMPARE(hp.textLayers, 2);
        QCOMPARE(hp.textHeads, 2);
        QVERIFY(model->deviceName().startsWith(QLatin1String("cpu")));
    }

    void matchesOpenAiOnTheTinyModel()
    {
        checkParity(reference(QStringLiteral("tiny_clip.safetensors")), QStringLiteral("images.npy"),
                    QStringLiteral("image_embeddings.npy"), QStringLiteral("text_tokens.npy"),
                    QStringLiteral("text_embeddings.npy"), 1e-4);
    }

    void matchesOpenAiFromATorchScriptArchive()
    {
        checkParity(fixture(QStringLiteral("tiny_clip_torchscript.pt")), QStringLiteral("images.npy"),
                    QStringLiteral("image_embeddings.npy"), QStringLiteral("text_tokens.npy"),
                    QStringLiteral("text_embeddings.npy"), 1e-4);
    }

    void matchesOpenAiOnSetB_data()
    {
        QTest::addColumn<QString>("checkpoint");
        QTest::addColumn<QString>("suffix");
        QTest::newRow("openai keys f32") << QStringLiteral("set-b/tiny_clip_state_dict.safetensors") << QString();
        QTest::newRow("hugging face keys") << QStringLiteral("set-b/tiny_clip_hf_keys.safetensors") << QString();
        QTest::newRow("fp16 mixed") << QStringLiteral("set-b/tiny_clip_state_dict_fp16mixed.safetensors")
                                    << QStringLiteral("_fp16w");
    }

    void matchesOpenAiOnSetB()
    {
        QFETCH(QString, checkpoint);
        QFETCH(QString, suffix);
        checkParity(reference(checkpoint), QStringLiteral("setb_pixel_values.npy"),
                    QStringLiteral("setb_image_embeds%1.npy").arg(suffix), QStringLiteral("setb_text_tokens.npy"),
                    QStringLiteral("setb_text_embeds%1.npy").arg(suffix), 1e-4);
    }

    void namesTheMissingTensor()
    {
        expectLoadError(fixture(QStringLiteral("missing_tensor.safetensors")), QStringLiteral("visual.ln_post.weight"));
    }

    void namesTheMismatchedTensor()
    {
        expectLoadError(fixture(QStringLiteral("wrong_shape.safetensors")),
                        QStringLiteral("tensor 'transformer.resblocks.1.mlp.c_fc.weight' has shape [512, 64], expected [512, 128]"));
    }

    void rejectsTruncatedAndForeignFiles()
    {
        expectLoadError(fixture(QStringLiteral("truncated.safetensors")), QStringLiteral("truncated.safetensors"));
        expectLoadError(fixture(QStringLiteral("images.npy")), QStringLiteral("images.npy"));
        expectLoadError(fixture(QStringLiteral("no-such-model.pt")), QStringLiteral("no-such-model.pt"));
    }

    void rejectsBadTokenInput()
    {
        const auto model = ClipModel::load(reference(QStringLiteral("tiny_clip.safetensors")), ComputeDevice::Cpu);
        QVERIFY_THROWS_EXCEPTION(Error, model->encodeText(std::vector<qint64>(10, 1), 1));
        std::vector<qint64> outOfVocabulary(77, 0);
        outOfVocabulary[0] = 50000;
        QVERIFY_THROWS_EXCEPTION(Error, model->encodeText(outOfVocabulary, 1));
    }

    void cudaRequestWithoutCudaIsAClearError()
    {
        try {
            ClipModel::load(reference(QStringLiteral("tiny_clip.safetensors")), ComputeDevice::Cuda);
            // A machine with CUDA: the model must then run there.
        } catch (const Error &error) {
            QVERIFY(error.message().contains(QLatin1String("CUDA")));
        }
    }
};

QTEST_GUILESS_MAIN(TestClipModel)
#include "test_clip_model.moc"
