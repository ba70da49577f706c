// pcaProjection(): the two leading principal components as scikit-learn's PCA finds them
// (checked against an SVD of the centred data here), the variance they explain, the sign rule,
// and the degenerate inputs.

#include "analysis/PcaProjection.h"

#include <Eigen/Dense>
#include <QtTest>

#include <cmath>
#include <random>

using namespace faultline;

class TestPcaProjection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesTheSvdOfTheCentredData()
    {
        // 500 rows in 16 dims: variance 9 along u, 1 along v, 0.01 elsewhere, offset from 0.
        const int n = 500, dim = 16;
        std::mt19937 rng(3);
        std::normal_distribution<double> normal;
        Eigen::VectorXd u = Eigen::VectorXd::Zero(dim), v = Eigen::VectorXd::Zero(dim);
        u(2) = 0.6, u(5) = -0.8;
        v(0) = 1;
        Eigen::MatrixXf x(n, dim);
        for (int i = 0; i < n; ++i) {
            Eigen::VectorXd row = Eigen::VectorXd::Constant(dim, 4.0) + 3 * normal(rng) * u + normal(rng) * v;
            for (int d = 0; d < dim; ++d)
                row(d) += 0.1 * normal(rng);
            x.row(i) = row.cast<float>().transpose();
        }
        const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = x;
        const PcaProjection pca = pcaProjection(rows.data(), n, dim);
        QCOMPARE(int(pca.xy.size()), 2 * n);

        const Eigen::MatrixXd centred = x.cast<double>().rowwise() - x.cast<double>().colwise().mean();
        const Eigen::JacobiSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinV);
        const Eigen::VectorXd s2 = svd.singularValues().array().square();
        QVERIFY(std::abs(pca.explained[0] - s2(0) / s2.sum()) < 1e-9);
        QVERIFY(std::abs(pca.explained[1] - s2(1) / s2.sum()) < 1e-9);
        QVERIFY(pca.explained[0] > 0.85 && pca.explained[1] > 0.05);
        for (int c = 0; c < 2; ++c) {
            Eigen::VectorXd axis = svd.matrixV().col(c);
            Eigen::Index largest = 0;
            axis.cwiseAbs().maxCoeff(&largest);
            if (axis(largest) < 0)
                axis = -axis; // the sign rule: the largest loading is positive
            const Eigen::VectorXd expected = centred * axis;
            double worst = 0, mean = 0;
            for (int i = 0; i < n; ++i) {
                worst = std::max(worst, std::abs(double(pca.xy[size_t(i) * 2 + c]) - expected(i)));
                mean += pca.xy[size_t(i) * 2 + c];
            }
            QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
            QVERIFY(std::abs(mean / n) < 1e-4); // centred
        }
        // the first axis is u: u's largest loading is −0.8, so the sign rule flips it
        double alongU = 0;
        for (int i = 0; i < n; ++i)
            alongU += pca.xy[size_t(i) * 2] * (centred.row(i).dot(-u));
        QVERIFY(alongU > 0);
    }

    void degenerateInputs()
    {
        const float one[3] = {1, 2, 3};
        PcaProjection pca = pcaProjection(one, 1, 3);
        QCOMPARE(pca.xy, std::vector<float>(2, 0.0f));
        const float same[6] = {1, 2, 3, 1, 2, 3};
        pca = pcaProjection(same, 2, 3);
        QCOMPARE(pca.xy, std::vector<float>(4, 0.0f));
        QCOMPARE(pca.explained[0], 0.0);
        const float line[4] = {0, 1, 2, 3}; // 4 rows of 1 dim: the second axis is 0
        pca = pcaProjection(line, 4, 1);
        QCOMPARE(pca.xy[1], 0.0f);
        QCOMPARE(pca.xy[0], -1.5f);
        QCOMPARE(pca.explained[0], 1.0);
    }
};

QTEST_GUILESS_MAIN(TestPcaProjection)
#include "test_pca_projection.moc"
