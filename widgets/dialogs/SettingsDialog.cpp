#include "dialogs/SettingsDialog.h"

#include "support/AppSettings.h"
#include "generation/GenerationSettingsPage.h"
#include "support/Translations.h"
#include "clip/ClipModel.h"
#include "jobs/BackgroundJob.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "models/ModelManager.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QThread>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <memory>

namespace faultline {

namespace {

enum Column { NameColumn, SizeColumn, StatusColumn };
constexpr int kModelRole = Qt::UserRole;       // catalogue name or file path
constexpr int kIsFileRole = Qt::UserRole + 1;  // a checkpoint file rather than a catalogue entry
constexpr int kInstalledRole = Qt::UserRole + 2;

QString sizeText(qint64 bytes)
{
    return bytes > 0 ? QLocale().formattedDataSize(bytes) : SettingsDialog::tr("unknown");
}

QString statusText(const ModelStatus &status)
{
    if (status.installed)
        return SettingsDialog::tr("installed");
    if (status.partialBytes > 0)
        return SettingsDialog::tr("partly downloaded (%1)").arg(sizeText(status.partialBytes));
    if (status.fileBytes > 0)
        return SettingsDialog::tr("incomplete file (%1)").arg(sizeText(status.fileBytes));
    return SettingsDialog::tr("not installed");
}

void setErrorStyle(QLabel *label, bool error)
{
    label->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

} // namespace

SettingsDialog::SettingsDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto *general = new QWidget;
    auto *generalLayout = new QVBoxLayout(general);
    generalLayout->addWidget(buildModelGroup(), 1);
    generalLayout->addWidget(buildEngineGroup());
    generalLayout->addWidget(buildLanguageGroup());
    m_generation = new GenerationSettingsPage;
    auto *tabs = new QTabWidget;
    tabs->addTab(general, tr("&CLIP and engine"));
    tabs->addTab(m_generation, tr("&Generation"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs, 1);
    layout->addWidget(buttons);
    refreshModels();
    selectModel(AppSettings::clipModel());
    checkCuda();
    resize(680, 660);
}

QWidget *SettingsDialog::buildModelGroup()
{
    m_models = new QTreeWidget;
    m_models->setHeaderLabels({tr("Model"), tr("Size"), tr("Status")});
    m_models->setRootIsDecorated(false);
    m_models->setAllColumnsShowFocus(true);
    m_models->setMinimumHeight(180);
    m_models->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_models->header()->setSectionResizeMode(SizeColumn, QHeaderView::ResizeToContents);
    m_models->header()->setSectionResizeMode(StatusColumn, QHeaderView::ResizeToContents);
    m_models->header()->setStretchLastSection(false);
    connect(m_models, &QTreeWidget::currentItemChanged, this, &SettingsDialog::updateModelButtons);

    m_download = new QPushButton(tr("Download"));
    m_download->setToolTip(tr("Fetches the selected model into %1")
                               .arg(QDir::toNativeSeparators(ModelManager::defaultDataDir())));
    m_import = new QPushButton(tr("Import file…"));
    m_import->setToolTip(tr("Installs the selected model from a file downloaded elsewhere (checked against "
                            "the catalogue's SHA-256)"));
    m_chooseFile = new QPushButton(tr("Choose file…"));
    m_chooseFile->setToolTip(tr("Uses any CLIP checkpoint file (.pt or .safetensors) instead of a catalogue model"));
    connect(m_download, &QPushButton::clicked, this, &SettingsDialog::downloadSelectedModel);
    connect(m_import, &QPushButton::clicked, this, &SettingsDialog::askForImportFile);
    connect(m_chooseFile, &QPushButton::clicked, this, &SettingsDialog::chooseModelFile);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_download);
    actions->addWidget(m_import);
    actions->addStretch();
    actions->addWidget(m_chooseFile);

    m_progress = new QProgressBar;
    m_cancelTransfer = new QPushButton(tr("Cancel"));
    m_cancelTransfer->setAutoDefault(false);
    connect(m_cancelTransfer, &QPushButton::clicked, this, [this] {
        if (m_job)
            m_job->cancel();
    });
    auto *progress = new QHBoxLayout;
    progress->addWidget(m_progress, 1);
    progress->addWidget(m_cancelTransfer);
    m_progress->hide();
    m_cancelTransfer->hide();
    m_transfer = new QLabel;
    m_transfer->setWordWrap(true);
    m_transfer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_transfer->hide();

