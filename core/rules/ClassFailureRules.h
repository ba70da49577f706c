#pragma once

#include "dataset/Split.h"
#include "interpret/ClassCaptions.h"
#include "rules/FailureRules.h"

#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>
#include <vector>

namespace faultline {

class CaptionVocabulary;
class JobControl;
class ProjectStore;

// Which images a class's tree explains (paper 003 Sec. 5): its label grouping (false negatives)
// or its prediction grouping (false positives).
enum class RuleGrouping { Label, Prediction };

// What the rules may name: cosines to text concepts, the embedding's dimensions, or the columns of
// an imported per-image matrix.
enum class RuleFeatureKind { Concepts, Embedding, File };

struct RuleFeatureSource
{
    RuleFeatureKind kind = RuleFeatureKind::Concepts;
    // Concepts: the vocabulary's candidates (may be null) and the user's own concepts; `encode`
    // embeds those the project has not stored yet (may be empty when all are stored).
    const CaptionVocabulary *vocabulary = nullptr;
    QStringList userConcepts;
    TextEncoder encode;
    // File: an .npy [N, M] float matrix, one dataset path per row, optional column names (one per line).
    QString file, pathsFile, namesFile;
};

struct RulesRequest
{
    qint64 runId = 0;
    QStringList classes;            // empty: every class of the run
    RuleGrouping grouping = RuleGrouping::Label;
    RuleFeatureSource features;
    FailureRuleOptions options;
    std::optional<Split> split;     // default: the split the run fitted on (all images where it has none)
};

// One class's tree with the images it was fitted on.
struct ClassFailureRules
{
    QString className;
    std::vector<qint64> imageIds;
    QStringList paths;
    std::vector<int> failure;   // 1: misclassified
    std::vector<int> leafOfRow; // the tree node each image falls in
    RuleFeatures features;      // the features the tree saw (the selected columns)
    FailureTree tree;           // its feature f is features column f
    QString skipReason;         // set (and tree empty) when the class could not be explained
};

// A Barlow tree per class of a stored run. Classes without images in the split are skipped with
// a reason; bad feature files throw Error naming the file and line. Polls `control` (may be null).
QVector<ClassFailureRules> explainClassFailures(ProjectStore &store, const RulesRequest &request,
                                                JobControl *control = nullptr);

} // namespace faultline
