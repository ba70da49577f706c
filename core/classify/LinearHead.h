#pragma once
// A classifier's final linear layer, as torch.nn.Linear holds it: logits = x · weightᵀ + bias.
// ImageClassifier reads and replaces it; fix/HeadTraining retrains it.
#include <vector>

namespace faultline {

struct LinearHead
{
    int classes = 0;
    int features = 0;
    std::vector<float> weight; // classes × features, row-major
    std::vector<float> bias;   // classes
};

} // namespace faultline
