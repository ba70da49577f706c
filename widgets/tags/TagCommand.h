#pragma once

#include <QHash>
#include <QString>
#include <QUndoCommand>
#include <QVector>

namespace faultline {

class ProjectSession;

// Tagging images ("hard", "ok" or "" to clear) as an undoable step: redo stores the new tag of
// every image, undo puts back what each had. By image id, so it still applies after the user
// moved on to another class.
class TagCommand : public QUndoCommand
{
public:
    // `before`: each image's tag before the command ("" = none).
    TagCommand(ProjectSession *session, QHash<qint64, QString> before, QString tag);

    void redo() override;
    void undo() override;

private:
    ProjectSession *m_session;
    QHash<qint64, QString> m_before;
    QString m_tag;
};

} // namespace faultline
