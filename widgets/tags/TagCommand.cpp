#include "tags/TagCommand.h"

#include "session/ProjectSession.h"

#include <QMap>

namespace faultline {

TagCommand::TagCommand(ProjectSession *session, QHash<qint64, QString> before, QString tag)
    : m_session(session), m_before(std::move(before)), m_tag(std::move(tag))
{
    setText(ProjectSession::tagStepText(int(m_before.size()), m_tag));
}

void TagCommand::redo()
{
    m_session->tagImageIds(QVector<qint64>(m_before.keyBegin(), m_before.keyEnd()), m_tag);
}

void TagCommand::undo()
{
    QMap<QString, QVector<qint64>> byTag; // one store write per earlier tag
    for (auto it = m_before.cbegin(); it != m_before.cend(); ++it)
        byTag[it.value()] << it.key();
    for (auto it = byTag.cbegin(); it != byTag.cend(); ++it)
        m_session->tagImageIds(it.value(), it.key());
}

} // namespace faultline
