#include "retrieval/Slerp.h"

#include "common/Error.h"

#include <QString>

#include <cmath>

namespace faultline {

namespace {

// Below this |to − cosθ·from| (= sinθ) the great circle through the two inputs is numerically
// undefined: parallel or antipodal.
constexpr double kDegenerateSin = 1e-6;

Eigen::VectorXd normalised(const Eigen::VectorXf &v, const char *name)
{
    if (v.size() == 0)
        throw Error(QStringLiteral("slerp: %1 is empty").arg(QLatin1String(name)));
    const Eigen::VectorXd d = v.cast<double>();
    if (!d.allFinite())
        throw Error(QStringLiteral("slerp: %1 has a non-finite component").arg(QLatin1String(name)));
    const double norm = d.norm();
    if (!(norm > 0.0))
        throw Error(QStringLiteral("slerp: %1 is the zero vector (it has no direction)").arg(QLatin1String(name)));
    return d / norm;
}

Eigen::VectorXf toUnitFloat(const Eigen::VectorXd &v)
{
    return (v / v.norm()).cast<float>();
}

} // namespace

Eigen::VectorXf slerp(const Eigen::VectorXf &from, const Eigen::VectorXf &to, double alpha)
{
    if (from.size() != to.size())
        throw Error(QStringLiteral("slerp: dimensions differ (%1 vs %2)").arg(from.size()).arg(to.size()));
    if (!(alpha >= 0.0 && alpha <= 1.0))
        throw Error(QStringLiteral("slerp: alpha must be in [0, 1], got %1").arg(alpha));
    const Eigen::VectorXd a = normalised(from, "from");
    const Eigen::VectorXd b = normalised(to, "to");
    if (alpha == 0.0)
        return a.cast<float>();
    if (alpha == 1.0)
        return b.cast<float>();

    const double c = a.dot(b);
    Eigen::VectorXd w = b - c * a; // the component of `to` orthogonal to `from`
    const double s = w.norm();
    if (s >= kDegenerateSin) {
        const double theta = std::atan2(s, c);
        const double phi = alpha * theta;
        return toUnitFloat(std::cos(phi) * a + std::sin(phi) * (w / s));
    }
    if (c > 0.0) // nearly parallel
        return toUnitFloat((1.0 - alpha) * a + alpha * b);

    // Antipodal: rotate toward the axis least aligned with `from`.
    if (a.size() < 2)
        throw Error(QStringLiteral("slerp: the vectors are antipodal in one dimension; there is no path between them"));
    Eigen::Index axis = 0;
    a.cwiseAbs().minCoeff(&axis); // first index of the minimum
    Eigen::VectorXd p = -a[axis] * a;
    p[axis] += 1.0;
    p /= p.norm(); // |a_axis| ≤ 1/sqrt(d) < 1, so p is not zero
    const double phi = alpha * M_PI;
    return toUnitFloat(std::cos(phi) * a + std::sin(phi) * p);
}

Eigen::VectorXf difficultyVector(const Eigen::VectorXf &reference, const Eigen::VectorXf &direction,
                                 double difficulty)
{
    if (!(difficulty >= -1.0 && difficulty <= 1.0))
        throw Error(QStringLiteral("difficulty must be in [-1, 1], got %1").arg(difficulty));
    if (difficulty < 0.0)
        return slerp(reference, -direction, -difficulty);
    return slerp(reference, direction, difficulty); // difficulty 0 returns the normalised reference
}

} // namespace faultline
