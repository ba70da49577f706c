#include "store/ProjectStore.h"

#include "analysis/AnalysisTypes.h"
#include "common/Error.h"
#include "store/SqlSupport.h"
#include "store/StoreAccess.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <cmath>


namespace faultline {

using namespace sql;

namespace {

// Each schema version's statements; a database at version v runs steps v..end.
const char *const kMigrations[][16] = {
    // 1: the initial schema
    {
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        // AUTOINCREMENT: a removed image's id is never given to a new file, so old runs' rows
        // (run_scores.image_id) can never point at another image.
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
        // The rows a run analysed, as they were then (predictions may be replaced later).
        "CREATE TABLE run_scores(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
        " image_id INTEGER NOT NULL, split TEXT NOT NULL, label TEXT NOT NULL, prediction TEXT NOT NULL,"
        " decision_value REAL, PRIMARY KEY(run_id, image_id)) WITHOUT ROWID",
        nullptr,
    },
    // 2: embeddings computed by Faultline are also kept by image content, so a moved, copied
    // or re-added file costs nothing to embed again
    {
        "ALTER TABLE images ADD COLUMN content_hash TEXT",
        "CREATE TABLE embedding_cache(model_id INTEGER NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,"
        " content_hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY(model_id, content_hash)) WITHOUT ROWID",
        nullptr,
    },
    // 3: caption scores of a run, per class and vocabulary
    {
        "CREATE TABLE caption_scores(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
        " class TEXT NOT NULL, vocabulary TEXT NOT NULL, caption TEXT NOT NULL, score REAL NOT NULL,"
        " PRIMARY KEY(run_id, class, vocabulary, caption)) WITHOUT ROWID",
        nullptr,
    },
    // 4: the order a run analysed its rows in (its folds depend on it), so it can be replayed;
    // NULL for older runs, which then replay in path order
    {
        "ALTER TABLE run_scores ADD COLUMN position INTEGER",
        nullptr,
    },
    // 5: the user's verdict on an image ("hard" or "ok"), set from the gallery
    {
        "CREATE TABLE image_tags(image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,"
        " tag TEXT NOT NULL)",
        nullptr,
    },
    // 6: opening a project must not read every embedding: each model keeps its row count
    // (triggers keep it right in the writing transaction, cascaded deletes included)
    {
        "ALTER TABLE embedding_models ADD COLUMN row_count INTEGER NOT NULL DEFAULT 0",
        "UPDATE embedding_models SET row_count=(SELECT COUNT(*) FROM embeddings e WHERE e.model_id=embedding_models.id)",
        "CREATE TRIGGER embeddings_count_insert AFTER INSERT ON embeddings BEGIN"
        " UPDATE embedding_models SET row_count=row_count+1 WHERE id=NEW.model_id; END",
        "CREATE TRIGGER embeddings_count_delete AFTER DELETE ON embeddings BEGIN"
        " UPDATE embedding_models SET row_count=row_count-1 WHERE id=OLD.model_id; END",
        nullptr,
    },
    // 7: images made by generation backends (or retrieved as their fallback) for a class's
    // failure mode, with everything needed to make them again, and the classifier's verdict
    {
        "CREATE TABLE generated_samples(id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL, class TEXT NOT NULL,"
        " sample_group TEXT NOT NULL, origin TEXT NOT NULL, prompt TEXT, embedding BLOB, embedding_space TEXT,"
        " alpha REAL, seed INTEGER NOT NULL, backend TEXT NOT NULL, parameters TEXT NOT NULL,"
        " created TEXT NOT NULL, file TEXT NOT NULL, source_image TEXT,"
        " prediction TEXT, confidence REAL, checked TEXT, classifier TEXT)",
        "CREATE INDEX generated_samples_class ON generated_samples(class, sample_group)",
        nullptr,
    },
    // 8: the vectors of an image whose content changed, kept for the runs fitted on them
    // (last_run: the newest run when it was replaced; runs up to it read this vector)
    {
        "CREATE TABLE replaced_embeddings(model_id INTEGER NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,"
        " image_id INTEGER NOT NULL, last_run INTEGER NOT NULL, vector BLOB NOT NULL)",
        "CREATE INDEX replaced_embeddings_image ON replaced_embeddings(image_id)",
        nullptr,
    },
    // 9: a file gone from the dataset folder is marked missing, not deleted, until pruned: a
    // split folder moved away and back keeps its predictions, embeddings and run rows
    {
        "ALTER TABLE images ADD COLUMN missing INTEGER NOT NULL DEFAULT 0",
        nullptr,
    },
    // 10: an imported model's identity includes its files' content (SHA-256), so another file
    // of the same name is another model, never an overwrite of vectors runs were fitted on
    {
        "ALTER TABLE embedding_models ADD COLUMN content_hash TEXT",
        nullptr,
    },
    // 11: counts over every image (seconds at 10M images) are kept until a write to the images,
    // predictions or embeddings drops them, so reopening an unchanged project is instant
    {
        "CREATE TABLE summary_cache(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        "CREATE TRIGGER summary_images_insert AFTER INSERT ON images BEGIN DELETE FROM summary_cache; END",
        "CREATE TRIGGER summary_images_update AFTER UPDATE ON images BEGIN DELETE FROM summary_cache; END",
        "CREATE TRIGGER summary_images_delete AFTER DELETE ON images BEGIN DELETE FROM summary_cache; END",
        "CREATE TRIGGER summary_predictions_insert AFTER INSERT ON predictions BEGIN DELETE FROM summary_cache; END",
        "CREATE TRIGGER summary_predictions_update AFTER UPDATE ON predictions BEGIN DELETE FROM summary_cache; END",
        "CREATE TRIGGER summary_predictions_delete AFTER DELETE ON predictions BEGIN DELETE FROM summary_cache; END",
        "CREATE TRIGGER summary_embeddings_insert AFTER INSERT ON embeddings BEGIN DELETE FROM summary_cache; END",
        "CREATE TRIGGER summary_embeddings_delete AFTER DELETE ON embeddings BEGIN DELETE FROM summary_cache; END",
        nullptr,
    },
    // 12: every head retraining (fix/HeadRetraining): its intervention, parameters, the before/after
    // report (JSON) and the classifier file it wrote
    {
        "CREATE TABLE retrains(id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL,"
        " run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL, classifier TEXT NOT NULL, intervention TEXT NOT NULL,"
        " parameters TEXT NOT NULL, report TEXT NOT NULL, output TEXT)",
        nullptr,
    },
    // 13: several models per project: predictions belong to a named set (one per model), and a
    // run records the set it analysed. The one set an older project had becomes "default".
    {
        "CREATE TABLE prediction_sets(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,"
        " source TEXT, classifier TEXT, created TEXT NOT NULL)",
        "INSERT INTO prediction_sets(name, source, classifier, created)"
        " SELECT 'default', (SELECT value FROM meta WHERE key='predictions_source'),"
        " (SELECT value FROM meta WHERE key='classifier'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
        " WHERE EXISTS (SELECT 1 FROM predictions)",
        "CREATE TABLE predictions_by_set(set_id INTEGER NOT NULL REFERENCES prediction_sets(id) ON DELETE CASCADE,"
        " image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE, label TEXT, prediction TEXT NOT NULL,"
        " split TEXT, confidence REAL, source_line INTEGER, PRIMARY KEY(set_id, image_id)) WITHOUT ROWID",
        "INSERT INTO predictions_by_set SELECT s.id, p.image_id, p.label, p.prediction, p.split, p.confidence,"
        " p.source_line FROM predictions p JOIN prediction_sets s ON s.name = 'default'",
        "DROP TABLE predictions",
        "ALTER TABLE predictions_by_set RENAME TO predictions",
        "CREATE TRIGGER summary_predictions_insert AFTER INSERT ON predictions BEGIN DELETE FROM summary_cache; END",
        "CREATE TRIGGER summary_predictions_update AFTER UPDATE ON predictions BEGIN DELETE FROM summary_cache; END",
        "CREATE TRIGGER summary_predictions_delete AFTER DELETE ON predictions BEGIN DELETE FROM summary_cache; END",
        "INSERT OR REPLACE INTO meta(key, value) SELECT 'prediction_set', 'default' WHERE EXISTS (SELECT 1 FROM prediction_sets)",
        "DELETE FROM meta WHERE key IN ('predictions_source', 'classifier')",
        "ALTER TABLE runs ADD COLUMN prediction_set TEXT",
        "UPDATE runs SET prediction_set = 'default'",
        "DELETE FROM summary_cache",
        nullptr,
    },
    // 14: each image's hardness (the ranking beyond the paper's decision value, lower = harder)
    // and the text embeddings of rule concepts, per embedding model, so rules need no text tower
    // once a concept has been embedded
    {
        "ALTER TABLE run_scores ADD COLUMN hardness REAL",
        "CREATE TABLE concept_embeddings(model_id INTEGER NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,"
        " text TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY(model_id, text)) WITHOUT ROWID",
        nullptr,
    },
    // 15: the embedding map's 2-D coordinates per run, method and class (computed once, off the
    // GUI thread; reopening the map reads them back)
    {
        "CREATE TABLE run_projections(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
        " method TEXT NOT NULL, class TEXT NOT NULL, image_id INTEGER NOT NULL, x REAL NOT NULL, y REAL NOT NULL,"
        " PRIMARY KEY(run_id, method, class, image_id)) WITHOUT ROWID",
        nullptr,
    },
    // 16: the slider's calibrated approximate search (EmbeddingIndex::savedApproximation) per run,
    // class and split
    {
        "CREATE TABLE run_search_indexes(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
        " class TEXT NOT NULL, split TEXT NOT NULL, state BLOB NOT NULL, PRIMARY KEY(run_id, class, split)) WITHOUT ROWID",
        nullptr,
    },
};
constexpr int kMigrationCount = int(sizeof(kMigrations) / sizeof(kMigrations[0]));
static_assert(kMigrationCount == ProjectStore::kSchemaVersion, "one migration per schema version");

} // namespace

QString ProjectStore::defaultPath(const QString &datasetRoot)
{
    return QDir(datasetRoot).filePath(QStringLiteral(".faultline/project.sqlite"));
}

ProjectStore::ProjectStore(const QString &databasePath) : m_path(databasePath)
{
    static QAtomicInt counter;
    m_connection = QStringLiteral("faultline-store-%1").arg(counter.fetchAndAddRelaxed(1));
    const QFileInfo info(databasePath);
    if (!QDir().mkpath(info.absolutePath()))
        throw Error(QStringLiteral("%1: cannot create the project folder").arg(info.absolutePath()));

    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    m_db.setDatabaseName(databasePath);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!m_db.open())
        throw writeError(QStringLiteral("cannot open project store"), m_db.lastError());
    try {
        {
            // A file that is not SQLite fails the statement itself (SQLITE_NOTADB 26, SQLITE_CORRUPT 11);
            // a damaged one reports its problems, one per line: show the first, as one line.
            QSqlQuery check(m_db);
            QString problem;
            // quick_check reads the whole file: affordable up to a few hundred MB. Larger
            // projects only get the header check here; SQLite reports damaged pages when read.
            const bool small = QFileInfo(databasePath).size() <= 256LL * 1024 * 1024;
            if (!check.exec(small ? QStringLiteral("PRAGMA quick_check") : QStringLiteral("PRAGMA schema_version"))) {
                const QString code = check.lastError().nativeErrorCode();
                if (code != QLatin1String("26") && code != QLatin1String("11"))
                    throw writeError(QStringLiteral("cannot open project store"), check.lastError());
                problem = check.lastError().databaseText();
            } else if (!check.next()) {
                problem = QStringLiteral("no answer to quick_check");
            } else if (small && check.value(0).toString() != QLatin1String("ok")) {
                QStringList lines = check.value(0).toString().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
                while (check.next())
                    lines += check.value(0).toString().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
                lines.removeIf([](const QString &line) { return line.startsWith(QLatin1String("***")); });
                problem = lines.isEmpty() ? QStringLiteral("quick_check failed") : lines.first().simplified();
                if (lines.size() > 1)
                    problem += QStringLiteral(", and %1 more problems").arg(lines.size() - 1);
            }
            if (!problem.isEmpty())
                throw Error(QStringLiteral("%1: the project store is damaged or not a Faultline project (%2);"
                                           " move it away to start afresh").arg(databasePath, problem));
        }
        checkVersion(); // before anything writes (journal_mode, migrations)
        // A new store: 16 KiB pages hold a 512-dim vector (2 KiB) in its b-tree cell; with
        // SQLite's default 4 KiB each one spilled to an overflow page, 2.5× the bytes on disk.
        if (schemaVersion() == 0)
            execSql(m_db, QStringLiteral("PRAGMA page_size=16384"));
        execSql(m_db, QStringLiteral("PRAGMA journal_mode=WAL"));
        execSql(m_db, QStringLiteral("PRAGMA synchronous=NORMAL"));
        execSql(m_db, QStringLiteral("PRAGMA foreign_keys=ON"));
        // SQLite's default page cache (2 MiB) is smaller than one scan's or import's writes: a
        // transaction that outgrows it spills dirty b-tree pages to the WAL and writes the same
        // pages again and again (inserts by path and image id land all over their b-trees).
        // Memory, not durability: what a commit writes and syncs is unchanged.
        execSql(m_db, QStringLiteral("PRAGMA cache_size=-131072")); // KiB: at most 128 MiB
        // Statement journals (the undo of one statement inside a transaction, never needed after
        // a crash: the WAL is what recovery reads) stay in memory instead of /var/tmp files that
        // every insert wrote a 16 KiB page copy to.
        execSql(m_db, QStringLiteral("PRAGMA temp_store=MEMORY"));
        migrate();
        // Runs whose process is gone were killed mid-way; what they committed stays.
        QSqlQuery running = execSql(m_db, QStringLiteral("SELECT id, owner_pid FROM runs WHERE status='running'"));
        QVector<qint64> orphaned;
        while (running.next())
            if (!processAlive(running.value(1).toLongLong()))
                orphaned.push_back(running.value(0).toLongLong());
        for (qint64 id : orphaned)
            finishRun(id, QStringLiteral("interrupted"), QStringLiteral("the process running it ended early"));
    } catch (...) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connection);
        throw;
    }
}

