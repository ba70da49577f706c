#include "analysis/LinearSvm.h"

#include "analysis/DenseSmo.h"
#include "analysis/FloatProduct.h"
#include "analysis/StratifiedKFold.h"
#include "common/Error.h"

#include <svm.h>

#include <QString>
#include <algorithm>
#include <mutex>

namespace faultline {

namespace {

void silence(const char *) {}

void silenceLibsvmOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { svm_set_print_string_function(&silence); });
}

} // namespace

struct LinearSvmProblem::Nodes
{
    Kernel kernel = Kernel::LibsvmPrecomputed;
    std::vector<svm_node> storage; // LIBSVM's rows
    std::vector<svm_node *> rows;
    std::vector<float> gram;       // DenseGram: n × n
    std::vector<double> diagonal;  // DenseGram: K(i, i) in double
};

LinearSvmProblem::LinearSvmProblem(Eigen::MatrixXd features, std::vector<int> targets, std::optional<Kernel> kernel)
    : m_features(std::move(features)), m_targets(std::move(targets)), m_nodes(std::make_unique<Nodes>())
{
    silenceLibsvmOnce();
    const Eigen::Index n = m_features.rows();
    const Eigen::Index d = m_features.cols();
    m_nodes->kernel = kernel ? *kernel
        : n <= kPrecomputedKernelLimit ? Kernel::LibsvmPrecomputed
        : n <= kDenseGramLimit         ? Kernel::DenseGram
                                       : Kernel::LibsvmLinear;
    if (m_nodes->kernel == Kernel::DenseGram) {
        const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = m_features.cast<float>();
        m_nodes->gram.resize(size_t(n) * size_t(n));
        floatProductTransposed(rows.data(), int(n), rows.data(), int(n), int(d), m_nodes->gram.data());
        m_nodes->diagonal.resize(size_t(n));
        for (Eigen::Index i = 0; i < n; ++i)
            m_nodes->diagonal[size_t(i)] = m_features.row(i).squaredNorm();
        return;
    }
    const bool precomputed = m_nodes->kernel == Kernel::LibsvmPrecomputed;
    const Eigen::Index width = precomputed ? n + 2 : d + 1;
    m_nodes->storage.resize(size_t(n * width));
    m_nodes->rows.resize(size_t(n));

    if (precomputed) {
        // LIBSVM's precomputed format: node 0 holds the sample's 1-based serial number,
        // node j holds K(i, j-1). Serial numbers index this full table, so any subset of rows
        // (a CV fold) can share it.
        // Gram rows are computed a block at a time, so no n × n double matrix sits beside the table.
        constexpr Eigen::Index kBlockRows = 256;
        for (Eigen::Index first = 0; first < n; first += kBlockRows) {
            const Eigen::Index rows = std::min(kBlockRows, n - first);
            const Eigen::MatrixXd block = m_features.middleRows(first, rows) * m_features.transpose();
            for (Eigen::Index b = 0; b < rows; ++b) {
                const Eigen::Index i = first + b;
                svm_node *row = &m_nodes->storage[size_t(i * width)];
                row[0] = {0, double(i + 1)};
                for (Eigen::Index j = 0; j < n; ++j)
                    row[j + 1] = {int(j + 1), block(b, j)};
                row[n + 1] = {-1, 0};
                m_nodes->rows[size_t(i)] = row;
            }
        }
    } else {
        for (Eigen::Index i = 0; i < n; ++i) {
            svm_node *row = &m_nodes->storage[size_t(i * width)];
            for (Eigen::Index j = 0; j < d; ++j)
                row[j] = {int(j + 1), m_features(i, j)};
            row[d] = {-1, 0};
            m_nodes->rows[size_t(i)] = row;
        }
    }
}

LinearSvmProblem::~LinearSvmProblem() = default;

LinearSvmProblem::Kernel LinearSvmProblem::kernel() const
{
    return m_nodes->kernel;
}

double LinearSvmProblem::kernelBytes(long long n)
{
    return n <= kPrecomputedKernelLimit ? 16.0 * double(n) * double(n + 2)
        : n <= kDenseGramLimit          ? 4.0 * double(n) * double(n)
                                        : 0.0;
}

