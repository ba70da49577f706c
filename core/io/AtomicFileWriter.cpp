#include "io/AtomicFileWriter.h"

#include "common/Error.h"

namespace faultline {

bool writeFully(QIODevice &device, const char *data, qint64 size)
{
    for (qint64 written = 0; written < size;) {
        const qint64 n = device.write(data + written, size - written);
        if (n <= 0)
            return false;
        written += n;
    }
    return true;
}

AtomicFileWriter::AtomicFileWriter(const QString &path) : m_file(path)
{
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        fail();
}

namespace {
constexpr qsizetype kBufferBytes = 1 << 20;
}

void AtomicFileWriter::write(const char *data, qint64 size)
{
    if (m_buffer.size() + size < kBufferBytes) {
        m_buffer.append(data, qsizetype(size));
        return;
    }
    flushBuffer();
    if (!writeFully(m_file, data, size))
        fail();
}

void AtomicFileWriter::flushBuffer()
{
    if (!writeFully(m_file, m_buffer.constData(), m_buffer.size()))
        fail();
    m_buffer.clear();
}

void AtomicFileWriter::commit()
{
    flushBuffer();
    if (!m_file.commit())
        fail();
}

void AtomicFileWriter::fail()
{
    const QString reason = m_file.errorString();
    m_file.cancelWriting();
    throw Error(QStringLiteral("%1: cannot write: %2").arg(m_file.fileName(), reason));
}

} // namespace faultline
