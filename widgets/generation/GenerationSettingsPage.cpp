#include "generation/GenerationSettingsPage.h"

#include "support/AppSettings.h"
#include "jobs/BackgroundJob.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <memory>

namespace faultline {

GenerationSettingsPage::GenerationSettingsPage(QWidget *parent) : QWidget(parent)
{
    const GenerationBackendConfig config = AppSettings::generationBackend();
    const SampleSettings samples = AppSettings::sampleSettings();

    m_backend = new QComboBox;
    m_backend->addItem(tr("Retrieval: the nearest real images (no server)"), GenerationBackendConfig::kRetrieval);
    m_backend->addItem(tr("AUTOMATIC1111-compatible text-to-image server"), GenerationBackendConfig::kAutomatic1111);
    m_backend->addItem(tr("Embedding decoder for CLIP vectors (unCLIP)"), GenerationBackendConfig::kEmbeddingDecoder);
    m_backend->setCurrentIndex(std::max(0, m_backend->findData(config.kind)));
    m_url = new QLineEdit(config.url);
    m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:7860"));
    m_token = new QLineEdit(config.token);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("none"));
    m_timeout = new QSpinBox;
    m_timeout->setRange(1, 3600);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setValue(std::max(1, config.limits.timeoutMs / 1000));
    m_retries = new QSpinBox;
    m_retries->setRange(0, 10);
    m_retries->setValue(config.limits.retries);
    m_concurrency = new QSpinBox;
    m_concurrency->setRange(1, 6);
    m_concurrency->setValue(config.limits.maxConcurrent);
    m_test = new QPushButton(tr("Test connection"));
    m_result = new QLabel;
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_help = new QLabel;
    m_help->setWordWrap(true);

    auto *server = new QGroupBox(tr("Backend"));
    auto *serverForm = new QFormLayout(server);
    serverForm->addRow(tr("&Backend:"), m_backend);
    serverForm->addRow(m_help);
    serverForm->addRow(tr("Server &URL:"), m_url);
    serverForm->addRow(tr("&Token:"), m_token);
    serverForm->addRow(tr("Time&out per request:"), m_timeout);
    serverForm->addRow(tr("&Retries:"), m_retries);
    serverForm->addRow(tr("Requests at &once:"), m_concurrency);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_result, 1);
    serverForm->addRow(testRow);

    m_count = new QSpinBox;
    m_count->setRange(1, 16);
    m_count->setValue(samples.imagesPerRequest);
    m_width = new QSpinBox;
    m_width->setRange(64, 2048);
    m_width->setSingleStep(64);
    m_width->setValue(samples.width);
    m_height = new QSpinBox;
    m_height->setRange(64, 2048);
    m_height->setSingleStep(64);
    m_height->setValue(samples.height);
    m_steps = new QSpinBox;
    m_steps->setRange(1, 200);
    m_steps->setValue(samples.steps);
    m_guidance = new QDoubleSpinBox;
    m_guidance->setRange(0, 50);
    m_guidance->setSingleStep(0.5);
    m_guidance->setValue(samples.guidanceScale);
    m_negative = new QLineEdit(samples.negativePrompt);
    auto *images = new QGroupBox(tr("Images"));
    auto *imagesForm = new QFormLayout(images);
    imagesForm->addRow(tr("Images per &prompt:"), m_count);
    auto *size = new QHBoxLayout;
    size->addWidget(m_width);
    size->addWidget(new QLabel(QStringLiteral("\u00d7")));
    size->addWidget(m_height);
    size->addStretch(1);
    auto *sizeLabel = new QLabel(tr("&Size:"));
    sizeLabel->setBuddy(m_width); // a row of two spin boxes has no buddy of its own
    imagesForm->addRow(sizeLabel, size);
    imagesForm->addRow(tr("&Steps:"), m_steps);
    imagesForm->addRow(tr("&Guidance scale:"), m_guidance);
    imagesForm->addRow(tr("&Negative prompt:"), m_negative);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(server);
    layout->addWidget(images);
    layout->addStretch(1);

    connect(m_backend, &QComboBox::currentIndexChanged, this, &GenerationSettingsPage::updateEnabled);
    connect(m_test, &QPushButton::clicked, this, &GenerationSettingsPage::testConnection);
    updateEnabled();
}

