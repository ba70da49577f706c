#pragma once
// Time limits inside tests, scaled by FAULTLINE_TEST_TIME_SCALE (CMake's cache variable of the
// same name sets it: a sanitizer build runs everything several times slower).
#include <QtGlobal>

namespace faultline::testing {

inline int scaledTimeoutMs(int ms)
{
    bool ok = false;
    const int scale = qEnvironmentVariableIntValue("FAULTLINE_TEST_TIME_SCALE", &ok);
    return ok && scale > 1 ? ms * scale : ms;
}

} // namespace faultline::testing
