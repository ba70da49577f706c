#include "dialogs/ClassifierDialog.h"

#include "support/AppSettings.h"
#include "dialogs/FileChooserRow.h"
#include "common/Error.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace faultline {

namespace {

const char *const kLastSpec = "classifier/lastSpec";

// The normalisations classifiers are usually trained with; the last entry leaves the fields free.
struct NormalisationPreset
{
    const char *name;
    std::array<float, 3> mean, std;
};
constexpr NormalisationPreset kPresets[] = {
    {QT_TRANSLATE_NOOP("faultline::ClassifierDialog", "ImageNet (torchvision)"), {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}},
    {QT_TRANSLATE_NOOP("faultline::ClassifierDialog", "[0, 1]: none"), {0.f, 0.f, 0.f}, {1.f, 1.f, 1.f}},
    {QT_TRANSLATE_NOOP("faultline::ClassifierDialog", "[−1, 1]: mean 0.5, std 0.5"), {0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}},
};

QString triple(const std::array<float, 3> &values)
{
    return QStringLiteral("%1, %2, %3").arg(values[0]).arg(values[1]).arg(values[2]);
}

// The Mean and Std fields (parseChannelValues); Error naming the field otherwise.
std::array<float, 3> parseTriple(const QString &text, const QString &field)
{
    const ChannelValues parsed = parseChannelValues(text);
    if (parsed.values)
        return *parsed.values;
    if (!parsed.wrongCount)
        throw Error(ClassifierDialog::tr("%1: '%2' is not a number").arg(field, parsed.badPart));
    throw Error(ClassifierDialog::tr("%1: give one number or three separated by commas").arg(field));
}

} // namespace

