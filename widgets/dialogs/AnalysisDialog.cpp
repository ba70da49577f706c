#include "dialogs/AnalysisDialog.h"

#include "support/AppSettings.h"
#include "dialogs/ClassifierDialog.h"
#include "dialogs/FileChooserRow.h"
#include "support/SplitTitle.h"
#include "models/ModelManager.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace faultline {

namespace {

QString countText(qint64 n)
{
    return QLocale().toString(n);
}

} // namespace

AnalysisDialog::AnalysisDialog(const DatasetState &state, QWidget *parent) : QDialog(parent), m_state(state)
{
    setWindowTitle(tr("Run analysis"));
    auto *form = new QFormLayout;
    auto *intro = new QLabel(tr("Fits a failure direction per class: a linear SVM on the images' embeddings that "
                                "predicts whether the classifier was right."));
    intro->setWordWrap(true);
    form->addRow(intro);

    form->addRow(tr("Predictions:"), predictionsRow());
    form->addRow(tr("Embeddings:"), embeddingsRows());

    // Only splits the dataset has; the paper fits on the validation split.
    m_fitSplit = new QComboBox;
    m_whitenSplit = new QComboBox;
    const AnalysisParams defaults;
    for (auto it = state.splitImages.cbegin(); it != state.splitImages.cend(); ++it) {
        const QString text = it.key() == Split::Unassigned ? tr("all images (no split)") : splitTitle(it.key());
        const QString label = tr("%1 (%2 images)").arg(text, countText(it.value()));
        m_fitSplit->addItem(label, int(it.key()));
        m_whitenSplit->addItem(label, int(it.key()));
    }
    if (m_fitSplit->count() == 0)
        m_fitSplit->addItem(splitTitle(defaults.fitSplit), int(defaults.fitSplit));
    const int fit = m_fitSplit->findData(int(defaults.fitSplit));
    m_fitSplit->setCurrentIndex(fit >= 0 ? fit : 0);
    m_fitSplit->setToolTip(tr("The split each class's SVM is fitted and cross-validated on"));
    if (m_whitenSplit->findData(int(defaults.whitenSplit)) < 0) // the engine then whitens with every image
        m_whitenSplit->addItem(tr("%1 (not in this dataset: all images)").arg(splitTitle(defaults.whitenSplit)),
                               int(defaults.whitenSplit));
    m_whitenSplit->setCurrentIndex(m_whitenSplit->findData(int(defaults.whitenSplit)));
    m_whitenSplit->setToolTip(tr("The split whose mean and standard deviation whiten the embeddings"));
    m_folds = new QSpinBox;
    m_folds->setRange(2, 20);
    m_folds->setValue(defaults.folds);
    m_folds->setToolTip(tr("Stratified cross-validation folds that choose C and measure the failure mode's strength"));
    form->addRow(tr("Fit split:"), m_fitSplit);
    form->addRow(tr("Whitening split:"), m_whitenSplit);
    form->addRow(tr("Cross-validation folds:"), m_folds);

    m_problem = new QLabel;
    m_problem->setWordWrap(true);
    m_problem->setObjectName(QStringLiteral("AnalysisProblem"));
    QPalette pal = m_problem->palette();
    pal.setColor(QPalette::WindowText, QColor(215, 58, 73));
    m_problem->setPalette(pal);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_run = buttons->button(QDialogButtonBox::Ok);
    m_run->setText(tr("Run"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
    validate();
}

QWidget *AnalysisDialog::predictionsRow()
{
    m_predictions = new QLineEdit;
    m_predictions->setPlaceholderText(m_state.hasPredictions()
                                          ? tr("%1 stored — choose a CSV only to replace them").arg(countText(m_state.predictions))
                                          : tr("CSV with columns path,prediction[,label,split,confidence]"));
    connect(m_predictions, &QLineEdit::textChanged, this, [this] {
        if (!m_predictions->text().trimmed().isEmpty())
            setClassifier(std::nullopt); // a CSV replaces a chosen classifier
        validate();
    });
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(fileChooserRow(m_predictions, tr("Predictions CSV"), tr("CSV files (*.csv);;All files (*)"), this,
                                     m_state.root));
    auto *classifierRow = new QHBoxLayout;
    m_classifierLabel = new QLabel(tr("or let your classifier predict them:"));
    m_classifierButton = new QPushButton(tr("Run a classifier…"));
    m_classifierButton->setToolTip(tr("A TorchScript model run over every image: no predictions CSV needed"));
    classifierRow->addWidget(m_classifierLabel, 1);
    classifierRow->addWidget(m_classifierButton);
    layout->addLayout(classifierRow);
    connect(m_classifierButton, &QPushButton::clicked, this, [this] {
        auto *dialog = new ClassifierDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        if (m_classifier)
            dialog->setSpec(*m_classifier);
        connect(dialog, &QDialog::accepted, this, [this, dialog] { setClassifier(dialog->spec()); });
        dialog->open();
    });
    return box;
}

QWidget *AnalysisDialog::embeddingsRows()
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    if (m_state.hasEmbeddings()) {
        auto *stored = new QLabel(tr("\u2713 %1 images embedded (%2)").arg(countText(m_state.embeddedImages),
                                                                           m_state.embeddingModel));
        stored->setWordWrap(true);
        layout->addWidget(stored);
        return box;
    }
    m_compute = new QRadioButton(tr("Compute with a CLIP model"));
    m_model = new QComboBox;
    m_model->setEditable(true);
    for (const ModelStatus &status : ModelManager().list())
        if (status.entry.kind == ModelEntry::Kind::ClipCheckpoint)
            m_model->addItem(status.installed ? status.entry.name : tr("%1 (downloads on first use)").arg(status.entry.name),
                             status.entry.name);
    m_model->setCurrentText(AppSettings::clipModel());
    for (int i = 0; i < m_model->count(); ++i)
        if (m_model->itemData(i).toString() == AppSettings::clipModel())
            m_model->setCurrentIndex(i);
    m_model->setToolTip(tr("A catalogue model (downloaded once into the model folder) or a checkpoint file"));
    auto *modelRow = new QWidget;
    auto *modelLayout = new QHBoxLayout(modelRow);
    modelLayout->setContentsMargins(24, 0, 0, 0);
    auto *browse = new QPushButton(tr("Checkpoint file…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("CLIP checkpoint"), QString(),
                                                          tr("Checkpoints (*.pt *.safetensors);;All files (*)"));
        if (!file.isEmpty())
            m_model->setCurrentText(file);
    });
    modelLayout->addWidget(m_model, 1);
    modelLayout->addWidget(browse);

    m_import = new QRadioButton(tr("Import from a NumPy file"));
    m_npy = new QLineEdit;
    m_npy->setPlaceholderText(tr("E.npy: [N, D] float32 or float16"));
    m_paths = new QLineEdit;
    m_paths->setPlaceholderText(tr("E.paths.txt: the dataset-relative path of each row"));
    connect(m_npy, &QLineEdit::textChanged, this, [this](const QString &npy) {
        QString paths = npy;
        if (paths.endsWith(QLatin1String(".npy")))
            paths.chop(4);
        paths += QStringLiteral(".paths.txt");
        if (m_paths->text().isEmpty() && QFileInfo::exists(paths))
            m_paths->setText(paths);
        validate();
    });
    connect(m_paths, &QLineEdit::textChanged, this, &AnalysisDialog::validate);
    auto *importRows = new QWidget;
    auto *importLayout = new QVBoxLayout(importRows);
    importLayout->setContentsMargins(24, 0, 0, 0);
    importLayout->addWidget(fileChooserRow(m_npy, tr("Embeddings"), tr("NumPy arrays (*.npy);;All files (*)"), this, m_state.root));
    importLayout->addWidget(fileChooserRow(m_paths, tr("Row paths"), tr("Text files (*.txt);;All files (*)"), this, m_state.root));

    auto *group = new QButtonGroup(box);
    group->addButton(m_compute);
    group->addButton(m_import);
    m_compute->setChecked(true);
    connect(m_compute, &QRadioButton::toggled, this, [this, modelRow, importRows](bool compute) {
        modelRow->setEnabled(compute);
        importRows->setEnabled(!compute);
        validate();
    });
    importRows->setEnabled(false);
    connect(m_model, &QComboBox::currentTextChanged, this, &AnalysisDialog::validate);
    layout->addWidget(m_compute);
    layout->addWidget(modelRow);
    layout->addWidget(m_import);
    layout->addWidget(importRows);
    return box;
}

