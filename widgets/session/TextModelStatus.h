#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace faultline {

class RunTextModel;

// The state of the run's CLIP text model where a dock needs it: "loading…", why it is missing
// or failed, with "Choose checkpoint…" for runs whose embeddings were imported. Hidden when ready.
class TextModelStatus : public QWidget
{
    Q_OBJECT
public:
    explicit TextModelStatus(RunTextModel *model, QWidget *parent = nullptr);

    QString text() const;
    QPushButton *chooseButton() const { return m_choose; }

private:
    void update();
    void choose();

    RunTextModel *m_model;
    QLabel *m_label = nullptr;
    QPushButton *m_choose = nullptr;
};

} // namespace faultline
