#include "fix/HeadTraining.h"

#include "common/Error.h"
#include "common/JobControl.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace faultline {

namespace {

void validate(const HeadTrainingSet &set, const LinearHead &head, const HeadTrainingParams &params)
{
    if (head.classes < 2 || head.features < 1 || head.weight.size() != size_t(head.classes) * size_t(head.features)
        || head.bias.size() != size_t(head.classes))
        throw Error(QStringLiteral("head: %1 classes × %2 features does not match its %3 weights and %4 biases")
                        .arg(head.classes).arg(head.features).arg(head.weight.size()).arg(head.bias.size()));
    if (set.features != head.features)
        throw Error(QStringLiteral("features: %1 per image, the head takes %2").arg(set.features).arg(head.features));
    if (set.rows() == 0)
        throw Error(QStringLiteral("the training set is empty"));
    if (set.x.size() != size_t(set.rows()) * size_t(set.features) || set.weights.size() != size_t(set.rows()))
        throw Error(QStringLiteral("training set: %1 labels but %2 feature values and %3 weights")
                        .arg(set.rows()).arg(set.x.size()).arg(set.weights.size()));
    double total = 0;
    for (qsizetype i = 0; i < set.rows(); ++i) {
        if (set.labels[size_t(i)] < 0 || set.labels[size_t(i)] >= head.classes)
            throw Error(QStringLiteral("training row %1: label %2 is not one of the head's %3 classes")
                            .arg(i).arg(set.labels[size_t(i)]).arg(head.classes));
        const float w = set.weights[size_t(i)];
        if (!std::isfinite(w) || w < 0)
            throw Error(QStringLiteral("training row %1: weight %2 is not a finite number ≥ 0").arg(i).arg(w));
        total += w;
    }
    if (total <= 0)
        throw Error(QStringLiteral("every training weight is 0: nothing to train on"));
    for (const float v : set.x)
        if (!std::isfinite(v))
            throw Error(QStringLiteral("the features hold NaN or Inf"));
    checkHeadTrainingParams(params);
}

} // namespace

void checkHeadTrainingParams(const HeadTrainingParams &params)
{
    if (!(params.learningRate > 0) || !std::isfinite(params.learningRate))
        throw Error(QStringLiteral("learning rate must be > 0, got %1").arg(params.learningRate));
    if (!(params.momentum >= 0 && params.momentum < 1))
        throw Error(QStringLiteral("momentum must be in [0, 1), got %1").arg(params.momentum));
    if (!(params.weightDecay >= 0) || !std::isfinite(params.weightDecay))
        throw Error(QStringLiteral("weight decay must be ≥ 0, got %1").arg(params.weightDecay));
    if (params.epochs < 1 || params.epochs > 1000000)
        throw Error(QStringLiteral("epochs must be between 1 and 1000000, got %1").arg(params.epochs));
}

namespace {

torch::Device deviceFor(ComputeDevice requested)
{
    const bool cuda = torch::cuda::is_available();
    if (requested == ComputeDevice::Cuda && !cuda)
        throw Error(QStringLiteral("CUDA was requested but this libtorch has no usable CUDA device"));
    return requested != ComputeDevice::Cpu && cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
}

torch::Tensor floats(const std::vector<float> &values, std::vector<int64_t> shape, const torch::Device &device)
{
    return torch::from_blob(const_cast<float *>(values.data()), shape, torch::kFloat32).clone().to(device);
}

} // namespace

