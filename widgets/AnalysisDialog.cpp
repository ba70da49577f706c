#include "AnalysisDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace faultline {

namespace {

QComboBox *splitCombo(Split current)
{
    auto *combo = new QComboBox;
    for (Split split : {Split::Train, Split::Val, Split::Test, Split::Pool})
        combo->addItem(splitName(split), int(split));
    combo->setCurrentIndex(combo->findData(int(current)));
    return combo;
}

} // namespace

AnalysisDialog::AnalysisDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Run analysis"));
    const AnalysisParams defaults;
    m_fitSplit = splitCombo(defaults.fitSplit);
    m_fitSplit->setToolTip(tr("The split each class's SVM is fit and cross-validated on"));
    m_whitenSplit = splitCombo(defaults.whitenSplit);
    m_whitenSplit->setToolTip(tr("The split whose mean and standard deviation whiten the embeddings "
                                 "(all images when the split is empty)"));
    m_folds = new QSpinBox;
    m_folds->setRange(2, 20);
    m_folds->setValue(defaults.folds);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Run"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout(this);
    auto *intro = new QLabel(tr("Fits a failure direction per class (linear SVM, balanced class weights)."));
    intro->setWordWrap(true);
    form->addRow(intro);
    form->addRow(tr("Fit split:"), m_fitSplit);
    form->addRow(tr("Whitening split:"), m_whitenSplit);
    form->addRow(tr("Cross-validation folds:"), m_folds);
    form->addRow(buttons);
}

AnalysisParams AnalysisDialog::params() const
{
    AnalysisParams params;
    params.fitSplit = Split(m_fitSplit->currentData().toInt());
    params.whitenSplit = Split(m_whitenSplit->currentData().toInt());
    params.folds = m_folds->value();
    return params;
}

} // namespace faultline
