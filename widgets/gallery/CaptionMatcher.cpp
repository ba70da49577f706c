#include "gallery/CaptionMatcher.h"

#include "common/Error.h"
#include "interpret/RunImages.h"
#include "rules/ConceptFeatures.h"
#include "session/JobLauncher.h"
#include "session/RunTextModel.h"

#include <algorithm>
#include <cmath>

namespace faultline {

CaptionMatcher::CaptionMatcher(QObject *parent) : QObject(parent)
{
}

void CaptionMatcher::setTextModel(RunTextModel *model)
{
    m_textModel = model;
    // A caption asked for while the text tower loaded is scored once it is ready.
    connect(model, &RunTextModel::stateChanged, this, [this] {
        if (!m_caption.isEmpty() && m_cosines.empty() && !m_job)
            start();
    });
}

void CaptionMatcher::setImages(std::shared_ptr<const RunClassImages> images)
{
    if (images == m_images)
        return;
    m_images = std::move(images);
    restart();
}

void CaptionMatcher::request(const QString &caption)
{
    if (caption == m_caption && (!m_cosines.empty() || m_job))
        return;
    m_caption = caption;
    restart();
}

// The images or the caption changed: what was scored, or is being scored, is of the old pair.
void CaptionMatcher::restart()
{
    ++m_generation;
    if (m_job)
        m_job->cancel();
    m_job = nullptr;
    m_cosines.clear();
    if (!m_caption.isEmpty())
        start();
}

void CaptionMatcher::start()
{
    if (!m_images || m_images->size() == 0 || m_images->dim <= 0)
        return;
    if (!m_textModel || m_textModel->state() != RunTextModel::State::Ready) {
        setStatus(!m_textModel || m_textModel->state() == RunTextModel::State::Loading
                      ? tr("Matching captions waits for the CLIP text model to load.")
                      : m_textModel->statusText());
        return;
    }
    setStatus(tr("Matching \u201c%1\u201d…").arg(m_caption));
    const quint64 generation = m_generation;
    const auto images = m_images;
    const QString caption = m_caption;
    const TextEncoder encode = m_textModel->encoder();
    auto cosines = std::make_shared<std::vector<float>>();
    m_job = launchJob(
        this, tr("Match the caption \u201c%1\u201d").arg(caption),
        [images, caption, encode, cosines](JobControl &) {
            std::vector<float> text = encode({caption});
            if (text.size() != size_t(images->dim))
                throw Error(tr("The text model gives %1 values per caption, the run's embeddings have %2")
                                .arg(text.size()).arg(images->dim));
            normaliseRows(text.data(), 1, images->dim);
            *cosines = std::move(conceptFeatures(images->embeddings, images->dim, {caption}, text).values.values);
        },
        [this, generation, cosines] {
            if (generation != m_generation)
                return;
            m_job = nullptr;
            m_cosines = std::move(*cosines);
            setStatus(QString());
        },
        [this, generation](const QString &message) {
            if (generation != m_generation)
                return;
            m_job = nullptr;
            setStatus(message);
        });
    Q_EMIT jobStarted(m_job);
}

QSet<qint64> CaptionMatcher::closest(int percent) const
{
    QSet<qint64> ids;
    if (m_cosines.empty() || !m_images)
        return ids;
    const size_t n = m_cosines.size();
    const size_t keep = std::clamp<size_t>(size_t(std::ceil(double(n) * std::clamp(percent, 1, 100) / 100.0)), 1, n);
    std::vector<float> sorted = m_cosines;
    std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(keep - 1), sorted.end(), std::greater<float>());
    const float threshold = sorted[keep - 1];
    for (size_t i = 0; i < n; ++i)
        if (m_cosines[i] >= threshold)
            ids.insert(m_images->imageIds[i]);
    return ids;
}

void CaptionMatcher::setStatus(const QString &status)
{
    m_status = status;
    Q_EMIT changed();
}

} // namespace faultline