ProjectStore::~ProjectStore()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
}

int ProjectStore::schemaVersion() const
{
    QSqlQuery query = execSql(m_db, QStringLiteral("PRAGMA user_version"));
    return query.next() ? query.value(0).toInt() : 0;
}

void ProjectStore::checkVersion() const
{
    // user_version is any 32-bit value in a foreign or damaged file: only 0..kSchemaVersion
    // index the migrations, and only an empty file may start at 0.
    const int version = schemaVersion();
    if (version > kSchemaVersion)
        throw Error(QStringLiteral("%1: made by a newer Faultline (schema %2, this one knows up to %3)")
                        .arg(m_path).arg(version).arg(kSchemaVersion));
    if (version < 0)
        throw Error(QStringLiteral("%1: schema version %2 is not one Faultline writes (0 to %3); the file is damaged"
                                   " or not a Faultline project, and was left as it is").arg(m_path).arg(version)
                        .arg(kSchemaVersion));
    if (version == 0) {
        QSqlQuery tables = execSql(m_db, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table' LIMIT 1"));
        if (tables.next())
            throw Error(QStringLiteral("%1: not a Faultline project (schema version 0 but it has tables, e.g. '%2');"
                                       " it was left as it is").arg(m_path, tables.value(0).toString()));
    }
}

void ProjectStore::migrate()
{
    checkVersion();
    const int version = schemaVersion();
    for (int step = version; step < kSchemaVersion; ++step) {
        transaction([&] {
            for (const char *const *sql = kMigrations[step]; *sql; ++sql)
                execSql(m_db, QString::fromLatin1(*sql));
            execSql(m_db, QStringLiteral("PRAGMA user_version=%1").arg(step + 1));
        });
    }
}

void ProjectStore::transaction(const std::function<void()> &work)
{
    // Nested calls join the outermost transaction, so composite writes stay all-or-nothing.
    if (m_transactionDepth > 0) {
        ++m_transactionDepth;
        try {
            work();
        } catch (...) {
            --m_transactionDepth;
            throw;
        }
        --m_transactionDepth;
        return;
    }
    beginWriting();
    m_transactionDepth = 1;
    try {
        work();
    } catch (...) {
        m_transactionDepth = 0;
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        throw;
    }
    m_transactionDepth = 0;
    QSqlQuery commit(m_db);
    if (!commit.exec(QStringLiteral("COMMIT"))) {
        const QSqlError error = commit.lastError();
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        throw writeError(QStringLiteral("cannot commit"), error);
    }
}

void ProjectStore::beginWriting()
{
    // IMMEDIATE takes SQLite's one write lock now, so a busy store is waited for here, with a
    // message, and not found mid-way through the work (where a deferred transaction fails at once).
    const int timeoutSeconds = storeLockTimeoutSeconds();
    QElapsedTimer waited;
    waited.start();
    qint64 nextReportMs = 0;
    // Short waits per attempt, so the message comes soon; every other statement keeps the usual wait.
    // (Not execSql: a guard must not throw while an Error unwinds through it.)
    const auto restore = qScopeGuard([&] { QSqlQuery(m_db).exec(QStringLiteral("PRAGMA busy_timeout=%1").arg(kBusyTimeoutMs)); });
    QSqlQuery begin(m_db);
    for (int attempt = 0;; ++attempt) {
        execSql(m_db, QStringLiteral("PRAGMA busy_timeout=%1").arg(attempt == 0 ? 200 : 1000));
        if (begin.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
            if (attempt > 0)
                reportStoreWait(QStringLiteral("%1: the lock is free after %2 s; going on")
                                    .arg(m_path, QString::number(waited.elapsed() / 1000.0, 'f', 1)));
            return;
        }
        const QSqlError error = begin.lastError();
        if (error.nativeErrorCode() != QLatin1String("5")) // not SQLITE_BUSY
            throw writeError(QStringLiteral("cannot start writing"), error);
        if (waited.elapsed() >= qint64(timeoutSeconds) * 1000)
            throw Error(QStringLiteral("%1: locked by %2 for %3 s; try again when it has finished (FAULTLINE_LOCK_TIMEOUT"
                                       " sets how long to wait)").arg(m_path, storeLockHolder(m_path)).arg(waited.elapsed() / 1000));
        if (waited.elapsed() >= nextReportMs) { // at once, then every 30 s
            reportStoreWait(QStringLiteral("%1: locked by %2; waiting for it (up to %3 s)")
                                .arg(m_path, storeLockHolder(m_path)).arg(timeoutSeconds));
            nextReportMs = waited.elapsed() + 30000;
        }
    }
}

Error ProjectStore::writeError(const QString &what, const QSqlError &error) const
{
    const QString problem = storeWriteProblem(m_path);
    if (!problem.isEmpty())
        return Error(problem);
    return Error(QStringLiteral("%1: %2: %3").arg(m_path, what, error.text()));
}

QString ProjectStore::meta(const QString &key) const
{
    QSqlQuery query = execSql(m_db, QStringLiteral("SELECT value FROM meta WHERE key=?"), {key});
    return query.next() ? query.value(0).toString() : QString();
}

void ProjectStore::setMeta(const QString &key, const QString &value)
{
    transaction([&] {
        execSql(m_db, QStringLiteral("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value"),
                {key, value});
    });
}

QHash<QString, FileStamp> ProjectStore::fileStamps() const
{
    QHash<QString, FileStamp> stamps;
    QSqlQuery query = execSql(m_db, QStringLiteral("SELECT path, size, mtime_ms FROM images WHERE missing = 0"));
    while (query.next())
        stamps.insert(query.value(0).toString(), {query.value(1).toLongLong(), query.value(2).toLongLong()});
    return stamps;
}

namespace {

// The columns every StoredImage query selects, in this order.
const char kImageColumns[] = "SELECT id, path, folder_class, folder_split, size, mtime_ms, readable, read_error, content_hash,"
                             " missing FROM images";

QVector<StoredImage> readImages(QSqlQuery &query)
{
    QVector<StoredImage> images;
    while (query.next()) {
        StoredImage image;
        image.id = query.value(0).toLongLong();
        image.path = query.value(1).toString();
        image.folderClass = query.value(2).toString();
        image.folderSplit = splitOrUnassigned(query.value(3).toString());
        image.stamp = {query.value(4).toLongLong(), query.value(5).toLongLong()};
        image.readable = query.value(6).toBool();
        image.readError = query.value(7).toString();
        image.contentHash = query.value(8).toString();
        image.missing = query.value(9).toBool();
        images.push_back(image);
    }
    return images;
}

} // namespace

QVector<StoredImage> ProjectStore::images(bool includeMissing) const
{
    QSqlQuery query = execSql(m_db, QString::fromLatin1(kImageColumns)
                                        + (includeMissing ? QString() : QStringLiteral(" WHERE missing = 0"))
                                        + QStringLiteral(" ORDER BY path"));
    return readImages(query);
}

void ProjectStore::applyScan(const QVector<StoredImage> &upserts, const QStringList &removedPaths)
{
    transaction([&] {
        BatchedRows insert(m_db, QStringLiteral(
            "INSERT INTO images(path, folder_class, folder_split, size, mtime_ms, readable, read_error, content_hash)"
            " VALUES %1"), 8);
        // Known images are updated by id, so a moved file (new path, same content) keeps its
        // id and with it its predictions, embeddings and run rows.
        QSqlQuery update = prepare(m_db, QStringLiteral(
            "UPDATE images SET path=?, folder_class=?, folder_split=?, size=?, mtime_ms=?, readable=?, read_error=?,"
            " content_hash=?, missing=0 WHERE id=?"));
        QSqlQuery park = prepare(m_db, QStringLiteral("UPDATE images SET path=? WHERE id=?"));
        // Paths are unique: moved rows step aside first, so files that swapped names both move.
        for (const StoredImage &image : upserts) {
            if (image.id == 0 || !image.moved)
                continue;
            park.addBindValue(QStringLiteral("\x01moving/%1").arg(image.id));
            park.addBindValue(image.id);
            exec(park);
        }
        // Kept with all their rows until pruneMissing(): the folder may only be away for a while.
        QSqlQuery remove = prepare(m_db, QStringLiteral("UPDATE images SET missing=1 WHERE path=?"));
        for (const QString &path : removedPaths) {
            remove.addBindValue(path);
            exec(remove);
        }
        for (const StoredImage &image : upserts) {
            if (image.id == 0) {
                insert.add({image.path, image.folderClass, splitName(image.folderSplit), image.stamp.size,
                            image.stamp.mtimeMs, image.readable ? 1 : 0, nullableText(image.readError),
                            nullableText(image.contentHash)});
                continue;
            }
            insert.finish(); // the rows in their order, as one statement each would have gone
            update.addBindValue(image.path);
            update.addBindValue(image.folderClass);
            update.addBindValue(splitName(image.folderSplit));
            update.addBindValue(image.stamp.size);
            update.addBindValue(image.stamp.mtimeMs);
            update.addBindValue(image.readable ? 1 : 0);
            update.addBindValue(nullableText(image.readError));
            update.addBindValue(nullableText(image.contentHash));
            update.addBindValue(image.id);
            exec(update);
        }
        insert.finish();
        // A changed file's embeddings describe other pixels: gone from the current set, but the
        // runs fitted on them keep reading them (replaced_embeddings).
        QSqlQuery keep = prepare(m_db, QStringLiteral(
            "INSERT INTO replaced_embeddings(model_id, image_id, last_run, vector)"
            " SELECT e.model_id, e.image_id, (SELECT COALESCE(MAX(id), 0) FROM runs), e.vector FROM embeddings e"
            " WHERE e.image_id=? AND EXISTS (SELECT 1 FROM run_scores s JOIN runs r ON r.id = s.run_id"
            " WHERE s.image_id = e.image_id AND r.model_id = e.model_id)"));
        QSqlQuery dropEmbeddings = prepare(m_db, QStringLiteral("DELETE FROM embeddings WHERE image_id=?"));
        for (const StoredImage &image : upserts) {
            if (image.id == 0 || !image.contentChanged)
                continue;
            keep.addBindValue(image.id);
            exec(keep);
            dropEmbeddings.addBindValue(image.id);
            exec(dropEmbeddings);
        }
    });
}

int ProjectStore::pruneMissing()
{
    int pruned = 0;
    transaction([&] {
        QSqlQuery query = execSql(m_db, QStringLiteral("DELETE FROM images WHERE missing = 1"));
        pruned = query.numRowsAffected();
        execSql(m_db, QStringLiteral("DELETE FROM replaced_embeddings WHERE image_id NOT IN (SELECT id FROM images)"));
    });
    return pruned;
}

int ProjectStore::missingCount() const
{
    QSqlQuery query = execSql(m_db, QStringLiteral("SELECT COUNT(*) FROM images WHERE missing = 1"));
    return query.next() ? query.value(0).toInt() : 0;
}

QString ProjectStore::cachedSummary(const QString &key, const std::function<QString()> &compute) const
{
    // Inside a write what it computes may still be rolled back; inside another summary's
    // computation the snapshot is already open.
    if (m_transactionDepth > 0 || m_inSummary)
        return compute();
    m_inSummary = true;
    const auto done = qScopeGuard([&] { m_inSummary = false; });
    // The hit, the computation and the write share one snapshot: if another process changed the
    // store meanwhile, the write fails (SQLITE_BUSY_SNAPSHOT) and nothing stale is kept.
    QSqlQuery(m_db).exec(QStringLiteral("BEGIN"));
    try {
        QSqlQuery hit = execSql(m_db, QStringLiteral("SELECT value FROM summary_cache WHERE key=?"), {key});
        if (hit.next()) {
            const QString value = hit.value(0).toString();
            QSqlQuery(m_db).exec(QStringLiteral("COMMIT"));
            return value;
        }
        const QString value = compute();
        // Best effort, never waiting: a busy or read-only store computes it again next time.
        QSqlQuery(m_db).exec(QStringLiteral("PRAGMA busy_timeout=0"));
        QSqlQuery insert(m_db);
        insert.prepare(QStringLiteral("INSERT OR REPLACE INTO summary_cache(key, value) VALUES(?, ?)"));
        insert.addBindValue(key);
        insert.addBindValue(value);
        const bool kept = insert.exec() && QSqlQuery(m_db).exec(QStringLiteral("COMMIT"));
        if (!kept)
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        QSqlQuery(m_db).exec(QStringLiteral("PRAGMA busy_timeout=%1").arg(kBusyTimeoutMs));
        return value;
    } catch (...) {
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        throw;
    }
}

ImageCounts ProjectStore::imageCounts() const
{
    const qint64 setId = predictionSetId(QString());
    const QJsonObject cached = QJsonDocument::fromJson(cachedSummary(QStringLiteral("image_counts:%1").arg(setId), [&] {
        QJsonObject counts;
        QSqlQuery totals = execSql(m_db, QStringLiteral("SELECT COUNT(*), COALESCE(SUM(readable = 0), 0) FROM images WHERE missing = 0"));
        if (totals.next()) {
            counts.insert(QStringLiteral("images"), totals.value(0).toLongLong());
            counts.insert(QStringLiteral("unreadable"), totals.value(1).toLongLong());
        }
        // As labeledImages() assigns them when there are predictions, else by folder.
        QSqlQuery splits = predictionCount() > 0
            ? execSql(m_db, QStringLiteral("SELECT COALESCE(p.split, i.folder_split), COUNT(*) FROM images i"
                                           " JOIN predictions p ON p.image_id = i.id AND p.set_id = ?"
                                           " WHERE i.readable = 1 AND i.missing = 0 GROUP BY 1"), {setId})
            : execSql(m_db, QStringLiteral("SELECT folder_split, COUNT(*) FROM images WHERE missing = 0 GROUP BY 1"));
        QJsonObject perSplit;
        while (splits.next()) {
            const QString split = splitName(splitOrUnassigned(splits.value(0).toString()));
            perSplit.insert(split, perSplit.value(split).toInteger() + splits.value(1).toLongLong());
        }
        counts.insert(QStringLiteral("splits"), perSplit);
        return QString::fromUtf8(QJsonDocument(counts).toJson(QJsonDocument::Compact));
    }).toUtf8()).object();
    ImageCounts counts;
    counts.images = cached.value(QStringLiteral("images")).toInt();
    counts.unreadable = cached.value(QStringLiteral("unreadable")).toInt();
    const QJsonObject perSplit = cached.value(QStringLiteral("splits")).toObject();
    for (auto it = perSplit.begin(); it != perSplit.end(); ++it)
        counts.splitImages[splitOrUnassigned(it.key())] += it.value().toInt();
    return counts;
}

bool ProjectStore::embeddingModelUsedByRuns(qint64 modelId) const
{
    QSqlQuery query = execSql(m_db, QStringLiteral("SELECT 1 FROM runs WHERE model_id=? LIMIT 1"), {modelId});
    return query.next();
}

void ProjectStore::setEmbeddingModelHash(qint64 modelId, const QString &contentHash)
{
    transaction([&] {
        execSql(m_db, QStringLiteral("UPDATE embedding_models SET content_hash=? WHERE id=?"), {contentHash, modelId});
    });
}

qint64 ProjectStore::ensureEmbeddingModel(const QString &name, int dim, const QString &source)
{
    QSqlQuery existing = execSql(m_db, QStringLiteral("SELECT id, dim FROM embedding_models WHERE name=?"), {name});
    if (existing.next()) {
        if (existing.value(1).toInt() != dim)
            throw Error(QStringLiteral("embedding model '%1' is stored with %2 dimensions, not %3")
                            .arg(name).arg(existing.value(1).toInt()).arg(dim));
        return existing.value(0).toLongLong();
    }
    qint64 id = 0;
    transaction([&] {
        QSqlQuery insert = execSql(m_db, QStringLiteral("INSERT INTO embedding_models(name, dim, source, created) VALUES(?, ?, ?, ?)"),
                                   {name, dim, source, now()});
        id = insert.lastInsertId().toLongLong();
    });
    return id;
}

QVector<EmbeddingModelInfo> ProjectStore::embeddingModels() const
{
    QVector<EmbeddingModelInfo> models;
    QSqlQuery query = execSql(m_db, QStringLiteral(
        "SELECT id, name, dim, source, row_count, content_hash FROM embedding_models ORDER BY id"));
    while (query.next())
        models.push_back({query.value(0).toLongLong(), query.value(1).toString(), query.value(2).toInt(),
                          query.value(3).toString(), query.value(4).toLongLong(), query.value(5).toString()});
    return models;
}

EmbeddingModelInfo ProjectStore::embeddingModel(qint64 id) const
{
    QSqlQuery query = execSql(m_db, QStringLiteral(
        "SELECT id, name, dim, source, row_count, content_hash FROM embedding_models WHERE id = ?"), {id});
    if (!query.next())
        throw Error(QStringLiteral("%1: there is no embedding model %2 (it was removed)").arg(m_path).arg(id));
    return {query.value(0).toLongLong(), query.value(1).toString(), query.value(2).toInt(), query.value(3).toString(),
            query.value(4).toLongLong(), query.value(5).toString()};
}

EmbeddingCoverage ProjectStore::embeddingCoverage(qint64 modelId) const
{
    const qint64 setId = predictionSetId(QString());
    const QStringList cached = cachedSummary(QStringLiteral("coverage:%1:%2").arg(modelId).arg(setId), [&] {
        const QString predicted = predictionCount() > 0
            ? QStringLiteral(" JOIN predictions p ON p.image_id = i.id AND p.set_id = %1").arg(setId) : QString();
        QSqlQuery query = execSql(m_db, QStringLiteral(
            "SELECT COUNT(*), COUNT(e.image_id) FROM images i%1"
            " LEFT JOIN embeddings e ON e.model_id = ? AND e.image_id = i.id"
            " WHERE i.readable = 1 AND i.missing = 0").arg(predicted), {modelId});
        return query.next() ? QStringLiteral("%1 %2").arg(query.value(1).toLongLong()).arg(query.value(0).toLongLong())
                            : QStringLiteral("0 0");
    }).split(QLatin1Char(' '));
    EmbeddingCoverage coverage;
    coverage.covered = cached.value(0).toLongLong();
    coverage.needed = cached.value(1).toLongLong();
    return coverage;
}

void ProjectStore::storeEmbeddings(qint64 modelId, const QVector<qint64> &imageIds, const float *values, int dim)
{
    // A NaN vector fits to a meaningless 0.5 "ok" class: never stored, whatever made it.
    for (qsizetype i = 0; i < imageIds.size(); ++i)
        for (int d = 0; d < dim; ++d)
            if (!std::isfinite(values[i * dim + d]))
                throw Error(QStringLiteral("%1: the embedding of image %2 (%3) holds NaN or Inf; nothing was stored")
                                .arg(m_path).arg(imageIds[i]).arg(embeddingModel(modelId).name));
    transaction([&] {
        BatchedRows insert(m_db, QStringLiteral(
            "INSERT INTO embeddings(model_id, image_id, vector) VALUES %1"
            " ON CONFLICT(model_id, image_id) DO UPDATE SET vector=excluded.vector"), 3);
        for (const qsizetype i : keyOrder(imageIds.size(), [&](qsizetype i) { return imageIds[i]; }))
            insert.add({modelId, imageIds[i], toBlob(values + i * dim, dim)});
        insert.finish();
    });
}

QVector<qint64> ProjectStore::loadEmbeddings(qint64 modelId, const QVector<qint64> &imageIds, float *out, int dim) const
{
    QHash<qint64, qsizetype> rowOf;
    rowOf.reserve(imageIds.size());
    for (qsizetype i = 0; i < imageIds.size(); ++i)
        rowOf.insert(imageIds[i], i);
    std::vector<bool> found(size_t(imageIds.size()), false);
    const qsizetype bytes = qsizetype(dim) * qsizetype(sizeof(float));
    const auto store = [&](QSqlQuery &query) {
        const auto it = rowOf.constFind(query.value(0).toLongLong());
        if (it == rowOf.constEnd())
            return;
        const QByteArray blob = query.value(1).toByteArray();
        if (blob.size() != bytes)
            throw Error(QStringLiteral("%1: embedding of image %2 has %3 bytes, expected %4")
                            .arg(m_path).arg(it.key()).arg(blob.size()).arg(bytes));
        std::memcpy(out + *it * dim, blob.constData(), size_t(bytes));
        found[size_t(*it)] = true;
    };
    // A few rows (one class) by primary key; most of the model in one sequential scan.
    if (imageIds.size() * 4 < embeddingModel(modelId).count) {
        forIdBatches(m_db, QStringLiteral("SELECT image_id, vector FROM embeddings WHERE model_id=") + QString::number(modelId)
                               + QStringLiteral(" AND image_id IN (%1)"),
                     imageIds, store);
    } else {
        QSqlQuery query = execSql(m_db, QStringLiteral("SELECT image_id, vector FROM embeddings WHERE model_id=?"), {modelId});
        while (query.next())
            store(query);
    }
    QVector<qint64> missing;
    for (qsizetype i = 0; i < imageIds.size(); ++i)
        if (!found[size_t(i)])
            missing.push_back(imageIds[i]);
    return missing;
}

QVector<qint64> ProjectStore::loadRunEmbeddings(qint64 runId, const QVector<qint64> &imageIds, float *out, int dim) const
{
    const qint64 modelId = run(runId).embeddingModelId;
    QVector<qint64> missing = loadEmbeddings(modelId, imageIds, out, dim);
    QHash<qint64, qsizetype> rowOf;
    rowOf.reserve(imageIds.size());
    for (qsizetype i = 0; i < imageIds.size(); ++i)
        rowOf.insert(imageIds[i], i);
    // Images whose content changed after this run: the run was fitted on the vector replaced
    // first after it (rows come newest first, so the earliest is written last).
    QSet<qint64> restored;
    const qsizetype bytes = qsizetype(dim) * qsizetype(sizeof(float));
    forIdBatches(m_db, QStringLiteral("SELECT image_id, vector FROM replaced_embeddings WHERE model_id=%1 AND last_run>=%2")
                           .arg(modelId).arg(runId) + QStringLiteral(" AND image_id IN (%1) ORDER BY last_run DESC, rowid DESC"),
                 imageIds, [&](QSqlQuery &query) {
                     const qint64 id = query.value(0).toLongLong();
                     const QByteArray blob = query.value(1).toByteArray();
                     if (blob.size() != bytes)
                         throw Error(QStringLiteral("%1: replaced embedding of image %2 has %3 bytes, expected %4")
                                         .arg(m_path).arg(id).arg(blob.size()).arg(bytes));
                     std::memcpy(out + rowOf.value(id) * dim, blob.constData(), size_t(bytes));
                     restored.insert(id);
                 });
    missing.removeIf([&](qint64 id) { return restored.contains(id); });
    return missing;
}

QVector<StoredImage> ProjectStore::imagesWithoutEmbedding(qint64 modelId) const
{
    QSqlQuery query = execSql(m_db, QString::fromLatin1(kImageColumns) + QStringLiteral(
        " i WHERE readable = 1 AND missing = 0 AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = ? AND e.image_id = i.id)"
        " ORDER BY path"), {modelId});
    return readImages(query);
}

QSet<QString> ProjectStore::cachedContentHashes(qint64 modelId) const
{
    QSet<QString> hashes;
    QSqlQuery query = execSql(m_db, QStringLiteral("SELECT content_hash FROM embedding_cache WHERE model_id=?"), {modelId});
    while (query.next())
        hashes.insert(query.value(0).toString());
    return hashes;
}

bool ProjectStore::cachedEmbedding(qint64 modelId, const QString &contentHash, float *out, int dim) const
{
    QSqlQuery query = execSql(m_db, QStringLiteral("SELECT vector FROM embedding_cache WHERE model_id=? AND content_hash=?"),
                              {modelId, contentHash});
    if (!query.next())
        return false;
    const QByteArray blob = query.value(0).toByteArray();
    if (blob.size() != qsizetype(dim) * qsizetype(sizeof(float)))
        return false;
    std::memcpy(out, blob.constData(), size_t(blob.size()));
    return true;
}

void ProjectStore::storeComputedEmbeddings(qint64 modelId, const QVector<qint64> &imageIds, const QStringList &contentHashes,
                                           const float *values, int dim)
{
    transaction([&] {
        storeEmbeddings(modelId, imageIds, values, dim);
        QSqlQuery cache = prepare(m_db, QStringLiteral(
            "INSERT INTO embedding_cache(model_id, content_hash, vector) VALUES(?, ?, ?)"
            " ON CONFLICT(model_id, content_hash) DO NOTHING"));
        QSqlQuery hash = prepare(m_db, QStringLiteral("UPDATE images SET content_hash=? WHERE id=?"));
        for (qsizetype i = 0; i < imageIds.size(); ++i) {
            cache.addBindValue(modelId);
            cache.addBindValue(contentHashes[i]);
            cache.addBindValue(toBlob(values + i * dim, dim));
            exec(cache);
            hash.addBindValue(contentHashes[i]);
            hash.addBindValue(imageIds[i]);
            exec(hash);
        }
    });
}

qint64 ProjectStore::createRun(const QString &paramsJson, qint64 embeddingModelId, const QVector<LabeledImage> &rows,
                               const QString &predictionSet)
{
    qint64 runId = 0;
    transaction([&] {
        QSqlQuery insert = execSql(m_db, QStringLiteral(
            "INSERT INTO runs(created, status, params, model_id, owner_pid, prediction_set) VALUES(?, 'running', ?, ?, ?, ?)"),
            {now(), paramsJson, embeddingModelId, QCoreApplication::applicationPid(), nullableText(predictionSet)});
        runId = insert.lastInsertId().toLongLong();
        BatchedRows row(m_db, QStringLiteral(
            "INSERT INTO run_scores(run_id, image_id, split, label, prediction, position) VALUES %1"), 6);
        for (const qsizetype position : keyOrder(rows.size(), [&](qsizetype i) { return rows[i].id; })) {
            const LabeledImage &image = rows[position];
            row.add({runId, image.id, splitName(image.split), image.label, image.prediction, position});
        }
        row.finish();
    });
    return runId;
}

void ProjectStore::storeWhitening(qint64 runId, const std::vector<double> &mean, const std::vector<double> &stddev)
{
    transaction([&] {
        execSql(m_db, QStringLiteral("UPDATE runs SET whiten_mean=?, whiten_std=? WHERE id=?"),
                {toBlob(mean.data(), qsizetype(mean.size())), toBlob(stddev.data(), qsizetype(stddev.size())), runId});
    });
}

void ProjectStore::storeClassResult(qint64 runId, const QString &className, const ClassResult &result,
                                    const std::vector<qint64> &rowImageIds)
{
    transaction([&] {
        QStringList cvScores;
        for (double s : result.cvScores)
            cvScores << QString::number(s, 'g', 17);
        execSql(m_db, QStringLiteral(
            "INSERT INTO run_classes(run_id, class, n_fit, n_fit_errors, cv_balanced_accuracy, c, status, reason,"
            " cv_scores, normal, bias) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {runId, className, result.nFit, result.nFitErrors,
             result.ok ? QVariant(result.cvBalancedAccuracy) : QVariant(QMetaType::fromType<double>()),
             result.ok ? QVariant(result.C) : QVariant(QMetaType::fromType<double>()),
             result.ok ? QStringLiteral("ok") : QStringLiteral("skipped"), result.skipReason,
             QStringLiteral("[%1]").arg(cvScores.join(QLatin1Char(','))),
             result.ok ? QVariant(toBlob(result.normal.data(), result.normal.size())) : QVariant(QMetaType::fromType<QByteArray>()),
             result.ok ? QVariant(result.bias) : QVariant(QMetaType::fromType<double>())});
        if (!result.ok)
            return;
        BatchedRows update(m_db, QStringLiteral(
            "UPDATE run_scores SET decision_value = v.column2 FROM (VALUES %1) AS v"
            " WHERE run_scores.run_id = ? AND run_scores.image_id = v.column1"), 2, {runId});
        for (size_t i = 0; i < result.rows.size(); ++i)
            update.add({rowImageIds[size_t(result.rows[i])], result.decisionValues[i]});
        update.finish();
    });
}

void ProjectStore::storeHardness(qint64 runId, const QVector<QPair<qint64, double>> &hardness)
{
    transaction([&] {
        BatchedRows update(m_db, QStringLiteral(
            "UPDATE run_scores SET hardness = v.column2 FROM (VALUES %1) AS v"
            " WHERE run_scores.run_id = ? AND run_scores.image_id = v.column1"), 2, {runId});
        for (const auto &[imageId, value] : hardness)
            update.add({imageId, value});
        update.finish();
    });
}

void ProjectStore::finishRun(qint64 runId, const QString &status, const QString &message)
{
    transaction([&] {
        execSql(m_db, QStringLiteral("UPDATE runs SET status=?, finished=?, message=? WHERE id=?"),
                {status, now(), message, runId});
    });
}

namespace {

RunInfo runFromQuery(const QSqlQuery &query)
{
    RunInfo info;
    info.id = query.value(0).toLongLong();
    info.created = QDateTime::fromString(query.value(1).toString(), Qt::ISODateWithMs);
    info.finished = QDateTime::fromString(query.value(2).toString(), Qt::ISODateWithMs);
    info.status = query.value(3).toString();
    info.params = query.value(4).toString();
    info.embeddingModelId = query.value(5).toLongLong();
    info.message = query.value(6).toString();
    info.predictionSet = query.value(7).toString();
    return info;
}

const char kRunColumns[] = "SELECT id, created, finished, status, params, model_id, message, prediction_set FROM runs";

} // namespace

QVector<RunInfo> ProjectStore::runs() const
{
    QVector<RunInfo> runs;
    QSqlQuery query = execSql(m_db, QString::fromLatin1(kRunColumns) + QStringLiteral(" ORDER BY id DESC"));
    while (query.next())
        runs.push_back(runFromQuery(query));
    return runs;
}

RunInfo ProjectStore::run(qint64 runId) const
{
    QSqlQuery query = execSql(m_db, QString::fromLatin1(kRunColumns) + QStringLiteral(" WHERE id=?"), {runId});
    if (!query.next())
        throw Error(QStringLiteral("%1: there is no analysis run %2").arg(m_path).arg(runId));
    return runFromQuery(query);
}

qint64 ProjectStore::latestCompletedRun(const QString &predictionSet) const
{
    QSqlQuery query = predictionSet.isEmpty()
        ? execSql(m_db, QStringLiteral("SELECT MAX(id) FROM runs WHERE status='done'"))
        : execSql(m_db, QStringLiteral("SELECT MAX(id) FROM runs WHERE status='done' AND prediction_set=?"), {predictionSet});
    return query.next() ? query.value(0).toLongLong() : 0;
}

QVector<RunClassRow> ProjectStore::runClasses(qint64 runId) const
{
    QVector<RunClassRow> rows;
    QSqlQuery query = execSql(m_db, QStringLiteral(
        "SELECT class, n_fit, n_fit_errors, cv_balanced_accuracy, c, status, reason FROM run_classes"
        " WHERE run_id=? ORDER BY class"), {runId});
    while (query.next())
        rows.push_back({query.value(0).toString(), query.value(1).toInt(), query.value(2).toInt(),
                        optionalDouble(query.value(3)), optionalDouble(query.value(4)), query.value(5).toString(),
                        query.value(6).toString()});
    return rows;
}

namespace {

std::vector<double> doublesFromBlob(const QByteArray &blob)
{
    std::vector<double> values(size_t(blob.size()) / sizeof(double));
    std::memcpy(values.data(), blob.constData(), values.size() * sizeof(double));
    return values;
}

} // namespace

RunWhitening ProjectStore::runWhitening(qint64 runId) const
{
    QSqlQuery query = execSql(m_db, QStringLiteral("SELECT whiten_mean, whiten_std FROM runs WHERE id=?"), {runId});
    if (!query.next() || query.value(0).isNull())
        throw Error(QStringLiteral("%1: run %2 has no whitening statistics").arg(m_path).arg(runId));
    return {doublesFromBlob(query.value(0).toByteArray()), doublesFromBlob(query.value(1).toByteArray())};
}

ClassDirection ProjectStore::classDirection(qint64 runId, const QString &className) const
{
    QSqlQuery query = execSql(m_db, QStringLiteral(
        "SELECT status, reason, normal, bias, cv_balanced_accuracy FROM run_classes WHERE run_id=? AND class=?"),
        {runId, className});
    if (!query.next())
        throw Error(QStringLiteral("run %1 has no class '%2'").arg(runId).arg(className));
    if (query.value(0).toString() != QLatin1String("ok"))
        throw Error(QStringLiteral("class '%1' was skipped in run %2: %3").arg(className).arg(runId)
                        .arg(query.value(1).toString()));
    return {className, doublesFromBlob(query.value(2).toByteArray()), query.value(3).toDouble(), query.value(4).toDouble()};
}

void ProjectStore::storeCaptionScores(qint64 runId, const QString &className, const QString &vocabulary,
                                      const QVector<QPair<QString, double>> &scores)
{
    transaction([&] {
        execSql(m_db, QStringLiteral("DELETE FROM caption_scores WHERE run_id=? AND class=? AND vocabulary=?"),
                {runId, className, vocabulary});
        QSqlQuery insert = prepare(m_db, QStringLiteral(
            "INSERT INTO caption_scores(run_id, class, vocabulary, caption, score) VALUES(?, ?, ?, ?, ?)"));
        for (const auto &[caption, score] : scores) {
            insert.addBindValue(runId);
            insert.addBindValue(className);
            insert.addBindValue(vocabulary);
            insert.addBindValue(caption);
            insert.addBindValue(score);
            exec(insert);
        }
    });
}

QVector<QPair<QString, double>> ProjectStore::captionScores(qint64 runId, const QString &className,
                                                            const QString &vocabulary) const
{
    QVector<QPair<QString, double>> scores;
    QSqlQuery query = execSql(m_db, QStringLiteral(
        "SELECT caption, score FROM caption_scores WHERE run_id=? AND class=? AND vocabulary=? ORDER BY score, caption"),
        {runId, className, vocabulary});
    while (query.next())
        scores.push_back({query.value(0).toString(), query.value(1).toDouble()});
    return scores;
}

namespace {

const char kRunScoreColumns[] = "SELECT s.image_id, i.path, s.split, s.label, s.prediction, s.decision_value, s.hardness FROM run_scores s"
                                " JOIN images i ON i.id = s.image_id WHERE s.run_id = ? AND i.missing = 0";

QVector<RunScoreRow> readRunScores(QSqlQuery &query)
{
    QVector<RunScoreRow> rows;
    while (query.next())
        rows.push_back({query.value(0).toLongLong(), query.value(1).toString(), splitOrUnassigned(query.value(2).toString()),
                        query.value(3).toString(), query.value(4).toString(), optionalDouble(query.value(5)),
                        optionalDouble(query.value(6))});
    return rows;
}

} // namespace

QVector<RunScoreRow> ProjectStore::runScores(qint64 runId, RunRowOrder order) const
{
    QSqlQuery query = execSql(m_db, QString::fromLatin1(kRunScoreColumns) + QStringLiteral(" ORDER BY ")
        + (order == RunRowOrder::ByPath ? QStringLiteral("i.path") : QStringLiteral("s.position, i.path")), {runId});
    return readRunScores(query);
}

QVector<RunScoreRow> ProjectStore::runScores(qint64 runId, const QString &className) const
{
    QSqlQuery query = execSql(m_db, QString::fromLatin1(kRunScoreColumns) + QStringLiteral(" AND s.label = ? ORDER BY i.path"),
                              {runId, className});
    return readRunScores(query);
}

QVector<RunClassCount> ProjectStore::runClassCounts(qint64 runId) const
{
    // A run's rows never change once written; which images are still there does (the cache
    // goes with any write to images). JSON: [[label, count, errors], …].
    const QString cached = cachedSummary(QStringLiteral("run_class_counts:%1").arg(runId), [&] {
        QJsonArray rows;
        QSqlQuery query = execSql(m_db, QStringLiteral(
            // Of the images still there, as runScores() lists them.
            "SELECT s.label, COUNT(*), SUM(s.label <> s.prediction) FROM run_scores s JOIN images i ON i.id = s.image_id"
            " WHERE s.run_id = ? AND i.missing = 0 GROUP BY s.label ORDER BY s.label"),
            {runId});
        while (query.next())
            rows.append(QJsonArray{query.value(0).toString(), query.value(1).toInt(), query.value(2).toInt()});
        return QString::fromUtf8(QJsonDocument(rows).toJson(QJsonDocument::Compact));
    });
    QVector<RunClassCount> counts;
    for (const QJsonValue &row : QJsonDocument::fromJson(cached.toUtf8()).array()) {
        const QJsonArray fields = row.toArray();
        counts.push_back({fields.at(0).toString(), fields.at(1).toInt(), fields.at(2).toInt()});
    }
    return counts;
}

void ProjectStore::setImageTag(const QVector<qint64> &imageIds, const QString &tag)
{
    transaction([&] {
        QSqlQuery query = prepare(m_db, tag.isEmpty() ? QStringLiteral("DELETE FROM image_tags WHERE image_id=?")
                                                      : QStringLiteral("INSERT INTO image_tags(image_id, tag) VALUES(?, ?)"
                                                                       " ON CONFLICT(image_id) DO UPDATE SET tag=excluded.tag"));
        for (const qint64 id : imageIds) {
            query.bindValue(0, id);
            if (!tag.isEmpty())
                query.bindValue(1, tag);
            exec(query);
        }
    });
}

QHash<qint64, QString> ProjectStore::imageTags() const
{
    QHash<qint64, QString> tags;
    QSqlQuery query = execSql(m_db, QStringLiteral("SELECT image_id, tag FROM image_tags"));
    while (query.next())
        tags.insert(query.value(0).toLongLong(), query.value(1).toString());
    return tags;
}

} // namespace faultline
