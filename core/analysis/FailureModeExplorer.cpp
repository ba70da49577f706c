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
#include <mutex>
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
    // QtConcurrent would wrap an Error in QUnhandledException and lose its message.
    std::mutex failureMutex;
    QString failure;
    QtConcurrent::blockingMap(&pool, cells, [&](Cell &cell) {
        try {
            cell.score = problem.foldBalancedAccuracy(testFold, cell.fold, grid[cell.c]);
        } catch (const Error &error) {
            std::lock_guard<std::mutex> lock(failureMutex);
            failure = error.message();
        }
    });
    if (!failure.isEmpty())
        throw Error(failure);
    std::vector<std::vector<double>> perC(grid.size());
    for (const Cell &cell : cells)
        perC[cell.c].push_back(cell.score);
    std::vector<double> means;
    for (const auto &scores : perC)
        means.push_back(meanOf(scores));
    return means;
}


// One candidate mode: the recipe's C grid by CV on (features, targets), the chance level of
// that C with shuffled targets, and the refit on all rows.
struct FittedMode
{
    FailureMode mode;
    LinearSvmModel model;
};

FittedMode fitMode(const Eigen::MatrixXd &features, const std::vector<int> &targets, const AnalysisParams &params,
                   int permutations, std::mt19937 &shuffler, QThreadPool &pool)
{
    const LinearSvmProblem problem(features, targets);
    const std::vector<int> testFold = stratifiedTestFolds(targets, params.folds);
    const std::vector<double> scores = gridScores(problem, testFold, params.folds, params.cGrid, pool);
    const int best = firstBestIndex(scores);
    FittedMode fitted;
    fitted.mode.cvBalancedAccuracy = scores[size_t(best)];
    fitted.mode.C = params.cGrid[size_t(best)];

    // Chance level: the same fit with the targets shuffled (folds re-dealt for them).
    std::vector<double> chance;
    for (int p = 0; p < permutations; ++p) {
        std::vector<int> shuffled = targets;
        std::shuffle(shuffled.begin(), shuffled.end(), shuffler);
        const LinearSvmProblem null(features, shuffled);
        const std::vector<int> nullFolds = stratifiedTestFolds(shuffled, params.folds);
        std::vector<double> foldScores(size_t(params.folds));
        for (int f = 0; f < params.folds; ++f)
            foldScores[size_t(f)] = null.foldBalancedAccuracy(nullFolds, f, fitted.mode.C);
        chance.push_back(meanOf(foldScores));
    }
    fitted.mode.chanceMean = meanOf(chance);
    double variance = 0;
    for (double c : chance)
        variance += (c - fitted.mode.chanceMean) * (c - fitted.mode.chanceMean);
    fitted.mode.chanceStd = std::sqrt(variance / double(chance.size() - 1));

    std::vector<int> everyRow(targets.size());
    std::iota(everyRow.begin(), everyRow.end(), 0);
    fitted.model = problem.train(everyRow, fitted.mode.C);
    fitted.mode.normal = fitted.model.normal;
    fitted.mode.bias = fitted.model.bias;
    return fitted;
}

bool beatsChance(const FailureMode &mode, double minStrength)
{
    return mode.cvBalancedAccuracy >= minStrength && mode.cvBalancedAccuracy > mode.chanceMean + 2 * mode.chanceStd;
}

// Two clusters of the rows of x (k-means, deterministic: seeded with two far-apart rows).
std::vector<int> splitInTwo(const Eigen::MatrixXd &x)
{
    const Eigen::Index n = x.rows();
    const Eigen::RowVectorXd mean = x.colwise().mean();
    Eigen::Index a = 0, b = 0;
    (x.rowwise() - mean).rowwise().squaredNorm().maxCoeff(&a);
    (x.rowwise() - x.row(a)).rowwise().squaredNorm().maxCoeff(&b);
    Eigen::RowVectorXd centers[2] = {x.row(a), x.row(b)};
    std::vector<int> cluster(size_t(n), 0);
    for (int iteration = 0; iteration < 50; ++iteration) {
        bool changed = false;
        for (Eigen::Index i = 0; i < n; ++i) {
            const int nearest = (x.row(i) - centers[0]).squaredNorm() <= (x.row(i) - centers[1]).squaredNorm() ? 0 : 1;
            changed |= nearest != cluster[size_t(i)];
            cluster[size_t(i)] = nearest;
        }
        for (int c = 0; c < 2; ++c) {
            Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(x.cols());
            int count = 0;
            for (Eigen::Index i = 0; i < n; ++i)
                if (cluster[size_t(i)] == c) {
                    sum += x.row(i);
                    ++count;
                }
            if (count > 0)
                centers[c] = sum / count;
        }
        if (!changed && iteration > 0)
            break;
    }
    return cluster;
}

} // namespace

