#include "session/TextModelStatus.h"

#include "session/RunTextModel.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace faultline {

TextModelStatus::TextModelStatus(RunTextModel *model, QWidget *parent) : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("TextModelStatus"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_choose = new QPushButton(tr("Choose checkpoint…"), this);
    m_choose->setToolTip(tr("The CLIP checkpoint file that embedded this run's images"));
    layout->addWidget(m_label, 1);
    layout->addWidget(m_choose, 0, Qt::AlignTop);
    connect(m_choose, &QPushButton::clicked, this, &TextModelStatus::choose);
    connect(m_model, &RunTextModel::stateChanged, this, &TextModelStatus::update);
    update();
}

QString TextModelStatus::text() const
{
    return m_label->text();
}

void TextModelStatus::update()
{
    const RunTextModel::State state = m_model->state();
    m_label->setText(m_model->statusText());
    m_choose->setVisible(state == RunTextModel::State::NoCheckpoint || state == RunTextModel::State::Failed);
    setVisible(state != RunTextModel::State::Ready && state != RunTextModel::State::NoRun);
}

void TextModelStatus::choose()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose the CLIP checkpoint"), QString(),
                                                      tr("CLIP checkpoints (*.safetensors *.pt *.bin);;All files (*)"));
    if (!path.isEmpty())
        m_model->chooseCheckpoint(path);
}

} // namespace faultline
