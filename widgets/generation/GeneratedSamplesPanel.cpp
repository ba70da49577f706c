#include "generation/GeneratedSamplesPanel.h"

#include "support/AppSettings.h"
#include "gallery/GalleryModel.h"
#include "generation/GroupAccuracyChart.h"
#include "session/JobLauncher.h"
#include "session/RunTextModel.h"
#include "generation/SampleListModel.h"
#include "gallery/TileStripView.h"
#include "classify/ImageClassifier.h"
#include "classify/ProjectClassifier.h"
#include "common/Error.h"
#include "export/GeneratedSampleExporter.h"
#include "generation/SampleCheck.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QVBoxLayout>
#include <memory>

namespace faultline {

namespace {

constexpr int kThumbnailSize = 96;

} // namespace

GeneratedSamplesPanel::GeneratedSamplesPanel(RunTextModel *textModel, ThumbnailCache *cache, QWidget *parent)
    : QWidget(parent), m_textModel(textModel)
{
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note->hide();
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->hide();
    m_check = new QPushButton(tr("Check"), this);
    m_check->setToolTip(tr("Run the project's classifier on the samples that have no verdict yet"));
    m_export = new QPushButton(tr("Export…"), this);
    m_export->setToolTip(tr("Copy the samples into a folder per group and class, with generated.csv recording how "
                            "each was made"));
    m_samples = new SampleListModel(cache, kThumbnailSize, this);
    m_view = new TileStripView(m_samples, kThumbnailSize, this);
    m_chart = new GroupAccuracyChart(this);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_cancel);
    top->addWidget(m_check);
    top->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_note);
    auto *body = new QHBoxLayout;
    body->addWidget(m_view, 3);
    body->addWidget(m_chart, 1);
    layout->addLayout(body, 1);

    connect(m_cancel, &QPushButton::clicked, this, &GeneratedSamplesPanel::cancel);
    connect(m_check, &QPushButton::clicked, this, &GeneratedSamplesPanel::checkUnchecked);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Export generated samples to"));
        if (!folder.isEmpty())
            exportTo(folder);
    });
    connect(m_view, &TileStripView::imageActivated, this, &GeneratedSamplesPanel::imageActivated);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        const QModelIndex index = m_view->indexAt(at);
        if (!index.isValid())
            return;
        const GeneratedSample sample = m_samples->sampleAt(index.row());
        QMenu menu(this);
        QAction *again = menu.addAction(tr("Make again from its seed"), this, [this, sample] { makeAgain({sample.id}); });
        again->setEnabled(!isGenerating() && sample.backend != QLatin1String("retrieval"));
        menu.addAction(tr("Open"), this, [this, index] { Q_EMIT imageActivated(index.data(GalleryModel::PathRole).toString()); });
        menu.exec(m_view->viewport()->mapToGlobal(at));
    });
    updateSummary();
}

GeneratedSamplesPanel::~GeneratedSamplesPanel() = default;

void GeneratedSamplesPanel::showClass(const QString &datasetRoot, const QString &projectPath, qint64 runId,
                                      const QString &className)
{
    if (className == m_className && projectPath == m_projectPath && runId == m_runId)
        return;
    clearClass();
    m_root = datasetRoot;
    m_projectPath = projectPath;
    m_runId = runId;
    m_className = className;
    const quint64 generation = m_generation;
    auto samples = std::make_shared<QVector<GeneratedSample>>();
    m_loadJob = launchJob(
        this, tr("Load generated samples"),
        [projectPath, className, samples](JobControl &) { *samples = ProjectStore(projectPath).generatedSamples(className); },
        [this, generation, samples] {
            if (generation != m_generation)
                return;
            m_samples->setSamples(*samples, m_root);
            updateSummary();
        },
        [this, generation](const QString &message) {
            if (generation == m_generation)
                setNote(message, true);
        });
}

void GeneratedSamplesPanel::clearClass()
{
    ++m_generation;
    delete m_loadJob;
    cancel();
    m_className.clear();
    m_projectPath.clear();
    m_runId = 0;
    m_samples->clear();
    setNote(QString(), false);
    updateSummary();
}

