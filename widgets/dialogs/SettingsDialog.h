#pragma once

#include <QDialog>
#include <QHash>
#include <QPointer>
#include <functional>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTreeWidget;

namespace faultline {

class BackgroundJob;
class GenerationSettingsPage;
class JobControl;

// The workbench's preferences (AppSettings): the CLIP model new datasets are embedded with
// (the model catalogue with what is installed, downloads and imports as BackgroundJobs with
// progress, Cancel and errors in place, or any checkpoint file), the compute device, the
// engine's thread count and the interface language. OK stores them; Cancel changes nothing
// (a finished download or import stays installed). A download or import still running when the
// dialog closes goes on; jobStarted() lets the Jobs dock show it and offer Cancel.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    void accept() override;
    void done(int result) override;

    // The model the dialog would store: a catalogue name or a file path.
    QString selectedModel() const;
    // Selects a catalogue model by name or adds and selects a checkpoint file (Choose file…).
    void selectModel(const QString &nameOrPath);
    // Installs a downloaded file as the selected catalogue model (Import file…).
    void importModelFile(const QString &path);
    // Downloads the selected catalogue model (Download).
    void downloadSelectedModel();

    // For tests and the workbench: what the dialog shows.
    QTreeWidget *modelList() const { return m_models; }
    QString modelStatusText(const QString &name) const;
    QString transferText() const;
    bool isTransferring() const { return m_job != nullptr; }
    QPushButton *downloadButton() const { return m_download; }
    QPushButton *importButton() const { return m_import; }
    QPushButton *cancelTransferButton() const { return m_cancelTransfer; }
    QComboBox *deviceCombo() const { return m_device; }
    QSpinBox *threadSpin() const { return m_threads; }
    QComboBox *languageCombo() const { return m_language; }
    QComboBox *appearanceCombo() const { return m_appearance; }
    QString deviceHelpText() const;
    GenerationSettingsPage *generationPage() const { return m_generation; }

Q_SIGNALS:
    // A download or import, when it starts, for the Jobs dock.
    void jobStarted(faultline::BackgroundJob *job);

protected:
    void showEvent(QShowEvent *event) override;

private:
    QWidget *buildModelGroup();
    QWidget *buildEngineGroup();
    QWidget *buildLanguageGroup();
    void refreshModels();
    void updateModelButtons();
    void chooseModelFile();
    void askForImportFile();
    void runTransfer(const QString &title, const std::function<void(JobControl &)> &work,
                     const QString &doneText);
    void finishTransfer(const QString &text, bool error);
    void checkCuda();
    void askModelSizes(const QStringList &names);

    QTreeWidget *m_models = nullptr;
    QPushButton *m_download = nullptr;
    QPushButton *m_import = nullptr;
    QPushButton *m_chooseFile = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancelTransfer = nullptr;
    QLabel *m_transfer = nullptr;
    QComboBox *m_device = nullptr;
    QLabel *m_deviceHelp = nullptr;
    QSpinBox *m_threads = nullptr;
    QComboBox *m_language = nullptr;
    QComboBox *m_appearance = nullptr;
    GenerationSettingsPage *m_generation = nullptr;
    QPointer<BackgroundJob> m_job;
    // Catalogue models without a recorded size: what their servers report (HEAD), or why not.
    QPointer<BackgroundJob> m_sizeJob;
    QHash<QString, qint64> m_remoteSizes;
    QHash<QString, QString> m_sizeErrors;
    bool m_sizesAsked = false;
};

} // namespace faultline
