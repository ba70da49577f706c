// embedDataset on a small dataset on disk with the tiny reference CLIP (CPU): every vector is
// what ClipPreprocessor + ClipModel give for that file, whatever the batch size; re-runs,
// copies, edits, cancellation and vanished files behave as documented; and a schema-1
// project is migrated to schema 2 without losing rows.

#include "clip/ClipModel.h"
#include "clip/ClipPreprocessor.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/DatasetScanner.h"
#include "embedding/DatasetEmbedder.h"
#include "store/ProjectStore.h"
#include "TestImages.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace faultline;
using faultline::testing::pngBytesWithChannels;
using faultline::testing::writeBytes;

namespace {

const QString kModelName = QStringLiteral("clip:tiny_clip.safetensors");
constexpr int kDim = 64;
// float32 rounding only: oneDNN's inner product rounds a row by its place in the batch on some
// CPUs (AVX2 without AVX-512: 1.3e-6 measured here), so batch make-ups agree to ~1e-6, not bit for bit.
constexpr double kTolerance = 1e-5;

// A Radiance HDR file: OpenCV decodes it (so the scanner accepts it) as 32-bit float pixels,
// which CLIP's preprocessing (8/16-bit, as Pillow opens images) rejects.
QByteArray radianceHdr()
{
    QByteArray bytes("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 4 +X 4\n");
    for (int i = 0; i < 16; ++i)
        bytes.append(char(128)).append(char(64 + i)).append(char(32)).append(char(129));
    return bytes;
}

double maxAbsDiff(const float *a, const float *b, int n)
{
    double worst = 0;
    for (int i = 0; i < n; ++i)
        worst = std::max(worst, double(std::abs(a[i] - b[i])));
    return worst;
}

// The v1 schema, verbatim from ProjectStore.cpp's kMigrations[0].
const char *const kSchemaV1[] = {
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE images(id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL UNIQUE, folder_class TEXT NOT NULL,"
    " folder_split TEXT NOT NULL, size INTEGER NOT NULL, mtime_ms INTEGER NOT NULL,"
    " readable INTEGER NOT NULL DEFAULT 1, read_error TEXT)",
    "CREATE TABLE predictions(image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,"
    " label TEXT, prediction TEXT NOT NULL, split TEXT, confidence REAL, source TEXT, source_line INTEGER)",
    "CREATE TABLE embedding_models(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, dim INTEGER NOT NULL,"
    " source TEXT, created TEXT NOT NULL)",
    "CREATE TABLE embeddings(model_id INTEGER NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,"
    " image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE, vector BLOB NOT NULL,"
    " PRIMARY KEY(model_id, image_id)) WITHOUT ROWID",
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, created TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,"
    " params TEXT NOT NULL, model_id INTEGER, owner_pid INTEGER, whiten_mean BLOB, whiten_std BLOB, message TEXT)",
    "CREATE TABLE run_classes(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, class TEXT NOT NULL,"
    " n_fit INTEGER NOT NULL, n_fit_errors INTEGER NOT NULL, cv_balanced_accuracy REAL, c REAL,"
    " status TEXT NOT NULL, reason TEXT, cv_scores TEXT, normal BLOB, bias REAL, PRIMARY KEY(run_id, class))"
    " WITHOUT ROWID",
    "CREATE TABLE run_scores(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " image_id INTEGER NOT NULL, split TEXT NOT NULL, label TEXT NOT NULL, prediction TEXT NOT NULL,"
    " decision_value REAL, PRIMARY KEY(run_id, image_id)) WITHOUT ROWID",
};

// Runs SQL on a database file through a connection of its own, closed when it goes away.
class RawDatabase
{
public:
    explicit RawDatabase(const QString &path)
        : m_name(QStringLiteral("raw-%1").arg(quintptr(this)))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        m_ok = db.open();
    }
    ~RawDatabase()
    {
        QSqlDatabase::database(m_name).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool ok() const { return m_ok; }
    bool exec(const QString &sql, const QVariantList &binds = {})
    {
        QSqlQuery query(QSqlDatabase::database(m_name));
        if (!query.prepare(sql))
            return false;
        for (const QVariant &v : binds)
            query.addBindValue(v);
        return query.exec();
    }
    QVariantList column(const QString &sql)
    {
        QVariantList values;
        QSqlQuery query(QSqlDatabase::database(m_name));
        if (query.exec(sql))
            while (query.next())
                values << query.value(0);
        return values;
    }
    QStringList columnNames(const QString &table)
    {
        QStringList names;
        const QSqlRecord record = QSqlDatabase::database(m_name).record(table);
        for (int i = 0; i < record.count(); ++i)
            names << record.fieldName(i);
        return names;
    }

private:
    QString m_name;
    bool m_ok = false;
};

} // namespace

class TestDatasetEmbedder : public QObject
{
    Q_OBJECT

