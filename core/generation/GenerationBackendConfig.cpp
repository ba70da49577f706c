#include "generation/GenerationBackendConfig.h"

#include "common/Error.h"
#include "generation/Automatic1111Backend.h"
#include "generation/EmbeddingDecoderBackend.h"

#include <QUrl>

#include <cmath>
#include <limits>

namespace faultline {

namespace {

const QString kWhere = QStringLiteral("generation backend settings");

QString stringField(const QJsonObject &json, const QString &key, const QString &fallback)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isString())
        throw Error(QStringLiteral("%1: \"%2\" must be a string").arg(kWhere, key));
    return value.toString();
}

qint64 wholeNumberField(const QJsonObject &limits, const QString &key, qint64 fallback)
{
    const QJsonValue value = limits.value(key);
    if (value.isUndefined() || value.isNull())
        return fallback;
    const double number = value.toDouble();
    if (!value.isDouble() || number != std::floor(number) || std::abs(number) > double(qint64(1) << 53))
        throw Error(QStringLiteral("%1: \"limits.%2\" must be a whole number").arg(kWhere, key));
    return qint64(number);
}

void requireRange(qint64 value, qint64 minimum, qint64 maximum, const char *key)
{
    if (value < minimum || value > maximum)
        throw Error(QStringLiteral("%1: \"limits.%2\" is %3, must be from %4 to %5")
                        .arg(kWhere, QLatin1String(key)).arg(value).arg(minimum).arg(maximum));
}

// qint64 so that numbers read from JSON are checked before they are narrowed to int.
void checkLimitRanges(qint64 timeoutMs, qint64 retries, qint64 backoffMs, qint64 maxConcurrent, qint64 maxResponseBytes)
{
    constexpr qint64 intMax = std::numeric_limits<int>::max();
    requireRange(timeoutMs, 1, intMax, "timeout_ms");
    requireRange(retries, 0, 100, "retries");
    requireRange(backoffMs, 0, intMax, "backoff_ms");
    // Qt opens at most 6 HTTP/1.1 connections per host: more would wait inside Qt, on the clock.
    requireRange(maxConcurrent, 1, 6, "max_concurrent");
    requireRange(maxResponseBytes, 1, qint64(1) << 40, "max_response_bytes");
}

} // namespace

QJsonObject generationLimitsToJson(const GenerationLimits &limits)
{
    return QJsonObject{{QStringLiteral("timeout_ms"), limits.timeoutMs},
                       {QStringLiteral("retries"), limits.retries},
                       {QStringLiteral("backoff_ms"), limits.backoffMs},
                       {QStringLiteral("max_concurrent"), limits.maxConcurrent},
                       {QStringLiteral("max_response_bytes"), limits.maxResponseBytes}};
}

void checkGenerationLimits(const GenerationLimits &limits)
{
    checkLimitRanges(limits.timeoutMs, limits.retries, limits.backoffMs, limits.maxConcurrent, limits.maxResponseBytes);
}

QJsonObject GenerationBackendConfig::toJson() const
{
    return QJsonObject{{QStringLiteral("kind"), kind},
                       {QStringLiteral("url"), url},
                       {QStringLiteral("sampler"), sampler},
                       {QStringLiteral("limits"), generationLimitsToJson(limits)}};
}

GenerationBackendConfig GenerationBackendConfig::fromJson(const QJsonObject &json)
{
    GenerationBackendConfig config;
    config.kind = stringField(json, QStringLiteral("kind"), config.kind);
    config.url = stringField(json, QStringLiteral("url"), config.url);
    config.sampler = stringField(json, QStringLiteral("sampler"), config.sampler);
    const QJsonValue limitsValue = json.value(QStringLiteral("limits"));
    if (!limitsValue.isUndefined() && !limitsValue.isObject())
        throw Error(QStringLiteral("%1: \"limits\" must be an object").arg(kWhere));
    const QJsonObject limits = limitsValue.toObject();
    GenerationLimits &l = config.limits;
    const qint64 timeoutMs = wholeNumberField(limits, QStringLiteral("timeout_ms"), l.timeoutMs);
    const qint64 retries = wholeNumberField(limits, QStringLiteral("retries"), l.retries);
    const qint64 backoffMs = wholeNumberField(limits, QStringLiteral("backoff_ms"), l.backoffMs);
    const qint64 maxConcurrent = wholeNumberField(limits, QStringLiteral("max_concurrent"), l.maxConcurrent);
    const qint64 maxResponseBytes = wholeNumberField(limits, QStringLiteral("max_response_bytes"), l.maxResponseBytes);
    checkLimitRanges(timeoutMs, retries, backoffMs, maxConcurrent, maxResponseBytes);
    l.timeoutMs = int(timeoutMs);
    l.retries = int(retries);
    l.backoffMs = int(backoffMs);
    l.maxConcurrent = int(maxConcurrent);
    l.maxResponseBytes = maxResponseBytes;
    return config;
}

std::unique_ptr<GenerationBackend> createHttpGenerationBackend(const GenerationBackendConfig &config)
{
    const QString &kind = config.kind;
    if (kind == GenerationBackendConfig::kRetrieval)
        throw Error(QStringLiteral("the retrieval backend searches the project's own images and needs no server; "
                                   "it is not created from a server URL"));
    if (kind != GenerationBackendConfig::kAutomatic1111 && kind != GenerationBackendConfig::kEmbeddingDecoder)
        throw Error(QStringLiteral("unknown generation backend '%1' (known: %2, %3, %4)")
                        .arg(kind, GenerationBackendConfig::kAutomatic1111, GenerationBackendConfig::kEmbeddingDecoder,
                             GenerationBackendConfig::kRetrieval));
    const QUrl url(config.url.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        throw Error(QStringLiteral("%1 server URL '%2' is not an http:// or https:// URL with a host")
                        .arg(kind, config.url));
    checkGenerationLimits(config.limits);
    if (kind == GenerationBackendConfig::kAutomatic1111)
        return std::make_unique<Automatic1111Backend>(url, config.token, config.sampler, config.limits);
    return std::make_unique<EmbeddingDecoderBackend>(url, config.token, config.limits);
}

} // namespace faultline
