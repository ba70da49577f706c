#include "generation/HttpGenerationBackend.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "generation/GenerationBackendConfig.h"

namespace faultline {

namespace {

constexpr int kProbeTimeoutMs = 30000;

} // namespace

HttpGenerationBackend::HttpGenerationBackend(const QUrl &baseUrl, const GenerationLimits &limits, QByteArray authorization)
    : m_baseUrl(baseUrl), m_limits(limits), m_authorization(std::move(authorization)), m_client(limits, m_authorization)
{
}

QUrl HttpGenerationBackend::endpoint(const QString &path) const
{
    QUrl url = m_baseUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path);
    return url;
}

QString HttpGenerationBackend::baseUrlText() const
{
    QString text = m_baseUrl.toDisplayString(QUrl::RemoveUserInfo);
    while (text.endsWith(QLatin1Char('/')))
        text.chop(1);
    return text;
}

QJsonObject HttpGenerationBackend::commonParameters() const
{
    return QJsonObject{{QStringLiteral("backend"), name()},
                       {QStringLiteral("url"), baseUrlText()},
                       {QStringLiteral("limits"), generationLimitsToJson(m_limits)}};
}

HttpJsonReply HttpGenerationBackend::probe(const QString &path, JobControl *control) const
{
    GenerationLimits once = m_limits;
    once.retries = 0;
    once.timeoutMs = qMin(m_limits.timeoutMs, kProbeTimeoutMs);
    return HttpJsonClient(once, m_authorization).call({endpoint(path), std::nullopt}, control);
}

void HttpGenerationBackend::runCalls(const std::vector<GenerationRequest> &requests,
                                     const std::vector<PreparedCall> &prepared, JobControl *control,
                                     const AnswerReader &readAnswer, const OutcomeHandler &onOutcome)
{
    const qint64 total = qint64(requests.size());
    qint64 finished = 0;
    const auto deliver = [&](int requestIndex, const GenerationOutcome &outcome) {
        onOutcome(requestIndex, outcome);
        if (control)
            control->report(++finished, total, QStringLiteral("generate"));
    };
    if (control)
        control->report(0, total, QStringLiteral("generate"));

    std::vector<HttpJsonCall> calls;
    std::vector<int> requestOfCall;
    for (size_t i = 0; i < prepared.size(); ++i) {
        if (prepared[i].error.isEmpty()) {
            calls.push_back(prepared[i].call);
            requestOfCall.push_back(int(i));
        } else {
            deliver(int(i), GenerationOutcome{{}, prepared[i].error});
        }
    }
    m_client.run(calls, control, [&](int callIndex, const HttpJsonReply &reply) {
        const int requestIndex = requestOfCall[size_t(callIndex)];
        GenerationOutcome outcome;
        if (!reply.ok()) {
            outcome.error = reply.error;
        } else {
            try {
                outcome.images = readAnswer(requests[size_t(requestIndex)], reply.json);
            } catch (const Error &error) {
                outcome.error = calls[size_t(callIndex)].url.toDisplayString(QUrl::RemoveUserInfo)
                                + QStringLiteral(": ") + error.message();
            }
        }
        deliver(requestIndex, outcome);
    });
}

} // namespace faultline
