#pragma once
// Core-internal (libtorch types): ImageClassifier's state, shared by ImageClassifier.cpp
// (classify) and ClassifierHead.cpp (features and the head, for retraining). Include only from
// those two; libtorch before any Qt header: Qt's `slots` macro breaks torch's IValue::slots().
#include <torch/cuda.h>
#include <torch/script.h>
#include <ATen/Parallel.h>

#include "classify/ImageClassifier.h"

#include "classify/ClassNames.h"
#include "classify/ClassifierPreprocessor.h"

#include <QHash>
#include <QThreadPool>

#include <functional>
#include <mutex>

namespace faultline {

// "[2, 3, 16, 16]"
QString shapeText(c10::IntArrayRef shape);
// torch's messages run over many lines (TorchScript adds a traceback before the real cause):
// the line that names the exception ("RuntimeError: …"), else the first line.
QString essentialLine(const std::exception &error);

struct ImageClassifier::Impl
{
    ClassifierSpec spec;
    ClassNames classes;
    QHash<QString, int> indexOf;
    torch::Device device = torch::kCPU;
    std::unique_ptr<ClassifierPreprocessor> preprocessor;
    mutable QThreadPool decodePool; // own pool: never Qt's global one

    // Module::forward is not const and TorchScript modules are not documented as re-entrant.
    mutable std::mutex forwardMutex;
    mutable torch::jit::Module module;

    // input: count × C × S × S on the CPU. Returns count × classes probabilities, checked.
    torch::Tensor probabilities(const torch::Tensor &input) const;

    // Decodes and preprocesses the images on decodePool, spec.batchSize at a time, and calls
    // run(input, rows) with the decoded ones packed into one batch (rows: their indices); an
    // undecodable image's message goes to errors[i]. JobCancelled between batches.
    void forEachBatch(const std::vector<QByteArray> &encodedImages, const QStringList &names, JobControl *control,
                      std::vector<QString> &errors,
                      const std::function<void(const torch::Tensor &input, const std::vector<size_t> &rows)> &run) const;

    void checkProbabilities(const torch::Tensor &scores) const;
};

} // namespace faultline
