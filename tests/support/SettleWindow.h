#pragma once

// Waits, in a GUI test over the interpretation project, until nothing runs any more: the
// Captions dock's ranking (it uses the same text model as the dock under test) and every job of
// the session. A job still in oneDNN when the window (or, after the last test, the process) goes
// crashed test_rules_dock once. Without a text model (imported embeddings) the Captions dock
// only waits for one and runs nothing, so pass hasTextModel = false.

#include "interpret/CaptionsDock.h"
#include "session/ProjectSession.h"
#include "window/MainWindow.h"

#include <QTest>

namespace faultline::testing {

inline void settle(MainWindow &window, bool hasTextModel = true, int timeoutMs = 120000)
{
    if (hasTextModel)
        QTRY_VERIFY_WITH_TIMEOUT(!window.captionsDock()->isBusy(), timeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), timeoutMs);
}

} // namespace faultline::testing
