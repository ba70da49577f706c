#include "interpret/StoredFailureDirection.h"

#include "common/Error.h"
#include "store/ProjectStore.h"

namespace faultline {

namespace {

Eigen::VectorXd toEigen(const std::vector<double> &values)
{
    return Eigen::Map<const Eigen::VectorXd>(values.data(), Eigen::Index(values.size()));
}

} // namespace

StoredFailureDirection StoredFailureDirection::load(const ProjectStore &store, qint64 runId, const QString &className)
{
    const ClassDirection direction = store.classDirection(runId, className);
    const RunWhitening whitening = store.runWhitening(runId);
    if (direction.normal.size() != whitening.mean.size() || whitening.mean.size() != whitening.stddev.size())
        throw Error(QStringLiteral("run %1: class '%2' has a %3-d direction but %4-d whitening")
                        .arg(runId).arg(className).arg(direction.normal.size()).arg(whitening.mean.size()));
    StoredFailureDirection loaded;
    loaded.m_className = className;
    loaded.m_whitener = EmbeddingWhitener(toEigen(whitening.mean), toEigen(whitening.stddev));
    loaded.m_normal = toEigen(direction.normal);
    loaded.m_bias = direction.bias;
    loaded.m_cvBalancedAccuracy = direction.cvBalancedAccuracy;
    return loaded;
}

double StoredFailureDirection::decision(const Eigen::VectorXd &clipVector) const
{
    if (clipVector.size() != m_normal.size())
        throw Error(QStringLiteral("a %1-d vector cannot be scored by the %2-d direction of class '%3'")
                        .arg(clipVector.size()).arg(m_normal.size()).arg(m_className));
    return m_normal.dot(m_whitener.transform(clipVector)) + m_bias;
}

Eigen::VectorXf StoredFailureDirection::clipSpaceDirection() const
{
    const Eigen::VectorXd pulledBack = (m_normal.array() / m_whitener.stddev().array()).matrix();
    return (pulledBack / pulledBack.norm()).cast<float>();
}

} // namespace faultline
