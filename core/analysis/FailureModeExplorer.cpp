#include "analysis/FailureModeExplorer.h"

#include "analysis/LinearSvm.h"
#include "analysis/StratifiedKFold.h"
#include "common/Error.h"
#include "common/JobControl.h"

#include <Eigen/QR>

#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <cmath>
#include <numeric>
#include <random>

namespace faultline {

namespace {

Eigen::MatrixXd projectOut(const Eigen::MatrixXd &x, const Eigen::MatrixXd &basis)
{
    return basis.cols() == 0 ? x : Eigen::MatrixXd(x - (x * basis) * basis.transpose());
}

// Mean CV balanced accuracy for each C of the grid, the (C, fold) cells in parallel.
std::vector<double> gridScores(const LinearSvmProblem &problem, const std::vector<int> &testFold, int folds,
                               const std::vector<double> &grid, QThreadPool &pool)
{
    struct Cell { size_t c; int fold; double score; };
    std::vector<Cell> cells;
    for (size_t c = 0; c < grid.size(); ++c)
        for (int f = 0; f < folds; ++f)
            cells.push_back({c, f, 0.0});
    QtConcurrent::blockingMap(&pool, cells, [&](Cell &cell) {
        cell.score = problem.foldBalancedAccuracy(testFold, cell.fold, grid[cell.c]);
    });
    std::vector<std::vector<double>> perC(grid.size());
    for (const Cell &cell : cells)
        perC[cell.c].push_back(cell.score);
    std::vector<double> means;
    for (const auto &scores : perC)
        means.push_back(meanOf(scores));
    return means;
}

} // namespace

FailureModes exploreFailureModes(const AnalysisData &data, const EmbeddingWhitener &whitener, int classIndex,
                                 const AnalysisParams &params, const FailureModeParams &modeParams, JobControl *control)
{
    if (modeParams.maxModes < 1 || modeParams.permutations < 2)
        throw Error(QStringLiteral("failure modes: need at least one mode and two permutations"));
    FailureModes result;
    std::vector<int> fitRows;
    std::vector<int> targets;
    for (size_t i = 0; i < data.label.size(); ++i) {
        if (data.label[i] != classIndex)
            continue;
        result.rows.push_back(int(i));
        if (data.split[i] == params.fitSplit) {
            fitRows.push_back(int(i));
            targets.push_back(data.correct[i] ? 1 : 0);
        }
    }
    const int errors = int(std::count(targets.begin(), targets.end(), 0));
    const int correct = int(targets.size()) - errors;
    if (std::min(errors, correct) < params.folds)
        throw Error(QStringLiteral("class '%1' has too few errors or correct predictions in the fit split for %2-fold"
                                   " cross-validation").arg(data.classNames[classIndex]).arg(params.folds));

    QThreadPool pool;
    pool.setMaxThreadCount(params.threads > 0 ? params.threads : QThread::idealThreadCount());
    const Eigen::MatrixXd fit = whitener.transform(data.embeddings, fitRows);
    const Eigen::MatrixXd all = whitener.transform(data.embeddings, result.rows);
    const std::vector<int> testFold = stratifiedTestFolds(targets, params.folds);
    Eigen::MatrixXd basis(fit.cols(), 0);
    std::mt19937 shuffler(12345); // fixed: the same data gives the same chance levels

    for (int m = 0; m < modeParams.maxModes; ++m) {
        if (control) {
            control->report(m, modeParams.maxModes, QStringLiteral("failure modes"));
            control->checkCancelled();
        }
        const LinearSvmProblem problem(projectOut(fit, basis), targets);
        const std::vector<double> scores = gridScores(problem, testFold, params.folds, params.cGrid, pool);
        const int best = firstBestIndex(scores);
        FailureMode mode;
        mode.cvBalancedAccuracy = scores[size_t(best)];
        mode.C = params.cGrid[size_t(best)];

        // Chance level: the same fit with the targets shuffled (folds re-dealt for them).
        std::vector<double> chance;
        for (int p = 0; p < modeParams.permutations; ++p) {
            std::vector<int> shuffled = targets;
            std::shuffle(shuffled.begin(), shuffled.end(), shuffler);
            const LinearSvmProblem null(problem.features(), shuffled);
            const std::vector<int> nullFolds = stratifiedTestFolds(shuffled, params.folds);
            std::vector<double> foldScores(size_t(params.folds));
            for (int f = 0; f < params.folds; ++f)
                foldScores[size_t(f)] = null.foldBalancedAccuracy(nullFolds, f, mode.C);
            chance.push_back(meanOf(foldScores));
        }
        mode.chanceMean = meanOf(chance);
        double variance = 0;
        for (double c : chance)
            variance += (c - mode.chanceMean) * (c - mode.chanceMean);
        mode.chanceStd = std::sqrt(variance / double(chance.size() - 1));

        if (m > 0 && mode.cvBalancedAccuracy < modeParams.minStrength) {
            result.stopReason = QStringLiteral("mode %1 reaches CV balanced accuracy %2 < %3")
                                    .arg(m + 1).arg(mode.cvBalancedAccuracy, 0, 'f', 3).arg(modeParams.minStrength);
            break;
        }
        if (m > 0 && mode.cvBalancedAccuracy <= mode.chanceMean + 2 * mode.chanceStd) {
            result.stopReason = QStringLiteral("mode %1 (%2) is within chance (%3 ± %4 with shuffled targets)")
                                    .arg(m + 1).arg(mode.cvBalancedAccuracy, 0, 'f', 3).arg(mode.chanceMean, 0, 'f', 3)
                                    .arg(mode.chanceStd, 0, 'f', 3);
            break;
        }

        std::vector<int> everyRow(targets.size());
        std::iota(everyRow.begin(), everyRow.end(), 0);
        const LinearSvmModel model = problem.train(everyRow, mode.C);
        mode.normal = model.normal;
        mode.bias = model.bias;
        const Eigen::VectorXd decisions = projectOut(all, basis) * model.normal;
        for (Eigen::Index i = 0; i < decisions.size(); ++i)
            mode.decisionValues.push_back(decisions[i] + model.bias);
        result.modes.push_back(mode);

        const double norm = model.normal.norm();
        if (norm == 0) {
            result.stopReason = QStringLiteral("mode %1 has a zero direction").arg(m + 1);
            break;
        }
        basis.conservativeResize(Eigen::NoChange, basis.cols() + 1);
        basis.col(basis.cols() - 1) = model.normal / norm;
        // Keep the basis orthonormal against rounding (the normals are orthogonal in theory).
        Eigen::HouseholderQR<Eigen::MatrixXd> qr(basis);
        basis = qr.householderQ() * Eigen::MatrixXd::Identity(basis.rows(), basis.cols());
    }
    if (result.stopReason.isEmpty())
        result.stopReason = QStringLiteral("reached the maximum of %1 modes").arg(modeParams.maxModes);
    return result;
}

} // namespace faultline
