#pragma once

#include "generation/GenerationBackend.h"
#include "generation/HttpJsonClient.h"

#include <QUrl>

namespace faultline {

// What the HTTP backends share: a server base URL, the JSON client with its limits, and the
// run of one call per request whose outcomes are delivered as they finish.
class HttpGenerationBackend : public GenerationBackend
{
protected:
    HttpGenerationBackend(const QUrl &baseUrl, const GenerationLimits &limits, QByteArray authorization);

    QUrl endpoint(const QString &path) const;   // the base URL (and its path) + path
    QString baseUrlText() const;                // for messages: never user info
    // name, url and limits: the parameters every HTTP backend stores with its samples.
    QJsonObject commonParameters() const;

    // One GET for checkReachable: a single try, at most 30 s, so a dead server is reported soon.
    HttpJsonReply probe(const QString &path, JobControl *control) const;

    // A request's call, or (error set) why it is not sent at all.
    struct PreparedCall
    {
        HttpJsonCall call;
        QString error;
    };
    // Turns a request's 2xx answer into its images; throws Error(why) when the answer is not
    // what was asked for (the message then gets the endpoint's URL in front).
    using AnswerReader = std::function<std::vector<GeneratedImage>(const GenerationRequest &request,
                                                                   const QJsonObject &answer)>;
    // Delivers the unsendable requests' outcomes first, then runs the calls and delivers each
    // outcome as it finishes, reporting progress (finished, total, "generate").
    void runCalls(const std::vector<GenerationRequest> &requests, const std::vector<PreparedCall> &prepared,
                  JobControl *control, const AnswerReader &readAnswer, const OutcomeHandler &onOutcome);

    // checkReachable() marks success; generate() checks first when it has not succeeded yet.
    void markReachable() { m_reachable = true; }
    void ensureReachable(JobControl *control)
    {
        if (!m_reachable)
            checkReachable(control);
    }

private:
    bool m_reachable = false;
    QUrl m_baseUrl;
    GenerationLimits m_limits;
    QByteArray m_authorization;
    HttpJsonClient m_client;
};

} // namespace faultline