    auto *intro = new QLabel(tr("The CLIP model that embeds datasets which come without embeddings:"));
    intro->setWordWrap(true);
    auto *group = new QGroupBox(tr("CLIP model"));
    auto *layout = new QVBoxLayout(group);
    layout->addWidget(intro);
    layout->addWidget(m_models, 1);
    layout->addLayout(actions);
    layout->addLayout(progress);
    layout->addWidget(m_transfer);
    return group;
}

QWidget *SettingsDialog::buildEngineGroup()
{
    m_device = new QComboBox;
    for (ComputeDevice device : {ComputeDevice::Auto, ComputeDevice::Cpu, ComputeDevice::Cuda})
        m_device->addItem(computeDeviceName(device), int(device));
    m_device->setCurrentIndex(m_device->findData(int(AppSettings::device())));
    m_deviceHelp = new QLabel;
    m_deviceHelp->setWordWrap(true);
    m_deviceHelp->setForegroundRole(QPalette::PlaceholderText);
    m_deviceHelp->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    m_threads = new QSpinBox;
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("One per core (%1)").arg(QThread::idealThreadCount()));
    m_threads->setValue(AppSettings::threadCount());

    auto *group = new QGroupBox(tr("Engine"));
    auto *form = new QFormLayout(group);
    form->addRow(tr("Device:"), m_device);
    form->addRow(QString(), m_deviceHelp);
    form->addRow(tr("Threads:"), m_threads);
    return group;
}

QWidget *SettingsDialog::buildLanguageGroup()
{
    m_language = new QComboBox;
    m_language->addItem(tr("System"), QString());
    for (const auto &[name, nativeName] : availableLanguages())
        m_language->addItem(nativeName, name);
    const int current = m_language->findData(AppSettings::language());
    m_language->setCurrentIndex(current >= 0 ? current : 0);
    auto *note = new QLabel(tr("The language takes effect after a restart."));
    note->setForegroundRole(QPalette::PlaceholderText);
    m_appearance = new QComboBox;
    m_appearance->addItem(tr("Follow the system"), int(Appearance::System));
    m_appearance->addItem(tr("Light"), int(Appearance::Light));
    m_appearance->addItem(tr("Dark"), int(Appearance::Dark));
    m_appearance->setCurrentIndex(m_appearance->findData(int(AppSettings::appearance())));

    auto *group = new QGroupBox(tr("Interface"));
    auto *form = new QFormLayout(group);
    form->addRow(tr("Language:"), m_language);
    form->addRow(QString(), note);
    form->addRow(tr("Appearance:"), m_appearance);
    return group;
}

void SettingsDialog::checkCuda()
{
    const QString help = tr("auto uses CUDA when this build's libtorch has a CUDA device, else the CPU.");
    m_deviceHelp->setText(help + QLatin1Char(' ') + tr("Checking for CUDA…"));
    auto cuda = std::make_shared<bool>(false);
    // Asking libtorch may initialise the CUDA driver: not on the GUI thread.
    auto *job = new BackgroundJob(tr("Check CUDA"), [cuda](JobControl &) { *cuda = ClipModel::cudaAvailable(); }, this);
    connect(job, &BackgroundJob::succeeded, this, [this, job, cuda, help] {
        job->deleteLater();
        m_deviceHelp->setText(help + QLatin1Char(' ')
                              + (*cuda ? tr("This build has CUDA: auto runs on the GPU.")
                                       : tr("This build has no CUDA device: auto runs on the CPU.")));
    });
    connect(job, &BackgroundJob::failed, this, [this, job, help](const QString &message) {
        job->deleteLater();
        m_deviceHelp->setText(help + QLatin1Char(' ') + message);
    });
    job->start();
}

void SettingsDialog::refreshModels()
{
    const QString selected = selectedModel();
    const QSignalBlocker blocker(m_models);
    // Keep a chosen file row; rebuild the catalogue rows (a stat per file, no hashing).
    for (int i = m_models->topLevelItemCount() - 1; i >= 0; --i)
        if (!m_models->topLevelItem(i)->data(NameColumn, kIsFileRole).toBool())
            delete m_models->takeTopLevelItem(i);
    int row = 0;
    QStringList unsized;
    for (const ModelStatus &status : ModelManager().list()) {
        if (status.entry.kind != ModelEntry::Kind::ClipCheckpoint)
            continue;
        const QString &name = status.entry.name;
        const qint64 bytes = status.installed ? status.fileBytes
            : status.entry.sizeBytes > 0     ? status.entry.sizeBytes
                                             : m_remoteSizes.value(name, 0);
        const bool unasked = bytes == 0 && !m_sizeErrors.contains(name);
        const bool asking = unasked && isVisible();
        auto *item = new QTreeWidgetItem({name, asking ? tr("asking…") : sizeText(bytes), statusText(status)});
        item->setData(NameColumn, kModelRole, name);
        item->setData(NameColumn, kInstalledRole, status.installed);
        item->setToolTip(NameColumn, status.entry.description);
        item->setToolTip(StatusColumn, QDir::toNativeSeparators(status.path));
        if (m_remoteSizes.contains(name) && !status.installed)
            item->setToolTip(SizeColumn, tr("As the download server reports it"));
        else if (m_sizeErrors.contains(name))
            item->setToolTip(SizeColumn, m_sizeErrors.value(name));
        if (unasked)
            unsized << name;
        m_models->insertTopLevelItem(row++, item);
    }
    if (!unsized.isEmpty() && isVisible()) // asked once the dialog is on screen, not for every construction
        askModelSizes(unsized);
    if (!selected.isEmpty())
        selectModel(selected);
    updateModelButtons();
}

void SettingsDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    if (!m_sizesAsked) {
        m_sizesAsked = true;
        refreshModels(); // now visible: asks the servers for the sizes the catalogue lacks
    }
}

void SettingsDialog::askModelSizes(const QStringList &names)
{
    if (m_sizeJob)
        return;
    auto sizes = std::make_shared<QHash<QString, qint64>>();
    auto errors = std::make_shared<QHash<QString, QString>>();
    // One HEAD request per model, in a job (never on the GUI thread); a host found unreachable
    // is not asked again (offline: each request would wait for its timeout).
    auto *job = new BackgroundJob(tr("Ask model sizes"), [names, sizes, errors](JobControl &control) {
        const ModelManager models;
        QHash<QString, QString> unreachable; // host → the error
        for (const QString &name : names) {
            control.checkCancelled();
            const QString host = QUrl(ModelCatalog::downloadUrl(models.entry(name), models.mirror())).host();
            if (unreachable.contains(host)) {
                errors->insert(name, unreachable.value(host));
                continue;
            }
            try {
                sizes->insert(name, models.remoteSize(name, 8000));
            } catch (const Error &error) {
                errors->insert(name, error.message());
                if (error.message().contains(QLatin1String("offline?")))
                    unreachable.insert(host, error.message());
            }
        }
    });
    m_sizeJob = job;
    // Not parented to the dialog: closing it while the job runs cancels it (deleteLater), without waiting.
    connect(this, &QObject::destroyed, job, &QObject::deleteLater);
    connect(job, &BackgroundJob::succeeded, this, [this, job, sizes, errors] {
        job->deleteLater();
        m_remoteSizes.insert(*sizes);
        m_sizeErrors.insert(*errors);
        refreshModels();
    });
    connect(job, &BackgroundJob::failed, job, &QObject::deleteLater);
    connect(job, &BackgroundJob::cancelled, job, &QObject::deleteLater);
    job->start();
}

QString SettingsDialog::selectedModel() const
{
    const QTreeWidgetItem *item = m_models->currentItem();
    return item ? item->data(NameColumn, kModelRole).toString() : QString();
}

void SettingsDialog::selectModel(const QString &nameOrPath)
{
    if (nameOrPath.isEmpty())
        return;
    for (int i = 0; i < m_models->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_models->topLevelItem(i);
        if (item->data(NameColumn, kModelRole).toString().compare(nameOrPath, Qt::CaseInsensitive) == 0) {
            m_models->setCurrentItem(item);
            return;
        }
    }
    if (ModelManager().catalog().find(nameOrPath) && !QFileInfo(nameOrPath).isAbsolute())
        return; // a catalogue name in another spelling that is not listed (not a checkpoint)
    // A file: one row for it, replacing an earlier chosen file.
    for (int i = m_models->topLevelItemCount() - 1; i >= 0; --i)
        if (m_models->topLevelItem(i)->data(NameColumn, kIsFileRole).toBool())
            delete m_models->takeTopLevelItem(i);
    const QFileInfo file(nameOrPath);
    auto *item = new QTreeWidgetItem({tr("File: %1").arg(file.fileName()), sizeText(file.exists() ? file.size() : 0),
                                      file.isFile() ? tr("file") : tr("missing")});
    item->setData(NameColumn, kModelRole, nameOrPath);
    item->setData(NameColumn, kIsFileRole, true);
    item->setToolTip(NameColumn, QDir::toNativeSeparators(nameOrPath));
    m_models->addTopLevelItem(item);
    m_models->setCurrentItem(item);
}

QString SettingsDialog::modelStatusText(const QString &name) const
{
    for (int i = 0; i < m_models->topLevelItemCount(); ++i)
        if (m_models->topLevelItem(i)->data(NameColumn, kModelRole).toString() == name)
            return m_models->topLevelItem(i)->text(StatusColumn);
    return QString();
}

