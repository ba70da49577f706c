#pragma once

#include <QFrame>

class QLabel;

namespace faultline {

// A non-modal banner for errors and hints: shows the latest message (with a count of earlier
// ones in its tooltip) until dismissed. Never blocks, never steals focus.
class MessageBar : public QFrame
{
    Q_OBJECT
public:
    enum class Kind { Info, Warning, Error };

    explicit MessageBar(QWidget *parent = nullptr);

    QString text() const;
    QStringList history() const { return m_history; }

public Q_SLOTS:
    void showMessage(const QString &text, faultline::MessageBar::Kind kind = faultline::MessageBar::Kind::Error);
    void dismiss();

Q_SIGNALS:
    void shownChanged(bool shown); // a message appeared or was dismissed

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fitHeight();

    QLabel *m_icon = nullptr;
    QLabel *m_label = nullptr;
    QStringList m_history;
};

} // namespace faultline