QString AnalysisDialog::problem() const
{
    const QString csv = m_predictions->text().trimmed();
    if (!csv.isEmpty() && !QFileInfo(csv).isFile())
        return tr("Predictions: %1 is not a file.").arg(csv);
    if (csv.isEmpty() && !m_classifier && !m_state.hasPredictions())
        return tr("Choose the classifier's predictions (a CSV with path and prediction columns), or run the "
                  "classifier.");
    if (m_compute && m_compute->isChecked() && m_model->currentText().trimmed().isEmpty())
        return tr("Choose a CLIP model to compute the embeddings with.");
    if (m_import && m_import->isChecked()) {
        if (!QFileInfo(m_npy->text().trimmed()).isFile())
            return tr("Choose the embeddings .npy file.");
        if (!QFileInfo(m_paths->text().trimmed()).isFile())
            return tr("Choose the text file naming each embedding row's image.");
    }
    return QString();
}

void AnalysisDialog::setClassifier(const std::optional<ClassifierSpec> &spec)
{
    m_classifier = spec;
    if (spec) {
        const QSignalBlocker blocker(m_predictions);
        m_predictions->clear();
        m_classifierLabel->setText(tr("\u2713 %1 will predict every image (%2 px)")
                                       .arg(QFileInfo(spec->path).fileName()).arg(spec->inputSize));
    } else {
        m_classifierLabel->setText(tr("or let your classifier predict them:"));
    }
    validate();
}

void AnalysisDialog::validate()
{
    const QString text = problem();
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
    m_run->setEnabled(text.isEmpty());
}

AnalysisSetup AnalysisDialog::setup() const
{
    AnalysisSetup setup;
    setup.predictionsCsv = m_predictions->text().trimmed();
    setup.classifier = m_classifier;
    if (m_compute && m_compute->isChecked()) {
        setup.embeddings = AnalysisSetup::Embeddings::ComputeWithClip;
        const int index = m_model->findText(m_model->currentText());
        setup.clipModel = index >= 0 ? m_model->itemData(index).toString() : m_model->currentText().trimmed();
    } else if (m_import && m_import->isChecked()) {
        setup.embeddings = AnalysisSetup::Embeddings::ImportNpy;
        setup.npyPath = m_npy->text().trimmed();
        setup.pathsFile = m_paths->text().trimmed();
    }
    setup.params.fitSplit = Split(m_fitSplit->currentData().toInt());
    setup.params.whitenSplit = Split(m_whitenSplit->currentData().toInt());
    setup.params.folds = m_folds->value();
    return setup;
}

} // namespace faultline
