#pragma once
// The message of the faultline::Error a call throws: what most refusal tests compare.
#include "common/Error.h"

#include <QString>
#include <functional>

namespace faultline::testing {

// Empty when `call` throws no Error (any other exception propagates).
inline QString errorOf(const std::function<void()> &call)
{
    try {
        call();
    } catch (const Error &error) {
        return error.message();
    }
    return QString();
}

} // namespace faultline::testing
