#pragma once

#include <QSaveFile>
#include <QString>

namespace faultline {

// Writes a file that appears complete or not at all (QSaveFile), and notices a full disk:
// Qt's buffered QSaveFile can commit a truncated file when the disk fills, so writes go
// unbuffered and partial writes are retried until the OS reports the real error.
class AtomicFileWriter
{
public:
    explicit AtomicFileWriter(const QString &path); // throws Error "<path>: cannot write: <reason>"
    void write(const char *data, qint64 size);      // throws Error
    void write(const QByteArray &bytes) { write(bytes.constData(), bytes.size()); }
    void write(const QString &text) { write(text.toUtf8()); }
    void commit();                                   // throws Error; the file is in place after it

private:
    void flushBuffer();
    [[noreturn]] void fail();
    QSaveFile m_file;
    QByteArray m_buffer; // small writes (CSV rows) are gathered into large unbuffered ones
};

// Writes `bytes` to the given device completely; false on a write error.
bool writeFully(QIODevice &device, const char *data, qint64 size);

} // namespace faultline
