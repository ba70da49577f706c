#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "dataset/EmbeddingImporter.h"
#include "io/NpyFile.h"
#include "store/ProjectStore.h"
#include "TestImages.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <cmath>
#include <limits>
#include <memory>

using namespace faultline;
using faultline::testing::writeBytes;
using faultline::testing::writePng;
using faultline::testing::writeText;

namespace {

// A .npy v1.0 file with the given dtype descriptor and raw little-endian data.
QByteArray npyBytes(const char *descr, qint64 rows, qint64 cols, const QByteArray &data)
{
    QByteArray header = QStringLiteral("{'descr': '%1', 'fortran_order': False, 'shape': (%2, %3), }")
                            .arg(QLatin1String(descr)).arg(rows).arg(cols).toLatin1();
    while ((10 + header.size() + 1) % 64 != 0)
        header.append(' ');
    header.append('\n');
    QByteArray out("\x93NUMPY\x01\x00", 8);
    out.append(char(header.size() & 0xFF)).append(char(header.size() >> 8));
    return out + header + data;
}

} // namespace

class TestEmbeddingImporter : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_root;
    std::unique_ptr<ProjectStore> m_store;
    QHash<QString, qint64> m_ids;

    const QStringList kImages = {QStringLiteral("cat/a.png"), QStringLiteral("cat/b.png"), QStringLiteral("dog/c.png"),
                                 QStringLiteral("dog/d.png")};

    QString tmp(const QString &name) const { return QDir(m_tmp->path()).filePath(name); }

    // The error of importEmbeddings, or an empty string when it did not throw.
    QString importError(const QString &npy, const QString &paths, const QString &model = QString())
    {
        try {
            importEmbeddings(npy, paths, *m_store, model);
        } catch (const Error &e) {
            return e.message();
        }
        return QString();
    }

    void expectNothingStored()
    {
        for (const EmbeddingModelInfo &model : m_store->embeddingModels())
            QVERIFY2(model.count == 0 && model.name != QLatin1String("import:E.npy"),
                     qPrintable(QStringLiteral("model '%1' holds %2 rows").arg(model.name).arg(model.count)));
        QCOMPARE(m_store->embeddingModels().size(), qsizetype(0));
    }

    void writeMatrix(const QString &file, const std::vector<float> &values, qint64 rows, qint64 cols)
    {
        writeNpyMatrix(file, values.data(), rows, cols);
    }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_root = QDir(m_tmp->path()).filePath(QStringLiteral("data"));
        int seed = 0;
        for (const QString &image : kImages)
            QVERIFY(writePng(QDir(m_root).filePath(image), ++seed));
        m_store = std::make_unique<ProjectStore>(ProjectStore::defaultPath(m_root));
        QCOMPARE(DatasetScanner::scan(m_root, *m_store).images, 4);
        m_ids.clear();
        for (const StoredImage &image : m_store->images())
            m_ids.insert(image.path, image.id);
    }

    void cleanup()
    {
        m_store.reset();
        m_tmp.reset();
    }

    void importsAndLoadsValues()
    {
        // Rows in an order unrelated to the store's, with path spellings that need normalising.
        const std::vector<float> values = {0.5f, -1.f, 2.f,    // dog/d.png
                                           1.f, 2.f, 3.f,      // cat/a.png
                                           -7.25f, 0.f, 1e-3f, // dog/c.png
                                           4.f, 5.f, 6.f};     // cat/b.png
        writeMatrix(tmp(QStringLiteral("E.npy")), values, 4, 3);
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")),
                          QStringLiteral("dog/d.png\n./cat/a.png\r\ndog\\c.png\ncat//b.png\n\n")));

        const EmbeddingImportReport report = importEmbeddings(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")), *m_store);
        QCOMPARE(report.rows, qint64(4));
        QCOMPARE(report.dim, 3);
        QCOMPARE(report.modelName, QStringLiteral("import:E.npy"));
        QVERIFY(report.modelId > 0);

        const QVector<EmbeddingModelInfo> models = m_store->embeddingModels();
        QCOMPARE(models.size(), qsizetype(1));
        QCOMPARE(models[0].name, QStringLiteral("import:E.npy"));
        QCOMPARE(models[0].dim, 3);
        QCOMPARE(models[0].count, qint64(4));
        QCOMPARE(models[0].source, QFileInfo(tmp(QStringLiteral("E.npy"))).absoluteFilePath());

        const QVector<qint64> ids = {m_ids.value(QStringLiteral("cat/a.png")), m_ids.value(QStringLiteral("cat/b.png")),
                                     m_ids.value(QStringLiteral("dog/c.png")), m_ids.value(QStringLiteral("dog/d.png"))};
        std::vector<float> out(12, -99.f);
        QVERIFY(m_store->loadEmbeddings(report.modelId, ids, out.data(), 3).isEmpty());
        const std::vector<float> expected = {1, 2, 3, 4, 5, 6, -7.25f, 0, 1e-3f, 0.5f, -1, 2};
        for (size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(out[i], expected[i]);

        // The same files again are the same model.
        QCOMPARE(importEmbeddings(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")), *m_store).modelId,
                 report.modelId);
        QCOMPARE(m_store->embeddingModels().size(), qsizetype(1));

        // Issue 12 A4: another E.npy (same file name, other vectors) is another model; the first
        // keeps its vectors (it used to be overwritten under runs fitted on it).
        std::vector<float> twice = values;
        for (float &v : twice)
            v *= 2;
        QVERIFY(QDir().mkpath(tmp(QStringLiteral("other"))));
        writeMatrix(tmp(QStringLiteral("other/E.npy")), twice, 4, 3);
        const EmbeddingImportReport second = importEmbeddings(tmp(QStringLiteral("other/E.npy")), tmp(QStringLiteral("paths.txt")),
                                                              *m_store);
        QVERIFY(second.modelId != report.modelId);
        QVERIFY2(second.modelName.startsWith(QLatin1String("import:E.npy#")) && second.modelName.size() == 13 + 12,
                 qPrintable(second.modelName));
        QVERIFY(m_store->loadEmbeddings(report.modelId, ids, out.data(), 3).isEmpty());
        for (size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(out[i], expected[i]);
        QVERIFY(m_store->loadEmbeddings(second.modelId, ids, out.data(), 3).isEmpty());
        for (size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(out[i], 2 * expected[i]);
        QCOMPARE(m_store->embeddingModels().size(), qsizetype(2));
        QCOMPARE(importEmbeddings(tmp(QStringLiteral("other/E.npy")), tmp(QStringLiteral("paths.txt")), *m_store).modelId,
                 second.modelId);

        // An explicit name whose vectors a run was fitted on is not overwritten either.
        m_store->createRun(QStringLiteral("{}"), report.modelId, {}, ProjectStore::defaultPredictionSet());
        try {
            importEmbeddings(tmp(QStringLiteral("other/E.npy")), tmp(QStringLiteral("paths.txt")), *m_store,
                             QStringLiteral("import:E.npy"));
            QFAIL("overwriting a run's vectors must be refused");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("holds other vectors")), qPrintable(error.message()));
        }
        QVERIFY(m_store->loadEmbeddings(report.modelId, ids, out.data(), 3).isEmpty());
        QCOMPARE(out[0], expected[0]);
    }

    void subsetAndCustomModelName()
    {
        writeMatrix(tmp(QStringLiteral("E.npy")), {1, 2, 3, 4}, 2, 2);
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")), QStringLiteral("cat/b.png\ndog/c.png")));
        const EmbeddingImportReport report = importEmbeddings(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")),
                                                              *m_store, QStringLiteral("clip-vit-b32"));
        QCOMPARE(report.modelName, QStringLiteral("clip-vit-b32"));
        const QVector<qint64> ids = {m_ids.value(QStringLiteral("cat/a.png")), m_ids.value(QStringLiteral("dog/c.png"))};
        float out[4] = {};
        const QVector<qint64> missing = m_store->loadEmbeddings(report.modelId, ids, out, 2);
        QCOMPARE(missing, QVector<qint64>{m_ids.value(QStringLiteral("cat/a.png"))});
        QCOMPARE(out[2], 3.f);
        QCOMPARE(out[3], 4.f);
    }

    void float16Input()
    {
        // 0.5, -2, 1024, 0.0999755859375 (0x2E66), 65504 (max half), -0 as IEEE half.
        const quint16 halves[] = {0x3800, 0xC000, 0x6400, 0x2E66, 0x7BFF, 0x8000, 0x3C00, 0x0001};
        QByteArray data;
        for (quint16 h : halves) {
            char b[2];
            qToLittleEndian(h, b);
            data.append(b, 2);
        }
        QVERIFY(writeBytes(tmp(QStringLiteral("H.npy")), npyBytes("<f2", 4, 2, data)));
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")), kImages.join(QLatin1Char('\n'))));
        const EmbeddingImportReport report = importEmbeddings(tmp(QStringLiteral("H.npy")), tmp(QStringLiteral("paths.txt")), *m_store);
        QCOMPARE(report.dim, 2);
        QVector<qint64> ids;
        for (const QString &image : kImages)
            ids << m_ids.value(image);
        float out[8] = {};
        QVERIFY(m_store->loadEmbeddings(report.modelId, ids, out, 2).isEmpty());
        const float expected[] = {0.5f, -2.f, 1024.f, 0.0999755859375f, 65504.f, -0.f, 1.f, 5.9604644775390625e-8f};
        for (int i = 0; i < 8; ++i)
            QCOMPARE(out[i], expected[i]);
        QVERIFY(std::signbit(out[5]));
    }

    void rowCountMismatch()
    {
        writeMatrix(tmp(QStringLiteral("E.npy")), std::vector<float>(8, 1.f), 4, 2);
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")), QStringLiteral("cat/a.png\ncat/b.png\ndog/c.png\n")));
        const QString error = importError(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")));
        QVERIFY2(error.contains(tmp(QStringLiteral("E.npy")) + QStringLiteral(" has 4 rows")), qPrintable(error));
        QVERIFY2(error.contains(tmp(QStringLiteral("paths.txt")) + QStringLiteral(" lists 3 paths")), qPrintable(error));
        expectNothingStored();
    }

    void unknownPathNamesItsLine()
    {
        writeMatrix(tmp(QStringLiteral("E.npy")), std::vector<float>(8, 1.f), 4, 2);
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")), QStringLiteral("cat/a.png\ncat/b.png\ncat/zzz.png\ndog/d.png\n")));
        const QString error = importError(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")));
        QVERIFY2(error.startsWith(tmp(QStringLiteral("paths.txt")) + QStringLiteral(":3: 'cat/zzz.png'")), qPrintable(error));
        QVERIFY(error.contains(QLatin1String("not an image of the dataset")));
        expectNothingStored();
    }

    void duplicatePathNamesBothLines()
    {
        writeMatrix(tmp(QStringLiteral("E.npy")), std::vector<float>(8, 1.f), 4, 2);
        // The duplicate is spelled differently: it is the same image after normalisation.
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")), QStringLiteral("cat/a.png\ndog/c.png\ncat/b.png\n./dog/c.png\n")));
        const QString error = importError(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")));
        QVERIFY2(error.startsWith(tmp(QStringLiteral("paths.txt")) + QStringLiteral(":4:")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("listed twice (first at line 2)")), qPrintable(error));
        expectNothingStored();
    }

    void nonFiniteRowNamesRowAndPath_data()
    {
        QTest::addColumn<float>("bad");
        QTest::newRow("NaN") << std::numeric_limits<float>::quiet_NaN();
        QTest::newRow("+Inf") << std::numeric_limits<float>::infinity();
        QTest::newRow("-Inf") << -std::numeric_limits<float>::infinity();
    }

    void nonFiniteRowNamesRowAndPath()
    {
        QFETCH(float, bad);
        std::vector<float> values(8, 1.f);
        values[5] = bad; // row 2, column 1
        writeMatrix(tmp(QStringLiteral("E.npy")), values, 4, 2);
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")), kImages.join(QLatin1Char('\n'))));
        const QString error = importError(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")));
        QVERIFY2(error.contains(QLatin1String("row 2")), qPrintable(error));
        QVERIFY2(error.contains(tmp(QStringLiteral("paths.txt")) + QStringLiteral(":3")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("'dog/c.png'")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("NaN or Inf")), qPrintable(error));
        expectNothingStored();
    }

    void truncatedNpyIsAnError()
    {
        writeMatrix(tmp(QStringLiteral("E.npy")), std::vector<float>(8, 1.f), 4, 2);
        QFile file(tmp(QStringLiteral("E.npy")));
        QVERIFY(file.resize(file.size() - 5));
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")), kImages.join(QLatin1Char('\n'))));
        const QString error = importError(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")));
        QVERIFY2(error.startsWith(tmp(QStringLiteral("E.npy")) + QStringLiteral(":")), qPrintable(error));
        expectNothingStored();

        QVERIFY(writeBytes(tmp(QStringLiteral("E.npy")), QByteArray("\x93NUMPY")));
        QVERIFY(!importError(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt"))).isEmpty());
        expectNothingStored();
    }

    void unsupportedDtypeIsAnError()
    {
        QVERIFY(writeBytes(tmp(QStringLiteral("D.npy")), npyBytes("<f8", 4, 1, QByteArray(32, '\0'))));
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")), kImages.join(QLatin1Char('\n'))));
        const QString error = importError(tmp(QStringLiteral("D.npy")), tmp(QStringLiteral("paths.txt")));
        QVERIFY2(error.startsWith(tmp(QStringLiteral("D.npy"))), qPrintable(error));
        expectNothingStored();
    }

    void missingFilesAreErrors()
    {
        writeMatrix(tmp(QStringLiteral("E.npy")), std::vector<float>(8, 1.f), 4, 2);
        const QString noPaths = importError(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("nope.txt")));
        QVERIFY2(noPaths.startsWith(tmp(QStringLiteral("nope.txt"))), qPrintable(noPaths));
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")), kImages.join(QLatin1Char('\n'))));
        const QString noNpy = importError(tmp(QStringLiteral("nope.npy")), tmp(QStringLiteral("paths.txt")));
        QVERIFY2(noNpy.startsWith(tmp(QStringLiteral("nope.npy"))), qPrintable(noNpy));
        expectNothingStored();
    }

    void invalidUtf8PathLine()
    {
        writeMatrix(tmp(QStringLiteral("E.npy")), std::vector<float>(8, 1.f), 4, 2);
        QVERIFY(writeBytes(tmp(QStringLiteral("paths.txt")), QByteArray("cat/a.png\ncat/b.png\ndog/\xff.png\ndog/d.png\n")));
        const QString error = importError(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")));
        QVERIFY2(error.startsWith(tmp(QStringLiteral("paths.txt")) + QStringLiteral(":3:")), qPrintable(error));
        QVERIFY(error.contains(QLatin1String("UTF-8")));
        expectNothingStored();
    }

    // A failure after an earlier import leaves the earlier values exactly as they were.
    void failureKeepsEarlierImport()
    {
        writeMatrix(tmp(QStringLiteral("E.npy")), {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);
        QVERIFY(writeText(tmp(QStringLiteral("paths.txt")), kImages.join(QLatin1Char('\n'))));
        const qint64 model = importEmbeddings(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")), *m_store).modelId;

        // Same model name (given: a default one would be a new model), other dimension: refused
        // inside the import transaction.
        writeMatrix(tmp(QStringLiteral("E.npy")), std::vector<float>(12, 0.f), 4, 3);
        const QString error = importError(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt")),
                                          QStringLiteral("import:E.npy"));
        QVERIFY2(error.contains(QLatin1String("stored with 2 dimensions, not 3")), qPrintable(error));
        // A NaN under the same name and dimension.
        std::vector<float> nan(8, 0.f);
        nan[7] = std::numeric_limits<float>::quiet_NaN();
        writeMatrix(tmp(QStringLiteral("E.npy")), nan, 4, 2);
        QVERIFY(!importError(tmp(QStringLiteral("E.npy")), tmp(QStringLiteral("paths.txt"))).isEmpty());

        QVector<qint64> ids;
        for (const QString &image : kImages)
            ids << m_ids.value(image);
        float out[8] = {};
        QVERIFY(m_store->loadEmbeddings(model, ids, out, 2).isEmpty());
        for (int i = 0; i < 8; ++i)
            QCOMPARE(out[i], float(i + 1));
        QCOMPARE(m_store->embeddingModels().size(), qsizetype(1));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddingImporter)
#include "test_embedding_importer.moc"
