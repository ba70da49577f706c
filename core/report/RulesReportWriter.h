#pragma once

#include "rules/ClassFailureRules.h"

#include <QString>
#include <QVector>

namespace faultline {

// rules.csv (class, leaf, rule, n, failures, error_rate, error_coverage, importance: every leaf,
// by importance within a class; leaf = the node's index in depth-first order, as scikit-learn's
// tree_.apply numbers it), trees.csv (class, base_error_rate, aler, n, failures, status),
// features.csv (class, feature, mutual_information, rank: every feature by mutual information with
// failure, rank 1..k for the ones the tree chose from) and
// rule_images.csv (class, leaf, path, failure) into `outDir`. Throws Error.
void writeRulesReport(const QVector<ClassFailureRules> &rules, const QString &outDir);

} // namespace faultline
