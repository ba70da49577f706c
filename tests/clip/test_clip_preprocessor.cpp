// ClipPreprocessor against OpenAI CLIP's own preprocessing (Pillow 9.4 + torchvision), bit for bit.
//
// Why not OpenCV's resize: measured by opencvResizeIsNotPillow() below (OpenCV 4.6, resolution
// 64): |OpenCV − Pillow| over the uint8 pixels of the final 64×64 crop, all channels, same
// resized size and crop offsets as Pillow's pipeline:
//   image (size)            INTER_CUBIC max / mean    INTER_AREA max / mean
//   set-b gradient 100×80        1 / 0.115               1 / 0.271
//   set-b checker  128×96       70 / 8.65               20 / 2.82
//   set-b solid     50×70        0 / 0                   0 / 0
//   set-b noise   200×300      152 / 47.0               32 / 5.70
//   gradient.png   100×80        1 / 0.158               1 / 0.338
//   checker.png    100×80       37 / 8.05               25 / 5.79
//   solid.png      100×80        0 / 0                   0 / 0
//   noise.png      100×80       84 / 16.5               31 / 6.39
//   tall.png        50×160      30 / 4.04               36 / 7.79
// (one grey level is ~0.015 after Normalize, so 152 levels is ~2.2 in CLIP's input units).
// Fine on smooth images, far off on texture: INTER_CUBIC does not antialias when shrinking
// (and uses a = -0.75); INTER_AREA is closer on downscales but still not exact, and worse on
// upscales (tall.png). ClipPreprocessor is exact: max diff 0 on every reference.

#include "clip/ClipPreprocessor.h"
#include "clip/PilResample.h"
#include "common/Error.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <ctime>
#include <cstring>
#include <vector>

using namespace faultline;

namespace {

// A .npy array as stored: dtype string, shape and raw C-order bytes. NpyFile reads only 2-D
// floats; the references here are uint8 HWC and 4-D float32.
struct NpyArray
{
    QString descr;
    std::vector<qint64> shape;
    QByteArray data;
    qint64 count() const
    {
        qint64 n = 1;
        for (qint64 d : shape)
            n *= d;
        return n;
    }
};

NpyArray readNpy(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path + QStringLiteral(": cannot open"));
    const QByteArray bytes = file.readAll();
    if (!bytes.startsWith("\x93NUMPY"))
        throw Error(path + QStringLiteral(": not .npy"));
    const int major = quint8(bytes[6]);
    const int headerLength = major == 1 ? quint8(bytes[8]) | (quint8(bytes[9]) << 8)
                                        : int(qFromLittleEndian<quint32>(bytes.constData() + 8));
    const int headerStart = major == 1 ? 10 : 12;
    const QString header = QString::fromLatin1(bytes.mid(headerStart, headerLength));
    NpyArray array;
    array.descr = QRegularExpression(QStringLiteral("'descr':\\s*'([^']+)'")).match(header).captured(1);
    if (header.contains(QLatin1String("'fortran_order': True")))
        throw Error(path + QStringLiteral(": Fortran order"));
    const QString shape = QRegularExpression(QStringLiteral("'shape':\\s*\\(([^)]*)\\)")).match(header).captured(1);
    for (const QString &dim : shape.split(QLatin1Char(','), Qt::SkipEmptyParts))
        array.shape.push_back(dim.trimmed().toLongLong());
    array.data = bytes.mid(headerStart + headerLength);
    return array;
}

QString referenceDir()
{
    return qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE");
}

