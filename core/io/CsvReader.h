#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace faultline {

struct CsvRecord
{
    QStringList fields;
    int line = 0;                 // 1-based line where the record starts
    bool invalidEncoding = false; // bytes were not valid UTF-8; `fields` is empty
};

// RFC 4180 reader. The whole file is read at construction and parsed as bytes.
// Quoted fields may contain commas, doubled quotes and line breaks; LF, CRLF and CR
// line endings, a UTF-8 BOM and a missing final newline are accepted; completely
// empty lines are skipped. Structural problems throw Error("<path>:<line>: ...");
// a record that is not valid UTF-8 is returned with invalidEncoding set so the
// caller can report it and go on.
class CsvReader
{
public:
    explicit CsvReader(const QString &path); // throws Error("<path>: cannot open: <reason>")

    // Next record; false at end of file.
    bool next(CsvRecord &record);

    const QString &path() const { return m_path; }

private:
    [[noreturn]] void fail(int line, const char *what) const;

    QString m_path;
    QByteArray m_data;
    qsizetype m_pos = 0;
    int m_line = 1;
    int m_lastFieldCount = 0;
};

} // namespace faultline