void GeneratedSamplesPanel::generate(ClassSampleJob job)
{
    if (m_className.isEmpty() || isGenerating())
        return;
    // Every source embeds texts (prompts, the reference caption) with the run's own CLIP.
    if (m_textModel->state() != RunTextModel::State::Ready) {
        setNote(tr("Generate needs the run's CLIP text model: %1").arg(m_textModel->statusText()), true);
        return;
    }
    job.datasetRoot = m_root;
    job.projectPath = m_projectPath;
    job.runId = m_runId;
    job.className = m_className;
    job.backend = AppSettings::generationBackend();
    job.settings = AppSettings::sampleSettings();
    const TextEncoder encode = m_textModel->encoder();
    const QString space = m_textModel->embeddingSpace();
    const quint64 generation = m_generation;
    auto result = std::make_shared<ClassSampleResult>();
    QPointer<GeneratedSamplesPanel> self(this);
    m_job = launchJob(
        this, tr("Generate samples of %1").arg(m_className),
        [job, encode, space, result, self, generation](JobControl &control) {
            *result = runClassSampleJob(job, encode, space, &control, [self, generation](const GeneratedSample &sample) {
                // Each stored sample shows at once, long before a slow batch ends.
                QMetaObject::invokeMethod(self, [self, sample, generation] {
                    if (self)
                        self->appendArrived(sample, generation);
                }, Qt::QueuedConnection);
            });
        },
        [this, generation, result] {
            if (generation == m_generation)
                finish(*result);
        },
        [this, generation](const QString &message) {
            if (generation != m_generation)
                return;
            m_cancel->hide();
            setNote(message, true);
            Q_EMIT generatingChanged(false);
        });
    connect(m_job, &BackgroundJob::cancelled, this, [this, generation] {
        if (generation != m_generation)
            return;
        m_cancel->hide();
        setNote(tr("Cancelled; the samples made so far are kept."), false);
        Q_EMIT generatingChanged(false);
    });
    m_textModel->announce(m_job);
    connect(m_job, &QObject::destroyed, this, &GeneratedSamplesPanel::updateButtons);
    m_cancel->show();
    setNote(job.backend.usesRetrieval()
                ? tr("No generation server is set (Settings \u25b8 Generation): showing the nearest real images instead.")
                : tr("Generating with %1…").arg(job.backend.url),
            false);
    updateButtons();
    Q_EMIT generatingChanged(true);
}

bool GeneratedSamplesPanel::isGenerating() const
{
    return m_job != nullptr;
}

QVector<GeneratedSample> GeneratedSamplesPanel::shownSamples() const
{
    QVector<GeneratedSample> samples;
    for (int row = m_samples->rowCount() - 1; row >= 0; --row)
        samples << m_samples->sampleAt(row);
    return samples;
}

void GeneratedSamplesPanel::checkUnchecked()
{
    QVector<GeneratedSample> unchecked;
    for (const GeneratedSample &sample : shownSamples())
        if (!sample.correct())
            unchecked << sample;
    if (unchecked.isEmpty())
        return;
    const QString projectPath = m_projectPath, root = m_root, className = m_className;
    auto checked = std::make_shared<QVector<GeneratedSample>>();
    auto errors = std::make_shared<QStringList>();
    startSideJob(
        tr("Check generated samples of %1").arg(className),
        [projectPath, root, className, unchecked, checked, errors](JobControl &control) {
            ProjectStore store(projectPath);
            const auto classifier = loadProjectClassifier(store);
            if (!classifier)
                throw Error(tr("the project has no classifier: Analysis \u25b8 Run classifier… gives it one"));
            *errors = checkGeneratedSamples(store, root, *classifier, unchecked, &control).errors;
            *checked = store.generatedSamples(className);
        },
        [this, checked, errors] {
            m_samples->setSamples(*checked, m_root);
            setNote(errors->join(QLatin1Char('\n')), !errors->isEmpty());
            updateSummary();
        });
}

void GeneratedSamplesPanel::exportTo(const QString &destination)
{
    const QVector<GeneratedSample> samples = shownSamples();
    if (samples.isEmpty())
        return;
    const QString root = m_root;
    auto summary = std::make_shared<ExportSummary>();
    startSideJob(
        tr("Export generated samples of %1").arg(m_className),
        [root, samples, destination, summary](JobControl &control) {
            *summary = exportGeneratedSamples(root, samples, destination, ExportMode::Copy, &control);
        },
        [this, summary, destination] {
            QStringList lines{tr("Exported %n sample(s) to %1.", nullptr, summary->exported)
                                  .arg(QDir::toNativeSeparators(destination))};
            if (summary->skippedExisting > 0)
                lines << tr("%n file(s) were there already and were kept.", nullptr, summary->skippedExisting);
            for (const Diagnostic &problem : summary->diagnostics)
                lines << problem.toString();
            setNote(lines.join(QLatin1Char('\n')), summary->stoppedEarly);
        });
}