cv::Mat readRgb(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    const cv::Mat encoded(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
    cv::Mat bgr = cv::imdecode(encoded, cv::IMREAD_COLOR);
    cv::Mat rgb;
    if (!bgr.empty())
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

ImageView8 viewOf(const cv::Mat &m)
{
    ImageView8 v;
    v.data = m.ptr<std::uint8_t>();
    v.width = m.cols;
    v.height = m.rows;
    v.channels = m.channels();
    v.stride = m.step[0];
    return v;
}

// First differing byte as "index: got vs expected", or empty when equal.
QString firstDifference(const std::uint8_t *got, const QByteArray &expected)
{
    for (int i = 0; i < expected.size(); ++i)
        if (got[i] != quint8(expected[i]))
            return QStringLiteral("byte %1: got %2, expected %3").arg(i).arg(got[i]).arg(quint8(expected[i]));
    return QString();
}

float maxAbsDiff(const float *a, const float *b, qint64 n)
{
    float worst = 0.0f;
    for (qint64 i = 0; i < n; ++i)
        worst = std::max(worst, std::fabs(a[i] - b[i]));
    return worst;
}

} // namespace

class TestClipPreprocessor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Fail, not skip: a missing reference would silently turn parity checks off.
        QVERIFY2(!referenceDir().isEmpty(), "FAULTLINE_CLIP_REFERENCE is not set");
        QVERIFY2(QFileInfo::exists(referenceDir() + QStringLiteral("/images_preprocessed.npy")),
                 qPrintable(QStringLiteral("no CLIP reference at ") + referenceDir()));
    }

    void planFollowsTorchvision()
    {
        // 128×96 → 85×64 truncates 85.33; the crop margin 21 halves to 10.5, which Python rounds to 10.
        const ClipCropPlan p = ClipPreprocessor::plan(128, 96, 64);
        QCOMPARE(p.resizedWidth, 85);
        QCOMPARE(p.resizedHeight, 64);
        QCOMPARE(p.left, 10);
        QCOMPARE(p.top, 0);
        QCOMPARE(ClipPreprocessor::plan(1, 500, 224).resizedHeight, 112000);
        QCOMPARE(ClipPreprocessor::plan(67, 43, 20).left, 6); // margin 11 → 5.5 → 6 (even)
    }

    // Each stage of Pillow's pipeline against the set-b dumps: decode, full resize, crop.
    void setBStagesAreBitExact()
    {
        const QString dir = referenceDir() + QStringLiteral("/set-b");
        const QStringList images = QDir(dir + QStringLiteral("/images")).entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name);
        QCOMPARE(images.size(), 4);
        const ClipPreprocessor pre(64);
        for (const QString &name : images) {
            const QString stem = dir + QStringLiteral("/reference/") + QFileInfo(name).completeBaseName();
            const cv::Mat rgb = readRgb(dir + QStringLiteral("/images/") + name);
            QVERIFY2(!rgb.empty(), qPrintable(name));

            const NpyArray raw = readNpy(stem + QStringLiteral("_raw_uint8.npy"));
            QCOMPARE(raw.descr, QStringLiteral("|u1"));
            QCOMPARE(raw.shape, (std::vector<qint64>{rgb.rows, rgb.cols, 3}));
            QVERIFY(rgb.isContinuous());
            QCOMPARE(firstDifference(rgb.ptr<std::uint8_t>(), raw.data), QString());

            const NpyArray resizedRef = readNpy(stem + QStringLiteral("_resized_uint8.npy"));
            const ClipCropPlan p = ClipPreprocessor::plan(rgb.cols, rgb.rows, 64);
            QCOMPARE(resizedRef.shape, (std::vector<qint64>{p.resizedHeight, p.resizedWidth, 3}));
            std::vector<std::uint8_t> resized(std::size_t(resizedRef.count()));
            pilResizeBicubic(viewOf(rgb), p.resizedWidth, p.resizedHeight,
                             OutputRegion{0, 0, p.resizedWidth, p.resizedHeight}, resized.data());
            QVERIFY2(firstDifference(resized.data(), resizedRef.data).isEmpty(),
                     qPrintable(name + QStringLiteral(" resized: ") + firstDifference(resized.data(), resizedRef.data)));

            const NpyArray croppedRef = readNpy(stem + QStringLiteral("_cropped_uint8.npy"));
            std::vector<std::uint8_t> cropped(std::size_t(3 * 64 * 64));
            pre.cropRgb(viewOf(rgb), ChannelOrder::Rgb, cropped.data());
            QVERIFY2(firstDifference(cropped.data(), croppedRef.data).isEmpty(),
                     qPrintable(name + QStringLiteral(" cropped: ") + firstDifference(cropped.data(), croppedRef.data)));
        }
    }

    void setBPixelValuesMatch()
    {
        const QString dir = referenceDir() + QStringLiteral("/set-b");
        const NpyArray ref = readNpy(dir + QStringLiteral("/reference/pixel_values.npy"));
        QCOMPARE(ref.descr, QStringLiteral("<f4"));
        QCOMPARE(ref.shape, (std::vector<qint64>{4, 3, 64, 64}));
        const QStringList images = QDir(dir + QStringLiteral("/images")).entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name);
        const ClipPreprocessor pre(64);
        std::vector<float> out(std::size_t(pre.floatsPerImage()));
        for (int i = 0; i < images.size(); ++i) {
            pre.loadFile(dir + QStringLiteral("/images/") + images[i], out.data());
            const float *expected = reinterpret_cast<const float *>(ref.data.constData()) + i * pre.floatsPerImage();
            const float diff = maxAbsDiff(out.data(), expected, pre.floatsPerImage());
            QVERIFY2(diff <= 1e-6f, qPrintable(images[i] + QStringLiteral(": max diff %1").arg(diff)));
        }
    }

    void imagesPreprocessedMatch()
    {
        const NpyArray ref = readNpy(referenceDir() + QStringLiteral("/images_preprocessed.npy"));
        QCOMPARE(ref.descr, QStringLiteral("<f4"));
        QCOMPARE(ref.shape, (std::vector<qint64>{5, 3, 64, 64}));
        const QStringList images = {QStringLiteral("gradient.png"), QStringLiteral("checker.png"), QStringLiteral("solid.png"),
                                    QStringLiteral("noise.png"), QStringLiteral("tall.png")};
        const ClipPreprocessor pre(64);
        std::vector<float> out(std::size_t(pre.floatsPerImage()));
        for (int i = 0; i < images.size(); ++i) {
            pre.loadFile(referenceDir() + QLatin1Char('/') + images[i], out.data());
            const float *expected = reinterpret_cast<const float *>(ref.data.constData()) + i * pre.floatsPerImage();
            const float diff = maxAbsDiff(out.data(), expected, pre.floatsPerImage());
            qInfo("%s: max |diff| vs images_preprocessed.npy = %g", qPrintable(images[i]), double(diff));
            QVERIFY2(diff <= 1e-6f, qPrintable(images[i] + QStringLiteral(": max diff %1").arg(diff)));
        }
    }

    // Gray, alpha, palette, 1-bit, 16-bit and odd sizes, against Pillow run now by the test.
    void matchesPillowOnEdgeCases()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral(FAULTLINE_CLIP_TEST_DIR "/pil_expected.py"), dir.path()});
        QVERIFY2(python.waitForFinished(120000), "pil_expected.py did not finish");
        QVERIFY2(python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0,
                 qPrintable(QStringLiteral("/usr/bin/python3 with Pillow and NumPy is needed: ")
                            + QString::fromLocal8Bit(python.readAllStandardError())));

        QFile cases(dir.filePath(QStringLiteral("cases.tsv")));
        QVERIFY(cases.open(QIODevice::ReadOnly));
        int checked = 0;
        for (const QByteArray &line : cases.readAll().split('\n')) {
            if (line.isEmpty())
                continue;
            const QList<QByteArray> fields = line.split('\t');
            const QString name = QString::fromUtf8(fields[0]);
            const ClipPreprocessor pre(fields[1].toInt());
            QFile expectedFile(dir.filePath(name + QStringLiteral(".u8")));
            QVERIFY(expectedFile.open(QIODevice::ReadOnly));
            const QByteArray expectedRgb = expectedFile.readAll();
            QCOMPARE(expectedRgb.size(), pre.floatsPerImage());

            std::vector<float> expected(std::size_t(pre.floatsPerImage()));
            pre.normalize(reinterpret_cast<const std::uint8_t *>(expectedRgb.constData()), expected.data());
            std::vector<float> got(std::size_t(pre.floatsPerImage()));
            pre.loadFile(dir.filePath(name + QStringLiteral(".png")), got.data());
            // Exact: equal bytes normalise to equal floats.
            const float diff = maxAbsDiff(got.data(), expected.data(), pre.floatsPerImage());
            QVERIFY2(diff == 0.0f, qPrintable(name + QStringLiteral(": max diff %1").arg(diff)));
            ++checked;
        }
        QCOMPARE(checked, 17);
    }

    void exactSizeImageIsOnlyNormalised()
    {
        // Already R×R: Pillow returns a copy without resampling, so output = normalise(input).
        std::vector<std::uint8_t> rgb(std::size_t(3 * 8 * 8));
        for (std::size_t i = 0; i < rgb.size(); ++i)
            rgb[i] = std::uint8_t(i * 7);
        const ClipPreprocessor pre(8);
        ImageView8 view{rgb.data(), 8, 8, 3, 8 * 3};
        std::vector<float> got(std::size_t(pre.floatsPerImage()));
        pre.fromPixels(view, ChannelOrder::Rgb, got.data());
        // R of pixel 1 is byte 3 (= 21), G byte 4 (= 28); (v/255 − mean) / std in float32, as torch.
        QCOMPARE(got[1], (float(21) / 255.0f - 0.48145466f) / 0.26862954f);
        QCOMPARE(got[64 + 1], (float(28) / 255.0f - 0.4578275f) / 0.26130258f);

        // The same pixels given as BGR come out with R and B swapped back.
        std::vector<std::uint8_t> bgr(rgb);
        for (std::size_t i = 0; i < bgr.size(); i += 3)
            std::swap(bgr[i], bgr[i + 2]);
        std::vector<float> fromBgr(std::size_t(pre.floatsPerImage()));
        pre.fromPixels(ImageView8{bgr.data(), 8, 8, 3, 8 * 3}, ChannelOrder::Bgr, fromBgr.data());
        QCOMPARE(fromBgr, got);
    }

    void corruptFileThrowsWithPath()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.png"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\x89PNG\r\n\x1a\nthis is not really a png");
        file.close();
        const ClipPreprocessor pre(32);
        std::vector<float> out(std::size_t(pre.floatsPerImage()));
        for (const QString &bad : {path, dir.filePath(QStringLiteral("missing.jpg"))}) {
            try {
                pre.loadFile(bad, out.data());
                QFAIL("no Error thrown");
            } catch (const Error &e) {
                QVERIFY2(e.message().startsWith(bad + QStringLiteral(": ")), qPrintable(e.message()));
            }
        }
        QVERIFY_THROWS_EXCEPTION(Error, ClipPreprocessor(0));
    }

    void nonAsciiPathLoads()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kätzchen 画像.png"));
        std::vector<uchar> png;
        cv::Mat image(20, 30, CV_8UC3, cv::Scalar(10, 20, 30));
        QVERIFY(cv::imencode(".png", image, png));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(reinterpret_cast<const char *>(png.data()), qint64(png.size()));
        file.close();
        const ClipPreprocessor pre(16);
        std::vector<float> out(std::size_t(pre.floatsPerImage()));
        pre.loadFile(path, out.data());
        QCOMPARE(out[0], (float(30) / 255.0f - 0.48145466f) / 0.26862954f); // BGR (10,20,30) → R = 30
    }

    // Measures, does not gate: the numbers are recorded in the comment at the top of this file.
    void opencvResizeIsNotPillow()
    {
        struct Case { QString file; QString reference; int index; };
        const QString setB = referenceDir() + QStringLiteral("/set-b");
        const QStringList setBImages = QDir(setB + QStringLiteral("/images")).entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name);
        const QStringList images = {QStringLiteral("gradient.png"), QStringLiteral("checker.png"), QStringLiteral("solid.png"),
                                    QStringLiteral("noise.png"), QStringLiteral("tall.png")};
        const ClipPreprocessor pre(64);
        double worstCubic = 0;
        auto measure = [&](const QString &path) {
            const cv::Mat rgb = readRgb(path);
            std::vector<std::uint8_t> exact(std::size_t(3 * 64 * 64));
            pre.cropRgb(viewOf(rgb), ChannelOrder::Rgb, exact.data());
            const ClipCropPlan p = ClipPreprocessor::plan(rgb.cols, rgb.rows, 64);
            QString line = QFileInfo(path).fileName();
            for (int interpolation : {cv::INTER_CUBIC, cv::INTER_AREA}) {
                cv::Mat resized;
                cv::resize(rgb, resized, cv::Size(p.resizedWidth, p.resizedHeight), 0, 0, interpolation);
                const cv::Mat crop = resized(cv::Rect(p.left, p.top, 64, 64)).clone();
                const cv::Mat reference(64, 64, CV_8UC3, exact.data());
                cv::Mat diff;
                cv::absdiff(crop, reference, diff);
                double maxDiff = 0;
                cv::minMaxLoc(diff.reshape(1), nullptr, &maxDiff);
                const cv::Scalar mean = cv::mean(diff);
                const double meanDiff = (mean[0] + mean[1] + mean[2]) / 3.0;
                line += QStringLiteral("  %1 max %2 mean %3")
                            .arg(interpolation == cv::INTER_CUBIC ? QStringLiteral("INTER_CUBIC") : QStringLiteral("INTER_AREA"))
                            .arg(maxDiff).arg(meanDiff, 0, 'f', 3);
                if (interpolation == cv::INTER_CUBIC)
                    worstCubic = std::max(worstCubic, maxDiff);
            }
            qInfo("%s", qPrintable(line));
        };
        for (const QString &name : setBImages)
            measure(setB + QStringLiteral("/images/") + name);
        for (const QString &name : images)
            measure(referenceDir() + QLatin1Char('/') + name);
        QVERIFY(worstCubic > 0); // if OpenCV ever matched Pillow, this test's premise would be stale
    }

    // Reported, not gated (CI machines vary): a typical 500×375 photo to 224.
    void timing()
    {
        cv::Mat image(375, 500, CV_8UC3);
        cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(256));
        cv::GaussianBlur(image, image, cv::Size(5, 5), 0); // photo-like, so the JPEG is realistic
        const ClipPreprocessor pre(224);
        std::vector<float> out(std::size_t(pre.floatsPerImage()));
        const int iterations = 200;
        pre.fromPixels(viewOf(image), ChannelOrder::Bgr, out.data()); // warm caches and tables
        // Wall clock and process CPU time: the latter is steadier on a loaded build machine.
        QElapsedTimer timer;
        timer.start();
        std::clock_t cpu = std::clock();
        for (int i = 0; i < iterations; ++i)
            pre.fromPixels(viewOf(image), ChannelOrder::Bgr, out.data());
        const double pixelsMs = double(timer.nsecsElapsed()) / 1e6 / iterations;
        const double pixelsCpuMs = 1e3 * double(std::clock() - cpu) / CLOCKS_PER_SEC / iterations;

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("photo.jpg"));
        std::vector<uchar> jpeg;
        QVERIFY(cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90}));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(reinterpret_cast<const char *>(jpeg.data()), qint64(jpeg.size()));
        file.close();
        pre.loadFile(path, out.data());
        timer.restart();
        cpu = std::clock();
        for (int i = 0; i < iterations; ++i)
            pre.loadFile(path, out.data());
        const double fileMs = double(timer.nsecsElapsed()) / 1e6 / iterations;
        const double fileCpuMs = 1e3 * double(std::clock() - cpu) / CLOCKS_PER_SEC / iterations;
        qInfo("500x375 -> 224 per image: fromPixels %.3f ms (CPU %.3f ms); loadFile = JPEG read + decode + "
              "preprocess %.3f ms (CPU %.3f ms)", pixelsMs, pixelsCpuMs, fileMs, fileCpuMs);
    }
};

QTEST_GUILESS_MAIN(TestClipPreprocessor)
#include "test_clip_preprocessor.moc"
