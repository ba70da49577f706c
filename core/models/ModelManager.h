#pragma once

#include "models/ModelCatalog.h"

#include <QString>

namespace faultline {

class JobControl;

// What is on disk for one catalogue entry (cheap: no hashing).
struct ModelStatus
{
    ModelEntry entry;
    QString path;             // where the file is (or would be) installed
    bool installed = false;   // the file exists and has the catalogue's size (when known)
    qint64 fileBytes = 0;     // its size when present
    qint64 partialBytes = 0;  // bytes of an interrupted download (<file>.part) waiting to resume
};

// The user's model directory: downloads catalogue models on first use (progress, resume,
// SHA-256 verification, atomic rename into place), imports files fetched elsewhere, and
// resolves a model name or path to a verified local file.
//
// Downloads block the calling thread (a worker thread, or the CLI's main thread) and run their
// own event loop there, so the thread needs no running event loop of its own; a
// QCoreApplication must exist. Interrupted downloads leave <file>.part, which the next
// download resumes with an HTTP Range request. A file is trusted once verified: a
// <file>.sha256 stamp records its hash, size and modification time, so later resolve() calls do
// not re-hash a gigabyte checkpoint unless the file changed.
class ModelManager
{
public:
    // dataDir empty = defaultDataDir(). The catalogue defaults to ModelCatalog::standard() plus
    // <dataDir>/catalog.json when that file exists. The mirror defaults to FAULTLINE_MODEL_MIRROR.
    explicit ModelManager(const QString &dataDir = QString());
    ModelManager(const QString &dataDir, ModelCatalog catalog);

    // FAULTLINE_MODEL_DIR, else <user data>/faultline/models (~/.local/share/faultline/models on
    // Linux: shared by the CLI and the workbench whatever their application names).
    static QString defaultDataDir();

    const QString &dataDir() const { return m_dataDir; }
    const ModelCatalog &catalog() const { return m_catalog; }
    ModelCatalog &catalog() { return m_catalog; }

    // Base URL that replaces every entry's URL by <mirror>/<file>; empty = the catalogue's URLs.
    void setMirror(const QString &baseUrl) { m_mirror = baseUrl; }
    const QString &mirror() const { return m_mirror; }
    // A download that receives no bytes for this long fails with "stalled" (default 30 s).
    void setStallTimeoutMs(int ms) { m_stallTimeoutMs = ms; }
    int stallTimeoutMs() const { return m_stallTimeoutMs; }

    // The entry for a name; throws Error listing the known names when there is none.
    const ModelEntry &entry(const QString &name) const;
    QString installPath(const QString &name) const; // throws Error for unknown names
    ModelStatus status(const QString &name) const;
    QVector<ModelStatus> list() const;

    // An existing file path is returned as is (absolute). A catalogue name returns its installed
    // file after checking its size and SHA-256 (hashing only when the file is not stamped as
    // verified). Throws Error when the name is unknown, the model is not installed (saying how
    // to download or import it) or the file is corrupt.
    QString resolve(const QString &nameOrPath, JobControl *control = nullptr) const;
    // resolve(), downloading a missing catalogue model first.
    QString ensure(const QString &nameOrPath, JobControl *control = nullptr) const;

    // Downloads (or resumes) a catalogue model and returns its installed path; an installed,
    // verified file is returned without a download. Progress: control->report(bytes, total,
    // "download <name>"). Throws JobCancelled (keeping the .part to resume), or Error for HTTP
    // errors (status and URL), an unreachable host ("offline?" and how to import instead), a
    // stall, a size or SHA-256 mismatch (the .part is deleted; expected and actual are named).
    QString download(const QString &name, JobControl *control = nullptr) const;

    // The size of a catalogue model's file: the catalogue's when it records one, else what its
    // server reports for a HEAD request (Content-Length, after redirects; a local file's size for
    // file URLs). Blocks like download(), at most `timeoutMs`. Throws Error naming the model and
    // the URL when the server cannot be reached, answers other than 200 or reports no size.
    qint64 remoteSize(const QString &name, int timeoutMs = 10000) const;

    // Installs a file obtained elsewhere (offline machines): checks size and SHA-256 against the
    // catalogue, then copies it atomically into the model directory. Returns the installed path.
    QString importFile(const QString &name, const QString &path, JobControl *control = nullptr) const;

private:
    QString downloadOnce(const ModelEntry &entry, const QString &url, JobControl *control, bool *restart) const;
    void verifyInstalled(const ModelEntry &entry, const QString &path, JobControl *control) const;
    QString notInstalledMessage(const ModelEntry &entry) const;

    QString m_dataDir;
    ModelCatalog m_catalog;
    QString m_mirror;
    int m_stallTimeoutMs = 30000;
};

// Lower-case hex SHA-256 of a file, reading it in chunks (progress as "<stage>"); throws Error.
QString sha256OfFile(const QString &path, JobControl *control = nullptr, const QString &stage = QString());

} // namespace faultline
