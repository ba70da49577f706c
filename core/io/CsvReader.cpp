#include "io/CsvReader.h"

#include "common/Error.h"
#include "io/BoundedFile.h"

#include <QFile>
#include <QStringDecoder>

#include <algorithm>
#include <cstring>

namespace faultline {

namespace {

struct FieldBytes
{
    qsizetype begin = 0; // into the file data, used when `unescaped` is empty
    qsizetype end = 0;
    bool usesBuffer = false;
    QByteArray unescaped; // quoted field that contained doubled quotes
};

} // namespace

CsvReader::CsvReader(const QString &path)
    : m_path(path)
{
    m_data = readBoundedFile(path, kMaxCsvBytes, QStringLiteral("CSV file"));
    if (m_data.startsWith("\xEF\xBB\xBF"))
        m_pos = 3;
}

void CsvReader::fail(int line, const char *what) const
{
    throw Error(QStringLiteral("%1:%2: %3").arg(m_path).arg(line).arg(QLatin1String(what)));
}

bool CsvReader::next(CsvRecord &record)
{
    const char *d = m_data.constData();
    const qsizetype n = m_data.size();

    // A line break is LF, CRLF or a lone CR (classic Mac files, some spreadsheet exports):
    // read as data, a CR-only file would be one record and look like a header without rows.
    auto lineBreakLength = [d, n](qsizetype p) -> int {
        if (d[p] == '\n')
            return 1;
        if (d[p] == '\r')
            return p + 1 < n && d[p + 1] == '\n' ? 2 : 1;
        return 0;
    };

    // Skip completely empty lines.
    while (m_pos < n) {
        const int len = lineBreakLength(m_pos);
        if (len == 0)
            break;
        m_pos += len;
        ++m_line;
    }
    if (m_pos >= n)
        return false;

    record.line = m_line;
    record.fields.clear();
    record.invalidEncoding = false;

    QVector<FieldBytes> fields;
    fields.reserve(std::max(m_lastFieldCount, 4));

    bool endOfRecord = false;
    while (!endOfRecord) {
        FieldBytes field;
        if (m_pos < n && d[m_pos] == '"') {
            const int openLine = m_line;
            qsizetype segment = ++m_pos;
            for (;;) {
                const void *hit = std::memchr(d + m_pos, '"', size_t(n - m_pos));
                if (!hit) {
                    fail(openLine, "unterminated quoted field");
                }
                const qsizetype q = static_cast<const char *>(hit) - d;
                m_line += int(std::count(d + m_pos, d + q, '\n'));
                if (q + 1 < n && d[q + 1] == '"') { // doubled quote
                    field.usesBuffer = true;
                    field.unescaped.append(d + segment, q + 1 - segment);
                    m_pos = segment = q + 2;
                    continue;
                }
                if (field.usesBuffer) {
                    field.unescaped.append(d + segment, q - segment);
                } else {
                    field.begin = segment;
                    field.end = q;
                }
                m_pos = q + 1;
                break;
            }
            if (m_pos == n) {
                endOfRecord = true;
            } else if (d[m_pos] == ',') {
                ++m_pos;
            } else if (const int len = lineBreakLength(m_pos)) {
                m_pos += len;
                ++m_line;
                endOfRecord = true;
            } else {
                fail(m_line, "text after closing quote");
            }
        } else {
            field.begin = m_pos;
            for (;;) {
                if (m_pos == n) {
                    field.end = m_pos;
                    endOfRecord = true;
                    break;
                }
                const char c = d[m_pos];
                if (c == ',') {
                    field.end = m_pos++;
                    break;
                }
                if (c == '"')
                    fail(m_line, "unexpected quote in unquoted field");
                if (c == '\n' || c == '\r') {
                    if (const int len = lineBreakLength(m_pos)) {
                        field.end = m_pos;
                        m_pos += len;
                        ++m_line;
                        endOfRecord = true;
                        break;
                    }
                }
                ++m_pos;
            }
        }
        fields.push_back(std::move(field));
    }
    m_lastFieldCount = int(fields.size());

    // Decode each field once; Stateless makes a truncated sequence at the end of a
    // field an error, ConvertInitialBom keeps a BOM inside the data as data.
    QStringDecoder decoder(QStringDecoder::Utf8,
                           QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    record.fields.reserve(fields.size());
    for (const FieldBytes &f : fields) {
        QByteArrayView bytes = f.usesBuffer ? QByteArrayView(f.unescaped)
                                            : QByteArrayView(d + f.begin, f.end - f.begin);
        QString text = decoder.decode(bytes);
        if (decoder.hasError()) {
            record.fields.clear();
            record.invalidEncoding = true;
            return true;
        }
        record.fields.append(std::move(text));
    }
    return true;
}

} // namespace faultline
