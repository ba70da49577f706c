#pragma once

#include <QByteArray>
#include <QString>

namespace faultline {

// SHA-256 of a file's bytes, lower-case hex: how the project recognises an image's content
// (moved, copied or touched files keep their rows; embeddings are cached by it).
QString contentHash(const QByteArray &bytes);

} // namespace faultline