LinearSvmModel LinearSvmProblem::train(const std::vector<int> &subset, double C) const
{
    // scikit-learn's LIBSVM sorts the labels, so the solver sees every target-0 row first, then
    // every target-1 row, each in data order. Stock LIBSVM orders them by first appearance
    // instead; SMO breaks ties by index, so presenting the rows in scikit-learn's order is what
    // keeps the solutions identical, not just close, on near-degenerate folds.
    std::vector<int> ordered(subset);
    std::stable_partition(ordered.begin(), ordered.end(), [&](int row) { return m_targets[size_t(row)] == 0; });
    const int l = int(ordered.size());
    const int positives = int(std::count_if(ordered.begin(), ordered.end(), [&](int row) { return m_targets[size_t(row)] == 1; }));
    const int negatives = l - positives;
    if (positives == 0 || negatives == 0)
        throw Error(QStringLiteral("SVM training needs both correct and incorrect samples"));
    int weightLabels[2] = {0, 1};
    double weights[2] = {double(l) / (2.0 * negatives), double(l) / (2.0 * positives)};
    if (m_nodes->kernel == Kernel::DenseGram)
        return trainDense(ordered, C * weights[0], C * weights[1]);

    std::vector<double> y(static_cast<size_t>(l));
    std::vector<svm_node *> x(static_cast<size_t>(l));
    for (int i = 0; i < l; ++i) {
        y[size_t(i)] = m_targets[size_t(ordered[size_t(i)])];
        x[size_t(i)] = m_nodes->rows[size_t(ordered[size_t(i)])];
    }

    svm_parameter param{};
    param.svm_type = C_SVC;
    param.kernel_type = m_nodes->kernel == Kernel::LibsvmPrecomputed ? PRECOMPUTED : LINEAR;
    param.cache_size = 200; // scikit-learn's default
    param.eps = 1e-3;
    param.C = C;
    param.nr_weight = 2;
    param.weight_label = weightLabels;
    param.weight = weights;
    param.shrinking = 1;
    param.probability = 0;

    svm_problem problem{l, y.data(), x.data()};
    if (const char *message = svm_check_parameter(&problem, &param))
        throw Error(QStringLiteral("LIBSVM rejected the parameters: %1").arg(QString::fromUtf8(message)));
    svm_model *model = svm_train(&problem, &param);

    // decision(x) = Σ coef_s · x_s·x − rho; positive means model->label[0].
    std::vector<int> svIndices(size_t(model->l));
    svm_get_sv_indices(model, svIndices.data());
    LinearSvmModel result;
    result.normal = Eigen::VectorXd::Zero(m_features.cols());
    for (int s = 0; s < model->l; ++s)
        result.normal += model->sv_coef[0][s] * m_features.row(ordered[size_t(svIndices[size_t(s)] - 1)]).transpose();
    result.bias = -model->rho[0];
    if (model->label[0] != 1) {
        result.normal = -result.normal;
        result.bias = -result.bias;
    }
    svm_free_and_destroy_model(&model);
    return result;
}

LinearSvmModel LinearSvmProblem::trainDense(const std::vector<int> &ordered, double Cp, double Cn) const
{
    // As svm_train sees the rows: the first label (0, the errors: they come first) is +1.
    DenseSmoProblem problem;
    problem.gram = m_nodes->gram.data();
    problem.stride = m_features.rows();
    problem.rows = ordered;
    for (int row : ordered) {
        problem.labels.push_back(m_targets[size_t(row)] == 0 ? +1 : -1);
        problem.diagonal.push_back(m_nodes->diagonal[size_t(row)]);
    }
    problem.Cp = Cp;
    problem.Cn = Cn;
    const DenseSmoSolution solution = solveDenseSmo(problem);
    // decision_0(x) = Σ α_i y_i x_i·x − rho is positive for the errors; the model's for target 1.
    LinearSvmModel result;
    result.normal = Eigen::VectorXd::Zero(m_features.cols());
    for (size_t i = 0; i < ordered.size(); ++i)
        if (solution.alpha[i] != 0)
            result.normal -= solution.alpha[i] * problem.labels[i] * m_features.row(ordered[i]).transpose();
    result.bias = solution.rho;
    return result;
}

double LinearSvmProblem::foldBalancedAccuracy(const std::vector<int> &testFold, int fold, double C) const
{
    std::vector<int> train, test;
    for (size_t i = 0; i < testFold.size(); ++i)
        (testFold[i] == fold ? test : train).push_back(int(i));
    const LinearSvmModel model = this->train(train, C);
    std::vector<int> truth, predicted;
    for (int i : test) {
        truth.push_back(m_targets[size_t(i)]);
        // LIBSVM votes for its first label (scikit-learn's sorted order: 0, the error) only when
        // its decision is > 0, so a decision of exactly 0 predicts "correct".
        predicted.push_back(m_features.row(i).dot(model.normal) + model.bias >= 0 ? 1 : 0);
    }
    return balancedAccuracy(truth, predicted);
}

} // namespace faultline
