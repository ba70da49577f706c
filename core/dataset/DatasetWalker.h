#pragma once

#include "common/Diagnostic.h"
#include "store/StoreTypes.h"

#include <QString>
#include <QVector>

namespace faultline {

enum class DatasetLayout { SplitClassFile, ClassFile }; // ROOT/<split>/<class>/… or ROOT/<class>/…

// What is in an ImageFolder tree now, without a project: the scanner compares it with the
// store, a shard worker on a cluster node takes its share of it.
struct DatasetWalk
{
    DatasetLayout layout = DatasetLayout::ClassFile;
    QVector<StoredImage> found; // path, folderClass, folderSplit and stamp set; not sorted
    int skippedHidden = 0;
    int skippedNonImage = 0;
    Diagnostics diagnostics;    // images outside class folders, folder links, non-split folders
};

// Walks ROOT: when any top folder is a split (train, val, test, pool) the layout is
// ROOT/<split>/<class>/…, else ROOT/<class>/…; nested folders belong to their class
// (ImageFolder semantics), hidden entries and ROOT/.faultline are skipped, folder links are
// not followed. Throws Error when ROOT is not a folder.
DatasetWalk walkDataset(const QString &root);

QString layoutName(DatasetLayout layout);

} // namespace faultline
