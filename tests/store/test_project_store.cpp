#include "analysis/AnalysisTypes.h"
#include "analysis/EmbeddingModelChoice.h"
#include "common/Error.h"
#include "store/ProjectStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <limits>

#include <memory>

using namespace faultline;

namespace {

// Runs `sql` on a second, independent connection and returns the first column of each row.
QStringList rawQuery(const QString &dbPath, const QString &sql)
{
    static int counter = 0;
    const QString name = QStringLiteral("raw-%1").arg(++counter);
    QStringList out;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dbPath);
        if (!db.open()) {
            out << QStringLiteral("<cannot open>");
        } else {
            QSqlQuery q(db);
            if (!q.exec(sql))
                out << QStringLiteral("<query failed>");
            while (q.next())
                out << q.value(0).toString();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return out;
}

// Turns a current store back into schema 12's shape: one unnamed prediction set (meta
// predictions_source and classifier), runs without the set they analysed.
void downgradeToSchema12(const QString &dbPath)
{
    for (const char *sql : {
             // 16 → 15
             "DROP TABLE run_search_indexes",
             // 15 → 14
             "DROP TABLE run_projections",
             // 14 → 13
             "DROP TABLE concept_embeddings",
             "ALTER TABLE run_scores DROP COLUMN hardness",
             // 13 → 12
             "CREATE TABLE old_predictions(image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,"
             " label TEXT, prediction TEXT NOT NULL, split TEXT, confidence REAL, source TEXT, source_line INTEGER)",
             "INSERT INTO old_predictions SELECT p.image_id, p.label, p.prediction, p.split, p.confidence, s.source,"
             " p.source_line FROM predictions p JOIN prediction_sets s ON s.id = p.set_id",
             "INSERT OR REPLACE INTO meta(key, value) SELECT 'predictions_source', source FROM prediction_sets LIMIT 1",
             "INSERT OR REPLACE INTO meta(key, value) SELECT 'classifier', classifier FROM prediction_sets"
             " WHERE classifier IS NOT NULL LIMIT 1",
             "DELETE FROM meta WHERE key = 'prediction_set'",
             "DROP TABLE predictions",
             "ALTER TABLE old_predictions RENAME TO predictions",
             "DROP TABLE prediction_sets",
             "ALTER TABLE runs DROP COLUMN prediction_set",
             "CREATE TRIGGER summary_predictions_insert AFTER INSERT ON predictions BEGIN DELETE FROM summary_cache; END",
             "CREATE TRIGGER summary_predictions_update AFTER UPDATE ON predictions BEGIN DELETE FROM summary_cache; END",
             "CREATE TRIGGER summary_predictions_delete AFTER DELETE ON predictions BEGIN DELETE FROM summary_cache; END",
             "PRAGMA user_version=12"})
        QCOMPARE(rawQuery(dbPath, QString::fromLatin1(sql)), QStringList{});
}

QString openError(const QString &path)
{
    try {
        ProjectStore store(path);
    } catch (const Error &e) {
        return e.message();
    }
    return QString();
}

StoredImage image(const QString &path, const QString &cls, Split split)
{
    StoredImage i;
    i.path = path;
    i.folderClass = cls;
    i.folderSplit = split;
    i.stamp = {100, 1000};
    return i;
}

} // namespace

class TestProjectStore : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_tmp;

    QString dbPath(const QString &name = QStringLiteral("p/.faultline/project.sqlite")) const
    {
        return QDir(m_tmp->path()).filePath(name);
    }

    // Four images (two classes), predictions for all; returns them labelled.
    static QVector<LabeledImage> populate(ProjectStore &store)
    {
        store.applyScan({image(QStringLiteral("val/cat/1.png"), QStringLiteral("cat"), Split::Val),
                         image(QStringLiteral("val/cat/2.png"), QStringLiteral("cat"), Split::Val),
                         image(QStringLiteral("val/dog/3.png"), QStringLiteral("dog"), Split::Val),
                         image(QStringLiteral("pool/dog/4.png"), QStringLiteral("dog"), Split::Pool)},
                        {});
        QVector<PredictionRecord> records;
        int line = 1;
        for (const StoredImage &i : store.images()) {
            PredictionRecord r;
            r.imageId = i.id;
            r.prediction = i.path == QLatin1String("val/cat/2.png") ? QStringLiteral("dog") : i.folderClass;
            r.sourceLine = ++line;
            records << r;
        }
        store.replacePredictions(records, QStringLiteral("p.csv"));
        return store.labeledImages();
    }

