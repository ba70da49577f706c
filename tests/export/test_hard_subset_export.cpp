#include "common/Error.h"
#include "common/JobControl.h"
#include "export/HardSubsetExporter.h"
#include "export/HardSubsetSelector.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/resource.h>
#endif

using namespace faultline;

namespace {

// Minimal RFC 4180 reader for checking the manifest.
QList<QStringList> readCsv(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString text = QString::fromUtf8(file.readAll());
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row.append(field);
            field.clear();
        } else if (c == QLatin1Char('\n')) {
            row.append(field);
            rows.append(row);
            row.clear();
            field.clear();
        } else {
            field += c;
        }
    }
    if (!field.isEmpty() || !row.isEmpty()) {
        row.append(field);
        rows.append(row);
    }
    return rows;
}

// Every entry under DIR (files, links, hidden temporaries), relative, sorted; manifests excluded.
QStringList filesUnder(const QString &dir)
{
    QStringList result;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString rel = QDir(dir).relativeFilePath(it.next());
        if (!QRegularExpression(QStringLiteral("^manifest(-\\d+)?\\.csv$")).match(rel).hasMatch())
            result.append(rel);
    }
    result.sort();
    return result;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

ExportItem item(const QString &path, const QString &cls, double value, int rank)
{
    return ExportItem{path, cls, value, rank};
}

bool isPortableName(const QString &name)
{
    if (name.isEmpty() || name.startsWith(QLatin1Char('.')) || name.endsWith(QLatin1Char('.'))
        || name.endsWith(QLatin1Char(' ')) || name.contains(QLatin1String("..")))
        return false;
    for (QChar c : name)
        if (c.category() == QChar::Other_Control || QStringLiteral("<>:\"/\\|?*").contains(c))
            return false;
    static const QRegularExpression reserved(
        QStringLiteral("^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])( *)(\\..*)?$"),
        QRegularExpression::CaseInsensitiveOption);
    return !reserved.match(name).hasMatch() && name.toUtf8().size() <= 160;
}

// The manifest lists exactly the files under DEST (copy mode): same count, same order as
// summary.exportedFiles, and each file has the content of the source its row names.
void verifyConsistent(const ExportSummary &summary, const QString &root, const QString &dest,
                      const QStringList &preExisting = {})
{
    const QList<QStringList> rows = readCsv(summary.manifestPath);
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows.first(), (QStringList{QStringLiteral("path"), QStringLiteral("class"),
                                        QStringLiteral("decision_value"), QStringLiteral("rank")}));
    QCOMPARE(rows.size() - 1, summary.exportedFiles.size());
    QCOMPARE(summary.exported, summary.exportedFiles.size());
    QStringList expectedOnDisk = summary.exportedFiles + preExisting;
    expectedOnDisk.sort();
    QCOMPARE(filesUnder(dest), expectedOnDisk);
    for (int i = 0; i < summary.exportedFiles.size(); ++i)
        QCOMPARE(readAll(dest + QLatin1Char('/') + summary.exportedFiles.at(i)),
                 readAll(root + QLatin1Char('/') + rows.at(i + 1).at(0)));
}

int errorCount(const ExportSummary &summary, Diagnostic::Severity severity)
{
    int n = 0;
    for (const Diagnostic &d : summary.diagnostics)
        n += d.severity == severity;
    return n;
}

// Whether this process can write into a directory it made read-only (true as root).
bool permissionsIgnored(const QString &scratch)
{
    const QString dir = scratch + QStringLiteral("/probe");
    QDir().mkpath(dir);
    QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
    QFile probe(dir + QStringLiteral("/x"));
    const bool ignored = probe.open(QIODevice::WriteOnly);
    probe.close();
    QFile::remove(probe.fileName());
    QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QDir(dir).removeRecursively();
    return ignored;
}

#ifdef Q_OS_LINUX
// Caps the size of files this process may write (like a nearly full disk: writes past the
// cap fail with EFBIG), restoring the old cap on destruction.
struct FileSizeCap
{
    rlimit old{};
    void (*oldHandler)(int) = nullptr;
    explicit FileSizeCap(rlim_t bytes)
    {
        getrlimit(RLIMIT_FSIZE, &old);
        oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit capped = old;
        capped.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &capped);
    }
    ~FileSizeCap()
    {
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);
    }
};
#endif

} // namespace

class TestHardSubsetExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_root;

    QString freshDest(const QString &name) { return m_tmp.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_root = m_tmp.filePath(QStringLiteral("dataset"));
        QVERIFY(writeFile(m_root + QStringLiteral("/train/Bag/1.png"), "train-bag-1"));
        QVERIFY(writeFile(m_root + QStringLiteral("/pool/Bag/1.png"), "pool-bag-1"));
        QVERIFY(writeFile(m_root + QStringLiteral("/pool/Bag/2.png"), "pool-bag-2"));
        QVERIFY(writeFile(m_root + QStringLiteral("/pool/Shoe/3.png"), "pool-shoe-3"));
        QVERIFY(writeFile(m_root + QStringLiteral("/pool/Zebra/4.png"), "pool-zebra-4"));
        QVERIFY(writeFile(m_root + QStringLiteral("/pool/Big/big.bin"), QByteArray(256 * 1024, 'x')));
    }

    // ---- selection -------------------------------------------------------------------

    void selectsKMostNegativePerClass()
    {
        const QVector<ScoredImage> images{
            {QStringLiteral("pool/b/x.png"), QStringLiteral("b"), -0.5},
            {QStringLiteral("pool/a/z.png"), QStringLiteral("a"), -2.0},
            {QStringLiteral("pool/a/y.png"), QStringLiteral("a"), 1.0},
            {QStringLiteral("pool/a/b.png"), QStringLiteral("a"), -1.0},
            {QStringLiteral("pool/a/a.png"), QStringLiteral("a"), -1.0}, // tie: path decides
            {QStringLiteral("pool/b/w.png"), QStringLiteral("b"), 3.0},
            {QStringLiteral("pool/b/v.png"), QStringLiteral("b"), 2.0},
        };
        HardSubsetCriteria criteria;
        criteria.perClass = 3;
        const QVector<ExportItem> out = selectHardSubset(images, criteria);
        QCOMPARE(out.size(), 6);
        const QStringList expectedPaths{QStringLiteral("pool/a/z.png"), QStringLiteral("pool/a/a.png"),
                                        QStringLiteral("pool/a/b.png"), QStringLiteral("pool/b/x.png"),
                                        QStringLiteral("pool/b/v.png"), QStringLiteral("pool/b/w.png")};
        const QVector<int> expectedRanks{1, 2, 3, 1, 2, 3};
        for (int i = 0; i < out.size(); ++i) {
            QCOMPARE(out.at(i).relativePath, expectedPaths.at(i));
            QCOMPARE(out.at(i).rank, expectedRanks.at(i));
        }
        QCOMPARE(out.at(0).className, QStringLiteral("a"));
        QCOMPARE(out.at(0).decisionValue, -2.0);

        // Input order does not matter.
        QVector<ScoredImage> reversed(images.crbegin(), images.crend());
        const QVector<ExportItem> again = selectHardSubset(reversed, criteria);
        QCOMPARE(again.size(), out.size());
        for (int i = 0; i < out.size(); ++i)
            QCOMPARE(again.at(i).relativePath, out.at(i).relativePath);

        criteria.perClass = 1;
        QCOMPARE(selectHardSubset(images, criteria).size(), 2);
    }

    void selectsByThreshold()
    {
        const QVector<ScoredImage> images{
            {QStringLiteral("p/a1"), QStringLiteral("a"), -3.0},
            {QStringLiteral("p/a2"), QStringLiteral("a"), -0.0001},
            {QStringLiteral("p/a3"), QStringLiteral("a"), 0.0}, // not strictly below 0
            {QStringLiteral("p/b1"), QStringLiteral("b"), 0.5},
            {QStringLiteral("p/c1"), QStringLiteral("c"), std::numeric_limits<double>::quiet_NaN()},
            {QStringLiteral("p/c2"), QStringLiteral("c"), -1.0},
        };
        HardSubsetCriteria criteria;
        criteria.threshold = 0.0;
        const QVector<ExportItem> out = selectHardSubset(images, criteria);
        QCOMPARE(out.size(), 3);
        QCOMPARE(out.at(0).relativePath, QStringLiteral("p/a1"));
        QCOMPARE(out.at(0).rank, 1);
        QCOMPARE(out.at(1).relativePath, QStringLiteral("p/a2"));
        QCOMPARE(out.at(1).rank, 2);
        QCOMPARE(out.at(2).relativePath, QStringLiteral("p/c2"));
        QCOMPARE(out.at(2).rank, 1);

        criteria.threshold = -10.0;
        QVERIFY(selectHardSubset(images, criteria).isEmpty());
    }

    void rejectsBothOrNeitherCriterion()
    {
        const QVector<ScoredImage> images{{QStringLiteral("p/a"), QStringLiteral("a"), -1.0}};
        HardSubsetCriteria neither;
        QVERIFY_THROWS_EXCEPTION(Error, selectHardSubset(images, neither));
        HardSubsetCriteria both;
        both.perClass = 2;
        both.threshold = 0.0;
        QVERIFY_THROWS_EXCEPTION(Error, selectHardSubset(images, both));
        HardSubsetCriteria negative;
        negative.perClass = -1;
        QVERIFY_THROWS_EXCEPTION(Error, selectHardSubset(images, negative));
        HardSubsetCriteria nan;
        nan.threshold = std::numeric_limits<double>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(Error, selectHardSubset(images, nan));
    }

    void parsesExportMode()
    {
        QCOMPARE(parseExportMode(QStringLiteral("copy")), ExportMode::Copy);
        QCOMPARE(parseExportMode(QStringLiteral("Symlink")), ExportMode::Symlink);
        QCOMPARE(parseExportMode(QStringLiteral(" manifest ")), ExportMode::Manifest);
        QVERIFY_THROWS_EXCEPTION(Error, parseExportMode(QStringLiteral("move")));
        QVERIFY_THROWS_EXCEPTION(Error, parseExportMode(QString()));
    }

    // ---- sanitisation ----------------------------------------------------------------

    void sanitizesUnsafeNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("traversal") << QStringLiteral("../evil");
        QTest::newRow("dotdot") << QStringLiteral("..");
        QTest::newRow("dot") << QStringLiteral(".");
        QTest::newRow("hidden") << QStringLiteral(".hidden");
        QTest::newRow("CON") << QStringLiteral("CON");
        QTest::newRow("con lower") << QStringLiteral("con");
        QTest::newRow("nul ext") << QStringLiteral("nul.txt");
        QTest::newRow("COM1") << QStringLiteral("COM1");
        QTest::newRow("lpt9 ext") << QStringLiteral("Lpt9.tar.gz");
        QTest::newRow("aux space") << QStringLiteral("AUX .png");
        QTest::newRow("slash") << QStringLiteral("a/b");
        QTest::newRow("backslash") << QStringLiteral("a\\b");
        QTest::newRow("windows abs") << QStringLiteral("C:\\Windows");
        QTest::newRow("trailing dots") << QStringLiteral("dots...");
        QTest::newRow("trailing spaces") << QStringLiteral("space  ");
        QTest::newRow("empty") << QString();
        QTest::newRow("only dots") << QStringLiteral("....");
        QTest::newRow("specials") << QStringLiteral("a<b>c:d\"e|f?g*h");
        QTest::newRow("control") << (QStringLiteral("tab\there") + QChar(0x7f) + QChar(0x1));
        QTest::newRow("newline") << QStringLiteral("line\nbreak");
        QTest::newRow("long") << QString(300, QLatin1Char('x'));
        QTest::newRow("long unicode") << QString(200, QChar(0x732B)); // 猫, 3 bytes each
    }

    void sanitizesUnsafeNames()
    {
        QFETCH(QString, name);
        const QString safe = sanitizeFileName(name);
        QVERIFY2(isPortableName(safe), qPrintable(safe));
        QVERIFY(safe != name);
        QCOMPARE(sanitizeFileName(safe), safe); // already safe: unchanged
        QVERIFY(safe.toUtf8().size() <= 128);
    }

    void keepsSafeNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("plain") << QStringLiteral("Bag");
        QTest::newRow("spaces inside") << QStringLiteral("Ankle boot");
        QTest::newRow("unicode") << QStringLiteral("Ünïcødé 猫 café");
        QTest::newRow("emoji") << QStringLiteral("cat 🐈");
        QTest::newRow("dots inside") << QStringLiteral("v1.2.3");
        QTest::newRow("console is fine") << QStringLiteral("CONSOLE");
        QTest::newRow("com10 is fine") << QStringLiteral("COM10");
        QTest::newRow("image") << QStringLiteral("img (1).png");
    }

    void keepsSafeNames()
    {
        QFETCH(QString, name);
        QCOMPARE(sanitizeFileName(name), name);
    }

    void sanitizedNamesDoNotMerge()
    {
        const QStringList names{QStringLiteral("a/b"), QStringLiteral("a\\b"), QStringLiteral("a:b"),
                                QStringLiteral("a_b"), QStringLiteral("dots..."), QStringLiteral("dots"),
                                QStringLiteral("..dots"), QStringLiteral(""), QStringLiteral("unnamed"),
                                QStringLiteral("CON"), QStringLiteral("_CON")};
        QSet<QString> seen;
        for (const QString &name : names)
            seen.insert(sanitizeFileName(name));
        QCOMPARE(seen.size(), names.size());
        QVERIFY(sanitizeFileName(QStringLiteral("../evil")).contains(QLatin1String("evil")));
        QVERIFY(sanitizeFileName(QStringLiteral("CON.txt")).endsWith(QLatin1String(".txt")));
        QVERIFY(sanitizeFileName(QStringLiteral("dots...")).startsWith(QLatin1String("dots")));
    }

    // ---- export modes ----------------------------------------------------------------

    void copiesFilesAndWritesManifest()
    {
        const QString dest = freshDest(QStringLiteral("copy/out")); // parents created too
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -1.25, 1),
            item(QStringLiteral("pool/Shoe/3.png"), QStringLiteral("Shoe"), -0.1, 1),
        };
        JobControl control;
        QVector<QPair<qint64, qint64>> progress;
        QStringList stages;
        control.setProgressHandler([&](qint64 done, qint64 total, const QString &stage) {
            progress.append({done, total});
            stages.append(stage);
        });
        const ExportSummary summary =
            exportHardSubset(m_root, items, dest, ExportMode::Copy, &control);
        QCOMPARE(summary.exported, 2);
        QCOMPARE(summary.skippedExisting, 0);
        QVERIFY(summary.diagnostics.isEmpty());
        QVERIFY(!summary.stoppedEarly);
        QCOMPARE(summary.manifestPath, QDir(dest).absoluteFilePath(QStringLiteral("manifest.csv")));
        QCOMPARE(summary.exportedFiles,
                 (QStringList{QStringLiteral("Bag/2.png"), QStringLiteral("Shoe/3.png")}));
        QCOMPARE(readAll(dest + QStringLiteral("/Bag/2.png")), QByteArray("pool-bag-2"));
        QVERIFY(!QFileInfo(dest + QStringLiteral("/Bag/2.png")).isSymLink());
        QCOMPARE(readAll(summary.manifestPath),
                 QByteArray("path,class,decision_value,rank\n"
                            "pool/Bag/2.png,Bag,-1.25,1\n"
                            "pool/Shoe/3.png,Shoe,-0.1,1\n"));
        verifyConsistent(summary, m_root, dest);
        QCOMPARE(progress.first(), (QPair<qint64, qint64>(0, 2)));
        QCOMPARE(progress.last(), (QPair<qint64, qint64>(2, 2)));
        QCOMPARE(stages.first(), QStringLiteral("export"));
    }

    void decisionValuesRoundTrip()
    {
        const QString dest = freshDest(QStringLiteral("precision"));
        const double value = -0.123456789012345678;
        const ExportSummary summary = exportHardSubset(
            m_root, {item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), value, 7)}, dest,
            ExportMode::Manifest);
        const QList<QStringList> rows = readCsv(summary.manifestPath);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(1).at(2).toDouble(), value);
        QCOMPARE(rows.at(1).at(3), QStringLiteral("7"));
    }

    void symlinksPointAtSources()
    {
        const QString dest = freshDest(QStringLiteral("links"));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -1.0, 1),
            item(QStringLiteral("pool/Shoe/3.png"), QStringLiteral("Shoe"), -2.0, 1),
        };
        const ExportSummary summary = exportHardSubset(m_root, items, dest, ExportMode::Symlink);
        QCOMPARE(summary.exported, 2);
        const QFileInfo link(dest + QStringLiteral("/Bag/2.png"));
        QVERIFY(link.isSymLink());
        QCOMPARE(link.symLinkTarget(), QFileInfo(m_root + QStringLiteral("/pool/Bag/2.png")).absoluteFilePath());
        QCOMPARE(readAll(link.filePath()), QByteArray("pool-bag-2"));
        QVERIFY(QFileInfo(dest + QStringLiteral("/Shoe/3.png")).isSymLink());
        verifyConsistent(summary, m_root, dest);
    }

    void manifestModeWritesOnlyTheManifest()
    {
        const QString dest = freshDest(QStringLiteral("manifest-only"));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -1.0, 1),
            item(QStringLiteral("pool/Shoe/3.png"), QStringLiteral("Shoe"), -2.0, 1),
        };
        const ExportSummary summary = exportHardSubset(m_root, items, dest, ExportMode::Manifest);
        QCOMPARE(summary.exported, 2);
        QVERIFY(summary.exportedFiles.isEmpty());
        QCOMPARE(QDir(dest).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{QStringLiteral("manifest.csv")});
        const QList<QStringList> rows = readCsv(summary.manifestPath);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(1).at(0), QStringLiteral("pool/Bag/2.png"));
        QCOMPARE(rows.at(2).at(1), QStringLiteral("Shoe"));
    }

    void quotesCsvFields()
    {
        QVERIFY(writeFile(m_root + QStringLiteral("/pool/odd/a,\"b\".png"), "odd"));
        const QString dest = freshDest(QStringLiteral("quoting"));
        const QString cls = QStringLiteral("x, \"y\"\nz");
        const ExportSummary summary = exportHardSubset(
            m_root, {item(QStringLiteral("pool/odd/a,\"b\".png"), cls, -1.0, 1)}, dest, ExportMode::Copy);
        QCOMPARE(summary.exported, 1);
        QVERIFY(readAll(summary.manifestPath)
                    .endsWith("\"pool/odd/a,\"\"b\"\".png\",\"x, \"\"y\"\"\nz\",-1,1\n"));
        const QList<QStringList> rows = readCsv(summary.manifestPath);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(1).at(1), cls);
        QVERIFY(isPortableName(summary.exportedFiles.first().section(QLatin1Char('/'), 0, 0)));
        verifyConsistent(summary, m_root, dest);
    }

    // ---- never overwrite, collisions -------------------------------------------------

    void neverOverwritesExistingFiles()
    {
        const QString dest = freshDest(QStringLiteral("existing"));
        QVERIFY(writeFile(dest + QStringLiteral("/Bag/2.png"), "user data"));
        QVERIFY(writeFile(dest + QStringLiteral("/manifest.csv"), "old manifest"));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -1.0, 1),
            item(QStringLiteral("pool/Shoe/3.png"), QStringLiteral("Shoe"), -2.0, 1),
        };
        const ExportSummary summary = exportHardSubset(m_root, items, dest, ExportMode::Copy);
        QCOMPARE(summary.exported, 1);
        QCOMPARE(summary.skippedExisting, 1);
        QCOMPARE(errorCount(summary, Diagnostic::Severity::Warning), 1);
        QCOMPARE(errorCount(summary, Diagnostic::Severity::Error), 0);
        QVERIFY(summary.diagnostics.first().file.endsWith(QLatin1String("Bag/2.png")));
        QCOMPARE(readAll(dest + QStringLiteral("/Bag/2.png")), QByteArray("user data"));
        QCOMPARE(readAll(dest + QStringLiteral("/manifest.csv")), QByteArray("old manifest"));
        QCOMPARE(QFileInfo(summary.manifestPath).fileName(), QStringLiteral("manifest-2.csv"));
        verifyConsistent(summary, m_root, dest, {QStringLiteral("Bag/2.png")});

        // Symlink mode does not replace a file either, and the next manifest is -3.
        const ExportSummary links = exportHardSubset(m_root, items, dest, ExportMode::Symlink);
        QCOMPARE(links.exported, 0);
        QCOMPARE(links.skippedExisting, 2);
        QVERIFY(!QFileInfo(dest + QStringLiteral("/Shoe/3.png")).isSymLink());
        QCOMPARE(QFileInfo(links.manifestPath).fileName(), QStringLiteral("manifest-3.csv"));
        QCOMPARE(readCsv(links.manifestPath).size(), 1);
    }

    void sameFileNameInOneClassDoesNotCollide()
    {
        const QString dest = freshDest(QStringLiteral("collide"));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/1.png"), QStringLiteral("Bag"), -2.0, 1),
            item(QStringLiteral("train/Bag/1.png"), QStringLiteral("Bag"), -1.0, 2),
        };
        const ExportSummary summary = exportHardSubset(m_root, items, dest, ExportMode::Copy);
        QCOMPARE(summary.exported, 2);
        QCOMPARE(summary.exportedFiles,
                 (QStringList{QStringLiteral("Bag/1.png"), QStringLiteral("Bag/1 (2).png")}));
        QCOMPARE(readAll(dest + QStringLiteral("/Bag/1.png")), QByteArray("pool-bag-1"));
        QCOMPARE(readAll(dest + QStringLiteral("/Bag/1 (2).png")), QByteArray("train-bag-1"));
        verifyConsistent(summary, m_root, dest);

        // Re-running the same export adds nothing and changes nothing.
        const ExportSummary again = exportHardSubset(m_root, items, dest, ExportMode::Copy);
        QCOMPARE(again.exported, 0);
        QCOMPARE(again.skippedExisting, 2);
        QCOMPARE(readAll(dest + QStringLiteral("/Bag/1 (2).png")), QByteArray("train-bag-1"));
    }

    void classesThatSanitiseAlikeDoNotMerge()
    {
        const QString dest = freshDest(QStringLiteral("classes"));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("a/b"), -1.0, 1),
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("a_b"), -1.0, 1),
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -1.0, 1),
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("bag"), -1.0, 1),
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("../evil"), -1.0, 1),
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("CON"), -1.0, 1),
            item(QStringLiteral("pool/Bag/2.png"), QString(), -1.0, 1),
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Ünïcødé 猫"), -1.0, 1),
        };
        const ExportSummary summary = exportHardSubset(m_root, items, dest, ExportMode::Copy);
        QCOMPARE(summary.exported, items.size());
        QSet<QString> dirs;
        for (const QString &file : summary.exportedFiles) {
            const QString dir = file.section(QLatin1Char('/'), 0, 0);
            QVERIFY2(isPortableName(dir), qPrintable(dir));
            dirs.insert(dir.toCaseFolded());
        }
        QCOMPARE(dirs.size(), items.size());
        QVERIFY(summary.exportedFiles.contains(QStringLiteral("a_b/2.png")));
        QVERIFY(summary.exportedFiles.contains(QStringLiteral("Ünïcødé 猫/2.png")));
        // Nothing escaped the destination.
        QVERIFY(!QFileInfo::exists(m_tmp.filePath(QStringLiteral("evil"))));
        verifyConsistent(summary, m_root, dest);
    }

    // ---- failures --------------------------------------------------------------------

    void missingSourceIsReportedAndSkipped()
    {
        const QString dest = freshDest(QStringLiteral("missing"));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/gone.png"), QStringLiteral("Bag"), -3.0, 1),
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -1.0, 2),
            item(QStringLiteral("../outside.png"), QStringLiteral("Bag"), -0.5, 3),
            item(QStringLiteral("pool/Bag"), QStringLiteral("Bag"), -0.4, 4), // a folder
        };
        const ExportSummary summary = exportHardSubset(m_root, items, dest, ExportMode::Copy);
        QCOMPARE(summary.exported, 1);
        QCOMPARE(errorCount(summary, Diagnostic::Severity::Error), 3);
        QVERIFY(summary.diagnostics.at(0).file.endsWith(QLatin1String("pool/Bag/gone.png")));
        QVERIFY(summary.diagnostics.at(0).message.contains(QLatin1String("not found")));
        QVERIFY(!summary.stoppedEarly);
        verifyConsistent(summary, m_root, dest);
        QCOMPARE(readCsv(summary.manifestPath).at(1).at(0), QStringLiteral("pool/Bag/2.png"));

        const ExportSummary manifestOnly =
            exportHardSubset(m_root, items, freshDest(QStringLiteral("missing-m")), ExportMode::Manifest);
        QCOMPARE(manifestOnly.exported, 1);
        QCOMPARE(readCsv(manifestOnly.manifestPath).size(), 2);
    }

    void destinationThatIsAFileFails()
    {
        const QString dest = freshDest(QStringLiteral("not-a-dir"));
        QVERIFY(writeFile(dest, "file"));
        const QVector<ExportItem> items{item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -1.0, 1)};
        try {
            exportHardSubset(m_root, items, dest + QStringLiteral("/sub"), ExportMode::Copy);
            QFAIL("expected Error");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QLatin1String("not-a-dir")), qPrintable(e.message()));
        }
        QCOMPARE(readAll(dest), QByteArray("file"));
