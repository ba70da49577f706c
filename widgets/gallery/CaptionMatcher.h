#pragma once

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include <memory>
#include <vector>

namespace faultline {

class BackgroundJob;
class RunTextModel;
struct RunClassImages;

// The gallery's caption filter (issue 15 views 2): every image of the shown class scored by its
// cosine to a text embedded with the run's CLIP text tower — the embedding runs in a job, the
// cosines are kept per class and caption — and the images among the closest percent of them.
class CaptionMatcher : public QObject
{
    Q_OBJECT
public:
    explicit CaptionMatcher(QObject *parent = nullptr);

    void setTextModel(RunTextModel *model);
    // The class whose images are scored; another class forgets the cosines (and a running job).
    void setImages(std::shared_ptr<const RunClassImages> images);
    // Scores the class's images against `caption` unless that is done or under way; emits
    // changed() when the cosines are there or why they cannot be (status()).
    void request(const QString &caption);
    bool has(const QString &caption) const { return !m_cosines.empty() && caption == m_caption; }
    // The class's images among the `percent` % with the highest cosine to the caption (at least
    // one; images tied with the last one count too). Empty unless has().
    QSet<qint64> closest(int percent) const;
    // Why the requested caption is not scored yet (the text model loads, the run has none, the
    // job failed); empty when it is or nothing was asked.
    QString status() const { return m_status; }

Q_SIGNALS:
    void changed();
    void jobStarted(faultline::BackgroundJob *job);

private:
    void restart();
    void start();
    void setStatus(const QString &status);

    QPointer<RunTextModel> m_textModel;
    std::shared_ptr<const RunClassImages> m_images;
    QString m_caption;            // what the cosines are (or will be) of
    std::vector<float> m_cosines; // per image of m_images, empty until scored
    QString m_status;
    QPointer<BackgroundJob> m_job;
    quint64 m_generation = 0;
};

} // namespace faultline
