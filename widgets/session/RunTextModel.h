#pragma once

#include "interpret/ClassCaptions.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

namespace faultline {

class BackgroundJob;

// The CLIP text tower of one analysis run, shared by the workbench's interpretation docks:
// captions and the difficulty slider must embed texts with the checkpoint that embedded the
// run's images. setRun() loads that checkpoint once, in a BackgroundJob on the device from
// AppSettings; encoder() then embeds texts from any job, caching every text it has embedded.
// A run whose embeddings were imported names no checkpoint: the state says so, and
// chooseCheckpoint() loads one the user picks (its embedding size must match the run's).
class RunTextModel : public QObject
{
    Q_OBJECT
public:
    enum class State {
        NoRun,        // nothing asked for yet
        Loading,      // the checkpoint loads in a job
        Ready,        // encoder() works
        NoCheckpoint, // the run's embeddings were imported: choose a checkpoint
        Failed,       // loading failed: errorString() says why
    };

    explicit RunTextModel(QObject *parent = nullptr);
    ~RunTextModel() override;

    // Loads the text model of run `runId` in `projectPath` (ProjectStore path); nothing happens
    // when it is the current run (already loaded, loading or known to have no checkpoint).
    void setRun(const QString &projectPath, qint64 runId);
    // Loads `checkpointPath` for the current run instead of the one that embedded it.
    void chooseCheckpoint(const QString &checkpointPath);
    void clear();

    State state() const { return m_state; }
    QString projectPath() const { return m_projectPath; }
    qint64 runId() const { return m_runId; }
    QString checkpoint() const { return m_checkpoint; } // the loaded (or loading) file
    QString errorString() const { return m_error; }
    // What the state means for the user and what to do next; empty when Ready.
    QString statusText() const;

    // Embeds texts with the loaded model (thread-safe, cached); call only when Ready. The encoder
    // keeps its model alive, so a job that outlives a change of run finishes on the old one.
    TextEncoder encoder() const;
    // The loaded model's CLIP space ("ViT-B/32"; clipArchitectureName), what embedding
    // decoders must decode; empty unless Ready.
    QString embeddingSpace() const;

    // Lists a long job in the Jobs dock (emits jobStarted).
    void announce(BackgroundJob *job);

Q_SIGNALS:
    void stateChanged();
    void jobStarted(faultline::BackgroundJob *job);

private:
    struct Loaded;
    void startLoad(const QString &chosenCheckpoint);
    void setState(State state, const QString &error = QString());

    State m_state = State::NoRun;
    QString m_projectPath;
    qint64 m_runId = 0;
    QString m_checkpoint;
    QString m_error;
    std::shared_ptr<Loaded> m_loaded;
    QPointer<BackgroundJob> m_loadJob;
    quint64 m_generation = 0;
};

} // namespace faultline