    QString m_reference;
    std::unique_ptr<ClipModel> m_model;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_root;
    QStringList m_readable; // dataset-relative paths of the readable images, sorted

    QString file(const QString &relative) const { return QDir(m_root).filePath(relative); }

    // ROOT/<class>/<file>: 3 classes, 39 PNGs of many sizes (1×1 … 150 px), gray, gray+alpha,
    // RGB and RGBA, solid and patterned, plus one corrupt .png.
    void makeDataset()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_root = QDir(m_tmp->path()).filePath(QStringLiteral("data"));
        m_readable.clear();
        const QStringList classes = {QStringLiteral("bird"), QStringLiteral("cat"), QStringLiteral("dog")};
        const int sizes[][2] = {{1, 1}, {3, 5}, {64, 64}, {100, 80}, {20, 150}, {150, 30}, {65, 63},
                                {7, 7}, {33, 90}, {128, 128}, {90, 33}, {48, 16}, {16, 48}};
        const int channels[] = {3, 1, 4, 2};
        int seed = 0;
        for (const QString &cls : classes) {
            for (int i = 0; i < 13; ++i, ++seed) {
                const QString rel = QStringLiteral("%1/img_%2.png").arg(cls).arg(i, 2, 10, QLatin1Char('0'));
                const int *size = sizes[(i + seed) % 13];
                QVERIFY(writeBytes(file(rel), pngBytesWithChannels(size[0], size[1], channels[seed % 4], seed,
                                                                   /*solid=*/seed % 5 == 0)));
                m_readable << rel;
            }
        }
        QVERIFY(writeBytes(file(QStringLiteral("cat/corrupt.png")),
                           QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray("this is not image data")));
        m_readable.sort();
    }

    std::unique_ptr<ProjectStore> openStore(const QString &name = QString())
    {
        return std::make_unique<ProjectStore>(name.isEmpty() ? ProjectStore::defaultPath(m_root)
                                                             : QDir(m_tmp->path()).filePath(name));
    }

    DatasetEmbeddingReport embed(ProjectStore &store, int batchSize = 64, JobControl *control = nullptr,
                                 int decodeThreads = 0)
    {
        DatasetEmbeddingOptions options;
        options.batchSize = batchSize;
        options.decodeThreads = decodeThreads;
        return embedDataset(store, m_root, *m_model, kModelName, options, control);
    }

    // What Faultline's preprocessing and model give for this file, one image at a time.
    std::vector<float> expected(const QString &relative) const
    {
        const ClipPreprocessor preprocessor(m_model->hyperParams().imageResolution);
        std::vector<float> pixels(size_t(preprocessor.floatsPerImage()));
        preprocessor.loadFile(file(relative), pixels.data());
        return m_model->encodeImages(pixels.data(), 1);
    }

    qint64 modelId(const ProjectStore &store) const
    {
        for (const EmbeddingModelInfo &m : store.embeddingModels())
            if (m.name == kModelName)
                return m.id;
        return 0;
    }

    qint64 imageId(const ProjectStore &store, const QString &relative) const
    {
        for (const StoredImage &image : store.images())
            if (image.path == relative)
                return image.id;
        return 0;
    }

