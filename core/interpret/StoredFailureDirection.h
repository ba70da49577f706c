#pragma once

#include "analysis/EmbeddingWhitener.h"

#include <Eigen/Core>
#include <QString>

namespace faultline {

class ProjectStore;

// One class's failure direction from a stored run, with the run's whitening: scores any
// CLIP-space vector exactly as the run scored its images, and maps the direction back to
// CLIP space for the slerp slider.
class StoredFailureDirection
{
public:
    static StoredFailureDirection load(const ProjectStore &store, qint64 runId, const QString &className);

    const QString &className() const { return m_className; }
    double cvBalancedAccuracy() const { return m_cvBalancedAccuracy; }
    const EmbeddingWhitener &whitener() const { return m_whitener; }

    // normal · normalise((x − mean) / std) + bias: negative = hard, positive = easy.
    double decision(const Eigen::VectorXd &clipVector) const;

    // The unit CLIP-space direction along which the decision grows fastest before the
    // normalisation: the SVM normal divided by the whitening std (whitening is x ↦ (x − μ)/σ,
    // so its pull-back of w is w/σ). It needs no refit and agrees with the stored run; the
    // paper's A.6 instead refits without whitening, which would be a second, different SVM.
    Eigen::VectorXf clipSpaceDirection() const;

private:
    QString m_className;
    EmbeddingWhitener m_whitener;
    Eigen::VectorXd m_normal;
    double m_bias = 0;
    double m_cvBalancedAccuracy = 0;
};

} // namespace faultline
