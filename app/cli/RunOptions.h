#pragma once

// Options and helpers shared by the commands that work on a stored run with CLIP text
// (captions, slerp, modes, generate …).
#include "dataset/Split.h"

#include <QCommandLineParser>
#include <memory>
#include <vector>

namespace faultline {
class ClipModel;
class JobControl;
class ProjectStore;
}

namespace cli {

// --run ID|latest (default latest), resolved with resolveRun().
void addRunIdOption(QCommandLineParser &parser);

// --dataset/--project, --run (default latest), --model (CLIP checkpoint for texts), --device.
void addRunOptions(QCommandLineParser &parser);

// Text embeddings must come from the model that embedded the images (runCheckpointPath):
// --model when given, else the run's own checkpoint; Error saying what to pass when unknown.
std::unique_ptr<faultline::ClipModel> loadRunModel(const QCommandLineParser &parser, const faultline::ProjectStore &store,
                                                   qint64 runId, faultline::JobControl *control);

std::vector<float> embedOne(const faultline::ClipModel &model, const QString &text);

// --split's value; Error naming the option when it is not a split.
faultline::Split splitOption(const QCommandLineParser &parser);

} // namespace cli
