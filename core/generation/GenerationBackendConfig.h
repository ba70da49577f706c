#pragma once

#include "generation/GenerationBackend.h"

#include <QJsonObject>
#include <QString>
#include <memory>

namespace faultline {

// Which generation backend to use and how to reach it, as Settings and the CLI hold it.
struct GenerationBackendConfig
{
    static inline const QString kAutomatic1111 = QStringLiteral("automatic1111");
    static inline const QString kEmbeddingDecoder = QStringLiteral("embedding-decoder");
    static inline const QString kRetrieval = QStringLiteral("retrieval");

    QString kind;     // kAutomatic1111 | kEmbeddingDecoder | kRetrieval
    QString url;      // the server's base URL: "http://127.0.0.1:7860"
    QString token;    // optional credentials; never written by toJson
    QString sampler;  // automatic1111's sampler_name; empty = the server's default
    GenerationLimits limits;

    // Retrieval stands in for a server too when none is named: no URL, no HTTP backend.
    bool usesRetrieval() const { return kind == kRetrieval || url.isEmpty(); }

    // {"kind", "url", "sampler", "limits": {...}}: everything except the token.
    QJsonObject toJson() const;
    // Missing keys keep their defaults; throws Error naming a key of the wrong type or range.
    static GenerationBackendConfig fromJson(const QJsonObject &json);
};

// {"timeout_ms", "retries", "backoff_ms", "max_concurrent", "max_response_bytes"}
QJsonObject generationLimitsToJson(const GenerationLimits &limits);
// Throws Error naming the limit out of range: timeout 1 ms…, retries 0…100, backoff 0…,
// 1…6 concurrent (Qt's connections per host), 1 byte…1 TiB.
void checkGenerationLimits(const GenerationLimits &limits);

// The automatic1111 or embedding-decoder backend for a config. Throws Error for an unknown kind,
// a URL that is not http(s) with a host, bad limits, and for "retrieval" (not an HTTP backend).
std::unique_ptr<GenerationBackend> createHttpGenerationBackend(const GenerationBackendConfig &config);

} // namespace faultline
