#pragma once

#include <vector>

namespace faultline {

struct AccuracyAtK
{
    int k = 0;
    double accuracy = 0;
};

// Figure 7b/10b of the paper: rank a class's images by cosine similarity between their CLIP
// image embedding and a caption's text embedding, and report the classifier's accuracy over
// the top K images for K = min(10, n) … n. Where the failure direction is real, the hard
// caption's curve lies below the easy caption's. `images` is n × dim row-major (raw CLIP
// features), `correct` whether the classifier was right on each.
std::vector<AccuracyAtK> accuracyAlongCaption(const std::vector<float> &images, const std::vector<bool> &correct,
                                              const std::vector<float> &caption);

} // namespace faultline
