#include "analysis/LinearSvm.h"

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
    bool precomputed = false;
    std::vector<svm_node> storage;
    std::vector<svm_node *> rows;
};

LinearSvmProblem::LinearSvmProblem(Eigen::MatrixXd features, std::vector<int> targets)
    : m_features(std::move(features)), m_targets(std::move(targets)), m_nodes(std::make_unique<Nodes>())
{
    silenceLibsvmOnce();
    const Eigen::Index n = m_features.rows();
    const Eigen::Index d = m_features.cols();
    m_nodes->precomputed = n <= kPrecomputedKernelLimit;
    const Eigen::Index width = m_nodes->precomputed ? n + 2 : d + 1;
    m_nodes->storage.resize(size_t(n * width));
    m_nodes->rows.resize(size_t(n));

    if (m_nodes->precomputed) {
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

bool LinearSvmProblem::usesPrecomputedKernel() const
{
    return m_nodes->precomputed;
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
    std::vector<double> y(static_cast<size_t>(l));
    std::vector<svm_node *> x(static_cast<size_t>(l));
    int positives = 0;
    for (int i = 0; i < l; ++i) {
        y[size_t(i)] = m_targets[size_t(ordered[size_t(i)])];
        x[size_t(i)] = m_nodes->rows[size_t(ordered[size_t(i)])];
        positives += m_targets[size_t(ordered[size_t(i)])] == 1;
    }
    const int negatives = l - positives;
    if (positives == 0 || negatives == 0)
        throw Error(QStringLiteral("SVM training needs both correct and incorrect samples"));

    int weightLabels[2] = {0, 1};
    double weights[2] = {double(l) / (2.0 * negatives), double(l) / (2.0 * positives)};

    svm_parameter param{};
    param.svm_type = C_SVC;
    param.kernel_type = m_nodes->precomputed ? PRECOMPUTED : LINEAR;
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
