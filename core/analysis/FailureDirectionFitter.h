#pragma once

#include "analysis/AnalysisTypes.h"
#include "analysis/EmbeddingWhitener.h"

#include <functional>

namespace faultline {

class JobControl;

// The paper's per-class failure direction (Sec. 2, Appendix A.3): on the fit split, a linear
// C-SVC with balanced class weights predicts whether the classifier was right; C comes from a
// grid by stratified k-fold CV balanced accuracy (first best wins), then the SVM is refit on all
// fit rows and scores every row of the class. Work runs on a thread pool across classes, C
// values and folds; each class's rows are whitened and turned into a Gram matrix once.
class FailureDirectionFitter
{
public:
    using ClassDoneHandler = std::function<void(const ClassResult &)>;

    FailureDirectionFitter(const AnalysisData &data, AnalysisParams params);

    const EmbeddingWhitener &whitener() const { return m_whitener; }

    // Fits every class. Results arrive on the calling thread, a group of classes at a time,
    // so the caller can store them as they complete. Throws JobCancelled when cancelled.
    void run(JobControl *control, const ClassDoneHandler &onClassDone);

private:
    const AnalysisData &m_data;
    AnalysisParams m_params;
    EmbeddingWhitener m_whitener;
};

} // namespace faultline
