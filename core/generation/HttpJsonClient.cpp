#include "generation/HttpJsonClient.h"

#include "common/Error.h"
#include "common/JobControl.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStringList>
#include <QTimer>

#include <climits>
#include <memory>
#include <utility>

namespace faultline {

namespace {

constexpr int kCancelPollMs = 100;
constexpr int kServerTextChars = 200;

QString mebibytes(qint64 bytes)
{
    return QString::number(double(bytes) / double(1 << 20), 'g', 4);
}

QString seconds(int ms)
{
    return QString::number(ms / 1000.0, 'g', 4);
}

// The server's own words from an error answer, on one line: {"error": …}, FastAPI's {"detail": …}
// and AUTOMATIC1111's {"error": "<exception type>", "errors": "<message>"}.
QString serverErrorText(const QByteArray &body)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    QStringList parts;
    for (const char *key : {"error", "detail", "errors"}) {
        const QJsonValue value = json.value(QLatin1String(key));
        QString text;
        if (value.isString())
            text = value.toString();
        else if (value.isArray())
            text = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
        else if (value.isObject())
            text = QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
        text = text.simplified();
        if (!text.isEmpty() && !parts.contains(text))
            parts << text;
    }
    QString line = parts.join(QStringLiteral(": "));
    if (line.size() > kServerTextChars)
        line = line.left(kServerTextChars - 1) + QChar(0x2026);
    return line;
}

bool isTransientStatus(int status)
{
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

// Faults of the connection rather than of the request: another attempt may well succeed.
bool isTransientNetworkError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProtocolFailure:
        return true;
    default:
        return false;
    }
}

QString networkFault(QNetworkReply::NetworkError error, const QString &qtText, qint64 received)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused");
    case QNetworkReply::RemoteHostClosedError:
        return received > 0 ? QStringLiteral("connection dropped after %1 bytes of the answer").arg(received)
                            : QStringLiteral("connection closed before an answer");
    default:
        return qtText;
    }
}

// One call's progress through its attempts.
struct Exchange
{
    int index = 0;
    QUrl url;
    std::optional<QByteArray> body; // serialised once, resent on retries
    int tries = 0;
    QNetworkReply *reply = nullptr;
    QByteArray received;
    bool timedOut = false;
    bool tooLarge = false;
    QTimer deadline;
    QTimer backoff;
};

// A finished attempt: the reply to hand out, or whether a fault is worth another attempt.
struct Verdict
{
    HttpJsonReply reply;
    bool transient = false;
};

// The calls of one run() and the event loop they progress on.
class Batch
{
public:
    Batch(const GenerationLimits &limits, const QByteArray &authorization, const std::vector<HttpJsonCall> &calls,
          JobControl *control)
        : m_limits(limits), m_authorization(authorization), m_control(control)
    {
        for (size_t i = 0; i < calls.size(); ++i) {
            auto exchange = std::make_unique<Exchange>();
            exchange->index = int(i);
            exchange->url = calls[i].url;
            if (calls[i].body)
                exchange->body = QJsonDocument(*calls[i].body).toJson(QJsonDocument::Compact);
            Exchange *e = exchange.get();
            e->deadline.setSingleShot(true);
            e->backoff.setSingleShot(true);
            e->backoff.setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5 % early
            QObject::connect(&e->deadline, &QTimer::timeout, &m_loop, [e] {
                e->timedOut = true;
                e->reply->abort();
            });
            QObject::connect(&e->backoff, &QTimer::timeout, &m_loop, [this, e] { send(*e); });
            m_exchanges.push_back(std::move(exchange));
        }
        m_cancelPoll.setInterval(kCancelPollMs);
        QObject::connect(&m_cancelPoll, &QTimer::timeout, &m_loop, [this] {
            if (m_control && m_control->isCancelled())
                m_loop.quit();
        });
        m_cancelPoll.start();
        fillSlots();
    }

    // Whatever is still in flight (after a cancel, or a handler that threw) is aborted unseen.
    ~Batch()
    {
        for (const auto &e : m_exchanges) {
            e->deadline.stop();
            e->backoff.stop();
            if (e->reply) {
                QObject::disconnect(e->reply, nullptr, &m_loop, nullptr);
                e->reply->abort();
            }
        }
    }

    // Blocks until at least one call is final and returns those that are; JobCancelled on cancel.
    std::vector<std::pair<int, HttpJsonReply>> waitForReplies()
    {
        if (m_final.empty() && !cancelled())
            m_loop.exec(QEventLoop::ExcludeUserInputEvents);
        if (cancelled())
            throw JobCancelled();
        return std::exchange(m_final, {});
    }

private:
    bool cancelled() const { return m_control && m_control->isCancelled(); }

    void fillSlots()
    {
        while (m_active < qMax(1, m_limits.maxConcurrent) && m_next < m_exchanges.size()) {
            ++m_active;
            send(*m_exchanges[m_next++]);
        }
    }

    void send(Exchange &e)
    {
        ++e.tries;
        e.received.clear();
        e.timedOut = false;
        e.tooLarge = false;
        QNetworkRequest request(e.url);
        request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Faultline"));
        request.setRawHeader("Accept", "application/json");
        if (!m_authorization.isEmpty())
            request.setRawHeader("Authorization", m_authorization);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
        if (e.body) {
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            e.reply = m_network.post(request, *e.body);
        } else {
            e.reply = m_network.get(request);
        }
        QObject::connect(e.reply, &QNetworkReply::metaDataChanged, &m_loop, [this, &e] { checkDeclaredLength(e); });
        QObject::connect(e.reply, &QNetworkReply::readyRead, &m_loop, [this, &e] { receive(e); });
        QObject::connect(e.reply, &QNetworkReply::finished, &m_loop, [this, &e] { finish(e); });
        e.deadline.start(m_limits.timeoutMs);
    }

