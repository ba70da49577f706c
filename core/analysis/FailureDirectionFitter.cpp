#include "analysis/FailureDirectionFitter.h"

#include "analysis/LinearSvm.h"
#include "analysis/StratifiedKFold.h"
#include "common/Error.h"
#include "common/JobControl.h"

#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <memory>

namespace faultline {

namespace {

// Bytes of LIBSVM kernel tables held at once; bounds memory when many classes fit together.
constexpr double kKernelMemoryBudget = 384.0 * 1024 * 1024;
// Rows whitened at once when scoring a class (64 MiB of doubles at 512 dims).
constexpr size_t kScoringBlockRows = 16384;

struct ClassJob
{
    ClassResult result;
    std::vector<int> fitRows;          // rows of the class in the fit split
    std::vector<int> testFold;         // per fit row
    std::unique_ptr<LinearSvmProblem> problem;
    std::vector<std::vector<double>> foldScores; // [C][fold]
    std::mutex failureMutex;           // (C, fold) tasks of one class run concurrently
    QString failure;                   // an unexpected solver error, reported after the phase

    void fail(const QString &message)
    {
        std::lock_guard<std::mutex> lock(failureMutex);
        if (failure.isEmpty())
            failure = message;
    }
};

struct FitTask
{
    ClassJob *job;
    int cIndex;
    int fold;
};

QString skipReason(int nFit, int errors, int folds)
{
    const int correct = nFit - errors;
    if (nFit == 0)
        return QStringLiteral("no images in the fit split");
    if (errors == 0)
        return QStringLiteral("no errors in the fit split");
    if (correct == 0)
        return QStringLiteral("no correct predictions in the fit split");
    if (errors < folds || correct < folds)
        return QStringLiteral("too few %1 (%2) for %3-fold cross-validation")
            .arg(errors < folds ? QStringLiteral("errors") : QStringLiteral("correct predictions"))
            .arg(std::min(errors, correct))
            .arg(folds);
    return QString();
}

} // namespace

FailureDirectionFitter::FailureDirectionFitter(const AnalysisData &data, AnalysisParams params)
    : m_data(data), m_params(std::move(params)), m_whitener(EmbeddingWhitener::fit(data, m_params.whitenSplit))
{
    if (m_params.folds < 2)
        throw Error(QStringLiteral("--folds must be at least 2, got %1").arg(m_params.folds));
    if (m_params.cGrid.empty())
        throw Error(QStringLiteral("the C grid is empty"));
}

void FailureDirectionFitter::run(JobControl *control, const ClassDoneHandler &onClassDone)
{
    const int classCount = int(m_data.classNames.size());
    std::vector<ClassJob> jobs(static_cast<size_t>(classCount));
    for (int c = 0; c < classCount; ++c)
        jobs[size_t(c)].result.classIndex = c;
    for (size_t i = 0; i < m_data.label.size(); ++i) {
        ClassJob &job = jobs[size_t(m_data.label[i])];
        job.result.rows.push_back(int(i));
        if (m_data.split[i] == m_params.fitSplit) {
            job.fitRows.push_back(int(i));
            job.result.nFitErrors += !m_data.correct[i];
        }
    }

    const int grid = int(m_params.cGrid.size());
    const int folds = m_params.folds;
    qint64 totalUnits = 0;
    for (ClassJob &job : jobs) {
        job.result.nFit = int(job.fitRows.size());
        job.result.skipReason = skipReason(job.result.nFit, job.result.nFitErrors, folds);
        if (job.result.skipReason.isEmpty())
            totalUnits += grid * folds + 1;
    }

    QThreadPool pool;
    pool.setMaxThreadCount(m_params.threads > 0 ? m_params.threads : QThread::idealThreadCount());
    std::atomic<qint64> doneUnits{0};
    auto tick = [&] {
        const qint64 done = ++doneUnits;
        if (control)
            control->report(done, totalUnits, QStringLiteral("fit"));
    };
    auto cancelled = [&] { return control && control->isCancelled(); };

    int next = 0;
    while (next < classCount) {
        // A group of classes whose kernel tables fit the memory budget (at least one class).
        std::vector<ClassJob *> group;
        double bytes = 0;
        while (next < classCount) {
            ClassJob &job = jobs[size_t(next)];
            const double cost = job.result.skipReason.isEmpty() ? LinearSvmProblem::kernelBytes(static_cast<long long>(job.fitRows.size())) : 0;
            if (!group.empty() && bytes + cost > kKernelMemoryBudget)
                break;
            bytes += cost;
            group.push_back(&job);
            ++next;
        }
        std::vector<ClassJob *> active;
        for (ClassJob *job : group)
            if (job->result.skipReason.isEmpty())
                active.push_back(job);

        // Phase 1: whiten each class's fit rows and build its kernel table.
        QtConcurrent::blockingMap(&pool, active, [&](ClassJob *job) {
            if (cancelled())
                return;
            std::vector<int> targets(job->fitRows.size());
            for (size_t i = 0; i < job->fitRows.size(); ++i)
                targets[i] = m_data.correct[size_t(job->fitRows[i])] ? 1 : 0;
            job->testFold = stratifiedTestFolds(targets, folds);
            job->problem = std::make_unique<LinearSvmProblem>(
                m_whitener.transform(m_data.vectors(), job->fitRows), std::move(targets));
            job->foldScores.assign(size_t(grid), std::vector<double>(size_t(folds), 0.0));
        });
        if (control)
            control->checkCancelled();

        // Phase 2: every (class, C, fold) cross-validation fit, all in parallel.
        std::vector<FitTask> tasks;
        for (ClassJob *job : active)
            for (int ci = 0; ci < grid; ++ci)
                for (int f = 0; f < folds; ++f)
                    tasks.push_back({job, ci, f});
        QtConcurrent::blockingMap(&pool, tasks, [&](const FitTask &task) {
            if (cancelled())
                return;
            ClassJob &job = *task.job;
            try {
                job.foldScores[size_t(task.cIndex)][size_t(task.fold)] =
                    job.problem->foldBalancedAccuracy(job.testFold, task.fold, m_params.cGrid[size_t(task.cIndex)]);
            } catch (const Error &error) {
                job.fail(error.message());
            }
            tick();
        });
        if (control)
            control->checkCancelled();

        // Phase 3: pick C, refit on all fit rows, score every row of the class.
        QtConcurrent::blockingMap(&pool, active, [&](ClassJob *job) {
            if (cancelled() || !job->failure.isEmpty())
                return;
            ClassResult &result = job->result;
            result.cvScores.clear();
            for (const std::vector<double> &perFold : job->foldScores)
                result.cvScores.push_back(meanOf(perFold));
            const int best = firstBestIndex(result.cvScores);
            result.C = m_params.cGrid[size_t(best)];
            result.cvBalancedAccuracy = result.cvScores[size_t(best)];
            std::vector<int> all(job->fitRows.size());
            for (size_t i = 0; i < all.size(); ++i)
                all[i] = int(i);
            try {
                const LinearSvmModel model = job->problem->train(all, result.C);
                result.normal = model.normal;
                result.bias = model.bias;
                // In blocks: a class of 1M rows whitened at once would be 4 GB of doubles.
                result.decisionValues.resize(result.rows.size());
                for (size_t start = 0; start < result.rows.size(); start += kScoringBlockRows) {
                    const size_t end = std::min(result.rows.size(), start + kScoringBlockRows);
                    const std::vector<int> block(result.rows.begin() + qsizetype(start), result.rows.begin() + qsizetype(end));
                    const Eigen::VectorXd decisions = m_whitener.transform(m_data.vectors(), block) * model.normal;
                    for (size_t i = start; i < end; ++i)
                        result.decisionValues[i] = decisions[Eigen::Index(i - start)] + model.bias;
                }
                const bool finite = model.normal.allFinite() && std::isfinite(model.bias)
                                    && std::all_of(result.decisionValues.begin(), result.decisionValues.end(),
                                                   [](double v) { return std::isfinite(v); });
                const auto [low, high] = std::minmax_element(result.decisionValues.begin(), result.decisionValues.end());
                const bool flat = low == result.decisionValues.end() || *high - *low <= 1e-12 * (1.0 + std::abs(*high));
                // A direction that ranks nothing (identical or constant embeddings) is no failure mode.
                if (!finite || model.normal.norm() <= 1e-12 || flat) {
                    result.skipReason = finite ? QStringLiteral("degenerate fit: every image gets the same decision value"
                                                                " (the class's embeddings do not vary)")
                                               : QStringLiteral("degenerate fit: the direction is not finite");
                    result.normal = Eigen::VectorXd();
                    result.decisionValues.clear();
                } else {
                    result.ok = true;
                }
            } catch (const Error &error) {
                job->fail(error.message());
            }
            job->problem.reset();
            tick();
        });
        if (control)
            control->checkCancelled();

        for (ClassJob *job : group) {
            if (!job->failure.isEmpty())
                throw Error(QStringLiteral("class '%1': %2")
                                .arg(m_data.classNames[job->result.classIndex], job->failure));
            onClassDone(job->result);
            job->result = ClassResult(); // release decision values once delivered
        }
    }
}

} // namespace faultline
