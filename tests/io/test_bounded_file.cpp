// Outside files are read only when they are regular files of a sane size (issue 12 A8: a .png
// symlink to /dev/zero took scan to 12.9 GB, --predictions /dev/zero to 8.5 GB).
#include "classify/ClassNames.h"
#include "common/Error.h"
#include "dataset/ImageDecoder.h"
#include "io/BoundedFile.h"
#include "io/CsvReader.h"
#include "io/NpyFile.h"
#include "io/SafetensorsFile.h"
#include "ErrorOf.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>

using namespace faultline;
using faultline::testing::errorOf;

class TestBoundedFile : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void readsARegularFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("small.txt"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("path,prediction\n");
        f.close();
        QCOMPARE(readBoundedFile(path, 1024, QStringLiteral("CSV file")), QByteArray("path,prediction\n"));
    }

    void refusesAFileLargerThanItsKindMayBe()
    {
        const QString path = m_dir.filePath(QStringLiteral("large.txt"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(3 << 20, 'x'));
        f.close();
        const QString message = errorOf([&] { readBoundedFile(path, 2 << 20, QStringLiteral("class names file")); });
        QVERIFY2(message.startsWith(path + QLatin1String(": 3.0 MiB is larger than the 2 MiB a class names file may be")),
                 qPrintable(message));
    }

    // Every reader of outside data refuses a device at once, naming the file, instead of reading
    // until the memory is gone.
    void everyReaderRefusesADevice_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("predictions CSV") << QStringLiteral("predictions.csv");
        QTest::newRow("dataset image") << QStringLiteral("zero.png");
        QTest::newRow("embeddings .npy") << QStringLiteral("embeddings.npy");
        QTest::newRow("checkpoint") << QStringLiteral("model.safetensors");
        QTest::newRow("class names") << QStringLiteral("classes.txt");
    }

    void everyReaderRefusesADevice()
    {
        QFETCH(QString, name);
        const QString link = m_dir.filePath(name);
        QVERIFY(QFile::link(QStringLiteral("/dev/zero"), link));
        const std::map<QString, std::function<void()>> readers = {
            {QStringLiteral("predictions.csv"), [&] { CsvReader reader(link); }},
            {QStringLiteral("zero.png"), [&] { readImageFile(link); }},
            {QStringLiteral("embeddings.npy"), [&] { readNpyMatrix(link); }},
            {QStringLiteral("model.safetensors"), [&] { SafetensorsFile file(link); }},
            {QStringLiteral("classes.txt"), [&] { readClassNamesFile(link); }},
        };
        const QString message = errorOf(readers.at(name));
        QCOMPARE(message, link + QLatin1String(": not a regular file (a folder, device, pipe or socket)"));
        QCOMPARE(probeImage(link), QStringLiteral("not a regular file (a folder, device, pipe or socket)"));
    }
};

QTEST_GUILESS_MAIN(TestBoundedFile)
#include "test_bounded_file.moc"
