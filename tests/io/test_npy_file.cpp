#include "common/Error.h"
#include "io/NpyFile.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace faultline;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");

// Builds a .npy file by hand: preamble for `major`, the header text padded to 16 bytes
// unless `exactHeader`, then `data`.
QByteArray npyBytes(int major, QByteArray header, const QByteArray &data, bool pad = true)
{
    const int preamble = major == 1 ? 10 : 12;
    if (pad) {
        while ((preamble + header.size() + 1) % 16 != 0)
            header += ' ';
        header += '\n';
    }
    QByteArray out("\x93NUMPY", 6);
    out += char(major);
    out += char(0);
    if (major == 1) {
        char len[2];
        qToLittleEndian<quint16>(quint16(header.size()), len);
        out.append(len, 2);
    } else {
        char len[4];
        qToLittleEndian<quint32>(quint32(header.size()), len);
        out.append(len, 4);
    }
    return out + header + data;
}

QByteArray floatsLE(std::initializer_list<float> values)
{
    QByteArray out;
    for (float v : values) {
        char b[4];
        qToLittleEndian<float>(v, b);
        out.append(b, 4);
    }
    return out;
}

} // namespace

class TestNpyFile : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_counter = 0;
    bool m_haveNumpy = false;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    QString writeFile(const QByteArray &bytes)
    {
        const QString p = path(QStringLiteral("hand%1.npy").arg(++m_counter));
        QFile f(p);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write fixture");
        return p;
    }

    static QString errorOf(const QString &p)
    {
        try {
            readNpyMatrix(p);
        } catch (const Error &e) {
            return e.message();
        }
        return QString();
    }

    // Runs a Python snippet with numpy in the fixture directory; returns its stdout.
    QByteArray python(const QString &code)
    {
        QProcess proc;
        proc.setWorkingDirectory(m_dir.path());
        proc.start(kPython, {QStringLiteral("-c"), code});
        if (!proc.waitForFinished(60000) || proc.exitStatus() != QProcess::NormalExit || proc.exitCode() != 0) {
            qWarning("python failed: %s", proc.readAllStandardError().constData());
            return QByteArray("PYTHON-FAILED");
        }
        return proc.readAllStandardOutput();
    }

    void requireNumpy()
    {
        if (!QFileInfo::exists(kPython))
            QSKIP("/usr/bin/python3 not installed");
        QVERIFY2(m_haveNumpy, "numpy fixtures could not be generated with /usr/bin/python3");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        if (!QFileInfo::exists(kPython))
            return;
        const QByteArray out = python(QStringLiteral(R"PY(
import numpy as np
a = (np.arange(12, dtype=np.float32).reshape(3, 4) * 0.5 - 1.0)
np.save('f32.npy', a)
np.save('f32_be.npy', a.astype('>f4'))
h = np.array([[0, 1, -2.5, 65504], [0.1, 2.0**-24, -0.0, 0.333]], dtype=np.float16)
np.save('f16.npy', h)
np.save('f16_be.npy', h.astype('>f2'))
with open('v2.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=(2, 0))
with open('v3.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=(3, 0))
np.save('fortran.npy', np.asfortranarray(a))
np.save('f64.npy', a.astype(np.float64))
np.save('i4.npy', np.arange(6, dtype=np.int32).reshape(2, 3))
np.save('one_d.npy', np.arange(5, dtype=np.float32))
np.save('three_d.npy', np.zeros((2, 3, 4), dtype=np.float32))
np.save('empty.npy', np.zeros((0, 7), dtype=np.float32))
b = np.ones((4, 3), dtype=np.float32); b[2, 1] = np.nan
np.save('nan.npy', b)
print('ok')
)PY"));
        m_haveNumpy = out.trimmed() == "ok";
    }

    // ---- numpy-written files ----

    void readsNumpyFloat32()
    {
        requireNumpy();
        const NpyMatrix m = readNpyMatrix(path(QStringLiteral("f32.npy")));
        QCOMPARE(m.rows, 3);
        QCOMPARE(m.cols, 4);
        QCOMPARE(qint64(m.values.size()), 12);
        for (int i = 0; i < 12; ++i)
            QCOMPARE(m.values[size_t(i)], float(i) * 0.5f - 1.0f);
        QCOMPARE(firstNonFiniteRow(m), -1);
    }

    void readsNumpyBigEndianFloat32()
    {
        requireNumpy();
        const NpyMatrix m = readNpyMatrix(path(QStringLiteral("f32_be.npy")));
        QCOMPARE(m.rows, 3);
        QCOMPARE(m.cols, 4);
        for (int i = 0; i < 12; ++i)
            QCOMPARE(m.values[size_t(i)], float(i) * 0.5f - 1.0f);
    }

    void readsNumpyFloat16()
    {
        requireNumpy();
        // float16 values as numpy rounds them: 0.1 -> 0.0999755859375, 0.333 -> 0.3330078125.
        const std::vector<float> expected = {0.0f, 1.0f, -2.5f, 65504.0f,
                                             0.0999755859375f, std::ldexp(1.0f, -24), -0.0f, 0.3330078125f};
        for (const char *name : {"f16.npy", "f16_be.npy"}) {
            const NpyMatrix m = readNpyMatrix(path(QString::fromLatin1(name)));
            QCOMPARE(m.rows, 2);
            QCOMPARE(m.cols, 4);
            QCOMPARE(m.values, expected);
            QVERIFY(std::signbit(m.values[6]));
        }
    }

    void readsFormatVersions2And3()
    {
        requireNumpy();
        for (const char *name : {"v2.npy", "v3.npy"}) {
            QFile f(path(QString::fromLatin1(name)));
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(int(f.read(8).at(6)), name[1] - '0'); // really written as that version
            const NpyMatrix m = readNpyMatrix(f.fileName());
            QCOMPARE(m.rows, 3);
            QCOMPARE(m.cols, 4);
            QCOMPARE(m.values[11], 4.5f);
        }
    }

    void rejectsFortranOrder()
    {
        requireNumpy();
        const QString p = path(QStringLiteral("fortran.npy"));
        const QString msg = errorOf(p);
        QVERIFY2(msg.startsWith(p + QStringLiteral(": ")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("Fortran order not supported; save with np.ascontiguousarray")),
                 qPrintable(msg));
    }

    void rejectsOtherDtypes()
    {
        requireNumpy();
        const QString f64 = errorOf(path(QStringLiteral("f64.npy")));
        QVERIFY2(f64.contains(QStringLiteral("'<f8'")) && f64.contains(QStringLiteral("float32"))
                     && f64.contains(QStringLiteral("float16")),
                 qPrintable(f64));
        const QString i4 = errorOf(path(QStringLiteral("i4.npy")));
        QVERIFY2(i4.contains(QStringLiteral("'<i4'")) && i4.contains(QStringLiteral("float32")), qPrintable(i4));
    }

    void rejectsWrongRank()
    {
        requireNumpy();
        const QString p = path(QStringLiteral("one_d.npy"));
        const QString oneD = errorOf(p);
        QVERIFY2(oneD.startsWith(p) && oneD.contains(QStringLiteral("(5,)")) && oneD.contains(QStringLiteral("[N, D]")),
                 qPrintable(oneD));
        const QString threeD = errorOf(path(QStringLiteral("three_d.npy")));
        QVERIFY2(threeD.contains(QStringLiteral("(2, 3, 4)")) && threeD.contains(QStringLiteral("[N, D]")),
                 qPrintable(threeD));
    }

    void readsEmptyMatrix()
    {
        requireNumpy();
        const NpyMatrix m = readNpyMatrix(path(QStringLiteral("empty.npy")));
        QCOMPARE(m.rows, 0);
        QCOMPARE(m.cols, 7);
        QVERIFY(m.values.empty());
        QCOMPARE(firstNonFiniteRow(m), -1);
    }

    void findsNonFiniteRow()
    {
        requireNumpy();
        NpyMatrix m = readNpyMatrix(path(QStringLiteral("nan.npy")));
        QCOMPARE(firstNonFiniteRow(m), 2);
        m.values[size_t(1 * 3 + 0)] = -std::numeric_limits<float>::infinity();
        QCOMPARE(firstNonFiniteRow(m), 1);
    }

    void numpyReadsWhatWeWrite()
    {
        requireNumpy();
        const std::vector<float> values = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, 7.0f};
        writeNpyMatrix(path(QStringLiteral("ours.npy")), values.data(), 2, 3);
        const QByteArray out = python(QStringLiteral(
            "import numpy as np\n"
            "a = np.load('ours.npy')\n"
            "assert a.dtype == np.dtype('<f4') and a.shape == (2, 3) and a.flags.c_contiguous\n"
            "assert (a == np.array([[1.5, -2.0, 3.25], [0.0, 1e-30, 7.0]], dtype=np.float32)).all()\n"
            "print('ok')\n"));
        QCOMPARE(out.trimmed(), QByteArray("ok"));
    }

    // ---- round trip ----

    void roundTrip()
    {
        const qint64 rows = 1000, cols = 37;
        std::vector<float> values(size_t(rows * cols));
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = float(std::sin(double(i))) * 1000.0f;
        const QString p = path(QStringLiteral("roundtrip.npy"));
        writeNpyMatrix(p, values.data(), rows, cols);
        QFile f(p);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray head = f.read(10);
        QCOMPARE(head.left(8), QByteArray("\x93NUMPY\x01\x00", 8));
        const qint64 dataStart = 10 + qFromLittleEndian<quint16>(head.constData() + 8);
        QCOMPARE(dataStart % 64, 0);
        QCOMPARE(f.size(), dataStart + rows * cols * 4);
        f.close();

        const NpyMatrix m = readNpyMatrix(p);
        QCOMPARE(m.rows, rows);
        QCOMPARE(m.cols, cols);
        QCOMPARE(m.values, values);
    }

    void roundTripEmpty()
    {
        const QString p = path(QStringLiteral("empty_ours.npy"));
        writeNpyMatrix(p, nullptr, 0, 5);
        const NpyMatrix m = readNpyMatrix(p);
        QCOMPARE(m.rows, 0);
        QCOMPARE(m.cols, 5);
        QVERIFY(m.values.empty());
    }

    void writeOverwritesExisting()
    {
        const QString p = path(QStringLiteral("overwrite.npy"));
        const float a[] = {1, 2, 3, 4};
        writeNpyMatrix(p, a, 2, 2);
        writeNpyMatrix(p, a, 1, 1);
        const NpyMatrix m = readNpyMatrix(p);
        QCOMPARE(m.rows, 1);
        QCOMPARE(m.cols, 1);
        QCOMPARE(m.values[0], 1.0f);
    }

    void writeErrors()
    {
        const float a[] = {1};
        const QString bad = path(QStringLiteral("no/such/dir/x.npy"));
        try {
            writeNpyMatrix(bad, a, 1, 1);
            QFAIL("expected Error");
        } catch (const Error &e) {
            QVERIFY2(e.message().startsWith(bad + QStringLiteral(": ")), qPrintable(e.message()));
        }
        QVERIFY_THROWS_EXCEPTION(Error, writeNpyMatrix(path(QStringLiteral("neg.npy")), a, -1, 1));
        QVERIFY_THROWS_EXCEPTION(Error, writeNpyMatrix(path(QStringLiteral("null.npy")), nullptr, 2, 2));
        QVERIFY(!QFileInfo::exists(path(QStringLiteral("neg.npy"))));
    }

    // ---- hand-written headers ----

    void headerKeysInAnyOrderWithSpaces()
    {
        const QByteArray data = floatsLE({1, 2, 3, 4, 5, 6});
        const QByteArray headers[] = {
            "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
            "{ 'descr' : '<f4' ,'fortran_order':False,'shape':(2,3,), }",
            "{\"descr\": \"<f4\", \"shape\": ( 2 , 3 ), \"fortran_order\": False,}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
        };
        for (const QByteArray &h : headers) {
            const NpyMatrix m = readNpyMatrix(writeFile(npyBytes(1, h, data)));
            QCOMPARE(m.rows, 2);
            QCOMPARE(m.cols, 3);
            QCOMPARE(m.values[5], 6.0f);
        }
    }

    void unpaddedHeaderAndTrailingBytes()
    {
        // No padding/newline at all, and extra bytes after the data: both tolerated.
        const QByteArray h = "{'descr':'<f4','fortran_order':False,'shape':(1,2)}";
        const NpyMatrix m = readNpyMatrix(writeFile(npyBytes(1, h, floatsLE({7, 8}) + "junk", false)));
        QCOMPARE(m.values, (std::vector<float>{7, 8}));
    }

    void nativeAndPipeByteOrder()
    {
        for (const char *d : {"|f4", "=f4"}) {
            const QByteArray h = "{'descr': '" + QByteArray(d) + "', 'fortran_order': False, 'shape': (1, 2), }";
            const NpyMatrix m = readNpyMatrix(writeFile(npyBytes(1, h, floatsLE({7, 8}))));
            QCOMPARE(m.values, (std::vector<float>{7, 8}));
        }
    }

    void handWrittenFloat16()
    {
        // 0x3C00 = 1, 0xC000 = -2, 0x7C00 = +inf, 0x0001 = 2^-24
        QByteArray data;
        for (quint16 bits : {quint16(0x3C00), quint16(0xC000), quint16(0x7C00), quint16(0x0001)}) {
            char b[2];
            qToLittleEndian<quint16>(bits, b);
            data.append(b, 2);
        }
        const NpyMatrix m = readNpyMatrix(writeFile(
            npyBytes(2, "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", data)));
        QCOMPARE(m.values[0], 1.0f);
        QCOMPARE(m.values[1], -2.0f);
        QVERIFY(std::isinf(m.values[2]) && m.values[2] > 0);
        QCOMPARE(m.values[3], std::ldexp(1.0f, -24));
        QCOMPARE(firstNonFiniteRow(m), 1);
    }

    void badMagic()
    {
        for (const QByteArray &bytes : {QByteArray(), QByteArray("\x93NUM"), QByteArray("PK\x03\x04 zip file, not npy"),
                                         QByteArray("\x93NUMPX\x01\x00\x10\x00{}")}) {
            const QString p = writeFile(bytes);
            const QString msg = errorOf(p);
            QVERIFY2(msg.startsWith(p + QStringLiteral(": ")) && msg.contains(QStringLiteral("magic")),
                     qPrintable(msg));
        }
    }

    void unsupportedVersion()
    {
        QByteArray bytes = npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", floatsLE({1}));
        bytes[6] = 4;
        const QString msg = errorOf(writeFile(bytes));
        QVERIFY2(msg.contains(QStringLiteral("version 4.0")), qPrintable(msg));
    }

    void truncatedPreamble()
    {
        const QString msg = errorOf(writeFile(QByteArray("\x93NUMPY\x02\x00\x10\x00", 10)));
        QVERIFY2(msg.contains(QStringLiteral("truncated")), qPrintable(msg));
        const QString msg1 = errorOf(writeFile(QByteArray("\x93NUMPY\x01\x00\x10", 9)));
        QVERIFY2(msg1.contains(QStringLiteral("truncated")), qPrintable(msg1));
    }

    void headerLengthBeyondFile()
    {
        QByteArray bytes("\x93NUMPY\x01\x00\xff\xff{'descr': '<f4'}", 26);
        QString msg = errorOf(writeFile(bytes));
        QVERIFY2(msg.contains(QStringLiteral("header length 65535")), qPrintable(msg));
        bytes = QByteArray("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14);
        msg = errorOf(writeFile(bytes));
        QVERIFY2(msg.contains(QStringLiteral("header length 4294967295")), qPrintable(msg));
    }

    void truncatedData()
    {
        const QString p = writeFile(npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }",
                                             floatsLE({1, 2, 3, 4, 5})));
        QCOMPARE(errorOf(p), p + QStringLiteral(": truncated: expected 48 bytes of data, file has 20"));
        const QString p16 = writeFile(npyBytes(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3, 4), }",
                                               QByteArray(23, '\0')));
        QCOMPARE(errorOf(p16), p16 + QStringLiteral(": truncated: expected 24 bytes of data, file has 23"));
    }

    void absurdShapes()
    {
        const QByteArray shapes[] = {"(9223372036854775807, 2)", "(4611686018427387904, 4611686018427387904)",
                                     "(1000000000000, 1000000)", "(2305843009213693952, 1)"};
        for (const QByteArray &s : shapes) {
            const QString p = writeFile(npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': " + s + ", }",
                                                 floatsLE({1, 2})));
            const QString msg = errorOf(p);
            QVERIFY2(msg.startsWith(p + QStringLiteral(": truncated: ")) && msg.contains(QStringLiteral("file has 8")),
                     qPrintable(msg));
        }
        // Larger than qint64 entirely.
        const QString p = writeFile(npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 2), }",
                                             floatsLE({1, 2})));
        QVERIFY(!errorOf(p).isEmpty());
    }

    void negativeDimension()
    {
        const QString msg = errorOf(writeFile(npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2), }",
                                                       floatsLE({1, 2}))));
        QVERIFY2(msg.contains(QStringLiteral("negative")), qPrintable(msg));
    }

    void zeroDimensionalShape()
    {
        const QString msg = errorOf(writeFile(npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                                                       floatsLE({1}))));
        QVERIFY2(msg.contains(QStringLiteral("0-D")) && msg.contains(QStringLiteral("[N, D]")), qPrintable(msg));
    }

    void malformedHeaders()
    {
        const QByteArray headers[] = {
            "",
            "not a dict",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)",    // no closing brace
            "{'descr': '<f4, 'fortran_order': False, 'shape': (1, 2)}",    // broken string
            "{'descr': '<f4' 'fortran_order': False, 'shape': (1, 2)}",    // missing comma
            "{'descr': '<f4', 'fortran_order': False}",                     // missing shape
            "{'fortran_order': False, 'shape': (1, 2)}",                    // missing descr
            "{'descr': '<f4', 'shape': (1, 2)}",                            // missing fortran_order
            "{'descr': '<f4', 'fortran_order': 0, 'shape': (1, 2)}",        // not a bool
            "{'descr': '<f4', 'fortran_order': False, 'shape': [1, 2]}",    // list, not tuple
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 'x')}",  // not ints
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)} x",  // trailing garbage
            "{3: '<f4'}",                                                    // non-string key
        };
        for (const QByteArray &h : headers) {
            const QString p = writeFile(npyBytes(1, h, floatsLE({1, 2})));
            const QString msg = errorOf(p);
            QVERIFY2(msg.startsWith(p + QStringLiteral(": ")), qPrintable(QString::fromLatin1(h) + QStringLiteral(" -> ") + msg));
        }
    }

    void structuredAndOddDtypes()
    {
        const QByteArray descrs[] = {"[('x', '<f4'), ('y', '<f4')]", "'<f8'", "'<i4'", "'<c8'", "'float32'", "'<f'",
                                     "'<f16'", "'Sf4'"};
        for (const QByteArray &d : descrs) {
            const QString msg = errorOf(writeFile(
                npyBytes(1, "{'descr': " + d + ", 'fortran_order': False, 'shape': (1, 2), }", floatsLE({1, 2}))));
            QVERIFY2(msg.contains(QStringLiteral("unsupported dtype")) && msg.contains(QStringLiteral("float32"))
                         && msg.contains(QStringLiteral("float16")),
                     qPrintable(msg));
        }
    }

    void missingFile()
    {
        const QString p = path(QStringLiteral("missing.npy"));
        const QString msg = errorOf(p);
        QVERIFY2(msg.startsWith(p + QStringLiteral(": cannot open: ")), qPrintable(msg));
    }
};

QTEST_GUILESS_MAIN(TestNpyFile)
#include "test_npy_file.moc"
