#include "export/HardSubsetExporter.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLocale>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>

#include <filesystem>
#include <system_error>

namespace faultline {

namespace {

constexpr int kMaxNameBytes = 128;   // UTF-8 bytes, hash suffix included; ext4 allows 255
constexpr int kHashBytes = 9;        // "_" + 8 hex digits
constexpr int kMaxSuffixChars = 16;  // ".jpeg", ".tar" — longer "suffixes" are not extensions
constexpr int kCopyChunk = 1 << 20;
constexpr int kMaxCsvNumber = 9999;  // manifest.csv .. manifest-9999.csv

QString shortHash(const QString &name)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha1).toHex().left(8));
}

// "photo.png" -> ("photo", ".png"); "archive.tar.gz" -> ("archive.tar", ".gz");
// "noext" / ".hidden" / "x.averyveryverylongnotanextension" -> (name, "").
void splitSuffix(const QString &name, QString *stem, QString *suffix)
{
    const qsizetype dot = name.lastIndexOf(QLatin1Char('.'));
    if (dot > 0 && name.size() - dot <= kMaxSuffixChars && dot < name.size() - 1) {
        *stem = name.left(dot);
        *suffix = name.mid(dot);
    } else {
        *stem = name;
        suffix->clear();
    }
}

QString insertBeforeSuffix(const QString &name, const QString &insertion)
{
    QString stem, suffix;
    splitSuffix(name, &stem, &suffix);
    return stem + insertion + suffix;
}

bool isDotOrSpace(QChar c) { return c == QLatin1Char('.') || c == QLatin1Char(' '); }

void stripLeading(QString &s)
{
    qsizetype n = 0;
    while (n < s.size() && isDotOrSpace(s.at(n)))
        ++n;
    s.remove(0, n);
}

void stripTrailing(QString &s)
{
    while (!s.isEmpty() && isDotOrSpace(s.back()))
        s.chop(1);
}

// Windows device names: the part before the first dot, trailing spaces ignored, any case.
bool isWindowsDeviceName(const QString &name)
{
    QString base = name.section(QLatin1Char('.'), 0, 0);
    while (base.endsWith(QLatin1Char(' ')))
        base.chop(1);
    base = base.toUpper();
    if (base == QLatin1String("CON") || base == QLatin1String("PRN")
        || base == QLatin1String("AUX") || base == QLatin1String("NUL")
        || base == QLatin1String("CONIN$") || base == QLatin1String("CONOUT$"))
        return true;
    if (base.size() == 4
        && (base.startsWith(QLatin1String("COM")) || base.startsWith(QLatin1String("LPT")))) {
        const QChar d = base.at(3);
        return (d >= QLatin1Char('0') && d <= QLatin1Char('9')) || d == QChar(0x00B9)
            || d == QChar(0x00B2) || d == QChar(0x00B3);
    }
    return false;
}

// Longest prefix of S (whole code points) that fits in MAX_BYTES of UTF-8.
QString truncateUtf8(const QString &s, int maxBytes)
{
    int bytes = 0;
    qsizetype i = 0;
    while (i < s.size()) {
        const bool pair = s.at(i).isHighSurrogate() && i + 1 < s.size()
            && s.at(i + 1).isLowSurrogate();
        const char32_t cp = pair ? QChar::surrogateToUcs4(s.at(i), s.at(i + 1)) : s.at(i).unicode();
        const int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (bytes + len > maxBytes)
            break;
        bytes += len;
        i += pair ? 2 : 1;
    }
    return s.left(i);
}

std::filesystem::path toFsPath(const QString &path)
{
#ifdef Q_OS_WIN
    return std::filesystem::path(path.toStdWString());
#else
    return std::filesystem::path(QFile::encodeName(path).toStdString());
#endif
}

bool existsOrIsLink(const QString &path)
{
    const QFileInfo info(path);
    return info.exists() || info.isSymLink(); // a dangling link "exists" for our purposes
}

// mkdir -p with the OS reason on failure.
bool makeDirs(const QString &path, QString *reason)
{
    std::error_code ec;
    std::filesystem::create_directories(toFsPath(path), ec);
    if (ec) {
        *reason = QString::fromLocal8Bit(ec.message().c_str());
        return false;
    }
    if (!QFileInfo(path).isDir()) {
        *reason = QStringLiteral("exists and is not a folder");
        return false;
    }
    return true;
}


enum class WriteResult { Ok, SourceError, TargetExists, WriteError };

// Removes the temporary file unless released.
struct TempFileGuard
{
    QString path;
    ~TempFileGuard()
    {
        if (!path.isEmpty())
            QFile::remove(path);
    }
};

