// The settings dialog: the model list shows the catalogue and what is installed, a download from
// a tiny HTTP server on 127.0.0.1, an import from a file, an unreachable host and a wrong file
// (errors in place), a chosen checkpoint file, and every setting round-tripping through QSettings
// (test mode: the user's own settings are never touched).

#include "support/AppSettings.h"
#include "FakeGenerationServer.h"
#include "generation/GenerationSettingsPage.h"
#include "dialogs/SettingsDialog.h"
#include "TestImages.h"
#include "DockScreenshot.h"
#include "jobs/BackgroundJob.h"

#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyle>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace faultline;

namespace {

// Answers every request with `body` (HTTP/1.1 200), on the test's own thread.
class OneFileServer : public QTcpServer
{
public:
    explicit OneFileServer(QByteArray body) : m_body(std::move(body))
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_request += socket->readAll();
                    if (!m_request.contains("\r\n\r\n"))
                        return;
                    const bool headOnly = m_request.startsWith("HEAD "); // headers only, as HTTP says
                    m_request.clear();
                    socket->write("HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(m_body.size())
                                  + "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
                                  + (headOnly ? QByteArray() : m_body));
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

private:
    QByteArray m_body;
    QByteArray m_request;
};

QByteArray modelBytes(int seed)
{
    QByteArray bytes(300 * 1024, '\0');
    for (int i = 0; i < bytes.size(); ++i)
        bytes[i] = char((i * 31 + seed * 7 + i / 997) & 0xFF);
    return bytes;
}

QString sha256(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// size: the catalogue's recorded size (−1: the file's; 0: not recorded).
QString entryJson(const QString &name, const QString &file, const QString &url, const QByteArray &bytes,
                  qint64 size = -1)
{
    return QStringLiteral(R"({"name": "%1", "file": "%2", "url": "%3", "sha256": "%4", "size": %5,
                              "kind": "clip-checkpoint", "description": "test model"})")
        .arg(name, file, url, sha256(bytes))
        .arg(size < 0 ? bytes.size() : size);
}

} // namespace

class TestSettingsDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_modelDir;
    std::unique_ptr<OneFileServer> m_server;
    const QByteArray m_served = modelBytes(1);
    const QByteArray m_imported = modelBytes(2);

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FaultlineTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_settings_dialog"));
        QSettings().clear();
        QVERIFY(m_tmp.isValid());

        m_server = std::make_unique<OneFileServer>(m_served);
        QVERIFY(m_server->isListening());
        QTcpServer closed; // a port nothing listens on: "offline"
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 closedPort = closed.serverPort();
        closed.close();

        m_modelDir = QDir(m_tmp.path()).filePath(QStringLiteral("models"));
        qputenv("FAULTLINE_MODEL_DIR", m_modelDir.toUtf8());
        qunsetenv("FAULTLINE_MODEL_MIRROR");
        qunsetenv("FAULTLINE_MODEL_CATALOG");
        const QString served = QStringLiteral("http://127.0.0.1:%1/served.safetensors").arg(m_server->serverPort());
        const QString offline = QStringLiteral("http://127.0.0.1:%1/offline.safetensors").arg(closedPort);
        QVERIFY(testing::writeText(QDir(m_modelDir).filePath(QStringLiteral("catalog.json")),
                                   QStringLiteral(R"({"models": [%1, %2, %3, %4, %5]})")
                                       .arg(entryJson(QStringLiteral("Served"), QStringLiteral("served.safetensors"), served, m_served),
                                            entryJson(QStringLiteral("Imported"), QStringLiteral("imported.safetensors"), offline, m_imported),
                                            entryJson(QStringLiteral("Offline"), QStringLiteral("offline.safetensors"), offline, m_served),
                                            entryJson(QStringLiteral("Served later"), QStringLiteral("served-later.safetensors"),
                                                      served, m_served),
                                            entryJson(QStringLiteral("Unsized"), QStringLiteral("unsized.safetensors"),
                                                      served, m_served, 0))));
    }

    void listsTheCatalogue()
    {
        SettingsDialog dialog;
        QStringList names;
        for (int i = 0; i < dialog.modelList()->topLevelItemCount(); ++i)
            names << dialog.modelList()->topLevelItem(i)->text(0);
        for (const char *name : {"ViT-B/32", "ViT-B/16", "ViT-L/14", "Served", "Imported", "Offline"})
            QVERIFY2(names.contains(QLatin1String(name)), name);
        QVERIFY(!names.contains(QStringLiteral("bpe_simple_vocab_16e6"))); // not a model to embed with
        QCOMPARE(dialog.selectedModel(), QStringLiteral("ViT-B/32"));      // the default
        QCOMPARE(dialog.modelStatusText(QStringLiteral("Served")), QStringLiteral("not installed"));
        QCOMPARE(dialog.modelStatusText(QStringLiteral("ViT-B/32")), QStringLiteral("not installed"));
        QVERIFY(dialog.downloadButton()->isEnabled());
        QVERIFY(dialog.importButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.deviceHelpText().contains(QStringLiteral("Checking")), 20000);
        QVERIFY(dialog.deviceHelpText().startsWith(QStringLiteral("auto uses CUDA when this build's libtorch")));
    }

    void sizesTheCatalogueLacksComeFromTheServer()
    {
        // Not asked while the dialog is not shown; once shown, a HEAD request per model without a
        // recorded size (in a job): the served file's size; an unreachable host says why.
        SettingsDialog dialog;
        const auto sizeOf = [&](const QString &name) {
            for (int i = 0; i < dialog.modelList()->topLevelItemCount(); ++i)
                if (dialog.modelList()->topLevelItem(i)->text(0) == name)
                    return dialog.modelList()->topLevelItem(i);
            return static_cast<QTreeWidgetItem *>(nullptr);
        };
        QCOMPARE(sizeOf(QStringLiteral("Unsized"))->text(1), QStringLiteral("unknown"));
        dialog.show();
        QTRY_COMPARE_WITH_TIMEOUT(sizeOf(QStringLiteral("Unsized"))->text(1), QLocale().formattedDataSize(m_served.size()),
                                  20000);
        QCOMPARE(sizeOf(QStringLiteral("Unsized"))->toolTip(1), QStringLiteral("As the download server reports it"));
        QCOMPARE(sizeOf(QStringLiteral("Served"))->text(1), QLocale().formattedDataSize(m_served.size())); // recorded
        QVERIFY(!QFileInfo::exists(QDir(m_modelDir).filePath(QStringLiteral("unsized.safetensors"))));
        // Issue 15.7: the size column shows every size in full, on a laptop screen too.
        for (const QSize size : {QSize(1024, 700), QSize(1920, 1080)}) {
            dialog.resize(dialog.sizeHint().expandedTo(QSize(640, 480)).boundedTo(size));
            QVERIFY(dialog.width() <= size.width() && dialog.height() <= size.height());
            QApplication::processEvents();
            QTreeWidget *list = dialog.modelList();
            for (int i = 0; i < list->topLevelItemCount(); ++i)
                QVERIFY2(list->columnWidth(1) >= list->fontMetrics().horizontalAdvance(list->topLevelItem(i)->text(1)),
                         qPrintable(list->topLevelItem(i)->text(1)));
            QVERIFY(testing::saveScreenshot(&dialog, nullptr,
                                            QStringLiteral("settings-models-%1x%2.png").arg(size.width()).arg(size.height())));
        }
        dialog.close();
    }

    void downloadsFromALocalServer()
    {
        SettingsDialog dialog;
        QSignalSpy started(&dialog, &SettingsDialog::jobStarted);
        dialog.selectModel(QStringLiteral("Served"));
        QCOMPARE(dialog.selectedModel(), QStringLiteral("Served"));
        QTest::mouseClick(dialog.downloadButton(), Qt::LeftButton);
        QCOMPARE(started.count(), 1);
        QVERIFY(dialog.isTransferring());
        QVERIFY(!dialog.downloadButton()->isEnabled()); // one transfer at a time
        QVERIFY(dialog.cancelTransferButton()->isVisibleTo(&dialog));
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTransferring(), 20000);
        QCOMPARE(dialog.transferText(), QStringLiteral("Downloaded Served."));
        QCOMPARE(dialog.modelStatusText(QStringLiteral("Served")), QStringLiteral("installed"));
        QVERIFY(!dialog.downloadButton()->isEnabled()); // installed: nothing to download
        QFile file(QDir(m_modelDir).filePath(QStringLiteral("served.safetensors")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), m_served);
    }

    void aDownloadOutlivesTheDialog()
    {
        QWidget window;
        auto *dialog = new SettingsDialog(&window);
        QSignalSpy started(dialog, &SettingsDialog::jobStarted);
        dialog->selectModel(QStringLiteral("Served later"));
        dialog->downloadSelectedModel();
        QCOMPARE(started.count(), 1);
        QPointer<BackgroundJob> job = started.at(0).at(0).value<BackgroundJob *>();
        dialog->reject();
        delete dialog;
        const QString installed = QDir(m_modelDir).filePath(QStringLiteral("served-later.safetensors"));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(installed).size() == m_served.size(), 20000);
        QTRY_VERIFY(job.isNull()); // and then it is gone
    }

    void anUnreachableHostIsAnErrorInPlace()
    {
        SettingsDialog dialog;
        dialog.selectModel(QStringLiteral("Offline"));
        dialog.downloadSelectedModel();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTransferring(), 20000);
        QVERIFY2(dialog.transferText().contains(QStringLiteral("127.0.0.1")), qPrintable(dialog.transferText()));
        QVERIFY(!dialog.transferText().startsWith(QStringLiteral("Downloaded")));
        QCOMPARE(dialog.modelStatusText(QStringLiteral("Offline")), QStringLiteral("not installed"));
        QVERIFY(dialog.downloadButton()->isEnabled()); // try again
    }

    void importsAFileAndRejectsAWrongOne()
    {
        SettingsDialog dialog;
        dialog.selectModel(QStringLiteral("Imported"));
        const QString wrong = QDir(m_tmp.path()).filePath(QStringLiteral("wrong.safetensors"));
        QVERIFY(testing::writeBytes(wrong, m_served));
        dialog.importModelFile(wrong);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTransferring(), 20000);
        QVERIFY2(dialog.transferText().contains(QStringLiteral("SHA-256"), Qt::CaseInsensitive)
                     || dialog.transferText().contains(QStringLiteral("sha256"), Qt::CaseInsensitive),
                 qPrintable(dialog.transferText()));
        QCOMPARE(dialog.modelStatusText(QStringLiteral("Imported")), QStringLiteral("not installed"));

        const QString right = QDir(m_tmp.path()).filePath(QStringLiteral("downloaded-elsewhere.bin"));
        QVERIFY(testing::writeBytes(right, m_imported));
        dialog.importModelFile(right);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTransferring(), 20000);
        QVERIFY2(dialog.transferText().startsWith(QStringLiteral("Imported Imported from")), qPrintable(dialog.transferText()));
        QCOMPARE(dialog.modelStatusText(QStringLiteral("Imported")), QStringLiteral("installed"));
        QCOMPARE(dialog.selectedModel(), QStringLiteral("Imported")); // the list was refreshed, the choice kept
    }

    void settingsRoundTrip()
    {
        const QString checkpoint = QDir(m_tmp.path()).filePath(QStringLiteral("my-clip.pt"));
        QVERIFY(testing::writeBytes(checkpoint, QByteArray(1000, 'x')));
        {
            SettingsDialog dialog;
            QCOMPARE(dialog.deviceCombo()->currentText(), QStringLiteral("auto"));
            QCOMPARE(dialog.threadSpin()->value(), 0);
            QVERIFY(dialog.threadSpin()->text().startsWith(QStringLiteral("One per core")));
            QCOMPARE(dialog.languageCombo()->currentText(), QStringLiteral("System"));
            QStringList languages;
            for (int i = 0; i < dialog.languageCombo()->count(); ++i)
                languages << dialog.languageCombo()->itemText(i);
            QCOMPARE(languages, (QStringList{QStringLiteral("System"), QStringLiteral("English"), QStringLiteral("Deutsch")}));

            dialog.selectModel(checkpoint); // Choose file…
            QCOMPARE(dialog.selectedModel(), checkpoint);
            QCOMPARE(dialog.modelStatusText(checkpoint), QStringLiteral("file"));
            QVERIFY(!dialog.downloadButton()->isEnabled());
            QVERIFY(!dialog.importButton()->isEnabled());
            dialog.deviceCombo()->setCurrentText(QStringLiteral("cpu"));
            dialog.threadSpin()->setValue(3);
            dialog.languageCombo()->setCurrentText(QStringLiteral("Deutsch"));
            dialog.accept();
        }
        QCOMPARE(AppSettings::clipModel(), checkpoint);
        QCOMPARE(AppSettings::device(), ComputeDevice::Cpu);
        QCOMPARE(AppSettings::threadCount(), 3);
        QCOMPARE(AppSettings::language(), QStringLiteral("de"));
        QCOMPARE(QSettings().value(QStringLiteral("engine/device")).toString(), QStringLiteral("cpu"));

        // Reopened, the dialog shows what was stored; Cancel (Esc) changes nothing.
        SettingsDialog dialog;
        QCOMPARE(dialog.selectedModel(), checkpoint);
        QCOMPARE(dialog.deviceCombo()->currentText(), QStringLiteral("cpu"));
        QCOMPARE(dialog.threadSpin()->value(), 3);
        QCOMPARE(dialog.languageCombo()->currentText(), QStringLiteral("Deutsch"));
        dialog.deviceCombo()->setCurrentText(QStringLiteral("cuda"));
        dialog.threadSpin()->setValue(0);
        dialog.show();
        QTest::keyClick(&dialog, Qt::Key_Escape);
        QVERIFY(!dialog.isVisible());
        QCOMPARE(AppSettings::device(), ComputeDevice::Cpu);
        QCOMPARE(AppSettings::threadCount(), 3);

        // A stored file that has gone is shown as missing, not dropped.
        QVERIFY(QFile::remove(checkpoint));
        SettingsDialog again;
        QCOMPARE(again.selectedModel(), checkpoint);
        QCOMPARE(again.modelStatusText(checkpoint), QStringLiteral("missing"));
        AppSettings::setThreadCount(0);
    }

    void appearanceAppliesAtOnceAndIsStored()
    {
        const QColor systemWindow = QApplication::palette().color(QPalette::Window);
        {
            SettingsDialog dialog;
            QCOMPARE(dialog.appearanceCombo()->currentText(), QStringLiteral("Follow the system"));
            dialog.appearanceCombo()->setCurrentText(QStringLiteral("Dark"));
            dialog.accept();
        }
        QCOMPARE(AppSettings::appearance(), Appearance::Dark);
        QCOMPARE(QSettings().value(QStringLiteral("ui/appearance")).toString(), QStringLiteral("dark"));
        QVERIFY(paletteIsDark());
        QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
        // text stays readable on it
        const QPalette dark = QApplication::palette();
        QVERIFY(dark.color(QPalette::Text).lightness() - dark.color(QPalette::Base).lightness() > 150);
        {
            SettingsDialog dialog;
            QCOMPARE(dialog.appearanceCombo()->currentText(), QStringLiteral("Dark"));
            dialog.appearanceCombo()->setCurrentText(QStringLiteral("Light"));
            dialog.accept();
        }
        QVERIFY(!paletteIsDark());
        {
            SettingsDialog dialog;
            dialog.appearanceCombo()->setCurrentText(QStringLiteral("Follow the system"));
            dialog.accept();
        }
        QCOMPARE(QApplication::palette().color(QPalette::Window), systemWindow);
        QCOMPARE(appearanceFromName(QStringLiteral("nonsense")), Appearance::System);
    }

    void generationBackendIsTestedAndStored()
    {
        testing::FakeGenerationServer server;
        {
            SettingsDialog dialog;
            GenerationSettingsPage *page = dialog.generationPage();
            QCOMPARE(page->backendCombo()->currentData().toString(), GenerationBackendConfig::kRetrieval);
            QVERIFY(!page->urlEdit()->isEnabled()); // retrieval needs no server
            page->backendCombo()->setCurrentIndex(page->backendCombo()->findData(GenerationBackendConfig::kAutomatic1111));
            QVERIFY(page->urlEdit()->isEnabled());

            // Test connection: an unreachable server is an error in place, a running one is reachable.
            quint16 closedPort = 0;
            {
                testing::FakeGenerationServer gone;
                closedPort = gone.port();
            }
            page->urlEdit()->setText(QStringLiteral("http://127.0.0.1:%1").arg(closedPort));
            page->testConnection();
            QTRY_VERIFY_WITH_TIMEOUT(!page->isTesting(), 40000);
            QVERIFY2(page->testResultText().contains(QString::number(closedPort)), qPrintable(page->testResultText()));
            page->urlEdit()->setText(server.url());
            page->testConnection();
            QVERIFY(!page->testButton()->isEnabled()); // one test at a time
            QTRY_VERIFY_WITH_TIMEOUT(!page->isTesting(), 40000);
            QVERIFY2(page->testResultText().startsWith(QStringLiteral("Reachable: automatic1111")), qPrintable(page->testResultText()));
            QCOMPARE(server.requests("/sdapi/v1/options").size(), qsizetype(1));
            dialog.accept();
        }
        const GenerationBackendConfig stored = AppSettings::generationBackend();
        QCOMPARE(stored.kind, GenerationBackendConfig::kAutomatic1111);
        QCOMPARE(stored.url, server.url());
        SettingsDialog reopened;
        QCOMPARE(reopened.generationPage()->urlEdit()->text(), server.url());
        AppSettings::setGenerationBackend(GenerationBackendConfig{GenerationBackendConfig::kRetrieval, {}, {}, {}, {}});
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "test_settings_dialog.moc"
