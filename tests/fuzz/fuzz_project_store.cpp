// ProjectStore (core/store/ProjectStore.h) opening an arbitrary file as a project: the bytes are
// written to a scratch project.sqlite, opened (checked, version-checked, migrated), a few of its
// tables read, closed, and the file with its WAL removed again.
#include "FuzzSupport.h"
#include "store/ProjectStore.h"

using namespace faultline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::initQt();
    const QString path = fuzz::writeInput(data, size, QStringLiteral("project.sqlite"));
    try {
        {
        ProjectStore store(path);
        if (store.schemaVersion() != ProjectStore::kSchemaVersion)
            std::abort();
        (void)store.meta(QStringLiteral("dataset_root"));
        (void)store.imageCounts();
        (void)store.images(/*includeMissing=*/true);
        (void)store.fileStamps();
        (void)store.missingCount();
        }
        // Seed making: FAULTLINE_FUZZ_KEEP_STORE=file keeps a copy of the migrated store.
        const QString keep = qEnvironmentVariable("FAULTLINE_FUZZ_KEEP_STORE");
        if (!keep.isEmpty()) {
            QFile::remove(keep);
            QFile::copy(path, keep);
        }
    } catch (const Error &) {
    }
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(path + QLatin1String(suffix));
    return 0;
}