    void checkDeclaredLength(Exchange &e)
    {
        const qint64 length = e.reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        if (length > m_limits.maxResponseBytes) {
            e.tooLarge = true;
            e.reply->abort();
        }
    }

    void receive(Exchange &e)
    {
        e.received += e.reply->readAll();
        if (e.received.size() > m_limits.maxResponseBytes) {
            e.tooLarge = true;
            e.reply->abort();
        }
    }

    void finish(Exchange &e)
    {
        e.deadline.stop();
        QNetworkReply *reply = std::exchange(e.reply, nullptr);
        if (!e.tooLarge && !e.timedOut)
            e.received += reply->readAll();
        Verdict verdict = judge(e, reply);
        reply->deleteLater();
        e.received.clear();
        if (verdict.transient && e.tries <= m_limits.retries) {
            e.backoff.start(backoffMs(e.tries));
            return;
        }
        verdict.reply.tries = e.tries;
        if (!verdict.reply.ok())
            verdict.reply.error = QStringLiteral("%1: %2 (after %3 %4)")
                                      .arg(e.url.toDisplayString(QUrl::RemoveUserInfo), verdict.reply.error)
                                      .arg(e.tries)
                                      .arg(e.tries == 1 ? QStringLiteral("try") : QStringLiteral("tries"));
        m_final.emplace_back(e.index, std::move(verdict.reply));
        --m_active;
        fillSlots();
        m_loop.quit();
    }

    // backoffMs before the first retry, doubled for each one after it.
    int backoffMs(int triesSoFar) const
    {
        const qint64 delay = qint64(qMax(0, m_limits.backoffMs)) << qMin(triesSoFar - 1, 20);
        return int(qMin<qint64>(delay, INT_MAX));
    }

    Verdict judge(const Exchange &e, QNetworkReply *reply) const
    {
        Verdict verdict;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        verdict.reply.httpStatus = status;
        const auto fail = [&verdict](const QString &what, bool transient) {
            verdict.reply.error = what;
            verdict.transient = transient;
            return verdict;
        };
        if (e.tooLarge)
            return fail(QStringLiteral("response larger than %1 MiB").arg(mebibytes(m_limits.maxResponseBytes)), false);
        if (e.timedOut)
            return fail(QStringLiteral("no complete answer within %1 s").arg(seconds(m_limits.timeoutMs)), true);
        const QNetworkReply::NetworkError error = reply->error();
        if (status >= 200 && status < 300) {
            if (error != QNetworkReply::NoError)
                return fail(networkFault(error, reply->errorString(), e.received.size()), isTransientNetworkError(error));
            // Qt may finish a body cut short by a closed connection without an error.
            const QVariant declared = reply->header(QNetworkRequest::ContentLengthHeader);
            if (declared.isValid() && e.received.size() < declared.toLongLong())
                return fail(QStringLiteral("connection dropped after %1 of %2 bytes of the answer")
                                .arg(e.received.size()).arg(declared.toLongLong()),
                            true);
            QJsonParseError parse;
            const QJsonDocument document = QJsonDocument::fromJson(e.received, &parse);
            if (parse.error != QJsonParseError::NoError)
                return fail(QStringLiteral("HTTP %1 but the answer is not JSON (%2)").arg(status).arg(parse.errorString()), false);
            if (!document.isObject())
                return fail(QStringLiteral("HTTP %1 but the answer is not a JSON object").arg(status), false);
            verdict.reply.json = document.object();
            return verdict;
        }
        if (status != 0) {
            const QString text = serverErrorText(e.received);
            return fail(text.isEmpty() ? QStringLiteral("HTTP %1").arg(status) : QStringLiteral("HTTP %1: %2").arg(status).arg(text),
                        isTransientStatus(status));
        }
        return fail(networkFault(error, reply->errorString(), e.received.size()), isTransientNetworkError(error));
    }

    const GenerationLimits m_limits;
    const QByteArray m_authorization;
    JobControl *const m_control;
    QEventLoop m_loop;
    QNetworkAccessManager m_network;
    QTimer m_cancelPoll;
    std::vector<std::unique_ptr<Exchange>> m_exchanges;
    size_t m_next = 0;
    int m_active = 0;
    std::vector<std::pair<int, HttpJsonReply>> m_final;
};

} // namespace

HttpJsonClient::HttpJsonClient(GenerationLimits limits, QByteArray authorization)
    : m_limits(limits), m_authorization(std::move(authorization))
{
}

void HttpJsonClient::run(const std::vector<HttpJsonCall> &calls, JobControl *control, const ReplyHandler &onReply)
{
    if (control)
        control->checkCancelled();
    Batch batch(m_limits, m_authorization, calls, control);
    for (size_t delivered = 0; delivered < calls.size();) {
        for (const auto &[index, reply] : batch.waitForReplies()) {
            onReply(index, reply);
            ++delivered;
        }
    }
}

HttpJsonReply HttpJsonClient::call(const HttpJsonCall &call, JobControl *control)
{
    HttpJsonReply result;
    run({call}, control, [&result](int, const HttpJsonReply &reply) { result = reply; });
    return result;
}

QByteArray bearerAuthorization(const QString &token)
{
    return token.isEmpty() ? QByteArray() : "Bearer " + token.toUtf8();
}

} // namespace faultline
