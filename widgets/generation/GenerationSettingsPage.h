#pragma once

#include "generation/GenerationBackendConfig.h"
#include "generation/SamplePlan.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace faultline {

class BackgroundJob;

// Settings ▸ Generation: which backend Generate uses (retrieval of real images, an
// AUTOMATIC1111-compatible text-to-image server, or an embedding decoder for the slider's CLIP
// vectors), how to reach it, and the images it asks for. "Test connection" checks the server in
// a BackgroundJob and says what it found, in place. store() writes AppSettings.
class GenerationSettingsPage : public QWidget
{
    Q_OBJECT
public:
    explicit GenerationSettingsPage(QWidget *parent = nullptr);

    GenerationBackendConfig config() const;
    SampleSettings sampleSettings() const;
    void store() const;
    void testConnection();

    QComboBox *backendCombo() const { return m_backend; }
    QLineEdit *urlEdit() const { return m_url; }
    QPushButton *testButton() const { return m_test; }
    QString testResultText() const;
    bool isTesting() const { return m_job != nullptr; }

private:
    void updateEnabled();
    void showResult(const QString &text, bool error);

    QComboBox *m_backend = nullptr;
    QLineEdit *m_url = nullptr;
    QLineEdit *m_token = nullptr;
    QSpinBox *m_timeout = nullptr;
    QSpinBox *m_retries = nullptr;
    QSpinBox *m_concurrency = nullptr;
    QSpinBox *m_count = nullptr;
    QSpinBox *m_width = nullptr;
    QSpinBox *m_height = nullptr;
    QSpinBox *m_steps = nullptr;
    QDoubleSpinBox *m_guidance = nullptr;
    QLineEdit *m_negative = nullptr;
    QPushButton *m_test = nullptr;
    QLabel *m_result = nullptr;
    QLabel *m_help = nullptr;
    QPointer<BackgroundJob> m_job;
};

} // namespace faultline
