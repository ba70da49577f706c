#pragma once

#include <QString>
#include <QStringList>

namespace faultline {

// A classifier's output index → class name mapping, and where it came from (for messages).
struct ClassNames
{
    QStringList names;   // names[i] is output index i
    QString source;      // "classes.txt" or "the dataset's 4 class folders"
};

// Reads a mapping file in one of three forms:
//   one name per line (line i = index i; a blank line in between is an error),
//   CSV lines "index,name" (an optional header row whose first field is not a number),
//   JSON: an array of names, or an object {"0": "cat", "1": "dog", ...}.
// Indices must run 0..N-1 without gaps or repeats. Throws Error("<file>:<line>: ...").
ClassNames readClassNamesFile(const QString &path);

// The dataset's class folders in torchvision ImageFolder's order: sorted by code point
// (Python's sorted() over the folder names), duplicates and empty names dropped.
ClassNames imageFolderClassNames(const QStringList &datasetClasses);

} // namespace faultline
