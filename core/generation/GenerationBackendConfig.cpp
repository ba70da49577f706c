#include "generation/GenerationBackendConfig.h"

#include "common/Error.h"
#include "generation/Automatic1111Backend.h"
#include "generation/EmbeddingDecoderBackend.h"

#include <QUrl>

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

qint64 wholeNumberField(const QJsonObject &json, const QString &key, qint64 fallback, qint64 minimum, qint64 maximum)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined() || value.isNull())
        return fallback;
    const double number = value.toDouble(-1.0);
    if (!value.isDouble() || number != double(qint64(number)) || number < double(minimum) || number > double(maximum))
        throw Error(QStringLiteral("%1: \"limits.%2\" must be a whole number from %3 to %4")
                        .arg(kWhere, key).arg(minimum).arg(maximum));
    return qint64(number);
}

void requireAtLeast(qint64 value, qint64 minimum, const char *field)
{
    if (value < minimum)
        throw Error(QStringLiteral("%1: %2 is %3, must be at least %4").arg(kWhere, QLatin1String(field)).arg(value).arg(minimum));
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
    requireAtLeast(limits.timeoutMs, 1, "timeout_ms");
    requireAtLeast(limits.retries, 0, "retries");
    requireAtLeast(limits.backoffMs, 0, "backoff_ms");
    requireAtLeast(limits.maxConcurrent, 1, "max_concurrent");
    requireAtLeast(limits.maxResponseBytes, 1, "max_response_bytes");
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
    constexpr qint64 intMax = std::numeric_limits<int>::max();
    GenerationLimits &l = config.limits;
    l.timeoutMs = int(wholeNumberField(limits, QStringLiteral("timeout_ms"), l.timeoutMs, 1, intMax));
    l.retries = int(wholeNumberField(limits, QStringLiteral("retries"), l.retries, 0, 100));
    l.backoffMs = int(wholeNumberField(limits, QStringLiteral("backoff_ms"), l.backoffMs, 0, intMax));
    l.maxConcurrent = int(wholeNumberField(limits, QStringLiteral("max_concurrent"), l.maxConcurrent, 1, 64));
    l.maxResponseBytes = wholeNumberField(limits, QStringLiteral("max_response_bytes"), l.maxResponseBytes, 1,
                                          qint64(1) << 40);
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
