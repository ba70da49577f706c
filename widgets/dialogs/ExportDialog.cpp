#include "dialogs/ExportDialog.h"

#include "support/SplitTitle.h"

#include "common/Error.h"
#include "jobs/BackgroundJob.h"
#include "store/ProjectStore.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSet>
#include <QSpinBox>
#include <QStackedWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace faultline {

namespace {

QString splitLabel(Split split)
{
    return split == Split::Unassigned ? ExportDialog::tr("all images (no splits)") : splitTitle(split);
}

QLabel *wrappedLabel(const QString &text = QString())
{
    auto *label = new QLabel(text);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

ExportDialog::ExportDialog(const QString &datasetRoot, const QString &storePath, qint64 runId,
                           const QString &selectedClass, QWidget *parent)
    : QDialog(parent), m_root(datasetRoot), m_storePath(storePath), m_runId(runId), m_selectedClass(selectedClass)
{
    setWindowTitle(tr("Export hard subset — run %1").arg(runId));
    m_pages = new QStackedWidget;
    m_pages->addWidget(buildOptionsPage(selectedClass));
    m_pages->addWidget(buildRunningPage());
    m_pages->addWidget(buildSummaryPage());

    m_openFolder = new QPushButton(tr("Open folder"));
    m_export = new QPushButton(tr("Export"));
    m_cancel = new QPushButton(tr("Cancel"));
    connect(m_openFolder, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_exportedTo)); });
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_cancel, &QPushButton::clicked, this, &ExportDialog::reject);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_openFolder);
    buttons->addStretch();
    buttons->addWidget(m_export);
    buttons->addWidget(m_cancel);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    layout->addLayout(buttons);
    showPage(Page::Options);
    resize(600, 340);
    loadRun();
}

ExportDialog::~ExportDialog() = default;

QWidget *ExportDialog::buildOptionsPage(const QString &selectedClass)
{
    m_byCount = new QRadioButton(tr("The hardest"));
    m_byThreshold = new QRadioButton(tr("Every image with decision value below"));
    m_byCount->setChecked(true);
    auto *criterion = new QButtonGroup(this);
    criterion->addButton(m_byCount);
    criterion->addButton(m_byThreshold);
    m_perClass = new QSpinBox;
    m_perClass->setRange(1, 1000000);
    m_perClass->setValue(20);
    m_perClass->setSuffix(tr(" images of each class"));
    m_threshold = new QDoubleSpinBox;
    m_threshold->setRange(-1e6, 1e6);
    m_threshold->setDecimals(3);
    m_threshold->setSingleStep(0.1);
    m_threshold->setValue(0.0);
    m_threshold->setToolTip(tr("Negative decision values lie on the failure side of the class's direction"));
    auto *criteria = new QFormLayout;
    criteria->addRow(m_byCount, m_perClass);
    criteria->addRow(m_byThreshold, m_threshold);

    m_onlyClass = new QCheckBox(tr("Only the class “%1”").arg(selectedClass));
    m_tag = new QComboBox;
    m_tag->addItem(tr("Any image"), QString());
    m_tag->addItem(tr("Only images tagged hard"), QStringLiteral("hard"));
    m_tag->addItem(tr("Only images tagged OK"), QStringLiteral("ok"));
    m_tag->setToolTip(tr("Your tags (H / O in the gallery): export what you marked, or the hardest among it"));

    m_split = new QComboBox;
    m_split->setEnabled(false);
    m_split->addItem(tr("Reading the run…"));

    m_destination = new QLineEdit;
    m_destination->setPlaceholderText(tr("Folder to export into (created if missing)"));
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browseDestination);
    auto *destination = new QHBoxLayout;
    destination->addWidget(m_destination, 1);
    destination->addWidget(browse);

    m_mode = new QComboBox;
    for (ExportMode mode : {ExportMode::Copy, ExportMode::Symlink, ExportMode::Manifest})
        m_mode->addItem(exportModeName(mode), int(mode));
    m_modeExplanation = wrappedLabel();
    m_modeExplanation->setForegroundRole(QPalette::PlaceholderText);
    m_modeExplanation->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    m_preview = wrappedLabel();
    QFont bold = m_preview->font();
    bold.setBold(true);
    m_preview->setFont(bold);
    m_error = wrappedLabel();
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Select:"), criteria);
    form->addRow(QString(), m_onlyClass);
    form->setRowVisible(m_onlyClass, !selectedClass.isEmpty());
    form->addRow(tr("Tagged:"), m_tag);
    form->addRow(tr("From split:"), m_split);
    form->addRow(tr("Destination:"), destination);
    form->addRow(tr("Mode:"), m_mode);
    form->addRow(QString(), m_modeExplanation);
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addSpacing(8);
    layout->addWidget(m_preview);
    layout->addWidget(m_error);
    layout->addStretch(1);

    auto refresh = [this] { updatePreview(); };
    connect(m_byCount, &QRadioButton::toggled, this, refresh);
    connect(m_perClass, &QSpinBox::valueChanged, this, refresh);
    connect(m_threshold, &QDoubleSpinBox::valueChanged, this, refresh);
    connect(m_onlyClass, &QCheckBox::toggled, this, refresh);
    connect(m_tag, &QComboBox::currentIndexChanged, this, refresh);
    connect(m_split, &QComboBox::currentIndexChanged, this, refresh);
    connect(m_byCount, &QRadioButton::toggled, m_perClass, &QWidget::setEnabled);
    connect(m_byThreshold, &QRadioButton::toggled, m_threshold, &QWidget::setEnabled);
    m_threshold->setEnabled(false);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &ExportDialog::updateModeExplanation);
    updateModeExplanation();
    return page;
}