#ifdef Q_OS_LINUX
        // /proc refuses new folders even for root.
        QVERIFY_THROWS_EXCEPTION(
            Error, exportHardSubset(m_root, items, QStringLiteral("/proc/faultline-test/out"), ExportMode::Copy));
#endif
    }

    void blockedClassFolderStopsWithConsistentManifest()
    {
        const QString dest = freshDest(QStringLiteral("blocked"));
        QVERIFY(writeFile(dest + QStringLiteral("/Shoe"), "a file where a folder must go"));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/1.png"), QStringLiteral("Bag"), -2.0, 1),
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -1.0, 2),
            item(QStringLiteral("pool/Shoe/3.png"), QStringLiteral("Shoe"), -1.0, 1),
            item(QStringLiteral("pool/Zebra/4.png"), QStringLiteral("Zebra"), -1.0, 1),
        };
        const ExportSummary summary = exportHardSubset(m_root, items, dest, ExportMode::Copy);
        QVERIFY(summary.stoppedEarly);
        QCOMPARE(summary.exported, 2);
        QCOMPARE(errorCount(summary, Diagnostic::Severity::Error), 1);
        QVERIFY(summary.diagnostics.last().file.endsWith(QLatin1String("/Shoe")));
        QVERIFY(!QFileInfo::exists(dest + QStringLiteral("/Zebra")));
        verifyConsistent(summary, m_root, dest, {QStringLiteral("Shoe")});
    }

    void readOnlyClassFolderStopsWithConsistentManifest()
    {
        if (permissionsIgnored(m_tmp.path()))
            QSKIP("permissions are not enforced for this user (root); covered by the blocked-folder and size-cap tests");
        const QString dest = freshDest(QStringLiteral("readonly"));
        QVERIFY(QDir().mkpath(dest + QStringLiteral("/Shoe")));
        QVERIFY(QFile::setPermissions(dest + QStringLiteral("/Shoe"),
                                      QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -1.0, 1),
            item(QStringLiteral("pool/Shoe/3.png"), QStringLiteral("Shoe"), -1.0, 1),
            item(QStringLiteral("pool/Zebra/4.png"), QStringLiteral("Zebra"), -1.0, 1),
        };
        const ExportSummary summary = exportHardSubset(m_root, items, dest, ExportMode::Copy);
        QFile::setPermissions(dest + QStringLiteral("/Shoe"), QFileDevice::ReadOwner
                                  | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QVERIFY(summary.stoppedEarly);
        QCOMPARE(summary.exported, 1);
        QVERIFY(summary.diagnostics.last().file.endsWith(QLatin1String("Shoe/3.png")));
        QVERIFY(summary.diagnostics.last().message.contains(QLatin1String("denied"), Qt::CaseInsensitive));
        verifyConsistent(summary, m_root, dest);
    }

#ifdef Q_OS_LINUX
    void writeFailureMidCopyLeavesNoPartialFile()
    {
        const QString dest = freshDest(QStringLiteral("full"));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -3.0, 1),
            item(QStringLiteral("pool/Big/big.bin"), QStringLiteral("Big"), -2.0, 1),
            item(QStringLiteral("pool/Zebra/4.png"), QStringLiteral("Zebra"), -1.0, 1),
        };
        ExportSummary summary;
        {
            FileSizeCap cap(64 * 1024); // the 256 KiB file cannot be written: EFBIG
            summary = exportHardSubset(m_root, items, dest, ExportMode::Copy);
        }
        QVERIFY(summary.stoppedEarly);
        QCOMPARE(summary.exported, 1);
        const Diagnostic &last = summary.diagnostics.last();
        QCOMPARE(last.severity, Diagnostic::Severity::Error);
        QVERIFY2(last.file.endsWith(QLatin1String("Big/big.bin")), qPrintable(last.toString()));
        QVERIFY2(last.message.contains(QLatin1String("too large"), Qt::CaseInsensitive),
                 qPrintable(last.toString()));
        QVERIFY(!QFileInfo::exists(dest + QStringLiteral("/Big/big.bin")));
        QVERIFY(!QFileInfo::exists(dest + QStringLiteral("/Zebra")));
        verifyConsistent(summary, m_root, dest); // also: no leftover temporary file
    }

    void shortWriteOfSmallFileIsDetected()
    {
        QVERIFY(writeFile(m_root + QStringLiteral("/pool/Small/s.png"), QByteArray(1000, 's')));
        const QString dest = freshDest(QStringLiteral("short"));
        ExportSummary summary;
        {
            FileSizeCap cap(200); // the manifest fits, the 1000-byte file does not
            summary = exportHardSubset(
                m_root, {item(QStringLiteral("pool/Small/s.png"), QStringLiteral("Small"), -1.0, 1)},
                dest, ExportMode::Copy);
        }
        QVERIFY(summary.stoppedEarly);
        QCOMPARE(summary.exported, 0);
        verifyConsistent(summary, m_root, dest);
    }

    void manifestWriteFailureRollsBack()
    {
        QVERIFY(writeFile(m_root + QStringLiteral("/pool/Long/a_rather_long_file_name_number_one.png"), "1"));
        QVERIFY(writeFile(m_root + QStringLiteral("/pool/Long/a_rather_long_file_name_number_two.png"), "2"));
        const QString dest = freshDest(QStringLiteral("nomanifest"));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Long/a_rather_long_file_name_number_one.png"), QStringLiteral("Long"), -2.0, 1),
            item(QStringLiteral("pool/Long/a_rather_long_file_name_number_two.png"), QStringLiteral("Long"), -1.0, 2),
        };
        bool threw = false;
        {
            FileSizeCap cap(64); // the 1-byte copies fit, the manifest does not
            try {
                exportHardSubset(m_root, items, dest, ExportMode::Copy);
            } catch (const Error &) {
                threw = true;
            }
        }
        QVERIFY(threw);
        QVERIFY(!QFileInfo::exists(dest)); // everything this call made was taken back
    }
#endif

    void cancellationKeepsManifestConsistent()
    {
        const QString dest = freshDest(QStringLiteral("cancel"));
        const QVector<ExportItem> items{
            item(QStringLiteral("pool/Bag/1.png"), QStringLiteral("Bag"), -2.0, 1),
            item(QStringLiteral("pool/Bag/2.png"), QStringLiteral("Bag"), -1.0, 2),
            item(QStringLiteral("pool/Shoe/3.png"), QStringLiteral("Shoe"), -1.0, 1),
        };
        JobControl control;
        control.setProgressHandler([&](qint64 done, qint64, const QString &) {
            if (done == 1)
                control.requestCancel();
        });
        QVERIFY_THROWS_EXCEPTION(JobCancelled,
                                 exportHardSubset(m_root, items, dest, ExportMode::Copy, &control));
        const QString manifest = dest + QStringLiteral("/manifest.csv");
        const QList<QStringList> rows = readCsv(manifest);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(1).at(0), QStringLiteral("pool/Bag/1.png"));
        QCOMPARE(filesUnder(dest), QStringList{QStringLiteral("Bag/1.png")});
    }
};

QTEST_GUILESS_MAIN(TestHardSubsetExport)
#include "test_hard_subset_export.moc"