ClassifierDialog::ClassifierDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Run classifier"));
    m_model = new QLineEdit;
    m_model->setPlaceholderText(tr("TorchScript file (torch.jit.save)"));
    m_inputSize = new QSpinBox;
    m_inputSize->setRange(8, 4096);
    m_inputSize->setSuffix(tr(" px"));
    m_resize = new QComboBox;
    m_resize->addItem(tr("Resize the shorter side, then crop the centre"), int(ClassifierSpec::Resize::CenterCrop));
    m_resize->addItem(tr("Stretch to a square"), int(ClassifierSpec::Resize::Stretch));
    m_resizeSize = new QSpinBox;
    m_resizeSize->setRange(0, 4096);
    m_resizeSize->setSpecialValueText(tr("the input size"));
    m_resizeSize->setSuffix(tr(" px"));
    m_resizeSize->setToolTip(tr("The shorter side before cropping (torchvision's Resize(256) + CenterCrop(224): 256)"));
    m_channels = new QComboBox;
    m_channels->addItem(tr("RGB"), 3);
    m_channels->addItem(tr("Grey"), 1);
    m_normalisation = new QComboBox;
    for (const NormalisationPreset &preset : kPresets)
        m_normalisation->addItem(tr(preset.name));
    m_normalisation->addItem(tr("Custom"));
    m_mean = new QLineEdit;
    m_std = new QLineEdit;
    m_output = new QComboBox;
    m_output->addItem(tr("Logits (a softmax is applied)"), int(ClassifierSpec::Output::Logits));
    m_output->addItem(tr("Probabilities"), int(ClassifierSpec::Output::Probabilities));
    m_classNames = new QLineEdit;
    m_classNames->setPlaceholderText(tr("optional: the dataset's class folders, sorted"));
    m_problem = new QLabel;
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b02a37;"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Model:"), fileChooserRow(m_model, tr("TorchScript classifier"),
                                               tr("TorchScript (*.pt *.pth *.ts);;All files (*)"), this));
    form->addRow(tr("&Input size:"), m_inputSize);
    form->addRow(tr("&Resize:"), m_resize);
    form->addRow(tr("Resize &to:"), m_resizeSize);
    form->addRow(tr("&Channels:"), m_channels);
    form->addRow(tr("&Normalisation:"), m_normalisation);
    form->addRow(tr("M&ean:"), m_mean);
    form->addRow(tr("&Std:"), m_std);
    form->addRow(tr("&Output:"), m_output);
    form->addRow(tr("Class &names:"), fileChooserRow(m_classNames, tr("Class names of the model's outputs"),
                                                     tr("Class lists (*.txt *.csv *.json);;All files (*)"), this));
    auto *help = new QLabel(tr("The classifier runs over every image of the dataset and its predictions replace the "
                               "stored ones. Class names: one per line in output order, index,name lines or JSON."));
    help->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_run = buttons->button(QDialogButtonBox::Ok);
    m_run->setText(tr("Run"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ClassifierDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ClassifierDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(help);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    ClassifierSpec last;
    try {
        last = ClassifierSpec::fromJson(QJsonDocument::fromJson(QSettings().value(QLatin1String(kLastSpec)).toByteArray()).object());
    } catch (const Error &) {
        last = ClassifierSpec(); // a spec from another version: start from the defaults
    }
    setSpec(last);

    connect(m_normalisation, &QComboBox::activated, this, &ClassifierDialog::applyNormalisationPreset);
    for (QLineEdit *edit : {m_model, m_mean, m_std, m_classNames})
        connect(edit, &QLineEdit::textChanged, this, &ClassifierDialog::validate);
    for (QSpinBox *spin : {m_inputSize, m_resizeSize})
        connect(spin, &QSpinBox::valueChanged, this, &ClassifierDialog::validate);
    connect(m_resize, &QComboBox::currentIndexChanged, this, &ClassifierDialog::validate);
    validate();
}

void ClassifierDialog::setSpec(const ClassifierSpec &spec)
{
    m_model->setText(spec.path);
    m_inputSize->setValue(spec.inputSize);
    m_resize->setCurrentIndex(m_resize->findData(int(spec.resize)));
    m_resizeSize->setValue(spec.resizeSize);
    m_channels->setCurrentIndex(m_channels->findData(spec.channels));
    m_mean->setText(triple(spec.mean));
    m_std->setText(triple(spec.std));
    int preset = int(std::size(kPresets)); // custom
    for (int i = 0; i < int(std::size(kPresets)); ++i)
        if (kPresets[i].mean == spec.mean && kPresets[i].std == spec.std)
            preset = i;
    m_normalisation->setCurrentIndex(preset);
    m_output->setCurrentIndex(m_output->findData(int(spec.output)));
    m_classNames->setText(spec.classNamesPath);
}

void ClassifierDialog::applyNormalisationPreset(int index)
{
    if (index < 0 || index >= int(std::size(kPresets)))
        return;
    m_mean->setText(triple(kPresets[index].mean));
    m_std->setText(triple(kPresets[index].std));
}

ClassifierSpec ClassifierDialog::spec() const
{
    ClassifierSpec spec;
    spec.path = m_model->text().trimmed();
    spec.inputSize = m_inputSize->value();
    spec.resize = ClassifierSpec::Resize(m_resize->currentData().toInt());
    spec.resizeSize = spec.resize == ClassifierSpec::Resize::CenterCrop ? m_resizeSize->value() : 0;
    spec.channels = m_channels->currentData().toInt();
    spec.mean = parseTriple(m_mean->text(), tr("Mean"));
    spec.std = parseTriple(m_std->text(), tr("Std"));
    spec.output = ClassifierSpec::Output(m_output->currentData().toInt());
    spec.classNamesPath = m_classNames->text().trimmed();
    spec.device = AppSettings::device();
    spec.validate();
    return spec;
}

QString ClassifierDialog::problemText() const
{
    return m_problem->text();
}

void ClassifierDialog::validate()
{
    m_resizeSize->setEnabled(ClassifierSpec::Resize(m_resize->currentData().toInt()) == ClassifierSpec::Resize::CenterCrop);
    QString problem;
    try {
        if (m_model->text().trimmed().isEmpty())
            throw Error(tr("Choose the classifier's TorchScript file."));
        const ClassifierSpec current = spec();
        if (!QFileInfo(current.path).isFile())
            problem = tr("%1: no such file").arg(current.path);
        else if (!current.classNamesPath.isEmpty() && !QFileInfo(current.classNamesPath).isFile())
            problem = tr("%1: no such file").arg(current.classNamesPath);
    } catch (const Error &error) {
        problem = error.message();
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_run->setEnabled(problem.isEmpty());
}

void ClassifierDialog::accept()
{
    validate();
    if (!m_run->isEnabled())
        return;
    QSettings().setValue(QLatin1String(kLastSpec), QJsonDocument(spec().toJson()).toJson(QJsonDocument::Compact));
    QDialog::accept();
}

} // namespace faultline
