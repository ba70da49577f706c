#include "common/Error.h"
#include "io/SafetensorsFile.h"

#include <Eigen/Core>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace faultline;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");

// A safetensors file by hand: the 8-byte length (of `header`, unless `lengthOverride`
// is given), the header text, then `data`.
QByteArray stBytes(const QByteArray &header, const QByteArray &data, qint64 lengthOverride = -1)
{
    char len[8];
    qToLittleEndian<quint64>(lengthOverride >= 0 ? quint64(lengthOverride) : quint64(header.size()), len);
    return QByteArray(len, 8) + header + data;
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

// Python: parses each reference file's header with json and reads every tensor with
// numpy.frombuffer; prints, per file, the metadata and per tensor (in header order)
// name, dtype, shape, offsets, the float64 sum, the sum of |x|, the first and last value.
const char kPythonReader[] = R"PY(
import json, struct, sys
import numpy as np
out = {}
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        blob = f.read()
    n = struct.unpack('<Q', blob[:8])[0]
    header = json.loads(blob[8:8 + n].decode('utf-8'))
    data = blob[8 + n:]
    meta = header.pop('__metadata__', {})
    tensors = []
    for name, e in header.items():
        dt = {'F16': '<f2', 'F32': '<f4', 'BF16': None, 'F64': '<f8'}[e['dtype']]
        b, end = e['data_offsets']
        a = np.frombuffer(data[b:end], dtype=dt).astype(np.float32).astype(np.float64)
        tensors.append([name, e['dtype'], e['shape'], [b, end], float(a.sum()), float(np.abs(a).sum()),
                        float(a[0]) if a.size else 0.0, float(a[-1]) if a.size else 0.0])
    out[path] = {'metadata': meta, 'tensors': tensors}
print(json.dumps(out))
)PY";

} // namespace

