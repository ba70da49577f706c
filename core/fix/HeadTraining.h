#pragma once
// Retraining a classifier's final linear layer on cached penultimate features: the "fix" step
// of paper 002 (Sec. 4.4, eq. 1) and paper 000 (A.7). Softmax cross-entropy, each example
// weighted (eq. 1's λ is the weight of the debug set), warm-started from the original head;
// full-batch SGD with momentum and weight decay, as paper 002's Table 4 gives it (learning rate
// 0.2, momentum 0.9, weight decay 5e-4, 1000 epochs). Deterministic for a given thread count;
// on CUDA when asked and available. libtorch stays in HeadTraining.cpp.
#include "classify/LinearHead.h"
#include "clip/ClipModel.h" // ComputeDevice

#include <QtGlobal>
#include <vector>

namespace faultline {

class JobControl;

struct HeadTrainingSet
{
    int features = 0;
    std::vector<float> x;       // rows × features, row-major
    std::vector<int> labels;    // class index per row
    std::vector<float> weights; // per row: 1 for the original training images
    qsizetype rows() const { return qsizetype(labels.size()); }
};

struct HeadTrainingParams
{
    double learningRate = 0.2;
    double momentum = 0.9;
    double weightDecay = 5e-4; // on weight and bias, as torch.optim.SGD applies it
    int epochs = 1000;
    ComputeDevice device = ComputeDevice::Auto;
};

struct HeadTrainingResult
{
    LinearHead head;
    double initialLoss = 0; // Σ wᵢ·CEᵢ / Σ wᵢ before the first step
    double finalLoss = 0;   // the same after the last
};

// Error naming the parameter out of range (checked again by trainLinearHead; callers check
// first to fail before computing features).
void checkHeadTrainingParams(const HeadTrainingParams &params);

// Error with the field at fault for mismatched sizes, a label outside the head's classes,
// negative or non-finite weights (or all zero), non-finite features or parameters out of range.
// Reports progress per epoch; JobCancelled between epochs.
HeadTrainingResult trainLinearHead(const HeadTrainingSet &set, const LinearHead &initial,
                                   const HeadTrainingParams &params, JobControl *control = nullptr);

// The class each row's logits rank first (ties: the lowest index, as torch.argmax).
std::vector<int> predictWithHead(const LinearHead &head, const std::vector<float> &x);
// Each row's softmax over the head's logits, rows × classes: what the retrained classifier outputs.
std::vector<double> headProbabilities(const LinearHead &head, const std::vector<float> &x);

} // namespace faultline