// Copies SOURCE to a hidden temporary file next to TARGET, then renames it to TARGET
// without replacing anything (QFile::rename never overwrites), so TARGET either does not
// exist or is complete.
WriteResult copyAtomically(const QString &source, const QString &target, QString *reason)
{
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly)) {
        *reason = in.errorString();
        return WriteResult::SourceError;
    }

    const QString dir = QFileInfo(target).absolutePath();
    QFile out;
    TempFileGuard guard;
    for (int attempt = 0;; ++attempt) {
        const QString tmpPath = dir + QStringLiteral("/.faultline-export-%1.part")
                                          .arg(QRandomGenerator::global()->generate(), 8, 16,
                                               QLatin1Char('0'));
        if (existsOrIsLink(tmpPath) && attempt < 100)
            continue;
        out.setFileName(tmpPath);
        if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly | QIODevice::Unbuffered)) {
            *reason = out.errorString();
            return WriteResult::WriteError;
        }
        guard.path = tmpPath;
        break;
    }

    QByteArray buffer(kCopyChunk, Qt::Uninitialized);
    for (;;) {
        const qint64 n = in.read(buffer.data(), buffer.size());
        if (n < 0) {
            *reason = in.errorString();
            return WriteResult::SourceError;
        }
        if (n == 0)
            break;
        if (!writeFully(out, buffer.constData(), n)) {
            *reason = out.errorString();
            return WriteResult::WriteError;
        }
    }
    if (!out.flush()) {
        *reason = out.errorString();
        return WriteResult::WriteError;
    }
    out.close();
    if (out.error() != QFileDevice::NoError) {
        *reason = out.errorString();
        return WriteResult::WriteError;
    }
    QFile renamer(guard.path);
    if (!renamer.rename(target)) {
        if (existsOrIsLink(target))
            return WriteResult::TargetExists; // appeared since we checked
        *reason = renamer.errorString();
        return WriteResult::WriteError;
    }
    guard.path.clear();
    return WriteResult::Ok;
}

WriteResult linkTo(const QString &source, const QString &target, QString *reason)
{
    QFile file(source);
    if (file.link(target)) // symlink(2): fails when TARGET exists, never replaces
        return WriteResult::Ok;
    if (existsOrIsLink(target))
        return WriteResult::TargetExists;
    *reason = file.errorString();
    return WriteResult::WriteError;
}

// A dataset-relative path must stay inside the dataset.
bool isSafeRelativePath(const QString &path)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path) || path.startsWith(QLatin1Char('/'))
        || path.startsWith(QLatin1Char('\\')))
        return false;
    const QStringList segments = path.split(QLatin1Char('/'));
    for (const QString &segment : segments) {
        for (const QString &part : segment.split(QLatin1Char('\\')))
            if (part == QLatin1String(".."))
                return false;
    }
    return true;
}

// Distinct class names -> distinct directory names, also on case-insensitive file systems.
QHash<QString, QString> classDirectories(const QVector<ExportItem> &items)
{
    QMap<QString, QString> sanitized; // class -> sanitised, ordered for determinism
    for (const ExportItem &item : items)
        if (!sanitized.contains(item.className))
            sanitized.insert(item.className, sanitizeFileName(item.className));

    QHash<QString, QStringList> byFolded;
    for (auto it = sanitized.cbegin(); it != sanitized.cend(); ++it)
        byFolded[it.value().toCaseFolded()].append(it.key());

    QHash<QString, QString> dirs;
    for (auto it = sanitized.cbegin(); it != sanitized.cend(); ++it) {
        QString dir = it.value();
        // A name that was changed already carries the hash of its original; an unchanged
        // name that clashes (e.g. "Bag" vs "bag") gets one now.
        if (byFolded.value(dir.toCaseFolded()).size() > 1 && dir == it.key())
            dir = insertBeforeSuffix(dir, QLatin1Char('_') + shortHash(it.key()));
        dirs.insert(it.key(), dir);
    }
    return dirs;
}

// NAME, or "stem (2).ext", "stem (3).ext", ... — the first one not yet used in this folder.
QString claimName(const QString &name, QSet<QString> &used)
{
    QString candidate = name;
    QString stem, suffix;
    splitSuffix(name, &stem, &suffix);
    for (int n = 2; used.contains(candidate.toCaseFolded()); ++n)
        candidate = stem + QStringLiteral(" (%1)").arg(n) + suffix;
    used.insert(candidate.toCaseFolded());
    return candidate;
}

struct PlannedItem
{
    bool valid = false;
    QString sourcePath;  // absolute
    QString classDir;    // destination-relative
    QString targetName;  // file name inside classDir
};

Diagnostic makeDiagnostic(Diagnostic::Severity severity, const QString &file, const QString &message)
{
    Diagnostic d;
    d.severity = severity;
    d.file = file;
    d.message = message;
    return d;
}

} // namespace

