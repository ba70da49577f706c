#pragma once

// QCustomPlot's header uses Qt's lower-case keywords (signals, slots, emit, foreach), which the
// project turns off with QT_NO_KEYWORDS: map them for this one include, then drop them again.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