GenerationBackendConfig GenerationSettingsPage::config() const
{
    GenerationBackendConfig config = AppSettings::generationBackend();
    config.kind = m_backend->currentData().toString();
    config.url = m_url->text().trimmed();
    config.token = m_token->text();
    config.limits.timeoutMs = m_timeout->value() * 1000;
    config.limits.retries = m_retries->value();
    config.limits.maxConcurrent = m_concurrency->value();
    return config;
}

SampleSettings GenerationSettingsPage::sampleSettings() const
{
    SampleSettings samples;
    samples.imagesPerRequest = m_count->value();
    samples.width = m_width->value();
    samples.height = m_height->value();
    samples.steps = m_steps->value();
    samples.guidanceScale = m_guidance->value();
    samples.negativePrompt = m_negative->text();
    return samples;
}

void GenerationSettingsPage::store() const
{
    AppSettings::setGenerationBackend(config());
    AppSettings::setSampleSettings(sampleSettings());
}

QString GenerationSettingsPage::testResultText() const
{
    return m_result->text();
}

void GenerationSettingsPage::updateEnabled()
{
    const QString kind = m_backend->currentData().toString();
    const bool server = kind != GenerationBackendConfig::kRetrieval;
    for (QWidget *widget : {static_cast<QWidget *>(m_url), static_cast<QWidget *>(m_token),
                            static_cast<QWidget *>(m_timeout), static_cast<QWidget *>(m_retries),
                            static_cast<QWidget *>(m_concurrency), static_cast<QWidget *>(m_test)})
        widget->setEnabled(server && !isTesting());
    if (kind == GenerationBackendConfig::kAutomatic1111)
        m_help->setText(tr("Prompts are the hard, easy and reference captions; the slider's position is sent as the "
                           "caption nearest to it. Start the web UI with --api."));
    else if (kind == GenerationBackendConfig::kEmbeddingDecoder)
        m_help->setText(tr("Decodes the slider's CLIP vector itself (paper Sec. 2.2). The server must decode the "
                           "CLIP model the run was embedded with; see packaging/generation-server."));
    else
        m_help->setText(tr("Generate shows the class's real images nearest to each prompt or slider position. "
                           "Choose a server to make new images."));
    m_result->clear();
}

void GenerationSettingsPage::testConnection()
{
    if (isTesting())
        return;
    const GenerationBackendConfig settings = config();
    auto reached = std::make_shared<QString>();
    m_job = new BackgroundJob(tr("Test generation server"), [settings, reached](JobControl &control) {
        auto backend = createHttpGenerationBackend(settings);
        backend->checkReachable(&control);
        *reached = backend->name();
    }, this);
    connect(m_job, &BackgroundJob::succeeded, this, [this, settings, reached] {
        showResult(tr("Reachable: %1 at %2").arg(*reached, settings.url), false);
    });
    connect(m_job, &BackgroundJob::failed, this, [this](const QString &message) { showResult(message, true); });
    connect(m_job, &BackgroundJob::cancelled, this, [this] { showResult(tr("Cancelled"), true); });
    connect(m_job, &BackgroundJob::succeeded, m_job, &QObject::deleteLater);
    connect(m_job, &BackgroundJob::failed, m_job, &QObject::deleteLater);
    connect(m_job, &BackgroundJob::cancelled, m_job, &QObject::deleteLater);
    m_test->setEnabled(false);
    m_result->setText(tr("Connecting…"));
    m_job->start();
}

void GenerationSettingsPage::showResult(const QString &text, bool error)
{
    m_job = nullptr;
    updateEnabled();
    m_result->setText(text);
    m_result->setStyleSheet(error ? QStringLiteral("color: #c0392b") : QString());
}

} // namespace faultline
