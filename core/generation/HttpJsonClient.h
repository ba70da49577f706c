#pragma once

#include "generation/GenerationBackend.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrl>
#include <functional>
#include <optional>
#include <vector>

namespace faultline {

class JobControl;

// One JSON exchange with a server: a POST of `body`, or a GET when there is none.
struct HttpJsonCall
{
    QUrl url;
    std::optional<QJsonObject> body;
};

// How a call ended: the server's 2xx JSON object, or one line saying what failed.
struct HttpJsonReply
{
    QJsonObject json;
    QString error;       // "<url>: <what failed>[: <server's text>] (after N tries)"; empty when ok
    int httpStatus = 0;  // the last attempt's status; 0 when no HTTP answer came
    int tries = 0;
    bool ok() const { return error.isEmpty(); }
};

// Runs JSON calls against generation servers on a local event loop of the calling thread (which
// needs none of its own), with GenerationLimits' bounds: at most maxConcurrent calls active, each
// attempt cut off after timeoutMs, transient faults (refused/reset/dropped connections, timeouts,
// HTTP 429/500/502/503/504) retried after backoffMs, 2×backoffMs, … up to `retries` times, and
// answers over maxResponseBytes aborted. Client errors (other 4xx), oversized answers and 2xx
// answers that are not a JSON object are reported at once: trying again would not change them.
class HttpJsonClient
{
public:
    // `authorization`: the Authorization header's value ("Bearer …"), empty for none.
    explicit HttpJsonClient(GenerationLimits limits, QByteArray authorization = {});

    using ReplyHandler = std::function<void(int callIndex, const HttpJsonReply &reply)>;

    // Runs every call and hands each reply to onReply as soon as it is final, on the calling
    // thread and outside the event loop (so the handler may take its time or throw; what is still
    // in flight is then aborted). A call keeps its concurrency slot while it waits to retry, so a
    // busy server is not sent more work meanwhile. JobControl is polled every 100 ms: on cancel
    // everything in flight is aborted and JobCancelled is thrown.
    void run(const std::vector<HttpJsonCall> &calls, JobControl *control, const ReplyHandler &onReply);

    // One call, run as above.
    HttpJsonReply call(const HttpJsonCall &call, JobControl *control);

private:
    GenerationLimits m_limits;
    QByteArray m_authorization;
};

// "Bearer <token>", or empty for an empty token.
QByteArray bearerAuthorization(const QString &token);

} // namespace faultline