double FailureMode::decision(const Eigen::VectorXd &whitened) const
{
    const Eigen::VectorXd x = projectedOut.cols() == 0 ? whitened
                                                       : Eigen::VectorXd(whitened - projectedOut * (projectedOut.transpose() * whitened));
    return normal.dot(x) + bias;
}

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
    const Eigen::MatrixXd fit = whitener.transform(data.vectors(), fitRows);
    const Eigen::MatrixXd all = whitener.transform(data.vectors(), result.rows);
    std::mt19937 shuffler(12345); // fixed: the same data gives the same chance levels
    auto decisionsOf = [&](const Eigen::MatrixXd &rows, const LinearSvmModel &model) {
        const Eigen::VectorXd d = (rows * model.normal).array() + model.bias;
        return std::vector<double>(d.data(), d.data() + d.size());
    };

    // Mode 1: the class's failure direction, exactly as the analysis fits it.
    FittedMode primary = fitMode(fit, targets, params, modeParams.permutations, shuffler, pool);
    primary.mode.decisionValues = decisionsOf(all, primary.model);
    result.modes.push_back(primary.mode);
    if (modeParams.maxModes == 1) {
        result.stopReason = QStringLiteral("reached the maximum of 1 mode");
        return result;
    }
    const Eigen::VectorXd u1 = primary.model.normal.normalized();

    // A linear SVM describes two failure subgroups by one direction between them. Split the
    // errors by what the first direction does not explain (k-means on their components
    // orthogonal to it) and fit each part against all correct images: two distinct
    // subgroups give two strong directions, one subgroup gives parts that do not beat chance.
    std::vector<int> errorRows;
    for (size_t i = 0; i < targets.size(); ++i)
        if (targets[i] == 0)
            errorRows.push_back(int(i));
    Eigen::MatrixXd residual(Eigen::Index(errorRows.size()), fit.cols());
    for (size_t e = 0; e < errorRows.size(); ++e) {
        const Eigen::RowVectorXd x = fit.row(errorRows[e]);
        residual.row(Eigen::Index(e)) = x - x.dot(u1) * u1.transpose();
    }
    const std::vector<int> cluster = splitInTwo(residual);
    std::vector<FittedMode> parts;
    std::vector<std::vector<int>> partErrorRows;
    for (int c = 0; c < 2; ++c) {
        if (control)
            control->checkCancelled();
        std::vector<int> rows, partTargets;
        for (size_t i = 0; i < targets.size(); ++i)
            if (targets[i] == 1)
                rows.push_back(int(i));
        for (size_t e = 0; e < errorRows.size(); ++e)
            if (cluster[e] == c)
                rows.push_back(errorRows[e]);
        for (int r : rows)
            partTargets.push_back(targets[size_t(r)]);
        const int partErrors = int(std::count(partTargets.begin(), partTargets.end(), 0));
        if (partErrors < params.folds)
            continue;
        Eigen::MatrixXd partFeatures(Eigen::Index(rows.size()), fit.cols());
        for (size_t i = 0; i < rows.size(); ++i)
            partFeatures.row(Eigen::Index(i)) = fit.row(rows[i]);
        FittedMode part = fitMode(partFeatures, partTargets, params, modeParams.permutations, shuffler, pool);
        part.mode.decisionValues = decisionsOf(all, part.model);
        parts.push_back(part);
        std::vector<int> own;
        for (size_t e = 0; e < errorRows.size(); ++e)
            if (cluster[e] == c)
                own.push_back(errorRows[e]);
        partErrorRows.push_back(own);
    }
    // Distinct subgroups: each part's direction leaves most of the other part's errors on the
    // easy side. Two halves of one subgroup flag each other's errors as hard.
    auto recallOn = [&](const FittedMode &part, const std::vector<int> &errors) {
        int flagged = 0;
        for (int row : errors)
            flagged += fit.row(row).dot(part.model.normal) + part.model.bias < 0;
        return errors.empty() ? 1.0 : double(flagged) / double(errors.size());
    };
    const bool distinctSubgroups = parts.size() == 2 && beatsChance(parts[0].mode, modeParams.minStrength)
                                && beatsChance(parts[1].mode, modeParams.minStrength)
                                && recallOn(parts[0], partErrorRows[1]) < 0.5 && recallOn(parts[1], partErrorRows[0]) < 0.5;
    if (distinctSubgroups) {
        for (const FittedMode &part : parts)
            if (int(result.modes.size()) < modeParams.maxModes)
                result.modes.push_back(part.mode);
    }

    // Further directions the earlier ones miss: refit with every found direction projected out.
    Eigen::MatrixXd basis(fit.cols(), 0);
    for (const FailureMode &mode : result.modes) {
        basis.conservativeResize(Eigen::NoChange, basis.cols() + 1);
        basis.col(basis.cols() - 1) = mode.normal.normalized();
    }
    while (int(result.modes.size()) < modeParams.maxModes) {
        if (control) {
            control->report(qint64(result.modes.size()), modeParams.maxModes, QStringLiteral("failure modes"));
            control->checkCancelled();
        }
        Eigen::HouseholderQR<Eigen::MatrixXd> qr(basis);
        const Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(basis.rows(), basis.cols());
        FittedMode next = fitMode(projectOut(fit, q), targets, params, modeParams.permutations, shuffler, pool);
        if (!beatsChance(next.mode, modeParams.minStrength)) {
            result.stopReason = QStringLiteral("%1the next direction (CV %2, chance %3 ± %4) is not a failure mode")
                                    .arg(distinctSubgroups ? QString() : QStringLiteral("the errors do not split into"
                                                                                        " distinct subgroups, and "))
                                    .arg(next.mode.cvBalancedAccuracy, 0, 'f', 3).arg(next.mode.chanceMean, 0, 'f', 3)
                                    .arg(next.mode.chanceStd, 0, 'f', 3);
            break;
        }
        next.mode.decisionValues = decisionsOf(projectOut(all, q), next.model);
        next.mode.projectedOut = q;
        result.modes.push_back(next.mode);
        basis.conservativeResize(Eigen::NoChange, basis.cols() + 1);
        basis.col(basis.cols() - 1) = next.model.normal.normalized();
    }
    if (result.stopReason.isEmpty())
        result.stopReason = QStringLiteral("reached the maximum of %1 modes").arg(modeParams.maxModes);
    return result;
}

} // namespace faultline
