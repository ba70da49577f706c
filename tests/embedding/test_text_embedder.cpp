// embedTexts with the tiny reference CLIP (CPU) and the built-in tokenizer: OpenAI's vectors,
// the same rows however the texts are batched, and the truncate switch.

#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "common/Error.h"
#include "embedding/TextEmbedder.h"
#include "io/NpyFile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace faultline;

namespace {

double maxAbsDiff(const float *a, const float *b, qsizetype n)
{
    double worst = 0;
    for (qsizetype i = 0; i < n; ++i)
        worst = std::max(worst, double(std::abs(a[i] - b[i])));
    return worst;
}

} // namespace

class TestTextEmbedder : public QObject
{
    Q_OBJECT

    QString m_reference;
    std::unique_ptr<ClipModel> m_model;
    QStringList m_texts; // manifest.json's texts
    int m_dim = 0;

    QString reference(const QString &name) const { return QDir(m_reference).filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        m_reference = qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE");
        QVERIFY2(QFileInfo::exists(reference(QStringLiteral("tiny_clip.safetensors"))),
                 qPrintable(QStringLiteral("CLIP reference data not found in FAULTLINE_CLIP_REFERENCE='%1'").arg(m_reference)));
        m_model = ClipModel::load(reference(QStringLiteral("tiny_clip.safetensors")), ComputeDevice::Cpu);
        m_dim = m_model->hyperParams().embedDim;
        QCOMPARE(m_dim, 64);

        QFile manifest(reference(QStringLiteral("manifest.json")));
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        const QJsonArray texts = QJsonDocument::fromJson(manifest.readAll()).object().value(QStringLiteral("texts")).toArray();
        for (const QJsonValue &text : texts)
            m_texts << text.toString();
        QCOMPARE(m_texts.size(), qsizetype(13));
    }

    void matchesOpenAiTextEmbeddings()
    {
        const NpyMatrix want = readNpyMatrix(reference(QStringLiteral("text_embeddings.npy")));
        QCOMPARE(want.rows, qint64(m_texts.size()));
        QCOMPARE(want.cols, qint64(m_dim));
        // The reference ran clip.tokenize(texts, truncate=True): the last text is cut to 77 tokens.
        const std::vector<float> got = embedTexts(*m_model, ClipTokenizer::builtin(), m_texts, true);
        QCOMPARE(got.size(), want.values.size());
        for (qint64 r = 0; r < want.rows; ++r) {
            const double diff = maxAbsDiff(got.data() + r * m_dim, want.values.data() + r * m_dim, m_dim);
            QVERIFY2(diff <= 1e-4, qPrintable(QStringLiteral("text %1 ('%2'): max |diff| %3")
                                                  .arg(r).arg(m_texts[int(r)]).arg(diff)));
        }
        // truncate defaults to true.
        QVERIFY(embedTexts(*m_model, ClipTokenizer::builtin(), m_texts) == got);
    }

    void moreTextsThanOneBatchGiveTheSameRows()
    {
        // 300 texts: more than the 256 embedTexts runs through the model at once.
        QStringList texts;
        for (int i = 0; i < 300; ++i)
            texts << QStringLiteral("%1 number %2 of %3").arg(m_texts[i % m_texts.size()]).arg(i).arg(i % 7 ? QLatin1String("many") : QLatin1String("few"));
        const std::vector<float> all = embedTexts(*m_model, ClipTokenizer::builtin(), texts);
        QCOMPARE(all.size(), size_t(300) * size_t(m_dim));
        double worst = 0;
        for (int i = 0; i < texts.size(); ++i) {
            const std::vector<float> one = embedTexts(*m_model, ClipTokenizer::builtin(), {texts[i]});
            QCOMPARE(one.size(), size_t(m_dim));
            worst = std::max(worst, maxAbsDiff(all.data() + size_t(i) * size_t(m_dim), one.data(), m_dim));
        }
        qInfo("300 at once vs one by one: max |diff| = %.3g", worst);
        QVERIFY2(worst <= 1e-5, qPrintable(QString::number(worst)));
        // Rows differ between texts (the batching did not repeat or shift rows).
        QVERIFY(maxAbsDiff(all.data() + 256 * m_dim, all.data() + 255 * m_dim, m_dim) > 1e-4);
    }

    void noTextsGiveNoRows()
    {
        QVERIFY(embedTexts(*m_model, ClipTokenizer::builtin(), QStringList()).empty());
    }

    void longTextWithoutTruncationIsAnError()
    {
        QFile expectedFile(reference(QStringLiteral("long_text_without_truncate.txt")));
        QVERIFY(expectedFile.open(QIODevice::ReadOnly));
        const QString expected = QString::fromUtf8(expectedFile.readAll()).trimmed();
        const QString longText = m_texts.last();
        try {
            embedTexts(*m_model, ClipTokenizer::builtin(), {QStringLiteral("short"), longText}, false);
            QFAIL("a text longer than the context must be refused when truncate is false");
        } catch (const Error &error) {
            QCOMPARE(error.message(), expected); // OpenAI's own message
        }
        // Also when it is in the second internal batch.
        QStringList many;
        for (int i = 0; i < 260; ++i)
            many << QStringLiteral("text %1").arg(i);
        many << longText;
        QVERIFY_THROWS_EXCEPTION(Error, embedTexts(*m_model, ClipTokenizer::builtin(), many, false));
        // Short texts are fine without truncation, and equal the truncated result.
        const QStringList shortTexts = m_texts.mid(0, m_texts.size() - 1);
        QVERIFY(embedTexts(*m_model, ClipTokenizer::builtin(), shortTexts, false)
                == embedTexts(*m_model, ClipTokenizer::builtin(), shortTexts, true));
    }
};

QTEST_GUILESS_MAIN(TestTextEmbedder)
#include "test_text_embedder.moc"
