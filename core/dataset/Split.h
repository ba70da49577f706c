#pragma once

#include <QString>

namespace faultline {

// The role an image plays. Unassigned: a flat ROOT/<class>/<file> layout with no split column.
enum class Split { Unassigned, Train, Val, Test, Pool };

// Accepts the folder/CSV spellings, case-insensitive: train, val|validation|valid, test,
// pool|extra. Returns false for anything else.
bool splitFromName(const QString &name, Split *split);
// Canonical name stored in the project and written to CSVs ("" for Unassigned).
QString splitName(Split split);

} // namespace faultline
