#pragma once

#include "dataset/Split.h"

namespace faultline {

// A split's name as the views show it, translated ("Validation", "none" for Unassigned);
// splitName() stays the spelling stored in projects and CSVs.
QString splitTitle(Split split);

} // namespace faultline
