#pragma once

#include "session/ProjectSession.h"

#include <QDialog>

class QButtonGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace faultline {

// "Run analysis": asks only for what the dataset still lacks — a predictions CSV, embeddings
// (computed with a CLIP model or imported from .npy) — and for the few parameters a user may
// change (fit split, whitening split, folds); everything else keeps the paper's defaults.
class AnalysisDialog : public QDialog
{
    Q_OBJECT
public:
    AnalysisDialog(const DatasetState &state, QWidget *parent = nullptr);

    AnalysisSetup setup() const;
    // Why Run is disabled (empty when it is enabled), shown under the form.
    QString problem() const;

    QLineEdit *predictionsEdit() const { return m_predictions; }
    QRadioButton *computeChoice() const { return m_compute; }
    QRadioButton *importChoice() const { return m_import; }
    QComboBox *modelCombo() const { return m_model; }
    QLineEdit *npyEdit() const { return m_npy; }
    QLineEdit *pathsEdit() const { return m_paths; }
    QComboBox *fitSplitCombo() const { return m_fitSplit; }

    // The classifier to run instead of importing a CSV (Run a classifier…); nullopt: none.
    void setClassifier(const std::optional<ClassifierSpec> &spec);
    QPushButton *classifierButton() const { return m_classifierButton; }

private:
    void validate();
    QWidget *predictionsRow();
    QWidget *embeddingsRows();

    DatasetState m_state;
    QLineEdit *m_predictions = nullptr;
    std::optional<ClassifierSpec> m_classifier;
    QLabel *m_classifierLabel = nullptr;
    QPushButton *m_classifierButton = nullptr;
    QRadioButton *m_compute = nullptr;
    QRadioButton *m_import = nullptr;
    QComboBox *m_model = nullptr;
    QLineEdit *m_npy = nullptr;
    QLineEdit *m_paths = nullptr;
    QComboBox *m_fitSplit = nullptr;
    QComboBox *m_whitenSplit = nullptr;
    QSpinBox *m_folds = nullptr;
    QLabel *m_problem = nullptr;
    QPushButton *m_run = nullptr;
};

} // namespace faultline
