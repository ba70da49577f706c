#pragma once

#include "dataset/Split.h"
#include "interpret/ClassCaptions.h" // TextEncoder
#include "retrieval/EmbeddingIndex.h"

#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace faultline {

class JobControl;
class ProjectStore;

// One image a search found, with what the views show about it.
struct SearchHit
{
    qint64 imageId = 0;
    QString path;        // dataset-relative
    QString className;   // the image's label
    QString prediction;  // the classifier's prediction
    Split split = Split::Test;
    double decisionValue = 0; // the paper's score in the run; NaN where the class was not fitted
    float cosine = 0;    // to the query, in [−1, 1]
    bool correct() const { return className == prediction; }
};

// The images of a stored run — one class or every class — in an exact cosine index of their
// CLIP embeddings (retrieval/EmbeddingIndex, float32): text → images ("a dark boot", embedded
// with the run's text tower) and image → similar images ("more like this"). Built once per
// run and scope in a job; searching is then interactive and safe from any thread.
class RunSearchSpace
{
public:
    // Loads every image of run `runId` labelled `className`, or of every class when it is empty.
    // Throws Error when the run or the class does not exist or embeddings are missing.
    static std::shared_ptr<const RunSearchSpace> load(const ProjectStore &store, qint64 runId,
                                                      const QString &className = QString(),
                                                      JobControl *control = nullptr);

    qint64 runId() const { return m_runId; }
    QString className() const { return m_className; } // empty: the whole run
    qint64 size() const { return qint64(m_hits.size()); }
    int dim() const { return m_index.dim(); }

    // The k images nearest to `query` (dim() floats), best first; equal cosines by load order.
    // Throws Error when the vector's size is not dim().
    std::vector<SearchHit> nearest(const std::vector<float> &query, int k) const;
    // The text embedded with `encode` (the run's text tower), then nearest().
    std::vector<SearchHit> nearestToText(const QString &text, const TextEncoder &encode, int k) const;
    // The k images most like image `imageId` (itself left out). Throws Error when it is not here.
    std::vector<SearchHit> moreLike(qint64 imageId, int k) const;
    // Same, by dataset-relative path.
    std::vector<SearchHit> moreLike(const QString &path, int k) const;

private:
    std::vector<SearchHit> search(const float *query, int k, qint64 skipRow) const;
    qint64 rowOf(qint64 imageId) const;

    qint64 m_runId = 0;
    QString m_className;
    EmbeddingIndex m_index;
    std::vector<SearchHit> m_hits; // per index row, cosine unset
};

} // namespace faultline