// One check or export at a time, listed in the Jobs dock; its result is dropped when the class changed.
void GeneratedSamplesPanel::startSideJob(const QString &title, std::function<void(JobControl &)> work,
                                         std::function<void()> done)
{
    if (m_sideJob)
        return;
    const quint64 generation = m_generation;
    m_sideJob = launchJob(
        this, title, std::move(work),
        [this, generation, done] {
            if (generation == m_generation)
                done();
        },
        [this, generation](const QString &message) {
            if (generation == m_generation)
                setNote(message, true);
        });
    m_textModel->announce(m_sideJob);
    connect(m_sideJob, &QObject::destroyed, this, &GeneratedSamplesPanel::updateButtons);
    updateButtons();
}

void GeneratedSamplesPanel::updateButtons()
{
    const bool any = m_samples->rowCount() > 0;
    const bool idle = !m_sideJob && !m_job;
    m_export->setEnabled(any && idle);
    bool unchecked = false;
    for (int row = 0; row < m_samples->rowCount() && !unchecked; ++row)
        unchecked = !m_samples->sampleAt(row).correct().has_value();
    m_check->setEnabled(unchecked && idle);
}

void GeneratedSamplesPanel::makeAgain(const QVector<qint64> &sampleIds)
{
    ClassSampleJob job;
    job.source = ClassSampleJob::Source::Again;
    job.againIds = sampleIds;
    generate(job);
}

void GeneratedSamplesPanel::cancel()
{
    if (m_job)
        m_job->cancel();
}

void GeneratedSamplesPanel::appendArrived(const GeneratedSample &sample, quint64 generation)
{
    if (generation != m_generation)
        return;
    m_samples->prependSamples({sample});
    updateSummary();
}

// The job's samples come back with their verdicts: they replace the rows that arrived unchecked.
void GeneratedSamplesPanel::finish(const ClassSampleResult &result)
{
    m_cancel->hide();
    QVector<GeneratedSample> all = shownSamples();
    for (const GeneratedSample &checked : result.samples)
        for (GeneratedSample &sample : all)
            if (sample.id == checked.id)
                sample = checked;
    m_samples->setSamples(all, m_root);
    QStringList lines = result.notes;
    for (QString &line : lines)
        line[0] = line[0].toUpper();
    if (result.unchecked)
        lines << tr("The project has no classifier, so the new images have no verdict yet: Analysis \u25b8 Run "
                    "classifier… gives it one.");
    lines << result.errors;
    if (result.samples.isEmpty() && result.errors.isEmpty())
        lines << tr("The backend returned no images.");
    setNote(lines.join(QLatin1Char('\n')), !result.errors.isEmpty());
    updateSummary();
    Q_EMIT generatingChanged(false);
}

int GeneratedSamplesPanel::sampleCount() const
{
    return m_samples->rowCount();
}

QString GeneratedSamplesPanel::summaryText() const
{
    return m_summary->text();
}

QString GeneratedSamplesPanel::noteText() const
{
    return m_note->isHidden() ? QString() : m_note->text();
}

void GeneratedSamplesPanel::updateSummary()
{
    const QVector<GeneratedSample> all = shownSamples();
    QStringList parts;
    const QVector<GroupAccuracy> groups = generatedAccuracy(all);
    m_chart->setGroups(groups);
    for (const GroupAccuracy &group : groups)
        if (group.checked > 0)
            parts << tr("%1 %2/%3").arg(SampleListModel::groupTitle(group.group)).arg(group.correct).arg(group.checked);
    if (m_className.isEmpty())
        m_summary->clear();
    else if (all.isEmpty())
        m_summary->setText(tr("No generated samples of %1 yet: press Generate.").arg(m_className));
    else if (parts.isEmpty())
        m_summary->setText(tr("%n sample(s); none checked by a classifier yet.", nullptr, int(all.size())));
    else
        m_summary->setText(tr("%n sample(s). Classifier correct on: %1", nullptr, int(all.size()))
                               .arg(parts.join(QStringLiteral(" \u00b7 "))));
    updateButtons();
    Q_EMIT samplesChanged(int(all.size()));
}

void GeneratedSamplesPanel::setNote(const QString &text, bool error)
{
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
    m_note->setStyleSheet(error ? QStringLiteral("color: #b02a37;") : QString());
}

} // namespace faultline
