#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <functional>
#include <vector>

namespace faultline {

class JobControl;

// One thing to generate: a text prompt (text-to-image servers) or a CLIP-space vector
// (embedding decoders and retrieval). The seed is always concrete, so a stored sample can be
// made again; a batch's i-th image uses seed + i.
struct GenerationRequest
{
    QString prompt;                 // empty for embedding requests
    QString negativePrompt;
    std::vector<float> embedding;   // unit-length CLIP vector; empty for prompt requests
    QString embeddingSpace;         // the CLIP model that made `embedding` ("ViT-B/32")
    qint64 seed = 0;
    int count = 1;                  // images for this request (A1111's batch_size)
    int width = 512;
    int height = 512;
    int steps = 25;
    double guidanceScale = 7.0;     // A1111's cfg_scale
};

struct GeneratedImage
{
    QByteArray png;        // PNG bytes, checked to decode; empty for a retrieved real image
    qint64 seed = 0;
    QString sourcePath;    // retrieval only: the real image's dataset-relative path (png stays empty)
    QJsonObject info;      // what the backend reported (its model, sampler, distance …)
};

// A request's result: images, or one line saying what went wrong (URL, HTTP status or fault,
// and how many tries were made). One failed request never loses the others.
struct GenerationOutcome
{
    std::vector<GeneratedImage> images;
    QString error;
    bool ok() const { return error.isEmpty(); }
};

// Timeouts, retries and limits shared by the HTTP backends.
struct GenerationLimits
{
    int timeoutMs = 180000;            // per attempt, from request to the last byte
    int retries = 2;                   // further attempts after a transient failure
    int backoffMs = 1000;              // first retry's delay; doubled each time
    int maxConcurrent = 2;             // requests in flight at once
    qint64 maxResponseBytes = 256ll << 20;
};

// A source of new images for a class's failure mode. Implementations block the calling worker
// thread (running their own event loop there), so the thread needs none of its own.
class GenerationBackend
{
public:
    using OutcomeHandler = std::function<void(int requestIndex, const GenerationOutcome &outcome)>;

    virtual ~GenerationBackend() = default;

    virtual QString name() const = 0;            // "automatic1111", "embedding-decoder", "retrieval"
    virtual bool acceptsPrompts() const = 0;
    virtual bool acceptsEmbeddings() const = 0;
    // What is stored with every sample: URL, server model, limits (never credentials).
    virtual QJsonObject parameters() const = 0;

    // Checks that the backend can serve (a quick GET for HTTP servers); throws Error saying why not.
    virtual void checkReachable(JobControl *control) = 0;

    // Runs every request (at most GenerationLimits::maxConcurrent in flight) and calls onOutcome
    // on the calling thread as each finishes, so the caller can store each image at once.
    // Progress: control->report(finished, requests.size(), "generate"). On cancel, aborts what
    // is in flight and throws JobCancelled; outcomes already delivered stay delivered.
    virtual void generate(const std::vector<GenerationRequest> &requests, JobControl *control,
                          const OutcomeHandler &onOutcome) = 0;
};

} // namespace faultline