    // The stored vector of each image of the model, by path (images without one are absent).
    QHash<QString, std::vector<float>> stored(const ProjectStore &store) const
    {
        QHash<QString, std::vector<float>> byPath;
        const qint64 model = modelId(store);
        if (model == 0)
            return byPath;
        for (const StoredImage &image : store.images()) {
            std::vector<float> v(kDim);
            if (store.loadEmbeddings(model, {image.id}, v.data(), kDim).isEmpty())
                byPath.insert(image.path, v);
        }
        return byPath;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_reference = qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE");
        const QString checkpoint = QDir(m_reference).filePath(QStringLiteral("tiny_clip.safetensors"));
        QVERIFY2(QFileInfo::exists(checkpoint),
                 qPrintable(QStringLiteral("CLIP reference data not found in FAULTLINE_CLIP_REFERENCE='%1'").arg(m_reference)));
        m_model = ClipModel::load(checkpoint, ComputeDevice::Cpu);
        QCOMPARE(m_model->hyperParams().embedDim, kDim);
    }

    void init() { makeDataset(); }

    void embedsEveryReadableImageAsPreprocessorAndModelDo()
    {
        auto store = openStore();
        const ScanReport scan = DatasetScanner::scan(m_root, *store);
        QCOMPARE(scan.images, 40);
        QCOMPARE(scan.unreadable, 1);
        QCOMPARE(scan.diagnostics.value(0).file, QStringLiteral("cat/corrupt.png"));

        const DatasetEmbeddingReport report = embed(*store);
        QVERIFY(report.modelId > 0);
        QCOMPARE(report.pending, 39);
        QCOMPARE(report.computed, 39);
        QCOMPARE(report.fromCache, 0);
        QCOMPARE(report.failed, 0);
        QVERIFY(report.diagnostics.isEmpty());

        const QHash<QString, std::vector<float>> vectors = stored(*store);
        QStringList embedded = vectors.keys();
        embedded.sort();
        QCOMPARE(embedded, m_readable); // every readable image, and not the corrupt one
        double worst = 0;
        for (const QString &path : m_readable) {
            const std::vector<float> want = expected(path);
            worst = std::max(worst, maxAbsDiff(vectors[path].data(), want.data(), kDim));
        }
        qInfo("max |stored - encodeImages(loadFile)| = %.3g", worst);
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));

        const QVector<EmbeddingModelInfo> models = store->embeddingModels();
        QCOMPARE(models.size(), qsizetype(1));
        QCOMPARE(models[0].name, kModelName);
        QCOMPARE(models[0].dim, kDim);
        QCOMPARE(models[0].count, qint64(39));
    }

    void batchSizesGiveIdenticalVectors()
    {
        QHash<QString, std::vector<float>> first;
        const struct { int batch; int threads; } runs[] = {{1, 1}, {3, 2}, {64, 0}};
        for (const auto &run : runs) {
            auto store = openStore(QStringLiteral("batch%1.sqlite").arg(run.batch));
            DatasetScanner::scan(m_root, *store);
            const DatasetEmbeddingReport report = embed(*store, run.batch, nullptr, run.threads);
            QCOMPARE(report.computed, 39);
            const QHash<QString, std::vector<float>> vectors = stored(*store);
            QCOMPARE(vectors.size(), qsizetype(39));
            if (first.isEmpty()) {
                first = vectors;
                continue;
            }
            double worst = 0;
            for (auto it = vectors.cbegin(); it != vectors.cend(); ++it)
                worst = std::max(worst, maxAbsDiff(it->data(), first[it.key()].data(), kDim));
            qInfo("batch %d vs batch 1: max |diff| = %.3g", run.batch, worst);
            QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
        }
    }

    void secondRunComputesNothing()
    {
        auto store = openStore();
        DatasetScanner::scan(m_root, *store);
        const DatasetEmbeddingReport first = embed(*store, 16);
        const auto before = stored(*store);
        const ScanReport rescan = DatasetScanner::scan(m_root, *store);
        QCOMPARE(rescan.unchanged, 40);
        const DatasetEmbeddingReport second = embed(*store, 16);
        QCOMPARE(second.modelId, first.modelId);
        QCOMPARE(second.pending, 0);
        QCOMPARE(second.computed, 0);
        QCOMPARE(second.fromCache, 0);
        QCOMPARE(second.failed, 0);
        QVERIFY(stored(*store) == before);
    }

    void copiedFilesComeFromTheCache()
    {
        auto store = openStore();
        DatasetScanner::scan(m_root, *store);
        embed(*store, 8);
        const std::vector<float> original = stored(*store)[QStringLiteral("cat/img_03.png")];

        // A copy in the same class.
        QVERIFY(QFile::copy(file(QStringLiteral("cat/img_03.png")), file(QStringLiteral("cat/copy.png"))));
        QCOMPARE(DatasetScanner::scan(m_root, *store).added, 1);
        DatasetEmbeddingReport report = embed(*store, 8);
        QCOMPARE(report.pending, 1);
        QCOMPARE(report.computed, 0);
        QCOMPARE(report.fromCache, 1);
        QCOMPARE(report.failed, 0);
        QVERIFY(stored(*store)[QStringLiteral("cat/copy.png")] == original);

        // The same file again in another class (another folder, another name).
        QVERIFY(QFile::copy(file(QStringLiteral("cat/img_03.png")), file(QStringLiteral("dog/duplicate.png"))));
        QCOMPARE(DatasetScanner::scan(m_root, *store).added, 1);
        report = embed(*store, 8);
        QCOMPARE(report.pending, 1);
        QCOMPARE(report.computed, 0);
        QCOMPARE(report.fromCache, 1);
        QVERIFY(stored(*store)[QStringLiteral("dog/duplicate.png")] == original);

        // A moved file (removed at one path, found at another) keeps its row and its vector.
        QVERIFY(QFile::rename(file(QStringLiteral("bird/img_00.png")), file(QStringLiteral("bird/moved.png"))));
        const ScanReport moved = DatasetScanner::scan(m_root, *store);
        QCOMPARE(moved.added, 0);
        QCOMPARE(moved.moved, 1);
        QCOMPARE(moved.removed, 0);
        report = embed(*store, 8);
        QCOMPARE(report.pending, 0);
        QCOMPARE(report.computed, 0);
        const auto vectors = stored(*store);
        QVERIFY(!vectors.contains(QStringLiteral("bird/img_00.png")));
        const std::vector<float> want = expected(QStringLiteral("bird/moved.png"));
        QVERIFY(maxAbsDiff(vectors[QStringLiteral("bird/moved.png")].data(), want.data(), kDim) <= kTolerance);
    }

    void modifiedFileIsRecomputed()
    {
        auto store = openStore();
        DatasetScanner::scan(m_root, *store);
        embed(*store, 8);
        const QString path = QStringLiteral("dog/img_05.png");
        const qint64 id = imageId(*store, path);
        const std::vector<float> before = stored(*store)[path];

        // New pixels (same size, so only the content and mtime tell) and a different mtime.
        QFile old(file(path));
        QVERIFY(old.open(QIODevice::ReadOnly));
        const QByteArray previous = old.readAll();
        old.close();
        const QByteArray changed = pngBytesWithChannels(64, 64, 3, 999);
        QVERIFY(writeBytes(file(path), changed));
        QVERIFY(changed != previous);
        {
            QFile touched(file(path));
            QVERIFY(touched.open(QIODevice::ReadWrite));
            QVERIFY(touched.setFileTime(QDateTime::currentDateTimeUtc().addSecs(60), QFileDevice::FileModificationTime));
        }

        const ScanReport rescan = DatasetScanner::scan(m_root, *store);
        QCOMPARE(rescan.changed, 1);
        QCOMPARE(imageId(*store, path), id); // same row, ...
        QVERIFY(!stored(*store).contains(path)); // ... its old embedding is gone

        const DatasetEmbeddingReport report = embed(*store, 8);
        QCOMPARE(report.pending, 1);
        QCOMPARE(report.computed, 1);
        QCOMPARE(report.fromCache, 0);
        const std::vector<float> after = stored(*store)[path];
        const std::vector<float> want = expected(path);
        QVERIFY(maxAbsDiff(after.data(), want.data(), kDim) <= kTolerance);
        QVERIFY(maxAbsDiff(after.data(), before.data(), kDim) > 1e-3);

        // Writing the old bytes back brings the old vector back from the cache.
        QVERIFY(writeBytes(file(path), previous));
        {
            QFile touched(file(path));
            QVERIFY(touched.open(QIODevice::ReadWrite));
            QVERIFY(touched.setFileTime(QDateTime::currentDateTimeUtc().addSecs(120), QFileDevice::FileModificationTime));
        }
        QCOMPARE(DatasetScanner::scan(m_root, *store).changed, 1);
        const DatasetEmbeddingReport restored = embed(*store, 8);
        QCOMPARE(restored.computed, 0);
        QCOMPARE(restored.fromCache, 1);
        QVERIFY(stored(*store)[path] == before);
    }

    void cancelAfterFirstBatchKeepsItAndResumes()
    {
        auto store = openStore();
        DatasetScanner::scan(m_root, *store);
        JobControl control;
        QVector<qint64> progress;
        control.setProgressHandler([&](qint64 done, qint64 total, const QString &stage) {
            QCOMPARE(stage, QStringLiteral("embed"));
            QCOMPARE(total, qint64(39));
            progress << done;
            control.requestCancel();
        });
        bool cancelled = false;
        try {
            embed(*store, 8, &control);
        } catch (const JobCancelled &) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QCOMPARE(progress, (QVector<qint64>{8}));
        const auto firstBatch = stored(*store);
        QCOMPARE(firstBatch.size(), qsizetype(8));
        for (auto it = firstBatch.cbegin(); it != firstBatch.cend(); ++it) {
            QVERIFY(m_readable.indexOf(it.key()) < 8); // the first batch, in path order
            const std::vector<float> want = expected(it.key());
            QVERIFY(maxAbsDiff(it->data(), want.data(), kDim) <= kTolerance);
        }

        // A later run (in a new connection, as after a restart) does the rest.
        store.reset();
        store = openStore();
        const DatasetEmbeddingReport rest = embed(*store, 8);
        QCOMPARE(rest.pending, 31);
        QCOMPARE(rest.computed, 31);
        QCOMPARE(rest.fromCache, 0);
        const auto all = stored(*store);
        QCOMPARE(all.size(), qsizetype(39));
        for (auto it = firstBatch.cbegin(); it != firstBatch.cend(); ++it)
            QVERIFY(all[it.key()] == *it);
        QCOMPARE(embed(*store, 8).pending, 0);
    }

    void cancelledBeforeStartStoresNothing()
    {
        auto store = openStore();
        DatasetScanner::scan(m_root, *store);
        JobControl control;
        control.requestCancel();
        QVERIFY_THROWS_EXCEPTION(JobCancelled, embed(*store, 8, &control));
        QVERIFY(stored(*store).isEmpty());
    }

    void imageDeletedBetweenScanAndEmbed()
    {
        auto store = openStore();
        DatasetScanner::scan(m_root, *store);
        const QString gone = QStringLiteral("bird/img_07.png");
        QVERIFY(QFile::remove(file(gone)));
        const DatasetEmbeddingReport report = embed(*store, 5);
        QCOMPARE(report.pending, 39);
        QCOMPARE(report.failed, 1);
        QCOMPARE(report.computed, 38);
        QCOMPARE(report.diagnostics.size(), qsizetype(1));
        const Diagnostic &d = report.diagnostics[0];
        QCOMPARE(d.severity, Diagnostic::Severity::Error);
        QCOMPARE(d.file, gone);
        QVERIFY2(d.message.startsWith(QLatin1String("cannot open")), qPrintable(d.message)); // the diagnostic names the file
        const auto vectors = stored(*store);
        QCOMPARE(vectors.size(), qsizetype(38));
        QVERIFY(!vectors.contains(gone));
        for (const QString &path : m_readable) {
            if (path == gone)
                continue;
            const std::vector<float> want = expected(path);
            QVERIFY2(maxAbsDiff(vectors[path].data(), want.data(), kDim) <= kTolerance, qPrintable(path));
        }
        // The next scan notices the file is gone; then nothing is pending.
        QCOMPARE(DatasetScanner::scan(m_root, *store).removed, 1);
        QCOMPARE(embed(*store).pending, 0);
    }

    void fileTheScannerAcceptsButPreprocessingRejects()
    {
        const QString hdr = QStringLiteral("dog/float.hdr");
        QVERIFY(writeBytes(file(hdr), radianceHdr()));
        auto store = openStore();
        const ScanReport scan = DatasetScanner::scan(m_root, *store);
        QCOMPARE(scan.images, 41);
        QCOMPARE(scan.unreadable, 1); // only corrupt.png: OpenCV decodes the HDR file

        const DatasetEmbeddingReport report = embed(*store, 7);
        QCOMPARE(report.pending, 40);
        QCOMPARE(report.computed, 39);
        QCOMPARE(report.failed, 1);
        QCOMPARE(report.diagnostics.size(), qsizetype(1));
        QCOMPARE(report.diagnostics[0].file, hdr);
        QVERIFY2(report.diagnostics[0].message.contains(QLatin1String("unsupported pixel format (32-bit float)")),
                 qPrintable(report.diagnostics[0].message));
        const auto vectors = stored(*store);
        QCOMPARE(vectors.size(), qsizetype(39));
        QVERIFY(!vectors.contains(hdr));

        // It stays pending (and is reported again) until the file changes; the others are done.
        const DatasetEmbeddingReport again = embed(*store, 7);
        QCOMPARE(again.pending, 1);
        QCOMPARE(again.computed, 0);
        QCOMPARE(again.failed, 1);
    }

    void badBatchSizeIsAnError()
    {
        auto store = openStore();
        DatasetScanner::scan(m_root, *store);
        for (int batch : {0, -3}) {
            try {
                embed(*store, batch);
                QFAIL("a batch size below 1 should be refused");
            } catch (const Error &error) {
                QVERIFY2(error.message().contains(QString::number(batch)), qPrintable(error.message()));
            }
        }
        QVERIFY(stored(*store).isEmpty());
    }

    void modelNameWithOtherDimensionIsAnError()
    {
        auto store = openStore();
        DatasetScanner::scan(m_root, *store);
        store->ensureEmbeddingModel(kModelName, 32, QStringLiteral("clip"));
        try {
            embed(*store);
            QFAIL("a stored model of another dimension should be refused");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("32 dimensions")), qPrintable(error.message()));
        }
    }

    void emptyDatasetIsNothingToDo()
    {
        QTemporaryDir empty;
        ProjectStore store(QDir(empty.path()).filePath(QStringLiteral("p.sqlite")));
        DatasetScanner::scan(empty.path(), store);
        DatasetEmbeddingOptions options;
        const DatasetEmbeddingReport report = embedDataset(store, empty.path(), *m_model, kModelName, options);
        QVERIFY(report.modelId > 0);
        QCOMPARE(report.pending, 0);
        QCOMPARE(report.computed, 0);
    }

    void migratesSchemaOneToTwo()
    {
        const QString path = ProjectStore::defaultPath(m_root);
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        const QString rel = QStringLiteral("cat/img_01.png");
        const QFileInfo info(file(rel));
        std::vector<float> vector(kDim);
        for (int i = 0; i < kDim; ++i)
            vector[size_t(i)] = float(i) * 0.25f - 3.f;
        {
            RawDatabase v1(path);
            QVERIFY(v1.ok());
            for (const char *sql : kSchemaV1)
                QVERIFY2(v1.exec(QString::fromLatin1(sql)), sql);
            QVERIFY(v1.exec(QStringLiteral("INSERT INTO meta(key, value) VALUES('dataset_root', ?)"), {m_root}));
            QVERIFY(v1.exec(QStringLiteral("INSERT INTO images(id, path, folder_class, folder_split, size, mtime_ms)"
                                           " VALUES(7, ?, 'cat', 'unassigned', ?, ?)"),
                            {rel, info.size(), info.lastModified().toMSecsSinceEpoch()}));
            QVERIFY(v1.exec(QStringLiteral("INSERT INTO embedding_models(id, name, dim, source, created)"
                                           " VALUES(3, 'import:old.npy', ?, 'import', '2024-01-01T00:00:00Z')"), {kDim}));
            QVERIFY(v1.exec(QStringLiteral("INSERT INTO embeddings(model_id, image_id, vector) VALUES(3, 7, ?)"),
                            {QByteArray(reinterpret_cast<const char *>(vector.data()), kDim * int(sizeof(float)))}));
            QVERIFY(v1.exec(QStringLiteral("PRAGMA user_version=1")));
        }

        {
            ProjectStore store(path);
            QCOMPARE(store.schemaVersion(), ProjectStore::kSchemaVersion); // migrated to the newest schema
            QVERIFY(ProjectStore::kSchemaVersion >= 2);
            QCOMPARE(store.meta(QStringLiteral("dataset_root")), m_root);
            const QVector<StoredImage> images = store.images();
            QCOMPARE(images.size(), qsizetype(1));
            QCOMPARE(images[0].id, qint64(7));
            QCOMPARE(images[0].path, rel);
            QCOMPARE(images[0].folderClass, QStringLiteral("cat"));
            QVERIFY(images[0].readable);
            const QVector<EmbeddingModelInfo> models = store.embeddingModels();
            QCOMPARE(models.size(), qsizetype(1));
            QCOMPARE(models[0].id, qint64(3));
            QCOMPARE(models[0].name, QStringLiteral("import:old.npy"));
            QCOMPARE(models[0].count, qint64(1));
            std::vector<float> loaded(kDim);
            QVERIFY(store.loadEmbeddings(3, {7}, loaded.data(), kDim).isEmpty());
            QVERIFY(loaded == vector);
            QVERIFY(store.cachedContentHashes(3).isEmpty());
        }
        {
            RawDatabase raw(path);
            QVERIFY(raw.ok());
            QVERIFY(raw.columnNames(QStringLiteral("images")).contains(QStringLiteral("content_hash")));
            const QVariantList hashes = raw.column(QStringLiteral("SELECT content_hash FROM images"));
            QCOMPARE(hashes.size(), qsizetype(1));
            QVERIFY(hashes[0].isNull());
            QVERIFY(raw.columnNames(QStringLiteral("embedding_cache")).contains(QStringLiteral("vector")));
        }

        // The migrated project works as a new one: the old image is unchanged, CLIP embeds everything.
        ProjectStore store(path);
        QCOMPARE(store.schemaVersion(), ProjectStore::kSchemaVersion); // reopening migrates nothing more
        const ScanReport scan = DatasetScanner::scan(m_root, store);
        QCOMPARE(scan.unchanged, 1);
        QCOMPARE(scan.added, 39);
        const DatasetEmbeddingReport report = embed(store);
        QCOMPARE(report.computed, 39);
        QCOMPARE(imageId(store, rel), qint64(7));
        const auto vectors = stored(store);
        const std::vector<float> want = expected(rel);
        QVERIFY(maxAbsDiff(vectors[rel].data(), want.data(), kDim) <= kTolerance);
        std::vector<float> old(kDim);
        QVERIFY(store.loadEmbeddings(3, {7}, old.data(), kDim).isEmpty()); // the imported vector stays
        QVERIFY(old == vector);
    }

    void newerSchemaIsRefused()
    {
        const QString path = QDir(m_tmp->path()).filePath(QStringLiteral("future.sqlite"));
        {
            RawDatabase db(path);
            QVERIFY(db.ok());
            QVERIFY(db.exec(QStringLiteral("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")));
            QVERIFY(db.exec(QStringLiteral("PRAGMA user_version=%1").arg(ProjectStore::kSchemaVersion + 1)));
        }
        try {
            ProjectStore store(path);
            QFAIL("a project from a newer Faultline should be refused");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("newer Faultline")), qPrintable(error.message()));
            QVERIFY2(error.message().contains(path), qPrintable(error.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestDatasetEmbedder)
#include "test_dataset_embedder.moc"
