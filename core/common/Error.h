#pragma once

#include <QString>
#include <stdexcept>

namespace faultline {

// `message` without its leading "<file>: ", for a report that names the file itself.
inline QString reasonFor(const QString &message, const QString &file)
{
    return message.startsWith(file + QLatin1String(": ")) ? message.mid(file.size() + 2) : message;
}

// A failure that stops the current operation; the message names the file/line/field
// so the CLI can print it as one line and the GUI can show it in place.
class Error : public std::runtime_error
{
public:
    explicit Error(const QString &message)
        : std::runtime_error(message.toStdString()), m_message(message) {}
    const QString &message() const { return m_message; }
    QString reasonFor(const QString &file) const { return faultline::reasonFor(m_message, file); }

private:
    QString m_message;
};

// Thrown by long jobs when their JobControl was cancelled; never shown as an error.
class JobCancelled : public std::exception
{
public:
    const char *what() const noexcept override { return "cancelled"; }
};

} // namespace faultline
