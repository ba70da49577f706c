#include "dataset/ContentHash.h"

#include <QCryptographicHash>

namespace faultline {

QString contentHash(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace faultline