ExportMode parseExportMode(const QString &name)
{
    const QString key = name.trimmed().toLower();
    if (key == QLatin1String("copy"))
        return ExportMode::Copy;
    if (key == QLatin1String("symlink"))
        return ExportMode::Symlink;
    if (key == QLatin1String("manifest"))
        return ExportMode::Manifest;
    throw Error(QStringLiteral("unknown export mode '%1' (expected copy, symlink or manifest)")
                    .arg(name));
}

QString exportModeName(ExportMode mode)
{
    switch (mode) {
    case ExportMode::Copy:
        return QStringLiteral("copy");
    case ExportMode::Symlink:
        return QStringLiteral("symlink");
    case ExportMode::Manifest:
        return QStringLiteral("manifest");
    }
    return QString();
}

QString freeCsvPath(const QString &dir, const QString &stem)
{
    for (int n = 1; n <= kMaxCsvNumber; ++n) {
        const QString candidate = dir + QLatin1Char('/')
            + (n == 1 ? stem + QStringLiteral(".csv") : QStringLiteral("%1-%2.csv").arg(stem).arg(n));
        if (!existsOrIsLink(candidate))
            return candidate;
    }
    return QString();
}

QString sanitizeFileName(const QString &name)
{
    static const QString forbidden = QStringLiteral("<>:\"/\\|?*");
    QString out;
    out.reserve(name.size());
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        if (c.isHighSurrogate() && i + 1 < name.size() && name.at(i + 1).isLowSurrogate()) {
            out += c;
            out += name.at(++i);
        } else if (c.isSurrogate() || c.category() == QChar::Other_Control
                   || forbidden.contains(c)) {
            out += QLatin1Char('_'); // unpaired surrogates cannot be encoded either
        } else {
            out += c;
        }
    }
    stripLeading(out);  // no ".", "..", hidden files
    stripTrailing(out); // Windows drops trailing dots and spaces
    if (out.isEmpty())
        out = QStringLiteral("unnamed");
    if (isWindowsDeviceName(out))
        out.prepend(QLatin1Char('_'));
    if (out.toUtf8().size() > kMaxNameBytes) {
        QString stem, suffix;
        splitSuffix(out, &stem, &suffix);
        stem = truncateUtf8(stem, kMaxNameBytes - kHashBytes - int(suffix.toUtf8().size()));
        stripTrailing(stem);
        if (stem.isEmpty())
            stem = QStringLiteral("unnamed");
        out = stem + suffix;
    }
    if (out == name)
        return out;
    return insertBeforeSuffix(out, QLatin1Char('_') + shortHash(name));
}

