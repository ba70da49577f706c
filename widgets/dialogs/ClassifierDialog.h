#pragma once

#include "classify/ClassifierSpec.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace faultline {

// "Run classifier": the user's TorchScript classifier and how to feed it (input size, resize
// mode, channels, normalisation, logits or probabilities, an optional class-names file), so a
// dataset needs no predictions CSV. Problems show in place and disable Run; the spec last used
// is remembered (QSettings) for the next dataset.
class ClassifierDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ClassifierDialog(QWidget *parent = nullptr);

    ClassifierSpec spec() const;
    void setSpec(const ClassifierSpec &spec);
    void accept() override;

    QLineEdit *modelEdit() const { return m_model; }
    QLineEdit *meanEdit() const { return m_mean; }
    QComboBox *normalisationCombo() const { return m_normalisation; }
    QSpinBox *inputSizeSpin() const { return m_inputSize; }
    QString problemText() const;
    QPushButton *runButton() const { return m_run; }

private:
    void validate();
    void applyNormalisationPreset(int index);

    QLineEdit *m_model = nullptr;
    QSpinBox *m_inputSize = nullptr;
    QComboBox *m_resize = nullptr;
    QSpinBox *m_resizeSize = nullptr;
    QComboBox *m_channels = nullptr;
    QComboBox *m_normalisation = nullptr;
    QLineEdit *m_mean = nullptr;
    QLineEdit *m_std = nullptr;
    QComboBox *m_output = nullptr;
    QLineEdit *m_classNames = nullptr;
    QLabel *m_problem = nullptr;
    QPushButton *m_run = nullptr;
};

} // namespace faultline
