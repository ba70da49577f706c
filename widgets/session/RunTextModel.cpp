#include "session/RunTextModel.h"

#include "support/AppSettings.h"
#include "session/JobLauncher.h"
#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "common/Error.h"
#include "embedding/TextEmbedder.h"
#include "interpret/RunCheckpoint.h"
#include "jobs/BackgroundJob.h"
#include "store/ProjectStore.h"

#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QMutexLocker>

namespace faultline {

struct RunTextModel::Loaded
{
    std::unique_ptr<ClipModel> model;
    QMutex mutex;                             // guards cache
    QHash<QString, std::vector<float>> cache; // text → raw text features
};

RunTextModel::RunTextModel(QObject *parent) : QObject(parent) {}

RunTextModel::~RunTextModel() = default;

void RunTextModel::setRun(const QString &projectPath, qint64 runId)
{
    if (projectPath == m_projectPath && runId == m_runId && m_state != State::NoRun)
        return;
    clear();
    m_projectPath = projectPath;
    m_runId = runId;
    startLoad(QString());
}

void RunTextModel::chooseCheckpoint(const QString &checkpointPath)
{
    if (m_runId == 0)
        return;
    startLoad(checkpointPath);
}

void RunTextModel::clear()
{
    ++m_generation;
    delete m_loadJob; // cancels; nothing is delivered
    m_loaded.reset();
    m_projectPath.clear();
    m_runId = 0;
    m_checkpoint.clear();
    setState(State::NoRun);
}

QString RunTextModel::statusText() const
{
    switch (m_state) {
    case State::NoRun:
        return tr("Select a class of an analysis run.");
    case State::Loading:
        return tr("Loading the CLIP text model %1…").arg(QFileInfo(m_checkpoint).fileName());
    case State::Ready:
        return QString();
    case State::NoCheckpoint:
        return tr("This run's embeddings were imported, so Faultline does not know which CLIP model made them. "
                  "Choose the checkpoint that embedded the images to rank captions and use the slider.");
    case State::Failed:
        return tr("The CLIP text model could not be loaded: %1").arg(m_error);
    }
    return QString();
}

QString RunTextModel::embeddingSpace() const
{
    return m_state == State::Ready && m_loaded ? clipArchitectureName(m_loaded->model->hyperParams()) : QString();
}

TextEncoder RunTextModel::encoder() const
{
    std::shared_ptr<Loaded> loaded = m_loaded;
    return [loaded](const QStringList &texts) {
        if (!loaded)
            throw Error(QStringLiteral("no CLIP text model is loaded"));
        const int dim = loaded->model->hyperParams().embedDim;
        QStringList missing;
        {
            QMutexLocker lock(&loaded->mutex);
            for (const QString &text : texts)
                if (!loaded->cache.contains(text) && !missing.contains(text))
                    missing << text;
        }
        if (!missing.isEmpty()) {
            const std::vector<float> embedded = embedTexts(*loaded->model, ClipTokenizer::builtin(), missing);
            QMutexLocker lock(&loaded->mutex);
            for (qsizetype i = 0; i < missing.size(); ++i)
                loaded->cache.insert(missing[i], std::vector<float>(embedded.begin() + i * dim,
                                                                    embedded.begin() + (i + 1) * dim));
        }
        std::vector<float> out;
        out.reserve(size_t(texts.size()) * size_t(dim));
        QMutexLocker lock(&loaded->mutex);
        for (const QString &text : texts) {
            const std::vector<float> &row = loaded->cache[text];
            out.insert(out.end(), row.begin(), row.end());
        }
        return out;
    };
}

void RunTextModel::announce(BackgroundJob *job)
{
    Q_EMIT jobStarted(job);
}

void RunTextModel::startLoad(const QString &chosenCheckpoint)
{
    const quint64 generation = ++m_generation;
    delete m_loadJob;
    m_loaded.reset();
    m_checkpoint = chosenCheckpoint;
    const QString projectPath = m_projectPath;
    const qint64 runId = m_runId;
    const ComputeDevice device = AppSettings::device();
    auto result = std::make_shared<Loaded>();
    auto checkpoint = std::make_shared<QString>(chosenCheckpoint);
    auto work = [=](JobControl &) {
        ProjectStore store(projectPath);
        if (checkpoint->isEmpty())
            *checkpoint = runCheckpointPath(store, runId);
        if (checkpoint->isEmpty())
            return; // an imported run: the user chooses
        const int runDim = runEmbeddingDim(store, runId);
        result->model = ClipModel::load(*checkpoint, device);
        const int textDim = result->model->hyperParams().embedDim;
        if (textDim != runDim)
            throw Error(QStringLiteral("%1 makes %2-dimensional embeddings, but the run's images have %3: choose "
                                       "the checkpoint that embedded them")
                            .arg(QFileInfo(*checkpoint).fileName()).arg(textDim).arg(runDim));
    };
    auto done = [=] {
        if (generation != m_generation)
            return;
        m_checkpoint = *checkpoint;
        if (!result->model)
            return setState(State::NoCheckpoint);
        m_loaded = result;
        setState(State::Ready);
    };
    auto failed = [=](const QString &message) {
        if (generation == m_generation)
            setState(State::Failed, message);
    };
    m_loadJob = launchJob(this, tr("Loading the CLIP text model"), work, done, failed);
    connect(m_loadJob, &BackgroundJob::cancelled, this, [=] { failed(tr("cancelled")); });
    setState(State::Loading);
    announce(m_loadJob);
}

void RunTextModel::setState(State state, const QString &error)
{
    m_state = state;
    m_error = error;
    Q_EMIT stateChanged();
}

} // namespace faultline
