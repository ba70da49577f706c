#pragma once

#include "analysis/AnalysisTypes.h"

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace faultline {

// Asks for the few analysis parameters a user may want to change (fit split, whitening
// split, folds); everything else keeps the paper's defaults.
class AnalysisDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AnalysisDialog(QWidget *parent = nullptr);
    AnalysisParams params() const;

private:
    QComboBox *m_fitSplit = nullptr;
    QComboBox *m_whitenSplit = nullptr;
    QSpinBox *m_folds = nullptr;
};

} // namespace faultline
