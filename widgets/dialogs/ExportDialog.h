#pragma once

#include "export/HardSubsetExporter.h"
#include "export/RunScoredImages.h"

#include <QDialog>
#include <QPointer>
#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QStackedWidget;

namespace faultline {

class BackgroundJob;

// Exports a run's hard subset (core/export): per-class K or a decision-value threshold, a
// split, a destination and a mode, with a live preview of what will be exported. The run is
// read, the preview computed and the export run as BackgroundJobs; progress and Cancel stay
// in the dialog, which ends on a summary page (or shows the error in place).
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Page { Options, Running, Summary };

    // selectedClass non-empty offers "Only this class".
    ExportDialog(const QString &datasetRoot, const QString &storePath, qint64 runId,
                 const QString &selectedClass = QString(), QWidget *parent = nullptr);
    ~ExportDialog() override;

    // For the workbench and tests: what the dialog shows and holds.
    Page page() const;
    bool runLoaded() const { return m_loaded != nullptr; }
    QString previewText() const;
    QString errorText() const;
    QString summaryText() const;
    QStringList problemLines() const;
    QComboBox *splitCombo() const { return m_split; }
    QSpinBox *perClassSpin() const { return m_perClass; }
    QDoubleSpinBox *thresholdSpin() const { return m_threshold; }
    QRadioButton *thresholdRadio() const { return m_byThreshold; }
    QCheckBox *onlyClassCheck() const { return m_onlyClass; }
    QComboBox *tagCombo() const { return m_tag; }
    QLineEdit *destinationEdit() const { return m_destination; }
    QComboBox *modeCombo() const { return m_mode; }
    QPushButton *exportButton() const { return m_export; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *openFolderButton() const { return m_openFolder; }
    const ExportSummary *summary() const { return m_summary.get(); }

    // Starts the export with the current options (the Export button).
    void startExport();
    // Esc / Cancel: cancels a running export (the dialog stays to show what happened), else closes.
    void reject() override;

Q_SIGNALS:
    // The export job, when it starts, for the Jobs dock.
    void jobStarted(faultline::BackgroundJob *job);

private:
    struct Options
    {
        Split split = Split::Pool;
        HardSubsetCriteria criteria;
        QString onlyClass;
        QString tag; // "hard" | "ok": only the images the user tagged so; empty: any
    };

    QWidget *buildOptionsPage(const QString &selectedClass);
    QWidget *buildRunningPage();
    QWidget *buildSummaryPage();
    void loadRun();
    void onRunLoaded();
    Options options() const;
    void updatePreview();
    void updateModeExplanation();
    void browseDestination();
    void showError(const QString &message);
    void showSummary();
    void showPage(Page page);

    QString m_root;
    QString m_storePath;
    qint64 m_runId = 0;
    QString m_selectedClass;

    std::shared_ptr<const QMap<Split, QVector<ScoredImage>>> m_loaded;
    std::shared_ptr<const QHash<qint64, QString>> m_tags; // image id → the user's tag
    QPointer<BackgroundJob> m_exportJob;
    std::unique_ptr<ExportSummary> m_summary;
    QString m_exportedTo;
    int m_previewGeneration = 0;

    QStackedWidget *m_pages = nullptr;
    QRadioButton *m_byCount = nullptr;
    QRadioButton *m_byThreshold = nullptr;
    QSpinBox *m_perClass = nullptr;
    QDoubleSpinBox *m_threshold = nullptr;
    QCheckBox *m_onlyClass = nullptr;
    QComboBox *m_tag = nullptr;
    QComboBox *m_split = nullptr;
    QLineEdit *m_destination = nullptr;
    QComboBox *m_mode = nullptr;
    QLabel *m_modeExplanation = nullptr;
    QLabel *m_preview = nullptr;
    QLabel *m_error = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressText = nullptr;
    QLabel *m_summaryText = nullptr;
    QListWidget *m_problems = nullptr;
    QPushButton *m_export = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_openFolder = nullptr;
};

} // namespace faultline
