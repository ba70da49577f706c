#pragma once

#include "common/Diagnostic.h"
#include "dataset/DatasetWalker.h"

#include <QString>
#include <QStringList>

namespace faultline {

class JobControl;
class ProjectStore;

struct ScanReport
{
    DatasetLayout layout = DatasetLayout::ClassFile;
    int images = 0;          // image files in the dataset now
    int added = 0;
    int changed = 0;         // content differs from the store's: re-verified, embeddings recomputed
    int unchanged = 0;       // same stamp, or a new stamp over the same content (hash)
    int moved = 0;           // a stored image found at a new path (same content): keeps its rows
    int removed = 0;         // gone since the last scan: marked missing, rows kept
    int missing = 0;         // stored images missing from the folder after this scan
    int unreadable = 0;      // image files OpenCV cannot decode
    int skippedHidden = 0;
    int skippedNonImage = 0;
    QStringList classes;     // folder classes, sorted
    Diagnostics diagnostics;
};

// Walks an ImageFolder tree and brings the project store's image table up to date.
// Files whose size and mtime match the store are not read again, so reopening a large
// dataset costs one stat per file. New or changed images are hashed and decoded once (in
// parallel) to catch corrupt files, which are kept in the store as unreadable and reported;
// a new stamp over the same bytes keeps every row, and a moved file keeps its rows.
class DatasetScanner
{
public:
    // Refuses (Error) a root other than the project's own unless reRoot.
    static ScanReport scan(const QString &root, ProjectStore &store, JobControl *control = nullptr, bool reRoot = false);

    // The dataset folder a project belongs to: the parent of a ROOT/.faultline/ store, else the
    // root its last scan recorded (relative to the store's folder); empty for a new project.
    static QString recordedRoot(const ProjectStore &store);
    // Throws Error naming both folders when `root` is not the project's recorded root.
    static void checkRoot(const QString &root, const ProjectStore &store);

    // Extensions OpenCV's imgcodecs decodes (lower case, without the dot).
    static const QStringList &imageExtensions();
};

} // namespace faultline