QWidget *ExportDialog::buildRunningPage()
{
    m_progress = new QProgressBar;
    m_progress->setRange(0, 0);
    m_progressText = wrappedLabel(tr("Starting…"));
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addStretch();
    layout->addWidget(m_progressText);
    layout->addWidget(m_progress);
    layout->addStretch();
    return page;
}

QWidget *ExportDialog::buildSummaryPage()
{
    m_summaryText = wrappedLabel();
    m_problems = new QListWidget;
    m_problems->setWordWrap(true);
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summaryText);
    layout->addWidget(new QLabel(tr("Problems:")));
    layout->addWidget(m_problems, 1);
    return page;
}

void ExportDialog::loadRun()
{
    m_export->setEnabled(false);
    m_preview->setText(tr("Reading run %1…").arg(m_runId));
    auto result = std::make_shared<QMap<Split, QVector<ScoredImage>>>();
    auto tags = std::make_shared<QHash<qint64, QString>>();
    auto *job = new BackgroundJob(tr("Read run %1").arg(m_runId),
                                  [storePath = m_storePath, runId = m_runId, result, tags](JobControl &) {
                                      ProjectStore store(storePath); // jobs open their own connection
                                      *result = scoredImagesBySplit(store, runId);
                                      *tags = store.imageTags();
                                  },
                                  this);
    connect(job, &BackgroundJob::succeeded, this, [this, job, result, tags] {
        job->deleteLater();
        m_loaded = result;
        m_tags = tags;
        onRunLoaded();
    });
    connect(job, &BackgroundJob::failed, this, [this, job](const QString &message) {
        job->deleteLater();
        m_preview->clear();
        m_split->clear();
        showError(tr("Cannot read run %1: %2").arg(m_runId).arg(message));
    });
    job->start();
}

void ExportDialog::onRunLoaded()
{
    const QSignalBlocker blocker(m_split);
    m_split->clear();
    for (auto it = m_loaded->cbegin(); it != m_loaded->cend(); ++it)
        m_split->addItem(tr("%1 (%n image(s))", nullptr, int(it.value().size())).arg(splitLabel(it.key())),
                         int(it.key()));
    if (m_split->count() == 0) {
        m_split->addItem(tr("none"));
        m_preview->clear();
        showError(tr("Run %1 has no decision values: no class could be fitted. Run the analysis again "
                     "with a fit split that has errors.").arg(m_runId));
        return;
    }
    const int pool = m_split->findData(int(Split::Pool));
    m_split->setCurrentIndex(pool >= 0 ? pool : 0);
    m_split->setEnabled(true);
    m_export->setEnabled(true);
    updatePreview();
}

