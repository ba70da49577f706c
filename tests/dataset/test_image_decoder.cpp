// Image headers are read before decoding (issue 12 A8): the dimensions every supported format
// states, and pixel bombs — a small file whose header claims 60000 × 60000 — refused in one
// clean line before OpenCV allocates anything (A11: it printed "cannot decode image:" twice and
// OpenCV's raw assertion).

#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "dataset/ImageDecoder.h"
#include "dataset/ImageHeader.h"
#include "store/ProjectStore.h"

#include "TestImages.h"
#include "ErrorOf.h"

#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

using namespace faultline;
using faultline::testing::errorOf;

namespace {

QByteArray encoded(const QString &extension, int width, int height)
{
    const bool wantsFloat = extension == QLatin1String("hdr") || extension == QLatin1String("exr")
                            || extension == QLatin1String("pfm");
    const bool gray = extension == QLatin1String("pbm") || extension == QLatin1String("pgm");
    cv::Mat image(height, width, gray ? CV_8UC1 : CV_8UC3);
    cv::randu(image, 0, 255);
    if (wantsFloat)
        image.convertTo(image, gray ? CV_32FC1 : CV_32FC3, 1.0 / 255);
    std::vector<uchar> bytes;
    try {
        if (!cv::imencode(("." + extension).toStdString(), image, bytes))
            return {};
    } catch (const cv::Exception &) { // a codec this OpenCV build leaves out
        return {};
    }
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
}

// A real JPEG whose frame header (SOF0) claims width × height.
QByteArray jpegClaiming(int width, int height)
{
    QByteArray jpeg = encoded(QStringLiteral("jpg"), 16, 16);
    const qsizetype sof = jpeg.indexOf(QByteArray("\xff\xc0", 2));
    if (sof < 0)
        return {};
    jpeg[sof + 5] = char(height >> 8);
    jpeg[sof + 6] = char(height);
    jpeg[sof + 7] = char(width >> 8);
    jpeg[sof + 8] = char(width);
    return jpeg;
}

// A real PNG whose IHDR claims width × height (its CRC no longer matches: never read that far).
QByteArray pngClaiming(quint32 width, quint32 height)
{
    QByteArray png = testing::pngBytes(4, 4);
    qToBigEndian(width, png.data() + 16);
    qToBigEndian(height, png.data() + 20);
    return png;
}

} // namespace

class TestImageDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headerDimensions_data()
    {
        QTest::addColumn<QString>("extension");
        for (const char *extension : {"png", "jpg", "bmp", "webp", "tiff", "ppm", "pgm", "pbm", "pam", "pfm", "sr",
                                      "hdr", "exr", "jp2"})
            QTest::newRow(extension) << QString::fromLatin1(extension);
    }
    void headerDimensions()
    {
        QFETCH(QString, extension);
        const QByteArray bytes = encoded(extension, 137, 93); // JPEG 2000's default 6 resolutions need > 32 pixels
        if (bytes.isEmpty())
            QSKIP("this OpenCV cannot write the format");
        const std::optional<ImageDimensions> dimensions = imageHeaderDimensions(bytes);
        QVERIFY2(dimensions, qPrintable(bytes.left(16).toHex()));
        QCOMPARE(dimensions->width, qint64(137));
        QCOMPARE(dimensions->height, qint64(93));
    }

    void truncatedOrUnknownHeadersSayNothing()
    {
        const QByteArray png = testing::pngBytes(5, 7);
        for (qsizetype n = 0; n < 24; ++n)
            QVERIFY2(!imageHeaderDimensions(png.left(n)), qPrintable(QString::number(n)));
        QVERIFY(imageHeaderDimensions(png.left(24)));
        QVERIFY(!imageHeaderDimensions(QByteArray("GIF89a\x05\x00\x07\x00", 10)));
        QVERIFY(!imageHeaderDimensions(QByteArray("not an image at all")));
        QVERIFY(!imageHeaderDimensions(QByteArray("\xff\xd8\xff\xda", 4))); // scan data before any frame header
    }

    void pixelBombsAreRefusedInOneLine_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("claimed");
        // Past OpenCV's own 2^30-pixel limit (its assertion was the message) and within it.
        QTest::newRow("jpeg 60000²") << jpegClaiming(60000, 60000) << QStringLiteral("60000 × 60000");
        QTest::newRow("jpeg 20000²") << jpegClaiming(20000, 20000) << QStringLiteral("20000 × 20000");
        QTest::newRow("png 60000²") << pngClaiming(60000, 60000) << QStringLiteral("60000 × 60000");
        QTest::newRow("png 2^31 wide") << pngClaiming(0x7FFFFFFF, 1) << QStringLiteral("2147483647 × 1");
        // Two 32-bit sizes: their product overflows 64 bits (fuzz_image_decoder found it).
        QTest::newRow("png 2^32²") << pngClaiming(0xFFFFFFFF, 0xFFFFFFFF) << QStringLiteral("4294967295 × 4294967295");
    }
    void unreadablePnmHeadersAreRefused()
    {
        // fuzz_image_decoder (2026-12-04): "P6 00010000\x88 00010000A…" — OpenCV took the bytes
        // between the digits as separators and allocated 3 GB; the size check could not read it.
        const QByteArray bomb("P6 00010000\x88" "00010000A000005 400000005 4 2\x1b\x1f/", 44);
        QVERIFY(!imageHeaderDimensions(bomb));
        QCOMPARE(errorOf([&] { decodeImage(bomb, QStringLiteral("bomb.ppm")); }),
                 QStringLiteral("bomb.ppm: a PNM header whose width and height cannot be read (numbers separated by "
                                "whitespace expected)"));
        // A well-formed PPM still decodes.
        const QByteArray ppm = QByteArray("P6\n# comment\n2 1\n255\n") + QByteArray("\x01\x02\x03\x04\x05\x06", 6);
        const cv::Mat image = decodeImage(ppm, QStringLiteral("ok.ppm"));
        QCOMPARE(image.cols, 2);
        QCOMPARE(image.rows, 1);
    }

    void jpegMarkersAreFoundAsLibjpegFindsThem()
    {
        // fuzz_image_decoder (2026-12-04): an APP0 segment whose length ends inside junk bytes;
        // libjpeg skips them to the next marker (a warning), finds a 60000 × 16480 frame and
        // allocated 3 GB, while ImageHeader gave up at the first byte that was not 0xFF.
        QByteArray bomb = encoded(QStringLiteral("jpg"), 16, 16);
        const qsizetype app0 = bomb.indexOf(QByteArray("\xff\xe0", 2));
        QVERIFY(app0 >= 0);
        bomb.insert(app0 + 4 + 14, QByteArray("2222222z222222222")); // after APP0's 16 bytes: junk
        const qsizetype sof = bomb.indexOf(QByteArray("\xff\xc0", 2));
        bomb[sof + 5] = char(0x40), bomb[sof + 6] = char(0x60), bomb[sof + 7] = char(0xea), bomb[sof + 8] = char(0x60);
        const std::optional<ImageDimensions> claimed = imageHeaderDimensions(bomb);
        QVERIFY(claimed);
        QCOMPARE(claimed->width, qint64(60000));
        QCOMPARE(claimed->height, qint64(16480));
        const QString refused = errorOf([&] { decodeImage(bomb, QStringLiteral("bomb.jpg")); });
        QVERIFY2(refused.contains(QStringLiteral("60000 × 16480")), qPrintable(refused));
        // The same junk before a real frame: still decodes (libjpeg skips it too).
        QByteArray junk = encoded(QStringLiteral("jpg"), 16, 16);
        junk.insert(junk.indexOf(QByteArray("\xff\xe0", 2)) + 4 + 14, QByteArray("2222222z222222222"));
        QCOMPARE(imageHeaderDimensions(junk)->width, qint64(16));
        QCOMPARE(decodeImage(junk, QStringLiteral("junk.jpg")).cols, 16);
        // A JPEG whose frame header cannot be found is refused before OpenCV.
        QCOMPARE(errorOf([&] { decodeImage(QByteArray("\xff\xd8\xff\xe0\x00\x04zz", 8), QStringLiteral("cut.jpg")); }),
                 QStringLiteral("cut.jpg: a JPEG without a readable frame header (width and height)"));
    }

    void pixelBombsAreRefusedInOneLine()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, claimed);
        const QString reason = claimed + QStringLiteral(" pixels in its header, more than the 178956970 an image may have");
        QCOMPARE(errorOf([&] { decodeImage(bytes, QStringLiteral("bomb")); }), QStringLiteral("bomb: ") + reason);

        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("bomb.img"));
        QVERIFY(testing::writeBytes(file, bytes));
        QCOMPARE(probeImage(file), reason);
    }

    void theCapIsPillows()
    {
        QCOMPARE(kMaxImagePixels, qint64(2) * 89478485); // PIL.Image.MAX_IMAGE_PIXELS × 2
        QVERIFY(errorOf([&] { decodeImage(testing::pngBytes(8, 8), QStringLiteral("small"), 63); })
                    .startsWith(QStringLiteral("small: 8 × 8 pixels in its header")));
        decodeImage(testing::pngBytes(8, 8), QStringLiteral("small"), 64);
    }

    // fuzz_image_decoder: OpenCV gave a damaged DICOM file to GDCM, whose assert() aborted the process.
    void dicomIsRefusedBeforeOpenCv()
    {
        QFile crash(QStringLiteral(FAULTLINE_FUZZ_REGRESSIONS "/fuzz_image_decoder/gdcm_assert_dicm.bin"));
        QVERIFY(crash.open(QIODevice::ReadOnly));
        QCOMPARE(errorOf([&] { decodeImage(crash.readAll(), QStringLiteral("scan.dcm")); }),
                 QStringLiteral("scan.dcm: a DICOM file, not a supported image format"));
        QByteArray minimal(128, '\0');
        minimal += "DICM";
        QCOMPARE(errorOf([&] { decodeImage(minimal, QStringLiteral("x")); }), QStringLiteral("x: a DICOM file, not a supported image format"));
    }

    void scannerReportsABombOnce()
    {
        QTemporaryDir dir;
        const QString root = dir.filePath(QStringLiteral("data"));
        QVERIFY(testing::writeBytes(QDir(root).filePath(QStringLiteral("cat/ok.png")), testing::pngBytes(4, 4)));
        QVERIFY(testing::writeBytes(QDir(root).filePath(QStringLiteral("cat/bomb.jpg")), jpegClaiming(60000, 60000)));
        ProjectStore store(dir.filePath(QStringLiteral("project.sqlite")));
        const ScanReport report = DatasetScanner::scan(root, store);
        QCOMPARE(report.unreadable, 1);
        QCOMPARE(report.diagnostics.size(), 1);
        const QString line = report.diagnostics.first().toString();
        QCOMPARE(line, QStringLiteral("cat/bomb.jpg: error: cannot decode image: 60000 × 60000 pixels in its header, more"
                                      " than the 178956970 an image may have"));
    }
};

QTEST_GUILESS_MAIN(TestImageDecoder)
#include "test_image_decoder.moc"
