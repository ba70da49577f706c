#include "dataset/ImageDecoder.h"

#include <QFile>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>

#include <mutex>

namespace faultline {

QString probeImage(const QString &path)
{
    static std::once_flag quiet;
    // Corrupt files are reported by Faultline with their path; OpenCV's own stderr noise is not useful.
    std::call_once(quiet, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return file.errorString();
    const QByteArray bytes = file.readAll();
    if (bytes.isEmpty())
        return QStringLiteral("empty file");
    try {
        const cv::Mat encoded(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
        const cv::Mat image = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
        if (image.empty())
            return QStringLiteral("not a supported image or corrupt data");
    } catch (const cv::Exception &e) {
        return QString::fromStdString(e.msg);
    }
    return QString();
}

} // namespace faultline