QString SettingsDialog::transferText() const
{
    return m_transfer->isHidden() ? QString() : m_transfer->text();
}

QString SettingsDialog::deviceHelpText() const
{
    return m_deviceHelp->text();
}

void SettingsDialog::updateModelButtons()
{
    const QTreeWidgetItem *item = m_models->currentItem();
    const bool catalogue = item && !item->data(NameColumn, kIsFileRole).toBool();
    const bool idle = !m_job;
    m_download->setEnabled(idle && catalogue && !item->data(NameColumn, kInstalledRole).toBool());
    m_import->setEnabled(idle && catalogue);
    m_chooseFile->setEnabled(idle);
}

void SettingsDialog::chooseModelFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("CLIP checkpoint"), QString(),
                                                      tr("CLIP checkpoints (*.pt *.safetensors);;All files (*)"));
    if (!path.isEmpty())
        selectModel(path);
}

void SettingsDialog::askForImportFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import %1 from file").arg(selectedModel()));
    if (!path.isEmpty())
        importModelFile(path);
}

void SettingsDialog::downloadSelectedModel()
{
    const QString name = selectedModel();
    runTransfer(tr("Download %1").arg(name),
                [name](JobControl &control) { ModelManager().download(name, &control); },
                tr("Downloaded %1.").arg(name));
}

void SettingsDialog::importModelFile(const QString &path)
{
    const QString name = selectedModel();
    runTransfer(tr("Import %1").arg(name),
                [name, path](JobControl &control) { ModelManager().importFile(name, path, &control); },
                tr("Imported %1 from %2.").arg(name, QDir::toNativeSeparators(path)));
}

void SettingsDialog::runTransfer(const QString &title, const std::function<void(JobControl &)> &work,
                                 const QString &doneText)
{
    if (m_job)
        return;
    auto *job = new BackgroundJob(title, work, this);
    m_job = job;
    // The job deletes itself: it may outlive the dialog (see done()).
    connect(job, &BackgroundJob::succeeded, job, &QObject::deleteLater);
    connect(job, &BackgroundJob::failed, job, &QObject::deleteLater);
    connect(job, &BackgroundJob::cancelled, job, &QObject::deleteLater);
    connect(job, &BackgroundJob::progressChanged, this, [this](qint64 done, qint64 total, const QString &stage) {
        // Byte counts can exceed int: show permille.
        m_progress->setRange(0, total > 0 ? 1000 : 0);
        m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
        m_transfer->setText(total > 0 ? tr("%1: %2 of %3").arg(stage, sizeText(done), sizeText(total))
                                      : tr("%1: %2").arg(stage, sizeText(done)));
    });
    connect(job, &BackgroundJob::succeeded, this, [this, doneText] { finishTransfer(doneText, false); });
    connect(job, &BackgroundJob::failed, this, [this](const QString &message) { finishTransfer(message, true); });
    connect(job, &BackgroundJob::cancelled, this, [this] {
        finishTransfer(tr("Cancelled. A download resumes where it stopped the next time."), false);
    });
    m_progress->setRange(0, 0);
    m_progress->show();
    m_cancelTransfer->show();
    m_transfer->setText(tr("%1…").arg(title));
    setErrorStyle(m_transfer, false);
    m_transfer->show();
    updateModelButtons();
    Q_EMIT jobStarted(job);
    job->start();
}

void SettingsDialog::finishTransfer(const QString &text, bool error)
{
    m_job = nullptr;
    m_progress->hide();
    m_cancelTransfer->hide();
    m_transfer->setText(text);
    setErrorStyle(m_transfer, error);
    refreshModels();
}

void SettingsDialog::done(int result)
{
    // A running download or import goes on (in the Jobs dock) when the dialog closes.
    if (m_job)
        m_job->setParent(parentWidget() ? static_cast<QObject *>(parentWidget()) : QCoreApplication::instance());
    QDialog::done(result);
}

void SettingsDialog::accept()
{
    const QString model = selectedModel();
    if (!model.isEmpty())
        AppSettings::setClipModel(model);
    AppSettings::setDevice(ComputeDevice(m_device->currentData().toInt()));
    AppSettings::setThreadCount(m_threads->value()); // applies it to the job pool and libtorch
    AppSettings::setLanguage(m_language->currentData().toString());
    if (Appearance(m_appearance->currentData().toInt()) != AppSettings::appearance())
        AppSettings::setAppearance(Appearance(m_appearance->currentData().toInt()));
    m_generation->store();
    QDialog::accept();
}

} // namespace faultline
