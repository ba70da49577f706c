#pragma once
// Why a project store cannot be written right now, in words that name the file: another writer
// holds it (SQLite lets one write at a time; the others wait in ProjectStore::transaction()
// with a visible message), or the file or its folder is read-only.
#include <QString>
#include <functional>

namespace faultline {

// Whether a process with this pid runs (a run's owner that is gone was killed mid-way).
bool processAlive(qint64 pid);

// Who holds the store's write lock: "another process (pid 1234, faultline-cli analyze)". The pid
// is the kernel's record of the POSIX lock SQLite keeps on the store's -shm file, so a process
// that ended is never named; "another writer" when no other process holds it (a connection of
// this process, or a platform that cannot say).
QString storeLockHolder(const QString &databasePath);

// How long a writer waits for another's lock: FAULTLINE_LOCK_TIMEOUT seconds (0 to 86400),
// default 120.
int storeLockTimeoutSeconds();

// Where "waiting for <store>: locked by …" lines go; the CLI sends them to stderr. Default: nowhere.
void setStoreWaitReporter(std::function<void(const QString &line)> reporter);
void reportStoreWait(const QString &line);

// Why the store cannot be written, naming the file or folder that is read-only; empty when the
// file, its folder and SQLite's -wal/-shm files beside it are all writable.
QString storeWriteProblem(const QString &databasePath);

} // namespace faultline
