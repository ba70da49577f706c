#pragma once

#include "analysis/AnalysisTypes.h"
#include "analysis/EmbeddingWhitener.h"

#include <optional>
#include <vector>

namespace faultline {

// The hardness ranking (issue 14.4; specified and benchmarked in tests/benchmarks/bench_hardness.py):
// a class's SVM decision values diffused over each image's nearest neighbours within the class,
// in three spaces (the SVM's whitened one, the embedding centred on the whitening mean, and the
// embedding centred on the class's own pool), z-scored and averaged. An
// image in a dense region of failures — a systematic failure mode — ranks harder than an
// isolated error; lower = harder, as the decision value. Nothing is fitted on test outcomes.
struct HardnessOptions
{
    int neighbours = 40; // k
    double alpha = 0.9;  // weight of the neighbourhood against the image's own decision value
    int iterations = 10; // T
    // Above this many pool images a class gets no hardness (an exact k-NN over the pool costs
    // |P|² · D); its images sort by decision value.
    int maxPool = 50000;
};

// Hardness of every row of a fitted class (aligned with result.rows); nullopt when the class's
// pool is larger than options.maxPool. The pool is the class's rows outside `whitenedOn`, the
// split the whitening statistics came from (nullopt: they came from every row, and every row is in
// the pool). Runs on the global thread pool.
std::optional<std::vector<double>> classHardness(const AnalysisData &data, const EmbeddingWhitener &whitener,
                                                 const ClassResult &result, std::optional<Split> whitenedOn,
                                                 const HardnessOptions &options = {});

} // namespace faultline