class TestSafetensorsFile : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_counter = 0;
    QString m_reference;

    QString writeFile(const QByteArray &bytes)
    {
        const QString p = m_dir.filePath(QStringLiteral("hand%1.safetensors").arg(++m_counter));
        QFile f(p);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write fixture");
        return p;
    }

    static QString errorOf(const QString &p)
    {
        try {
            SafetensorsFile file(p);
        } catch (const Error &e) {
            return e.message();
        }
        return QString();
    }

    QString errorOfBytes(const QByteArray &bytes) { return errorOf(writeFile(bytes)); }

    QString referenceFile(const QString &relative) const { return m_reference + QLatin1Char('/') + relative; }

    static double sumOf(const std::vector<float> &values)
    {
        double sum = 0;
        for (float v : values)
            sum += double(v);
        return sum;
    }

    // The reference tests fail (not skip) without the reference files; the hand-made
    // cases run regardless. Use as REQUIRE_REFERENCE() at the start of a test.
    bool haveReference() const
    {
        return !m_reference.isEmpty() && QFileInfo::exists(referenceFile(QStringLiteral("tiny_clip.safetensors")));
    }
    QByteArray missingReferenceMessage() const
    {
        return m_reference.isEmpty()
            ? QByteArray("FAULTLINE_CLIP_REFERENCE is not set (the CLIP reference directory, normally "
                         "build/clip-reference, assembled by the CTest fixture clip_reference_fixture)")
            : QStringLiteral("no tiny_clip.safetensors in FAULTLINE_CLIP_REFERENCE=%1").arg(m_reference).toUtf8();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_reference = qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE");
    }

    // ---- the real reference files ----

    void readsTinyClipF16()
    {
        QVERIFY2(haveReference(), missingReferenceMessage().constData());
        const SafetensorsFile file(referenceFile(QStringLiteral("tiny_clip.safetensors")));
        QCOMPARE(file.tensors().size(), 62);
        QVERIFY(file.metadata().isEmpty());
        // Header order (this file happens to be sorted).
        QCOMPARE(file.tensors().at(0).name, QStringLiteral("ln_final.bias"));
        QCOMPARE(file.tensors().at(2).name, QStringLiteral("logit_scale"));

        const TensorInfo &conv = file.require(QStringLiteral("visual.conv1.weight"), {128, 3, 16, 16});
        QCOMPARE(conv.dtype, TensorDType::F16);
        QCOMPARE(conv.elementCount(), qint64(128 * 3 * 16 * 16));
        QCOMPARE(conv.end - conv.begin, conv.elementCount() * 2);
        const std::vector<float> w = file.toFloat(conv);
        QCOMPARE(qint64(w.size()), conv.elementCount());
        QCOMPARE(w[0], -0.0002701282501220703f);
        QCOMPARE(w[1], 0.0193634033203125f);
        QCOMPARE(w[2], -0.029693603515625f);
        QCOMPARE(w.back(), -0.035400390625f);
        QVERIFY(std::abs(sumOf(w) - 2.5421491861343384) < 1e-9);

        const TensorInfo &scale = file.require(QStringLiteral("logit_scale"));
        QVERIFY(scale.shape.empty());
        QCOMPARE(scale.elementCount(), qint64(1));
        QCOMPARE(file.toFloat(scale), std::vector<float>{2.66015625f});
        QCOMPARE(file.require(QStringLiteral("positional_embedding")).shape, (std::vector<qint64>{77, 128}));
        QCOMPARE(file.require(QStringLiteral("text_projection")).shape, (std::vector<qint64>{128, 64}));
    }

    void readsStateDictF32()
    {
        QVERIFY2(haveReference(), missingReferenceMessage().constData());
        const SafetensorsFile file(referenceFile(QStringLiteral("set-b/tiny_clip_state_dict.safetensors")));
        QCOMPARE(file.tensors().size(), 62);
        // Header order is not sorted here: it must come back as written.
        QCOMPARE(file.tensors().at(0).name, QStringLiteral("positional_embedding"));
        QCOMPARE(file.tensors().at(1).name, QStringLiteral("text_projection"));
        QCOMPARE(file.tensors().at(2).name, QStringLiteral("logit_scale"));
        QCOMPARE(file.metadata().value(QStringLiteral("format")).toString(), QStringLiteral("pt"));
        QVERIFY(file.metadata().value(QStringLiteral("config")).toString().contains(QLatin1String("\"vision_width\": 128")));

        const TensorInfo &conv = file.require(QStringLiteral("visual.conv1.weight"), {128, 3, 16, 16});
        QCOMPARE(conv.dtype, TensorDType::F32);
        const std::vector<float> w = file.toFloat(conv);
        QCOMPARE(w[0], -0.00027015735395252705f);
        QCOMPARE(w[1], 0.019357239827513695f);
        QCOMPARE(w[2], -0.029699083417654037f);
        QCOMPARE(w.back(), -0.035393524914979935f);
        QVERIFY(std::abs(sumOf(w) - 2.5439065352206853) < 1e-9);
        // bytes() is the raw little-endian data.
        QCOMPARE(qFromLittleEndian<float>(file.bytes(conv)), w[0]);
        QCOMPARE(file.toFloat(file.require(QStringLiteral("logit_scale"))), std::vector<float>{2.6592600345611572f});
        QCOMPARE(file.require(QStringLiteral("text_projection")).shape, (std::vector<qint64>{128, 32}));
    }

    void readsMixedPrecision()
    {
        QVERIFY2(haveReference(), missingReferenceMessage().constData());
        const SafetensorsFile file(referenceFile(QStringLiteral("set-b/tiny_clip_state_dict_fp16mixed.safetensors")));
        QCOMPARE(file.tensors().size(), 62);
        int f16 = 0, f32 = 0;
        for (const TensorInfo &t : file.tensors())
            (t.dtype == TensorDType::F16 ? f16 : f32) += 1;
        QCOMPARE(f16, 35);
        QCOMPARE(f32, 27);
        const TensorInfo &conv = file.require(QStringLiteral("visual.conv1.weight"), {128, 3, 16, 16});
        QCOMPARE(conv.dtype, TensorDType::F16);
        QCOMPARE(file.toFloat(conv)[1], 0.0193634033203125f);
        QCOMPARE(file.require(QStringLiteral("positional_embedding")).dtype, TensorDType::F32);
    }

    void readsHfKeys()
    {
        QVERIFY2(haveReference(), missingReferenceMessage().constData());
        const SafetensorsFile file(referenceFile(QStringLiteral("set-b/tiny_clip_hf_keys.safetensors")));
        QCOMPARE(file.tensors().size(), 78);
        QCOMPARE(file.tensors().at(0).name, QStringLiteral("text_model.embeddings.token_embedding.weight"));
        QCOMPARE(file.tensors().at(0).shape, (std::vector<qint64>{49408, 128}));
        const TensorInfo &patch = file.require(QStringLiteral("vision_model.embeddings.patch_embedding.weight"),
                                               {128, 3, 16, 16});
        QCOMPARE(file.toFloat(patch)[2], -0.029699083417654037f);
        QVERIFY(!file.find(QStringLiteral("visual.conv1.weight")));
    }

    // Every tensor of every reference file against Python's json + numpy reading.
    void matchesPythonReader()
    {
        QVERIFY2(haveReference(), missingReferenceMessage().constData());
        if (!QFileInfo::exists(kPython))
            QSKIP("/usr/bin/python3 not installed");
        const QStringList files = {referenceFile(QStringLiteral("tiny_clip.safetensors")),
                                   referenceFile(QStringLiteral("set-b/tiny_clip_state_dict.safetensors")),
                                   referenceFile(QStringLiteral("set-b/tiny_clip_state_dict_fp16mixed.safetensors")),
                                   referenceFile(QStringLiteral("set-b/tiny_clip_hf_keys.safetensors"))};
        QProcess proc;
        proc.start(kPython, QStringList{QStringLiteral("-c"), QString::fromUtf8(kPythonReader)} + files);
        QVERIFY(proc.waitForFinished(120000));
        QVERIFY2(proc.exitStatus() == QProcess::NormalExit && proc.exitCode() == 0,
                 proc.readAllStandardError().constData());
        QJsonParseError err;
        const QJsonObject expected = QJsonDocument::fromJson(proc.readAllStandardOutput(), &err).object();
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));

        for (const QString &path : files) {
            const QJsonObject want = expected.value(path).toObject();
            const SafetensorsFile file(path);
            QCOMPARE(file.metadata(), want.value(QStringLiteral("metadata")).toObject());
            const QJsonArray tensors = want.value(QStringLiteral("tensors")).toArray();
            QCOMPARE(file.tensors().size(), tensors.size());
            for (qsizetype i = 0; i < tensors.size(); ++i) {
                const QJsonArray w = tensors.at(i).toArray();
                const TensorInfo &t = file.tensors().at(i);
                const QByteArray where = (path + QLatin1Char(' ') + t.name).toUtf8();
                QVERIFY2(t.name == w.at(0).toString(), where.constData());
                QVERIFY2(tensorDTypeName(t.dtype) == w.at(1).toString(), where.constData());
                std::vector<qint64> shape;
                for (const QJsonValue d : w.at(2).toArray())
                    shape.push_back(d.toInteger());
                QVERIFY2(t.shape == shape, where.constData());
                QVERIFY2(t.begin == w.at(3).toArray().at(0).toInteger(), where.constData());
                QVERIFY2(t.end == w.at(3).toArray().at(1).toInteger(), where.constData());
                const std::vector<float> values = file.toFloat(t);
                QVERIFY2(qint64(values.size()) == t.elementCount(), where.constData());
                const double absSum = w.at(5).toDouble();
                QVERIFY2(std::abs(sumOf(values) - w.at(4).toDouble()) <= 1e-9 * std::max(1.0, absSum),
                         where.constData());
                if (!values.empty()) {
                    QVERIFY2(values.front() == float(w.at(6).toDouble()), where.constData());
                    QVERIFY2(values.back() == float(w.at(7).toDouble()), where.constData());
                }
            }
        }
    }

    // ---- hand-made files that must load ----

    void keepsHeaderOrderAndEscapedNames()
    {
        const QByteArray header =
            R"({"zeta":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
            // (not a raw string: moc misreads \" inside raw strings)
            "\"a\\\"b\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[8,11]},"
            "\"caf\xc3\xa9\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[11,12],\"extra\":1},"
            R"("__metadata__":{"k":"v"},)"
            R"("alpha":{"dtype":"I32","shape":[],"data_offsets":[12,16]}}    )"; // trailing pad
        const QByteArray data = floatsLE({1.5f, -2.0f}) + QByteArray("\x01\x02\x03\x01", 4) + QByteArray("\x07\0\0\0", 4);
        const SafetensorsFile file(writeFile(stBytes(header, data)));
        QCOMPARE(file.tensors().size(), 4);
        QCOMPARE(file.tensors().at(0).name, QStringLiteral("zeta"));
        QCOMPARE(file.tensors().at(1).name, QStringLiteral("a\"b"));
        QCOMPARE(file.tensors().at(2).name, QString::fromUtf8("caf\xc3\xa9"));
        QCOMPARE(file.tensors().at(3).name, QStringLiteral("alpha"));
        QCOMPARE(file.metadata().value(QStringLiteral("k")).toString(), QStringLiteral("v"));
        QCOMPARE(file.dataSize(), qint64(16));
        QCOMPARE(file.toFloat(file.tensors().at(0)), (std::vector<float>{1.5f, -2.0f}));
        QCOMPARE(file.bytes(*file.find(QStringLiteral("a\"b")))[2], uchar(3));
        QCOMPARE(file.find(QString::fromUtf8("caf\xc3\xa9"))->dtype, TensorDType::Bool);
        QCOMPARE(qFromLittleEndian<qint32>(file.bytes(file.require(QStringLiteral("alpha")))), 7);
        // Non-float dtypes are not converted.
        try {
            file.toFloat(file.require(QStringLiteral("alpha")));
            QFAIL("toFloat accepted an I32 tensor");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QLatin1String("tensor 'alpha' has dtype I32")), qPrintable(e.message()));
        }
        // A TensorInfo that does not belong to the file is refused, never read.
        TensorInfo forged = file.tensors().at(0);
        forged.end = 1 << 20;
        QVERIFY_THROWS_EXCEPTION(Error, file.bytes(forged));
        forged = file.tensors().at(0);
        forged.shape = {1000};
        QVERIFY_THROWS_EXCEPTION(Error, file.toFloat(forged));
    }

    void bf16RoundTripAndOtherWidths()
    {
        const std::vector<float> originals = {1.0f, -2.5f, 3.140625f, 0.0f, -0.0f, 65536.0f, 1.0e-20f,
                                              std::numeric_limits<float>::infinity()};
        QByteArray bf16;
        QByteArray f16;
        for (float v : originals) {
            char b[2];
            qToLittleEndian<quint16>(Eigen::numext::bit_cast<quint16>(Eigen::bfloat16(v)), b);
            bf16.append(b, 2);
            qToLittleEndian<quint16>(Eigen::numext::bit_cast<quint16>(Eigen::half(v)), b);
            f16.append(b, 2);
        }
        QByteArray f64;
        for (double v : {0.1, -1e300, 2.0}) {
            char b[8];
            qToLittleEndian<double>(v, b);
            f64.append(b, 8);
        }
        const qint64 n = qint64(originals.size());
        const QByteArray header = QStringLiteral(
            R"({"b":{"dtype":"BF16","shape":[2,%1],"data_offsets":[0,%2]},)"
            R"("h":{"dtype":"F16","shape":[%3],"data_offsets":[%2,%4]},)"
            R"("d":{"dtype":"F64","shape":[3],"data_offsets":[%4,%5]}})")
            .arg(n / 2).arg(2 * n).arg(n).arg(4 * n).arg(4 * n + 24).toUtf8();
        const SafetensorsFile file(writeFile(stBytes(header, bf16 + f16 + f64)));
        const std::vector<float> b = file.toFloat(file.require(QStringLiteral("b"), {2, n / 2}));
        const std::vector<float> h = file.toFloat(file.require(QStringLiteral("h")));
        QCOMPARE(qint64(b.size()), n);
        for (qint64 i = 0; i < n; ++i) {
            QCOMPARE(b[size_t(i)], float(Eigen::bfloat16(originals[size_t(i)])));
            QCOMPARE(h[size_t(i)], float(Eigen::half(originals[size_t(i)])));
        }
        // Exactly representable in bf16: unchanged; 1e-20 only to bf16 precision.
        QCOMPARE(b[2], 3.140625f);
        QVERIFY(std::signbit(b[4]));
        QVERIFY(std::isinf(b[7]));
        QVERIFY(std::abs(b[6] - 1.0e-20f) < 1.0e-22f);
        QVERIFY(std::isinf(h[5])); // 65536 overflows half
        const std::vector<float> d = file.toFloat(file.require(QStringLiteral("d")));
        QCOMPARE(d, (std::vector<float>{0.1f, -std::numeric_limits<float>::infinity(), 2.0f}));
    }

    void emptyAndZeroSizedTensors()
    {
        const SafetensorsFile none(writeFile(stBytes("{}", QByteArray())));
        QVERIFY(none.tensors().isEmpty());
        const SafetensorsFile zero(writeFile(stBytes(
            R"({"z":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}})",
            floatsLE({4.0f}))));
        QCOMPARE(zero.require(QStringLiteral("z")).elementCount(), qint64(0));
        QVERIFY(zero.toFloat(zero.require(QStringLiteral("z"))).empty());
        QCOMPARE(zero.toFloat(zero.require(QStringLiteral("s"))), std::vector<float>{4.0f});
    }

    void requireMessages()
    {
        const QString p = writeFile(stBytes(R"({"w":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]}})",
                                            floatsLE({1, 2})));
        const SafetensorsFile file(p);
        try {
            file.require(QStringLiteral("missing.weight"));
            QFAIL("no error");
        } catch (const Error &e) {
            QCOMPARE(e.message(), p + QStringLiteral(": missing tensor 'missing.weight'"));
        }
        try {
            file.require(QStringLiteral("w"), {1, 2});
            QFAIL("no error");
        } catch (const Error &e) {
            QCOMPARE(e.message(), p + QStringLiteral(": tensor 'w' has shape [2, 1], expected [1, 2]"));
        }
        QCOMPARE(file.require(QStringLiteral("w"), {2, 1}).name, QStringLiteral("w"));
    }

    // ---- hand-made files that must be rejected, with a message naming file and problem ----

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");

        const QByteArray okEntry = R"("w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
        const QByteArray eight = floatsLE({1, 2});
        auto one = [](const QByteArray &entry) { return QByteArray("{") + entry + "}"; };

        QTest::newRow("empty file") << QByteArray() << QStringLiteral("not a safetensors file: the file is empty");
        QTest::newRow("shorter than length") << QByteArray("\x05\0\0", 3) << QStringLiteral("too short");
        QTest::newRow("huge header length") << stBytes(one(okEntry), eight, qint64(1) << 40)
                                            << QStringLiteral("header length 1099511627776 exceeds");
        QTest::newRow("just over 100 MiB") << stBytes(one(okEntry), eight, 100 * 1024 * 1024 + 1)
                                           << QStringLiteral("exceeds the 104857600-byte limit");
        QTest::newRow("header beyond file") << stBytes(one(okEntry), eight, 5000)
                                            << QStringLiteral("truncated: header length 5000 goes beyond the end");
        QTest::newRow("zip archive") << QByteArray("PK\x03\x04\x14\0\0\0\x08\0archive/data.pkl", 26)
                                     << QStringLiteral("not a safetensors file (looks like a zip/TorchScript archive)");
        QTest::newRow("npy file") << QByteArray("\x93NUMPY\x01\0v\0{'descr': '<f4'}", 26)
                                  << QStringLiteral("not a safetensors file (looks like a NumPy .npy file)");
        QTest::newRow("pickle") << QByteArray::fromHex("80028a0a6cfc9c46f9206aa850192e8002")
                                << QStringLiteral("(looks like a Python pickle");
        QTest::newRow("bad json") << stBytes(R"({"w":{"dtype":"F32",})", QByteArray())
                                  << QStringLiteral("malformed safetensors header: invalid JSON");
        QTest::newRow("json array") << stBytes("[1, 2]", QByteArray()) << QStringLiteral("does not start with '{'");
        QTest::newRow("invalid utf8") << stBytes("{\"\xff\xfe\":{}}", QByteArray()) << QStringLiteral("not valid UTF-8");
        QTest::newRow("entry not object") << stBytes(R"({"w":[1,2]})", QByteArray())
                                          << QStringLiteral("tensor 'w': entry is [1,2], expected an object");
        QTest::newRow("missing dtype") << stBytes(R"({"w":{"shape":[2],"data_offsets":[0,8]}})", eight)
                                       << QStringLiteral("tensor 'w': 'dtype' is (absent)");
        QTest::newRow("unknown dtype") << stBytes(R"({"w":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}})", eight)
                                       << QStringLiteral("tensor 'w': unsupported dtype 'F8_E4M3' (supported: F32, F16, BF16");
        QTest::newRow("lowercase dtype") << stBytes(R"({"w":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}})", eight)
                                         << QStringLiteral("unsupported dtype 'f32'");
        QTest::newRow("negative dim") << stBytes(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight)
                                      << QStringLiteral("tensor 'w': 'shape' is [-2], expected a list of non-negative integers");
        QTest::newRow("fractional dim") << stBytes(R"({"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}})", eight)
                                        << QStringLiteral("expected a list of non-negative integers");
        QTest::newRow("string dim") << stBytes(R"({"w":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}})", eight)
                                    << QStringLiteral("expected a list of non-negative integers");
        QTest::newRow("shape not list") << stBytes(R"({"w":{"dtype":"F32","shape":2,"data_offsets":[0,8]}})", eight)
                                        << QStringLiteral("tensor 'w': 'shape' is 2, expected a list");
        QTest::newRow("dim beyond int64") << stBytes(R"({"w":{"dtype":"F32","shape":[1e30],"data_offsets":[0,8]}})", eight)
                                          << QStringLiteral("expected a list of non-negative integers");
        QTest::newRow("overflowing shape")
            << stBytes(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,8]}})", eight)
            << QStringLiteral("tensor 'w': shape [4294967296,4294967296,4] has too many elements (overflows 64 bits)");
        QTest::newRow("overflowing bytes")
            << stBytes(R"({"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}})", eight)
            << QStringLiteral("byte size overflows 64 bits");
        QTest::newRow("offsets missing") << stBytes(R"({"w":{"dtype":"F32","shape":[2]}})", eight)
                                         << QStringLiteral("tensor 'w': 'data_offsets' is (absent), expected [begin, end]");
        QTest::newRow("offsets three") << stBytes(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}})", eight)
                                       << QStringLiteral("'data_offsets' is [0,4,8]");
        QTest::newRow("offsets strings") << stBytes(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":["0","8"]}})", eight)
                                         << QStringLiteral("expected [begin, end] integers");
        QTest::newRow("offsets negative") << stBytes(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[-8,-8]}})", eight)
                                          << QStringLiteral("tensor 'w': invalid data_offsets [-8, -8]");
        QTest::newRow("offsets reversed") << stBytes(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", eight)
                                          << QStringLiteral("invalid data_offsets [8, 0]");
        QTest::newRow("offsets out of range")
            << stBytes(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[1000,1008]}})", eight)
            << QStringLiteral("tensor 'w': truncated: data_offsets [1000, 1008] go beyond the data section (8 bytes)");
        QTest::newRow("offsets huge")
            << stBytes(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[9223372036854775806,9223372036854775807]}})", eight)
            << QStringLiteral("go beyond the data section");
        QTest::newRow("size mismatch") << stBytes(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight)
                                       << QStringLiteral("tensor 'w': data_offsets [0, 8] hold 8 bytes, but [3] F32 needs 12");
        QTest::newRow("truncated data") << stBytes(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", eight)
                                        << QStringLiteral("tensor 'w': truncated: data_offsets [0, 16] go beyond the data section (8 bytes)");
        QTest::newRow("overlap")
            << stBytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                       floatsLE({1, 2, 3}))
            << QStringLiteral("tensor 'b' (bytes 4-12) overlaps tensor 'a' (bytes 0-8)");
        QTest::newRow("same range twice")
            << stBytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                       eight)
            << QStringLiteral("overlaps tensor");
        QTest::newRow("gap")
            << stBytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                       floatsLE({1, 2, 3}))
            << QStringLiteral("4 unused bytes in the data section before tensor 'b'");
        QTest::newRow("trailing bytes") << stBytes(one(okEntry), eight + QByteArray("junk"))
                                        << QStringLiteral("(4 unused bytes at the end)");
        QTest::newRow("duplicate name")
            << stBytes(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                       eight)
            << QStringLiteral("'w' occurs more than once");
        QTest::newRow("metadata not object") << stBytes(R"({"__metadata__":"x"})", QByteArray())
                                             << QStringLiteral("'__metadata__' is \"x\", expected an object");
        QTest::newRow("metadata not strings") << stBytes(R"({"__metadata__":{"n":3}})", QByteArray())
                                              << QStringLiteral("'__metadata__' entry 'n' is 3, expected a string");
    }

    void rejectsBadFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const QString p = writeFile(bytes);
        const QString message = errorOf(p);
        QVERIFY2(!message.isEmpty(), "the file was accepted");
        QVERIFY2(message.startsWith(p + QStringLiteral(": ")), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
    }

    void rejectsMissingFile()
    {
        const QString p = m_dir.filePath(QStringLiteral("does-not-exist.safetensors"));
        QVERIFY(errorOf(p).startsWith(p + QStringLiteral(": cannot open")));
    }

    // Every prefix of a valid file is rejected cleanly (never read past the end).
    void rejectsEveryTruncation()
    {
        const QByteArray good = stBytes(
            R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]}})",
            floatsLE({1, 2, 3}));
        QVERIFY(errorOfBytes(good).isEmpty());
        for (qsizetype n = 0; n < good.size(); ++n)
            QVERIFY2(!errorOfBytes(good.left(n)).isEmpty(), qPrintable(QStringLiteral("prefix %1 accepted").arg(n)));
    }
};

QTEST_GUILESS_MAIN(TestSafetensorsFile)
#include "test_safetensors_file.moc"