ExportSummary exportHardSubset(const QString &datasetRoot, const QVector<ExportItem> &items,
                               const QString &destination, ExportMode mode, JobControl *control)
{
    ExportSummary summary;
    const QString root = QDir(datasetRoot).absolutePath();
    const QString dest = QDir(destination).absolutePath();

    const bool destExisted = existsOrIsLink(dest);
    QString reason;
    if (!makeDirs(dest, &reason))
        throw Error(QStringLiteral("cannot create export folder '%1': %2").arg(dest, reason));

    // Plan every name first, from the item list alone, so names do not depend on which
    // sources happen to exist or on what an earlier run left behind.
    const QHash<QString, QString> dirs = classDirectories(items);
    QHash<QString, QSet<QString>> usedNames; // classDir -> case-folded names
    QVector<PlannedItem> plan(items.size());
    for (int i = 0; i < items.size(); ++i) {
        const ExportItem &item = items.at(i);
        PlannedItem &p = plan[i];
        p.valid = isSafeRelativePath(item.relativePath);
        if (!p.valid)
            continue;
        p.sourcePath = QDir::cleanPath(root + QLatin1Char('/') + item.relativePath);
        p.classDir = dirs.value(item.className);
        p.targetName = claimName(sanitizeFileName(QFileInfo(item.relativePath).fileName()),
                                 usedNames[p.classDir]);
    }

    QStringList createdFiles;    // absolute, for rollback
    QStringList createdDirs;     // absolute, for rollback
    QSet<QString> readyDirs;

    auto writeManifest = [&]() {
        const QString path = freeCsvPath(dest, QStringLiteral("manifest"));
        QString failure;
        if (path.isEmpty()) {
            failure = QStringLiteral("no free manifest name in '%1' (manifest.csv .. manifest-%2.csv exist)")
                          .arg(dest)
                          .arg(kMaxCsvNumber);
        } else {
            try {
                AtomicFileWriter manifest(path);
                manifest.write(csvLine({QStringLiteral("path"), QStringLiteral("class"),
                                        QStringLiteral("decision_value"), QStringLiteral("rank")}));
                for (int index : summary.exportedItems) {
                    const ExportItem &item = items.at(index);
                    manifest.write(csvLine({item.relativePath, item.className,
                                            QString::number(item.decisionValue, 'g', QLocale::FloatingPointShortest),
                                            QString::number(item.rank)}));
                }
                manifest.commit();
            } catch (const Error &error) {
                failure = QStringLiteral("cannot write manifest: %1").arg(error.message());
            }
        }
        if (failure.isEmpty()) {
            summary.manifestPath = path;
            return;
        }
        // Without a manifest the export is not consistent: take back what this call made.
        for (auto it = createdFiles.crbegin(); it != createdFiles.crend(); ++it)
            QFile::remove(*it);
        for (auto it = createdDirs.crbegin(); it != createdDirs.crend(); ++it)
            QDir().rmdir(*it);
        if (!destExisted)
            QDir().rmdir(dest);
        if (!createdFiles.isEmpty())
            failure += QStringLiteral("; the %1 exported files were removed again").arg(createdFiles.size());
        throw Error(failure);
    };

    const qint64 total = items.size();
    try {
        if (control)
            control->report(0, total, QStringLiteral("export"));
        for (int i = 0; i < items.size(); ++i) {
            if (control)
                control->checkCancelled();
            const ExportItem &item = items.at(i);
            const PlannedItem &p = plan.at(i);
            auto itemDone = [&]() {
                if (control)
                    control->report(i + 1, total, QStringLiteral("export"));
            };

            if (!p.valid) {
                summary.diagnostics.append(makeDiagnostic(
                    Diagnostic::Severity::Error, item.relativePath,
                    QStringLiteral("not a dataset-relative path (empty, absolute or with '..'); skipped")));
                itemDone();
                continue;
            }
            const QFileInfo source(p.sourcePath);
            if (!source.exists()) {
                summary.diagnostics.append(makeDiagnostic(Diagnostic::Severity::Error, p.sourcePath,
                                                          QStringLiteral("source file not found; skipped")));
                itemDone();
                continue;
            }
            if (!source.isFile()) {
                summary.diagnostics.append(makeDiagnostic(Diagnostic::Severity::Error, p.sourcePath,
                                                          QStringLiteral("source is not a regular file; skipped")));
                itemDone();
                continue;
            }
            if (mode == ExportMode::Manifest) {
                summary.exportedItems.append(i);
                ++summary.exported;
                itemDone();
                continue;
            }

            const QString classDirPath = dest + QLatin1Char('/') + p.classDir;
            if (!readyDirs.contains(p.classDir)) {
                const bool existed = existsOrIsLink(classDirPath);
                if (!makeDirs(classDirPath, &reason)) {
                    summary.diagnostics.append(makeDiagnostic(
                        Diagnostic::Severity::Error, classDirPath,
                        QStringLiteral("cannot create folder: %1; export stopped").arg(reason)));
                    summary.stoppedEarly = true;
                    break;
                }
                if (!existed)
                    createdDirs.append(classDirPath);
                readyDirs.insert(p.classDir);
            }

            const QString relTarget = p.classDir + QLatin1Char('/') + p.targetName;
            const QString target = dest + QLatin1Char('/') + relTarget;
            WriteResult result = WriteResult::TargetExists;
            if (!existsOrIsLink(target)) {
                result = mode == ExportMode::Copy ? copyAtomically(p.sourcePath, target, &reason)
                                                  : linkTo(source.absoluteFilePath(), target, &reason);
            }
            if (result == WriteResult::Ok) {
                createdFiles.append(target);
                summary.exportedFiles.append(relTarget);
                summary.exportedItems.append(i);
                ++summary.exported;
            } else if (result == WriteResult::TargetExists) {
                ++summary.skippedExisting;
                summary.diagnostics.append(makeDiagnostic(
                    Diagnostic::Severity::Warning, target,
                    QStringLiteral("already exists; left untouched (source '%1')").arg(item.relativePath)));
            } else if (result == WriteResult::SourceError) {
                summary.diagnostics.append(makeDiagnostic(
                    Diagnostic::Severity::Error, p.sourcePath,
                    QStringLiteral("cannot read source: %1; skipped").arg(reason)));
            } else {
                summary.diagnostics.append(makeDiagnostic(
                    Diagnostic::Severity::Error, target,
                    QStringLiteral("cannot write: %1; export stopped").arg(reason)));
                summary.stoppedEarly = true;
                break;
            }
            itemDone();
        }
    } catch (const JobCancelled &) {
        writeManifest(); // cancelled exports stay consistent too
        throw;
    }
    writeManifest();
    return summary;
}

} // namespace faultline