ExportDialog::Options ExportDialog::options() const
{
    Options options;
    options.split = Split(m_split->currentData().toInt());
    if (m_byCount->isChecked())
        options.criteria.perClass = m_perClass->value();
    else
        options.criteria.threshold = m_threshold->value();
    if (m_onlyClass->isChecked())
        options.onlyClass = m_selectedClass;
    options.tag = m_tag->currentData().toString();
    return options;
}

namespace {

// The images the options select from: the split's, narrowed to one class and to a tag when asked.
QVector<ScoredImage> candidates(const QVector<ScoredImage> &split, const QString &onlyClass,
                                const QHash<qint64, QString> &tags, const QString &tag)
{
    QVector<ScoredImage> images;
    for (const ScoredImage &image : split)
        if (onlyClass.isEmpty() || image.className == onlyClass)
            images.push_back(image);
    return tag.isEmpty() ? images : imagesTagged(images, tags, tag);
}

} // namespace

void ExportDialog::updatePreview()
{
    if (!m_loaded || !m_split->isEnabled())
        return;
    const int generation = ++m_previewGeneration;
    const Options chosen = options();
    const QVector<ScoredImage> splitImages = m_loaded->value(chosen.split);
    m_preview->setText(tr("Counting…"));
    auto counts = std::make_shared<QPair<int, int>>(); // images, classes
    auto *job = new BackgroundJob(tr("Preview export"), [splitImages, chosen, counts, tags = m_tags](JobControl &) {
        const QVector<ExportItem> items =
            selectHardSubset(candidates(splitImages, chosen.onlyClass, *tags, chosen.tag), chosen.criteria);
        QSet<QString> classes;
        for (const ExportItem &item : items)
            classes.insert(item.className);
        *counts = {int(items.size()), int(classes.size())};
    }, this);
    connect(job, &BackgroundJob::succeeded, this, [this, job, counts, generation, split = chosen.split] {
        job->deleteLater();
        if (generation != m_previewGeneration)
            return; // the options changed meanwhile
        if (counts->first == 0)
            m_preview->setText(tr("Nothing to export: no image of %1 matches. Raise K or the threshold, or pick "
                                  "another split.").arg(splitLabel(split)));
        else
            m_preview->setText(tr("Will export %1 of %2 from %3")
                                   .arg(tr("%n image(s)", nullptr, counts->first),
                                        tr("%n class(es)", nullptr, counts->second), splitLabel(split)));
    });
    connect(job, &BackgroundJob::failed, this, [this, job, generation](const QString &message) {
        job->deleteLater();
        if (generation == m_previewGeneration)
            m_preview->setText(message);
    });
    job->start();
}

void ExportDialog::updateModeExplanation()
{
    switch (ExportMode(m_mode->currentData().toInt())) {
    case ExportMode::Copy:
        m_modeExplanation->setText(tr("Copies each image to <destination>/<class>/: a standalone ImageFolder tree."));
        break;
    case ExportMode::Symlink:
        m_modeExplanation->setText(tr("Links each image to its file in the dataset: instant and no extra space, "
                                      "but the links break when the dataset moves."));
        break;
    case ExportMode::Manifest:
        m_modeExplanation->setText(tr("Writes only manifest.csv: each image's path, class, decision value and rank."));
        break;
    }
}

void ExportDialog::browseDestination()
{
    const QString start = m_destination->text().isEmpty() ? QFileInfo(m_root).absolutePath() : m_destination->text();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Export into folder"), start);
    if (!folder.isEmpty())
        m_destination->setText(QDir::toNativeSeparators(folder));
}

void ExportDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ExportDialog::startExport()
{
    if (!m_loaded || m_exportJob)
        return;
    const QString destination = QDir::fromNativeSeparators(m_destination->text().trimmed());
    if (destination.isEmpty()) {
        showError(tr("Choose a destination folder first."));
        m_destination->setFocus();
        return;
    }
    showError(QString());
    const Options chosen = options();
    const ExportMode mode = ExportMode(m_mode->currentData().toInt());
    m_exportedTo = QDir(destination).absolutePath();
    auto summary = std::make_shared<ExportSummary>();
    auto *job = new BackgroundJob(
        tr("Export hard subset of run %1 to %2").arg(m_runId).arg(QDir::toNativeSeparators(m_exportedTo)),
        [root = m_root, images = m_loaded->value(chosen.split), tags = m_tags, chosen, mode, destination = m_exportedTo,
         summary](JobControl &control) {
            const QVector<ExportItem> items =
                selectHardSubset(candidates(images, chosen.onlyClass, *tags, chosen.tag), chosen.criteria);
            *summary = exportHardSubset(root, items, destination, mode, &control);
        },
        this);
    m_exportJob = job;
    connect(job, &BackgroundJob::progressChanged, this, [this](qint64 done, qint64 total, const QString &) {
        m_progress->setRange(0, int(std::max<qint64>(total, 1)));
        m_progress->setValue(int(done));
        m_progressText->setText(tr("Exported %1 of %2 images…").arg(done).arg(total));
    });
    connect(job, &BackgroundJob::succeeded, this, [this, summary] {
        m_summary = std::make_unique<ExportSummary>(*summary);
        showSummary();
    });
    connect(job, &BackgroundJob::failed, this, [this](const QString &message) {
        showPage(Page::Options);
        showError(tr("Export failed: %1").arg(message));
    });
    connect(job, &BackgroundJob::cancelled, this, [this] {
        showPage(Page::Options);
        showError(tr("Export cancelled. The manifest in %1 lists what was exported; exporting again into the "
                     "same folder skips those files.").arg(QDir::toNativeSeparators(m_exportedTo)));
    });
    showPage(Page::Running);
    Q_EMIT jobStarted(job);
    job->start();
}

void ExportDialog::showSummary()
{
    const ExportSummary &s = *m_summary;
    QStringList lines;
    lines << tr("Exported %n image(s) to %1.", nullptr, s.exported).arg(QDir::toNativeSeparators(m_exportedTo));
    if (s.skippedExisting > 0)
        lines << tr("%n image(s) were already there and were skipped.", nullptr, s.skippedExisting);
    if (s.stoppedEarly)
        lines << tr("The export stopped early: see the problems below.");
    lines << tr("Manifest: %1").arg(QDir::toNativeSeparators(s.manifestPath));
    m_summaryText->setText(lines.join(QLatin1Char('\n')));
    m_problems->clear();
    for (const Diagnostic &d : s.diagnostics)
        m_problems->addItem(d.toString());
    if (s.diagnostics.isEmpty())
        m_problems->addItem(tr("None."));
    showPage(Page::Summary);
}

void ExportDialog::reject()
{
    if (m_exportJob && m_exportJob->isRunning()) {
        m_progressText->setText(tr("Cancelling…"));
        m_cancel->setEnabled(false);
        m_exportJob->cancel();
        return;
    }
    QDialog::reject();
}

void ExportDialog::showPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
    if (page != Page::Running && m_exportJob) {
        m_exportJob->deleteLater();
        m_exportJob = nullptr;
    }
    m_export->setVisible(page == Page::Options);
    m_openFolder->setVisible(page == Page::Summary);
    m_cancel->setEnabled(true);
    m_cancel->setText(page == Page::Summary ? tr("Close") : tr("Cancel"));
    if (page == Page::Options) {
        m_export->setDefault(true);
    } else if (page == Page::Running) {
        m_progress->setRange(0, 0);
        m_progressText->setText(tr("Starting…"));
    } else {
        m_cancel->setDefault(true);
        m_cancel->setFocus();
    }
}

ExportDialog::Page ExportDialog::page() const
{
    return Page(m_pages->currentIndex());
}

QString ExportDialog::previewText() const
{
    return m_preview->text();
}

QString ExportDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString ExportDialog::summaryText() const
{
    return m_summaryText->text();
}

QStringList ExportDialog::problemLines() const
{
    QStringList lines;
    for (int i = 0; i < m_problems->count(); ++i)
        lines << m_problems->item(i)->text();
    return lines;
}

} // namespace faultline
