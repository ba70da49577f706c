#pragma once

#include "generation/ClassSampleJob.h"

#include <QPointer>
#include <functional>
#include <QWidget>

class QLabel;
class QPushButton;

namespace faultline {

class BackgroundJob;
class GroupAccuracyChart;
class JobControl;
class RunTextModel;
class SampleListModel;
class ThumbnailCache;
class TileStripView;

// A class's generated samples with the classifier's verdict on each, and the Generate jobs
// that make more (ClassSampleJob: a server from Settings ▸ Generation, else retrieval). New
// samples appear as they are stored; notes (fallbacks taken), failed requests and the
// per-group accuracy (paper Fig. 8b) show above the tiles. Used by the slider and captions docks.
class GeneratedSamplesPanel : public QWidget
{
    Q_OBJECT
public:
    GeneratedSamplesPanel(RunTextModel *textModel, ThumbnailCache *cache, QWidget *parent = nullptr);
    ~GeneratedSamplesPanel() override;

    // Loads the class's stored samples (in a job).
    void showClass(const QString &datasetRoot, const QString &projectPath, qint64 runId, const QString &className);
    void clearClass();

    // Runs `job` for the shown class with the backend and image settings from AppSettings (the
    // caller sets source, alphas or prompts). Without the run's text model (Ready) the note says
    // why nothing runs.
    void generate(ClassSampleJob job);
    // Makes these stored samples again from their seeds (with the backend now set); the note says
    // whether each image came out identical.
    void makeAgain(const QVector<qint64> &sampleIds);
    void cancel();
    bool isGenerating() const;
    // Runs the project's classifier on the class's samples that have no verdict yet.
    void checkUnchecked();
    // Copies the class's samples to `destination`/<group>/<class>/ with generated.csv (provenance).
    void exportTo(const QString &destination);
    QPushButton *checkButton() const { return m_check; }
    QPushButton *exportButton() const { return m_export; }
    GroupAccuracyChart *chart() const { return m_chart; }

    SampleListModel *samples() const { return m_samples; }
    QString summaryText() const; // accuracy per group, or why there is none
    QString noteText() const;    // fallbacks and failures of the last Generate
    int sampleCount() const;

Q_SIGNALS:
    void imageActivated(const QString &absolutePath);
    void samplesChanged(int count);
    void generatingChanged(bool generating);

private:
    void appendArrived(const GeneratedSample &sample, quint64 generation);
    void finish(const ClassSampleResult &result);
    void updateSummary();
    void setNote(const QString &text, bool error);
    QVector<GeneratedSample> shownSamples() const; // oldest first
    void startSideJob(const QString &title, std::function<void(JobControl &)> work, std::function<void()> done);
    void updateButtons();

    RunTextModel *m_textModel;
    QString m_root, m_projectPath, m_className;
    qint64 m_runId = 0;
    quint64 m_generation = 0; // class changes: results of older jobs are dropped
    QPointer<BackgroundJob> m_loadJob;
    QPointer<BackgroundJob> m_job;

    QLabel *m_summary = nullptr;
    QLabel *m_note = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_check = nullptr;
    QPushButton *m_export = nullptr;
    QPointer<BackgroundJob> m_sideJob; // a check or an export
    SampleListModel *m_samples = nullptr;
    TileStripView *m_view = nullptr;
    GroupAccuracyChart *m_chart = nullptr;
};

} // namespace faultline