private Q_SLOTS:
    void removedImageIdsAreNeverReused()
    {
        // Old runs keep image ids: a new file must not inherit the id of a removed one.
        ProjectStore store(m_tmp->filePath(QStringLiteral("ids.sqlite")));
        store.applyScan({image(QStringLiteral("a.png"), QStringLiteral("c"), Split::Val),
                         image(QStringLiteral("b.png"), QStringLiteral("c"), Split::Val)}, {});
        qint64 removedId = 0;
        for (const StoredImage &stored : store.images())
            removedId = std::max(removedId, stored.id);
        store.applyScan({}, {QStringLiteral("b.png")});
        store.applyScan({image(QStringLiteral("new.png"), QStringLiteral("c"), Split::Val)}, {});
        for (const StoredImage &stored : store.images())
            if (stored.path == QLatin1String("new.png"))
                QVERIFY(stored.id > removedId);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
    }

    void cleanup() { m_tmp.reset(); }

    void defaultPathIsInsideTheDataset()
    {
        QCOMPARE(ProjectStore::defaultPath(QStringLiteral("/data/set")), QStringLiteral("/data/set/.faultline/project.sqlite"));
    }

    void createsAndReopens()
    {
        const QString path = dbPath();
        {
            ProjectStore store(path);
            QVERIFY(QFile::exists(path)); // folders created as needed
            QCOMPARE(store.path(), path);
            QCOMPARE(store.schemaVersion(), ProjectStore::kSchemaVersion);
            store.setMeta(QStringLiteral("k"), QStringLiteral("v1"));
            store.setMeta(QStringLiteral("k"), QStringLiteral("v2")); // upsert
            store.setMeta(QStringLiteral("ü"), QStringLiteral("ünïcode"));
            QCOMPARE(store.meta(QStringLiteral("missing")), QString());
        }
        ProjectStore again(path);
        QCOMPARE(again.schemaVersion(), ProjectStore::kSchemaVersion);
        QCOMPARE(again.meta(QStringLiteral("k")), QStringLiteral("v2"));
        QCOMPARE(again.meta(QStringLiteral("ü")), QStringLiteral("ünïcode"));
        QCOMPARE(rawQuery(path, QStringLiteral("PRAGMA user_version")),
                 QStringList{QString::number(ProjectStore::kSchemaVersion)});
    }

    // Issue 12 A6: a negative or unknown user_version used to index past the migrations.
    void unknownSchemaVersionIsRefusedWithoutWriting_data()
    {
        QTest::addColumn<int>("version");
        QTest::addColumn<bool>("withTable");
        QTest::addColumn<QString>("needle");
        QTest::newRow("-100") << -100 << true << QStringLiteral("schema version -100 is not one Faultline writes");
        QTest::newRow("-1") << -1 << true << QStringLiteral("schema version -1 is not one Faultline writes");
        QTest::newRow("-7 empty") << -7 << false << QStringLiteral("schema version -7");
        QTest::newRow("min") << std::numeric_limits<int>::min() << true << QStringLiteral("is not one Faultline writes");
        QTest::newRow("newer") << ProjectStore::kSchemaVersion + 1 << true << QStringLiteral("newer Faultline");
        QTest::newRow("0 with tables") << 0 << true << QStringLiteral("not a Faultline project");
    }

    void unknownSchemaVersionIsRefusedWithoutWriting()
    {
        QFETCH(int, version);
        QFETCH(bool, withTable);
        QFETCH(QString, needle);
        const QString path = QDir(m_tmp->path()).filePath(QStringLiteral("foreign.sqlite"));
        QFile::remove(path);
        if (withTable)
            QCOMPARE(rawQuery(path, QStringLiteral("CREATE TABLE other(x)")), QStringList{});
        QCOMPARE(rawQuery(path, QStringLiteral("PRAGMA user_version=%1").arg(version)), QStringList{});
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray before = file.readAll();
        file.close();
        try {
            ProjectStore store(path);
            QFAIL("an unknown schema version must be refused");
        } catch (const Error &error) {
            QVERIFY2(error.message().startsWith(path + QLatin1String(": ")), qPrintable(error.message()));
            QVERIFY2(error.message().contains(needle), qPrintable(error.message()));
        }
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), before); // not a byte written
        QVERIFY(!QFile::exists(path + QLatin1String("-wal")));
        QCOMPARE(rawQuery(path, QStringLiteral("PRAGMA user_version")), QStringList{QString::number(version)});
    }

    void twoStoresOnOneFile()
    {
        ProjectStore a(dbPath());
        ProjectStore b(dbPath());
        a.setMeta(QStringLiteral("x"), QStringLiteral("1"));
        QCOMPARE(b.meta(QStringLiteral("x")), QStringLiteral("1"));
    }

    void usesWriteAheadLog()
    {
        const QString path = dbPath();
        ProjectStore store(path);
        store.setMeta(QStringLiteral("k"), QStringLiteral("v"));
        QCOMPARE(rawQuery(path, QStringLiteral("PRAGMA journal_mode")), QStringList{QStringLiteral("wal")});
        QVERIFY(QFile::exists(path + QStringLiteral("-wal")));
        // And the other connection sees the committed data.
        QCOMPARE(rawQuery(path, QStringLiteral("SELECT value FROM meta WHERE key='k'")), QStringList{QStringLiteral("v")});
    }

    void refusesNewerSchema()
    {
        const QString path = dbPath();
        { ProjectStore store(path); }
        rawQuery(path, QStringLiteral("PRAGMA user_version=99"));
        const QString error = openError(path);
        QVERIFY2(error.contains(QLatin1String("newer")), qPrintable(error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("schema 99")), qPrintable(error));
        // Nothing was migrated or changed.
        QCOMPARE(rawQuery(path, QStringLiteral("PRAGMA user_version")), QStringList{QStringLiteral("99")});
    }

    void migratesAnEmptyDatabase()
    {
        // A database at version 0 (e.g. an empty file) gets the whole schema.
        const QString path = dbPath(QStringLiteral("empty.sqlite"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        ProjectStore store(path);
        QCOMPARE(store.schemaVersion(), ProjectStore::kSchemaVersion);
        QCOMPARE(store.runs().size(), qsizetype(0));
    }

    void damagedFileIsAClearError()
    {
        const QString path = dbPath(QStringLiteral("garbage.sqlite"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray garbage;
        for (int i = 0; i < 8192; ++i)
            garbage.append(char((i * 131 + 7) & 0xFF));
        file.write(garbage);
        file.close();
        const QString error = openError(path);
        QVERIFY2(!error.isEmpty(), "a garbage file must not open");
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("damaged")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("file is not a database")), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error)); // one line, for the CLI
        // The file is left alone.
        QFile check(path);
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), garbage);
    }

    void corruptedPagesAreAClearError()
    {
        const QString path = dbPath(QStringLiteral("corrupt.sqlite"));
        {
            ProjectStore store(path);
            QVector<StoredImage> many;
            for (int i = 0; i < 8000; ++i)
                many << image(QStringLiteral("c/%1.png").arg(i), QStringLiteral("c"), Split::Train);
            store.applyScan(many, {});
        }
        rawQuery(path, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        const qint64 page = rawQuery(path, QStringLiteral("PRAGMA page_size")).value(0).toLongLong();
        QCOMPARE(page, qint64(16384)); // a new store's page size
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.size() > 8 * page);
        // Overwrite pages in the middle of the file (not the header).
        file.seek(4 * page);
        file.write(QByteArray(4 * page, '\x5A'));
        file.close();
        const QString error = openError(path);
        QVERIFY2(!error.isEmpty(), "a corrupted database must not open");
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("damaged")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("more problems")), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error)); // one line, however many problems
    }

    void nestedTransactionRollsBackEverything()
    {
        ProjectStore store(dbPath());
        store.setMeta(QStringLiteral("before"), QStringLiteral("1"));
        QVERIFY_THROWS_EXCEPTION(Error, store.transaction([&] {
            store.setMeta(QStringLiteral("outer"), QStringLiteral("1"));
            store.transaction([&] {
                store.setMeta(QStringLiteral("inner"), QStringLiteral("1"));
                store.applyScan({image(QStringLiteral("a.png"), QStringLiteral("c"), Split::Train)}, {});
                throw Error(QStringLiteral("boom"));
            });
        }));
        QCOMPARE(store.meta(QStringLiteral("before")), QStringLiteral("1"));
        QCOMPARE(store.meta(QStringLiteral("outer")), QString());
        QCOMPARE(store.meta(QStringLiteral("inner")), QString());
        QCOMPARE(store.images().size(), qsizetype(0));

        // A non-Error exception rolls back too, and the store is usable afterwards.
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, store.transaction([&] {
            store.setMeta(QStringLiteral("x"), QStringLiteral("1"));
            throw std::runtime_error("other");
        }));
        QCOMPARE(store.meta(QStringLiteral("x")), QString());
        store.transaction([&] {
            store.setMeta(QStringLiteral("after"), QStringLiteral("1"));
            store.transaction([&] { store.setMeta(QStringLiteral("after-inner"), QStringLiteral("1")); });
        });
        QCOMPARE(store.meta(QStringLiteral("after")), QStringLiteral("1"));
        QCOMPARE(store.meta(QStringLiteral("after-inner")), QStringLiteral("1"));
        // Committed: another connection sees it.
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("SELECT value FROM meta WHERE key='after-inner'")),
                 QStringList{QStringLiteral("1")});
    }

    void imagesAndScanUpdates()
    {
        ProjectStore store(dbPath());
        StoredImage bad = image(QStringLiteral("dog/bad.png"), QStringLiteral("dog"), Split::Unassigned);
        bad.readable = false;
        bad.readError = QStringLiteral("corrupt");
        store.applyScan({image(QStringLiteral("cat/a.png"), QStringLiteral("cat"), Split::Unassigned), bad}, {});
        QVector<StoredImage> images = store.images();
        QCOMPARE(images.size(), qsizetype(2));
        QCOMPARE(images[0].path, QStringLiteral("cat/a.png"));
        QCOMPARE(images[0].folderSplit, Split::Unassigned);
        QVERIFY(images[0].readable);
        QVERIFY(images[0].readError.isEmpty());
        QCOMPARE(images[1].readError, QStringLiteral("corrupt"));
        QVERIFY(!images[1].readable);
        QCOMPARE(store.fileStamps().value(QStringLiteral("cat/a.png")), (FileStamp{100, 1000}));

        // Update by path keeps the id; removal deletes the row and its prediction.
        StoredImage changed = images[0];
        changed.stamp = {200, 2000};
        store.applyScan({changed}, {QStringLiteral("dog/bad.png")});
        images = store.images();
        QCOMPARE(images.size(), qsizetype(1));
        QCOMPARE(images[0].id, changed.id);
        QCOMPARE(images[0].stamp, (FileStamp{200, 2000}));
    }

    void predictionsAndLabels()
    {
        ProjectStore store(dbPath());
        const QVector<LabeledImage> labeled = populate(store);
        QCOMPARE(store.predictionCount(), qint64(4));
        QCOMPARE(labeled.size(), qsizetype(4));
        QCOMPARE(labeled[1].path, QStringLiteral("val/cat/1.png")); // ordered by path
        QCOMPARE(labeled[2].path, QStringLiteral("val/cat/2.png"));
        QVERIFY(!labeled[2].correct());
        QCOMPARE(labeled[0].split, Split::Pool);
        QCOMPARE(store.predictionSet().source, QStringLiteral("p.csv"));

        // Confidences where the predictions gave one, for the asked images only.
        QVector<PredictionRecord> records;
        for (const LabeledImage &l : labeled)
            records.push_back({l.id, QString(), l.prediction, std::nullopt,
                               l.path == QLatin1String("val/cat/1.png") ? std::nullopt : std::optional<double>(0.25), 2});
        store.replacePredictions(records, QStringLiteral("p.csv"));
        const QHash<qint64, double> confidences = store.confidences({labeled[0].id, labeled[1].id, labeled[2].id});
        QCOMPARE(confidences.size(), qsizetype(2));
        QCOMPARE(confidences.value(labeled[0].id), 0.25);
        QVERIFY(!confidences.contains(labeled[1].id)); // val/cat/1.png: none given
        QCOMPARE(store.confidences({}).size(), qsizetype(0));

        // Counts as readState shows them, without reading every image.
        ImageCounts counts = store.imageCounts();
        QCOMPARE(counts.images, 4);
        QCOMPARE(counts.unreadable, 0);
        QCOMPARE(counts.splitImages, (QMap<Split, int>{{Split::Val, 3}, {Split::Pool, 1}}));

        // A removed image is only marked missing (out of the analysis, prediction kept);
        // pruning it cascades to its prediction.
        store.applyScan({}, {QStringLiteral("val/dog/3.png")});
        QCOMPARE(store.predictionCount(), qint64(4));
        QCOMPARE(store.labeledImages().size(), qsizetype(3));
        QCOMPARE(store.missingCount(), 1);
        QCOMPARE(store.pruneMissing(), 1);
        QCOMPARE(store.predictionCount(), qint64(3));
        QCOMPARE(store.missingCount(), 0);
        StoredImage broken = image(QStringLiteral("val/cat/x.png"), QStringLiteral("cat"), Split::Val);
        broken.readable = false;
        store.applyScan({broken}, {});
        counts = store.imageCounts();
        QCOMPARE(counts.images, 4);
        QCOMPARE(counts.unreadable, 1);
        QCOMPARE(counts.splitImages, (QMap<Split, int>{{Split::Val, 2}, {Split::Pool, 1}}));
        store.replacePredictions({}, QStringLiteral("none.csv"));
        QCOMPARE(store.imageCounts().splitImages, (QMap<Split, int>{{Split::Val, 3}, {Split::Pool, 1}})); // by folder
    }

    void embeddingsRoundTrip()
    {
        ProjectStore store(dbPath());
        populate(store);
        QVector<qint64> ids;
        for (const StoredImage &i : store.images())
            ids << i.id;
        const qint64 model = store.ensureEmbeddingModel(QStringLiteral("clip"), 3, QStringLiteral("/x/E.npy"));
        QCOMPARE(store.ensureEmbeddingModel(QStringLiteral("clip"), 3, QStringLiteral("other")), model);
        QVERIFY_THROWS_EXCEPTION(Error, store.ensureEmbeddingModel(QStringLiteral("clip"), 4, QString()));
        const float values[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        store.storeEmbeddings(model, ids.mid(0, 3), values, 3);
        QCOMPARE(store.embeddingModels().size(), qsizetype(1));
        QCOMPARE(store.embeddingModels()[0].count, qint64(3));
        QCOMPARE(store.embeddingModels()[0].source, QStringLiteral("/x/E.npy"));
        float out[12] = {};
        const QVector<qint64> reversed = {ids[3], ids[2], ids[1], ids[0]};
        QCOMPARE(store.loadEmbeddings(model, reversed, out, 3), QVector<qint64>{ids[3]});
        QCOMPARE(out[3], 7.f);
        QCOMPARE(out[9], 1.f);
        QCOMPARE(out[11], 3.f);
        // Wrong dimension on load: a clear error instead of reading out of bounds.
        float small[8] = {};
        QVERIFY_THROWS_EXCEPTION(Error, store.loadEmbeddings(model, ids.mid(0, 1), small, 2));
    }

    void embeddingCountsFollowEveryWrite()
    {
        ProjectStore store(dbPath());
        QVector<StoredImage> scanned;
        for (int i = 0; i < 10; ++i)
            scanned << image(QStringLiteral("val/cat/%1.png").arg(i), QStringLiteral("cat"), Split::Val);
        store.applyScan(scanned, {});
        const QVector<StoredImage> images = store.images();
        QVector<qint64> ids;
        for (const StoredImage &i : images)
            ids << i.id;
        const qint64 clip = store.ensureEmbeddingModel(QStringLiteral("clip"), 2, QString());
        const qint64 other = store.ensureEmbeddingModel(QStringLiteral("other"), 2, QString());
        const auto countOf = [&](qint64 model) {
            const qint64 kept = store.embeddingModel(model).count;
            // The kept count is what counting the rows says.
            const QStringList counted = rawQuery(dbPath(), QStringLiteral("SELECT COUNT(*) FROM embeddings WHERE model_id=%1").arg(model));
            return counted == QStringList{QString::number(kept)} ? kept : -1;
        };
        QCOMPARE(countOf(clip), qint64(0));
        QVERIFY(!chooseEmbeddingModel(store).model);

        std::vector<float> values(20);
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = float(i);
        store.storeEmbeddings(clip, ids.mid(0, 6), values.data(), 2);
        store.storeEmbeddings(other, ids.mid(0, 2), values.data(), 2);
        QCOMPARE(countOf(clip), qint64(6));
        QCOMPARE(countOf(other), qint64(2));
        // Neither covers the 10 images: the one covering most, the newer one passed over and named.
        EmbeddingModelChoice choice = chooseEmbeddingModel(store);
        QCOMPARE(choice.model->id, clip);
        QCOMPARE(choice.coverage.covered, qint64(6));
        QCOMPARE(choice.coverage.needed, qint64(10));
        QCOMPARE(choice.skipped.size(), 1);
        QCOMPARE(choice.skipped.first().first.id, other);

        // Re-embedding replaces rows without counting them twice; new rows count.
        store.storeEmbeddings(clip, ids.mid(4, 4), values.data() + 10, 2);
        QCOMPARE(countOf(clip), qint64(8));
        store.storeComputedEmbeddings(clip, ids.mid(7, 3), {QStringLiteral("h7"), QStringLiteral("h8"), QStringLiteral("h9")},
                                      values.data(), 2);
        QCOMPARE(countOf(clip), qint64(10));

        // A rolled-back write leaves the count as it was.
        QVERIFY_THROWS_EXCEPTION(Error, store.transaction([&] {
            store.storeEmbeddings(clip, {999999}, values.data(), 2); // no such image: foreign key
        }));
        QCOMPARE(countOf(clip), qint64(10));

        // A changed file loses its embeddings; a removed image keeps them until pruned (cascade).
        StoredImage changed = images[0];
        changed.stamp.size += 1;
        changed.contentChanged = true;
        store.applyScan({changed}, {images[1].path});
        QCOMPARE(countOf(clip), qint64(9));
        QCOMPARE(countOf(other), qint64(1));
        QCOMPARE(store.pruneMissing(), 1);
        QCOMPARE(countOf(clip), qint64(8));
        QCOMPARE(countOf(other), qint64(0));
        QCOMPARE(chooseEmbeddingModel(store).model->id, clip); // other has no rows left

        // A few rows are read by key, most of them by one scan: the same vectors either way.
        float one[2] = {};
        QCOMPARE(store.loadEmbeddings(clip, {ids[5]}, one, 2), QVector<qint64>{});
        QCOMPARE(one[0], 12.f); // ids[5] was re-embedded with values[12..]
        std::vector<float> all(size_t(ids.size()) * 2);
        QCOMPARE(store.loadEmbeddings(clip, ids, all.data(), 2), (QVector<qint64>{ids[0], ids[1]}));
        QCOMPARE(all[10], 12.f);
        QCOMPARE(all[19], 5.f);
    }

    // Counts over every image are kept (seconds at 10M images) and dropped by any write to the
    // images, predictions or embeddings, from this connection or another process's.
    void summaryCountsFollowEveryWrite()
    {
        ProjectStore store(dbPath());
        populate(store);
        const qint64 model = store.ensureEmbeddingModel(QStringLiteral("clip"), 1, QString());
        const float one = 1.f;
        store.storeEmbeddings(model, {store.images().first().id}, &one, 1);
        const auto cachedKeys = [&] {
            QStringList keys = rawQuery(dbPath(), QStringLiteral("SELECT key FROM summary_cache"));
            keys.sort();
            return keys;
        };
        QCOMPARE(cachedKeys(), QStringList());
        QCOMPARE(store.imageCounts().images, 4);
        QCOMPARE(store.imageCounts().splitImages.value(Split::Val), 3);
        QCOMPARE(store.predictionCount(), qint64(4));
        QCOMPARE(store.embeddingCoverage(model).covered, qint64(1));
        const qint64 set = store.predictionSet().id;
        QCOMPARE(cachedKeys(), (QStringList{QStringLiteral("coverage:%1:%2").arg(model).arg(set),
                                            QStringLiteral("image_counts:%1").arg(set), QStringLiteral("predictions:%1").arg(set)}));
        QCOMPARE(store.imageCounts().images, 4); // from the cache

        // Each kind of write drops them; the next read counts again.
        const std::vector<float> three(3, 1.f);
        QVector<qint64> others;
        for (const StoredImage &i : store.images().mid(1))
            others << i.id;
        store.storeEmbeddings(model, others, three.data(), 1);
        QCOMPARE(cachedKeys(), QStringList());
        QCOMPARE(store.embeddingCoverage(model).covered, qint64(4));
        QVERIFY(store.embeddingCoverage(model).complete());
        store.applyScan({image(QStringLiteral("val/cat/5.png"), QStringLiteral("cat"), Split::Val)}, {});
        QCOMPARE(store.imageCounts().images, 5);
        QCOMPARE(store.predictionCount(), qint64(4));
        QCOMPARE(store.embeddingCoverage(model).needed, qint64(4)); // the new image has no prediction
        store.replacePredictions({}, QStringLiteral("empty.csv"));
        QCOMPARE(store.predictionCount(), qint64(0));
        QCOMPARE(store.embeddingCoverage(model).needed, qint64(5)); // no predictions: every image
        // Another process's write (here: raw SQL on another connection) drops them as well.
        QCOMPARE(store.imageCounts().images, 5);
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("UPDATE images SET missing=1 WHERE path='val/cat/5.png'")), QStringList{});
        QCOMPARE(store.imageCounts().images, 4);
    }

    void migrationCountsExistingEmbeddings()
    {
        // A version-5 project (no kept counts) with embeddings: opening it counts them once.
        {
            ProjectStore store(dbPath());
            populate(store);
        }
        downgradeToSchema12(dbPath());
        for (const char *trigger : {"images_insert", "images_update", "images_delete", "predictions_insert",
                                    "predictions_update", "predictions_delete", "embeddings_insert", "embeddings_delete"})
            QCOMPARE(rawQuery(dbPath(), QStringLiteral("DROP TRIGGER summary_%1").arg(QLatin1String(trigger))), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("DROP TABLE retrains")), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("DROP TABLE summary_cache")), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("ALTER TABLE embedding_models DROP COLUMN content_hash")), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("ALTER TABLE images DROP COLUMN missing")), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("DROP TABLE replaced_embeddings")), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("DROP TABLE generated_samples")), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("DROP TRIGGER embeddings_count_insert")), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("DROP TRIGGER embeddings_count_delete")), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("ALTER TABLE embedding_models DROP COLUMN row_count")), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("INSERT INTO embedding_models(name, dim, created) VALUES('clip', 1, 'now')")),
                 QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("INSERT INTO embeddings SELECT 1, id, x'0000803f' FROM images")), QStringList{});
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("PRAGMA user_version=5")), QStringList{});

        ProjectStore store(dbPath());
        QCOMPARE(store.schemaVersion(), ProjectStore::kSchemaVersion);
        QCOMPARE(store.embeddingModels().size(), qsizetype(1));
        QCOMPARE(store.embeddingModels()[0].count, qint64(4));
        store.applyScan({}, {QStringLiteral("val/dog/3.png")});
        QCOMPARE(store.pruneMissing(), 1);
        QCOMPARE(store.embeddingModels()[0].count, qint64(3));
    }

    // Issue 13: an older project's one prediction set becomes the model "default", with its
    // source and classifier; its runs analysed it.
    void migrationNamesTheOnlyPredictionSetDefault()
    {
        QVector<LabeledImage> before;
        {
            ProjectStore store(dbPath());
            before = populate(store);
            store.replacePredictions([&] {
                QVector<PredictionRecord> records;
                for (const LabeledImage &image : before)
                    records << PredictionRecord{image.id, QString(), image.prediction, std::nullopt, 0.25, 0};
                return records;
            }(), QStringLiteral("p.csv"), QString(), QStringLiteral("{\"path\":\"m.pt\"}"));
            before = store.labeledImages();
            store.createRun(QStringLiteral("{}"), 0, before, ProjectStore::defaultPredictionSet());
        }
        downgradeToSchema12(dbPath());
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("SELECT value FROM meta WHERE key='predictions_source'")),
                 QStringList{QStringLiteral("p.csv")});

        ProjectStore store(dbPath());
        QCOMPARE(store.schemaVersion(), ProjectStore::kSchemaVersion);
        const QVector<PredictionSetInfo> sets = store.predictionSets();
        QCOMPARE(sets.size(), qsizetype(1));
        QCOMPARE(sets[0].name, QStringLiteral("default"));
        QCOMPARE(sets[0].source, QStringLiteral("p.csv"));
        QCOMPARE(sets[0].classifier, QStringLiteral("{\"path\":\"m.pt\"}"));
        QCOMPARE(sets[0].count, qint64(4));
        QCOMPARE(store.currentPredictionSet(), QStringLiteral("default"));
        const QVector<LabeledImage> after = store.labeledImages();
        QCOMPARE(after.size(), before.size());
        for (qsizetype i = 0; i < after.size(); ++i) {
            QCOMPARE(after[i].id, before[i].id);
            QCOMPARE(after[i].prediction, before[i].prediction);
            QCOMPARE(after[i].confidence, before[i].confidence);
        }
        QCOMPARE(store.runs().first().predictionSet, QStringLiteral("default"));
        QCOMPARE(store.meta(QStringLiteral("predictions_source")), QString());
        QCOMPARE(store.meta(QStringLiteral("classifier")), QString());
    }

    void migrationOfAProjectWithoutPredictionsHasNoSet()
    {
        {
            ProjectStore store(dbPath());
            store.applyScan({image(QStringLiteral("val/cat/1.png"), QStringLiteral("cat"), Split::Val)}, {});
            // A set with no rows stands for schema 12's empty predictions table.
            store.replacePredictions({}, QStringLiteral("none.csv"));
        }
        downgradeToSchema12(dbPath());
        ProjectStore store(dbPath());
        QCOMPARE(store.predictionSets().size(), qsizetype(0));
        QCOMPARE(store.currentPredictionSet(), QString());
        QCOMPARE(store.predictionCount(), qint64(0));
        QCOMPARE(store.labeledImages().size(), qsizetype(0));
        QCOMPARE(store.imageCounts().images, 1);
    }

    void predictionSetsAreSeparateModels()
    {
        ProjectStore store(dbPath());
        const QVector<LabeledImage> first = populate(store);
        QCOMPARE(store.currentPredictionSet(), QStringLiteral("default"));
        // A second model that gets every image wrong; importing it makes it the current one.
        QVector<PredictionRecord> wrong;
        for (const LabeledImage &image : first)
            wrong << PredictionRecord{image.id, QString(), QStringLiteral("bird"), std::nullopt, 0.1, 0};
        wrong.removeLast();
        store.replacePredictions(wrong, QStringLiteral("classifier:b.pt"), QStringLiteral("model-b"));
        QCOMPARE(store.currentPredictionSet(), QStringLiteral("model-b"));
        QCOMPARE(store.predictionCount(), qint64(3));
        QCOMPARE(store.labeledImages().size(), qsizetype(3));
        for (const LabeledImage &image : store.labeledImages())
            QCOMPARE(image.prediction, QStringLiteral("bird"));
        QCOMPARE(store.labeledImages(QStringLiteral("default")).size(), qsizetype(4)); // untouched
        QCOMPARE(store.confidences({first[0].id}, QStringLiteral("model-b")).value(first[0].id), 0.1);
        QVERIFY(!store.confidences({first[0].id}, QStringLiteral("default")).contains(first[0].id));
        QCOMPARE(store.embeddingCoverage(store.ensureEmbeddingModel(QStringLiteral("clip"), 2, QString())).needed, qint64(3));

        // Runs record their set; the latest run per set.
        const qint64 runA = store.createRun(QStringLiteral("{}"), 0, first, QStringLiteral("default"));
        store.finishRun(runA, QStringLiteral("done"));
        QCOMPARE(store.latestCompletedRun(QStringLiteral("model-b")), qint64(0));
        QCOMPARE(store.latestCompletedRun(QStringLiteral("default")), runA);
        QCOMPARE(store.latestCompletedRun(), runA);
        QCOMPARE(store.run(runA).predictionSet, QStringLiteral("default"));

        // Switching and names.
        store.setCurrentPredictionSet(QStringLiteral("default"));
        QCOMPARE(store.predictionCount(), qint64(4));
        QCOMPARE(store.imageCounts().splitImages.value(Split::Val), 3);
        const QStringList names{store.predictionSets()[0].name, store.predictionSets()[1].name};
        QCOMPARE(names, (QStringList{QStringLiteral("default"), QStringLiteral("model-b")}));
        QString error;
        try {
            store.setCurrentPredictionSet(QStringLiteral("resnet"));
        } catch (const Error &e) {
            error = e.message();
        }
        QVERIFY2(error.contains(QLatin1String("no prediction set 'resnet'")) && error.contains(QLatin1String("default, model-b")),
                 qPrintable(error));
        for (const QString &bad : {QStringLiteral(""), QStringLiteral("a,b"), QStringLiteral("tab	here"), QString(101, QLatin1Char('x'))})
            QVERIFY_THROWS_EXCEPTION(Error, store.replacePredictions({}, QStringLiteral("x.csv"), bad.isEmpty() ? QStringLiteral(" ") : bad));
        QCOMPARE(store.predictionSets().size(), qsizetype(2)); // nothing stored for a bad name

        // Removing the current set falls back to the newest other one; the run keeps its rows.
        store.removePredictionSet(QStringLiteral("default"));
        QCOMPARE(store.currentPredictionSet(), QStringLiteral("model-b"));
        QCOMPARE(store.runScores(runA).size(), qsizetype(4));
        QCOMPARE(store.predictionCount(), qint64(3));
    }

    void generatedSamplesKeepEverythingToMakeThemAgain()
    {
        ProjectStore store(dbPath());
        const QVector<LabeledImage> labeled = populate(store);
        const qint64 model = store.ensureEmbeddingModel(QStringLiteral("clip"), 2, QString());
        const qint64 runId = store.createRun(QStringLiteral("{}"), model, labeled, ProjectStore::defaultPredictionSet());

        GeneratedSample slerp;
        slerp.runId = runId;
        slerp.className = QStringLiteral("cat");
        slerp.group = QStringLiteral("hard");
        slerp.origin = QStringLiteral("slerp");
        slerp.prompt = QStringLiteral("a photo of a cat");
        slerp.embedding = {0.6f, -0.8f};
        slerp.embeddingSpace = QStringLiteral("ViT-B/32");
        slerp.alpha = -0.5;
        slerp.seed = 1234567890123;
        slerp.backend = QStringLiteral("embedding-decoder");
        slerp.parameters = QStringLiteral("{\"steps\":25}");
        slerp.file = QStringLiteral(".faultline/generated/ab.png");
        const qint64 first = store.addGeneratedSample(slerp);

        GeneratedSample retrieved;
        retrieved.className = QStringLiteral("dog");
        retrieved.group = QStringLiteral("easy");
        retrieved.origin = QStringLiteral("caption");
        retrieved.prompt = QStringLiteral("a photo of a dog on the grass");
        retrieved.backend = QStringLiteral("retrieval");
        retrieved.file = retrieved.sourceImage = QStringLiteral("val/dog/3.png");
        const qint64 second = store.addGeneratedSample(retrieved);
        QVERIFY(second > first);

        const QVector<GeneratedSample> cats = store.generatedSamples(QStringLiteral("cat"));
        QCOMPARE(cats.size(), qsizetype(1));
        const GeneratedSample &read = cats[0];
        QCOMPARE(read.id, first);
        QCOMPARE(read.runId, runId);
        QCOMPARE(read.group, QStringLiteral("hard"));
        QCOMPARE(read.origin, QStringLiteral("slerp"));
        QCOMPARE(read.embedding, (std::vector<float>{0.6f, -0.8f}));
        QCOMPARE(read.embeddingSpace, QStringLiteral("ViT-B/32"));
        QCOMPARE(read.alpha, std::optional<double>(-0.5));
        QCOMPARE(read.seed, qint64(1234567890123));
        QCOMPARE(read.parameters, slerp.parameters);
        QVERIFY(read.created.isValid());
        QVERIFY(!read.correct().has_value()); // not checked yet

        const QVector<GeneratedSample> all = store.generatedSamples();
        QCOMPARE(all.size(), qsizetype(2));
        QVERIFY(all[1].embedding.empty());
        QVERIFY(!all[1].alpha.has_value());
        QCOMPARE(all[1].sourceImage, QStringLiteral("val/dog/3.png"));
        QCOMPARE(all[1].runId, qint64(0));

        store.storeSampleVerdicts({{first, QStringLiteral("dog"), 0.25, QStringLiteral("net.pt")}});
        const GeneratedSample checked = store.generatedSamples(QVector<qint64>{first}).value(0);
        QCOMPARE(checked.prediction, QStringLiteral("dog"));
        QCOMPARE(checked.confidence, std::optional<double>(0.25));
        QCOMPARE(checked.classifier, QStringLiteral("net.pt"));
        QVERIFY(checked.checked.isValid());
        QCOMPARE(checked.correct(), std::optional<bool>(false));

        store.removeGeneratedSamples({second});
        QCOMPARE(store.generatedSamples().size(), qsizetype(1));

        GeneratedSample incomplete;
        incomplete.className = QStringLiteral("cat");
        QVERIFY_THROWS_EXCEPTION(Error, store.addGeneratedSample(incomplete));
    }

    void runLifecycle()
    {
        ProjectStore store(dbPath());
        QCOMPARE(store.latestCompletedRun(), qint64(0));
        const QVector<LabeledImage> labeled = populate(store);
        const qint64 model = store.ensureEmbeddingModel(QStringLiteral("clip"), 2, QString());
        const qint64 runId = store.createRun(QStringLiteral("{\"folds\":2}"), model, labeled, ProjectStore::defaultPredictionSet());
        QVERIFY(runId > 0);
        RunInfo info = store.run(runId);
        QCOMPARE(info.status, QStringLiteral("running"));
        QCOMPARE(info.params, QStringLiteral("{\"folds\":2}"));
        QCOMPARE(info.embeddingModelId, model);
        QVERIFY(info.created.isValid());
        QVERIFY(!info.finished.isValid());
        QCOMPARE(rawQuery(dbPath(), QStringLiteral("SELECT owner_pid FROM runs WHERE id=%1").arg(runId)),
                 QStringList{QString::number(QCoreApplication::applicationPid())});
        QCOMPARE(store.latestCompletedRun(), qint64(0));
        store.storeWhitening(runId, {0.5, 1.5}, {2.0, 3.0});

        // Rows as the analysis sees them: index into `labeled`.
        std::vector<qint64> rowIds;
        for (const LabeledImage &l : labeled)
            rowIds.push_back(l.id);
        int catRow1 = -1, catRow2 = -1;
        for (int i = 0; i < labeled.size(); ++i) {
            if (labeled[i].path == QLatin1String("val/cat/1.png"))
                catRow1 = i;
            if (labeled[i].path == QLatin1String("val/cat/2.png"))
                catRow2 = i;
        }
        ClassResult cat;
        cat.ok = true;
        cat.nFit = 2;
        cat.nFitErrors = 1;
        cat.cvBalancedAccuracy = 0.75;
        cat.C = 0.01;
        cat.cvScores = {0.5, 0.75};
        cat.normal = Eigen::VectorXd::Ones(2);
        cat.bias = -0.25;
        cat.rows = {catRow1, catRow2};
        cat.decisionValues = {1.25, -0.5};
        store.storeClassResult(runId, QStringLiteral("cat"), cat, rowIds);
        ClassResult dog;
        dog.ok = false;
        dog.nFit = 1;
        dog.skipReason = QStringLiteral("no errors in the fit split");
        store.storeClassResult(runId, QStringLiteral("dog"), dog, rowIds);
        store.finishRun(runId, QStringLiteral("done"));

        info = store.run(runId);
        QCOMPARE(info.status, QStringLiteral("done"));
        QVERIFY(info.finished.isValid());
        QVERIFY(info.finished >= info.created);
        QCOMPARE(store.latestCompletedRun(), runId);

        const QVector<RunClassRow> classes = store.runClasses(runId);
        QCOMPARE(classes.size(), qsizetype(2));
        QCOMPARE(classes[0].className, QStringLiteral("cat"));
        QCOMPARE(classes[0].status, QStringLiteral("ok"));
        QCOMPARE(classes[0].nFit, 2);
        QCOMPARE(classes[0].nFitErrors, 1);
        QCOMPARE(classes[0].cvBalancedAccuracy, std::optional<double>(0.75));
        QCOMPARE(classes[0].C, std::optional<double>(0.01));
        QCOMPARE(classes[1].className, QStringLiteral("dog"));
        QCOMPARE(classes[1].status, QStringLiteral("skipped"));
        QCOMPARE(classes[1].reason, QStringLiteral("no errors in the fit split"));
        QVERIFY(!classes[1].cvBalancedAccuracy.has_value());
        QVERIFY(!classes[1].C.has_value());

        const QVector<RunScoreRow> scores = store.runScores(runId);
        QCOMPARE(scores.size(), qsizetype(4));
        QHash<QString, RunScoreRow> byPath;
        for (const RunScoreRow &row : scores)
            byPath.insert(row.path, row);
        QCOMPARE(byPath.value(QStringLiteral("val/cat/1.png")).decisionValue, std::optional<double>(1.25));
        QCOMPARE(byPath.value(QStringLiteral("val/cat/2.png")).decisionValue, std::optional<double>(-0.5));
        QCOMPARE(byPath.value(QStringLiteral("val/cat/2.png")).prediction, QStringLiteral("dog"));
        QCOMPARE(byPath.value(QStringLiteral("val/cat/2.png")).label, QStringLiteral("cat"));
        QVERIFY(!byPath.value(QStringLiteral("val/dog/3.png")).decisionValue.has_value());
        QCOMPARE(byPath.value(QStringLiteral("pool/dog/4.png")).split, Split::Pool);

        // One class's rows, by path; counts per class.
        const QVector<RunScoreRow> catRows = store.runScores(runId, QStringLiteral("cat"));
        QCOMPARE(catRows.size(), qsizetype(2));
        QCOMPARE(catRows[0].path, QStringLiteral("val/cat/1.png"));
        QCOMPARE(catRows[1].decisionValue, std::optional<double>(-0.5));
        QCOMPARE(store.runScores(runId, QStringLiteral("bird")).size(), qsizetype(0));
        const QVector<RunClassCount> counts = store.runClassCounts(runId);
        QCOMPARE(counts.size(), qsizetype(2));
        QCOMPARE(counts[0].className, QStringLiteral("cat"));
        QCOMPARE(counts[0].images, 2);
        QCOMPARE(counts[0].errors, 1);
        QCOMPARE(counts[1].className, QStringLiteral("dog"));
        QCOMPARE(counts[1].images, 2);
        QCOMPARE(counts[1].errors, 0);

        // The slider's calibrated search, per class and split: replaced, not added to.
        QVERIFY(store.loadSearchIndex(runId, QStringLiteral("cat"), QStringLiteral("test")).isEmpty());
        store.storeSearchIndex(runId, QStringLiteral("cat"), QStringLiteral("test"), QByteArray("first"));
        store.storeSearchIndex(runId, QStringLiteral("cat"), QStringLiteral("test"), QByteArray("\0second", 7));
        QCOMPARE(store.loadSearchIndex(runId, QStringLiteral("cat"), QStringLiteral("test")), QByteArray("\0second", 7));
        QVERIFY(store.loadSearchIndex(runId, QStringLiteral("cat"), QStringLiteral("val")).isEmpty());
        QVERIFY(store.loadSearchIndex(runId, QStringLiteral("dog"), QStringLiteral("test")).isEmpty());

        // Later prediction imports do not rewrite the run.
        store.replacePredictions({}, QStringLiteral("empty.csv"));
        QCOMPARE(store.runScores(runId).size(), qsizetype(4));
        QCOMPARE(store.runScores(runId)[2].prediction, QStringLiteral("dog"));

        // A second run; runs() lists newest first; a failed run is not 'completed'.
        const qint64 second = store.createRun(QStringLiteral("{}"), model, labeled, ProjectStore::defaultPredictionSet());
        store.finishRun(second, QStringLiteral("failed"), QStringLiteral("why"));
        QCOMPARE(store.runs().size(), qsizetype(2));
        QCOMPARE(store.runs()[0].id, second);
        QCOMPARE(store.runs()[0].message, QStringLiteral("why"));
        QCOMPARE(store.latestCompletedRun(), runId);
        QVERIFY_THROWS_EXCEPTION(Error, store.run(9999));

        // A removed image leaves the run's counts and class rows.
        store.applyScan({}, {QStringLiteral("pool/dog/4.png")});
        QCOMPARE(store.runClassCounts(runId)[1].images, 1);
        QCOMPARE(store.runScores(runId, QStringLiteral("dog")).size(), qsizetype(1));
    }

    void imageTagsReplaceClearAndFollowRemovedImages()
    {
        ProjectStore store(m_tmp->filePath(QStringLiteral("tags.sqlite")));
        store.applyScan({image(QStringLiteral("a.png"), QStringLiteral("c"), Split::Val),
                         image(QStringLiteral("b.png"), QStringLiteral("c"), Split::Val)}, {});
        QHash<QString, qint64> ids;
        for (const StoredImage &stored : store.images())
            ids.insert(stored.path, stored.id);
        store.setImageTag({ids[QStringLiteral("a.png")], ids[QStringLiteral("b.png")]}, QStringLiteral("hard"));
        store.setImageTag({ids[QStringLiteral("b.png")]}, QStringLiteral("ok")); // one verdict per image
        QHash<qint64, QString> tags = store.imageTags();
        QCOMPARE(tags.size(), qsizetype(2));
        QCOMPARE(tags.value(ids[QStringLiteral("a.png")]), QStringLiteral("hard"));
        QCOMPARE(tags.value(ids[QStringLiteral("b.png")]), QStringLiteral("ok"));
        store.setImageTag({ids[QStringLiteral("a.png")]}, QString());
        store.applyScan({}, {QStringLiteral("b.png")}); // a missing image keeps its tag…
        QCOMPARE(store.imageTags().size(), qsizetype(1));
        store.pruneMissing(); // …and a pruned one takes it along
        QVERIFY(store.imageTags().isEmpty());
    }

    void runWithoutSplitsIsStored()
    {
        // A flat dataset: the split is Unassigned everywhere.
        ProjectStore store(dbPath());
        store.applyScan({image(QStringLiteral("cat/1.png"), QStringLiteral("cat"), Split::Unassigned)}, {});
        PredictionRecord r;
        r.imageId = store.images()[0].id;
        r.prediction = QStringLiteral("cat");
        store.replacePredictions({r}, QStringLiteral("p.csv"));
        const qint64 runId = store.createRun(QStringLiteral("{}"), 0, store.labeledImages(), ProjectStore::defaultPredictionSet());
        QCOMPARE(store.runScores(runId).size(), qsizetype(1));
        QCOMPARE(store.runScores(runId)[0].split, Split::Unassigned);
    }

    void orphanedRunIsMarkedInterrupted()
    {
        const QString path = dbPath();
        qint64 orphan = 0, alive = 0, done = 0;
        {
            ProjectStore store(path);
            const QVector<LabeledImage> labeled = populate(store);
            done = store.createRun(QStringLiteral("{}"), 0, labeled, ProjectStore::defaultPredictionSet());
            store.finishRun(done, QStringLiteral("done"));
            orphan = store.createRun(QStringLiteral("{}"), 0, labeled, ProjectStore::defaultPredictionSet());
            alive = store.createRun(QStringLiteral("{}"), 0, labeled, ProjectStore::defaultPredictionSet()); // owned by this live process
        }
        // A pid above Linux's maximum (2^22) cannot belong to a running process.
        const qint64 deadPid = (qint64(1) << 22) + 4321;
        rawQuery(path, QStringLiteral("UPDATE runs SET owner_pid=%1 WHERE id=%2").arg(deadPid).arg(orphan));
        QCOMPARE(rawQuery(path, QStringLiteral("SELECT status FROM runs WHERE id=%1").arg(orphan)),
                 QStringList{QStringLiteral("running")});

        ProjectStore store(path);
        const RunInfo interrupted = store.run(orphan);
        QCOMPARE(interrupted.status, QStringLiteral("interrupted"));
        QVERIFY(interrupted.finished.isValid());
        QVERIFY2(!interrupted.message.isEmpty(), "an interrupted run says why");
        QCOMPARE(store.run(alive).status, QStringLiteral("running"));
        QCOMPARE(store.run(done).status, QStringLiteral("done"));
        QCOMPARE(store.latestCompletedRun(), done);
        // Its rows are still there (what it committed stays).
        QCOMPARE(store.runScores(orphan).size(), qsizetype(4));
    }
};

QTEST_GUILESS_MAIN(TestProjectStore)
#include "test_project_store.moc"