HeadTrainingResult trainLinearHead(const HeadTrainingSet &set, const LinearHead &initial,
                                   const HeadTrainingParams &params, JobControl *control)
{
    validate(set, initial, params);
    const torch::Device device = deviceFor(params.device);
    const int64_t n = set.rows();
    const torch::Tensor x = floats(set.x, {n, set.features}, device);
    const torch::Tensor weights = floats(set.weights, {n}, device);
    std::vector<int64_t> labels(set.labels.begin(), set.labels.end());
    const torch::Tensor y = torch::from_blob(labels.data(), {n}, torch::kInt64).clone().to(device);
    const double weightSum = weights.sum().item<double>();

    torch::Tensor w = floats(initial.weight, {initial.classes, initial.features}, device).requires_grad_(true);
    torch::Tensor b = floats(initial.bias, {initial.classes}, device).requires_grad_(true);
    torch::optim::SGD optimizer({w, b}, torch::optim::SGDOptions(params.learningRate)
                                            .momentum(params.momentum)
                                            .weight_decay(params.weightDecay));
    const auto loss = [&] {
        const torch::Tensor logits = torch::addmm(b, x, w.t()); // torch.nn.functional.linear
        const torch::Tensor perRow = torch::nn::functional::cross_entropy(
            logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
        return (perRow * weights).sum() / weightSum;
    };

    HeadTrainingResult result;
    for (int epoch = 0; epoch < params.epochs; ++epoch) {
        if (control) {
            control->checkCancelled();
            control->report(epoch, params.epochs, QStringLiteral("retrain head"));
        }
        optimizer.zero_grad();
        const torch::Tensor value = loss();
        if (epoch == 0)
            result.initialLoss = value.item<double>();
        value.backward();
        optimizer.step();
    }
    {
        const torch::NoGradGuard noGrad;
        result.finalLoss = loss().item<double>();
    }
    if (!std::isfinite(result.finalLoss))
        throw Error(QStringLiteral("retraining diverged (the loss is not finite); lower the learning rate"));
    result.head = initial;
    const torch::Tensor trainedWeight = w.detach().to(torch::kCPU).contiguous();
    const torch::Tensor trainedBias = b.detach().to(torch::kCPU).contiguous();
    std::copy_n(trainedWeight.data_ptr<float>(), result.head.weight.size(), result.head.weight.begin());
    std::copy_n(trainedBias.data_ptr<float>(), result.head.bias.size(), result.head.bias.begin());
    if (control)
        control->report(params.epochs, params.epochs, QStringLiteral("retrain head"));
    return result;
}

namespace {

// rows × classes logits of the head on rows × features inputs.
std::vector<double> headLogits(const LinearHead &head, const std::vector<float> &x)
{
    const size_t rows = head.features > 0 ? x.size() / size_t(head.features) : 0;
    const size_t classes = size_t(head.classes), features = size_t(head.features);
    std::vector<double> logits(rows * classes);
    for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < classes; ++c) {
            double logit = head.bias[c];
            for (size_t f = 0; f < features; ++f)
                logit += double(head.weight[c * features + f]) * x[r * features + f];
            logits[r * classes + c] = logit;
        }
    return logits;
}

} // namespace

std::vector<int> predictWithHead(const LinearHead &head, const std::vector<float> &x)
{
    const std::vector<double> logits = headLogits(head, x);
    const size_t classes = size_t(head.classes), rows = classes > 0 ? logits.size() / classes : 0;
    std::vector<int> predicted(rows, 0);
    for (size_t r = 0; r < rows; ++r)
        predicted[r] = int(std::max_element(logits.begin() + long(r * classes), logits.begin() + long((r + 1) * classes))
                           - (logits.begin() + long(r * classes)));
    return predicted;
}

std::vector<double> headProbabilities(const LinearHead &head, const std::vector<float> &x)
{
    std::vector<double> p = headLogits(head, x);
    const size_t classes = size_t(head.classes), rows = classes > 0 ? p.size() / classes : 0;
    for (size_t r = 0; r < rows; ++r) {
        const auto begin = p.begin() + long(r * classes), end = begin + long(classes);
        const double top = *std::max_element(begin, end);
        double sum = 0;
        for (auto it = begin; it != end; ++it)
            sum += (*it = std::exp(*it - top));
        for (auto it = begin; it != end; ++it)
            *it /= sum;
    }
    return p;
}

} // namespace faultline
