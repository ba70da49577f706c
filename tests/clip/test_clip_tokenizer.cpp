#include "clip/ClipTokenizer.h"
#include "common/Error.h"
#include "ErrorOf.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <memory>
#include <thread>

using namespace faultline;
using faultline::testing::errorOf;

// Reference data: $FAULTLINE_CLIP_REFERENCE (tests/data/clip-reference, assembled in the build tree), made with OpenAI's
// clip/simple_tokenizer.py; set-b/ with the real ftfy 6.3.1.
class TestClipTokenizer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_ref;
    std::unique_ptr<ClipTokenizer> m_tok;

    QString ref(const QString &relative) const { return QDir(m_ref).filePath(relative); }

    static QByteArray readFile(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(path));
        return f.readAll();
    }

    QString writeFile(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write fixture");
        return path;
    }

    static QJsonObject readJson(const QString &path)
    {
        return QJsonDocument::fromJson(readFile(path)).object();
    }

    // int64 C-order 2-D .npy
    static std::vector<qint64> readInt64Npy(const QString &path, qint64 &rows, qint64 &cols)
    {
        const QByteArray d = readFile(path);
        if (!d.startsWith("\x93NUMPY"))
            qFatal("%s: not .npy", qPrintable(path));
        const int major = quint8(d[6]);
        const int headerLen = major == 1 ? quint8(d[8]) | (quint8(d[9]) << 8)
                                         : quint8(d[8]) | (quint8(d[9]) << 8) | (quint8(d[10]) << 16);
        const int dataStart = (major == 1 ? 10 : 12) + headerLen;
        const QString header = QString::fromLatin1(d.mid(major == 1 ? 10 : 12, headerLen));
        if (!header.contains(QLatin1String("'<i8'")) || !header.contains(QLatin1String("False")))
            qFatal("%s: expected little-endian int64, C order", qPrintable(path));
        const auto m = QRegularExpression(QStringLiteral("\\((\\d+), *(\\d+)\\)")).match(header);
        rows = m.captured(1).toLongLong();
        cols = m.captured(2).toLongLong();
        std::vector<qint64> v(size_t(rows * cols));
        std::memcpy(v.data(), d.constData() + dataStart, v.size() * sizeof(qint64));
        return v;
    }

    static std::vector<qint64> toInt64(const QJsonArray &a)
    {
        std::vector<qint64> v;
        for (const QJsonValue &x : a)
            v.push_back(qint64(x.toDouble()));
        return v;
    }

    static QStringList toStrings(const QJsonArray &a)
    {
        QStringList out;
        for (const QJsonValue &x : a)
            out << x.toString();
        return out;
    }

    static QByteArray gunzip(const QByteArray &in)
    {
        z_stream zs{};
        inflateInit2(&zs, 16 + MAX_WBITS);
        zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.constData()));
        zs.avail_in = uInt(in.size());
        QByteArray out;
        int ret = Z_OK;
        while (ret == Z_OK) {
            const qsizetype have = out.size();
            out.resize(have + (1 << 20));
            zs.next_out = reinterpret_cast<Bytef *>(out.data() + have);
            zs.avail_out = 1 << 20;
            ret = inflate(&zs, Z_NO_FLUSH);
            out.resize(out.size() - qsizetype(zs.avail_out));
        }
        inflateEnd(&zs);
        if (ret != Z_STREAM_END)
            qFatal("fixture gunzip failed");
        return out;
    }

    static QByteArray gzip(const QByteArray &in)
    {
        z_stream zs{};
        deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
        QByteArray out(qsizetype(deflateBound(&zs, uLong(in.size()))) + 64, Qt::Uninitialized);
        zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.constData()));
        zs.avail_in = uInt(in.size());
        zs.next_out = reinterpret_cast<Bytef *>(out.data());
        zs.avail_out = uInt(out.size());
        if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
            qFatal("fixture gzip failed");
        out.resize(qsizetype(zs.total_out));
        deflateEnd(&zs);
        return out;
    }

    // The decompressed OpenAI file with line `lineNo` (1-based) replaced.
    QString bpeWithLine(const QString &name, int lineNo, const QByteArray &replacement)
    {
        QList<QByteArray> lines = gunzip(readFile(ref(QStringLiteral("bpe_simple_vocab_16e6.txt.gz")))).split('\n');
        lines[lineNo - 1] = replacement;
        return writeFile(name, gzip(lines.join('\n')));
    }

    std::vector<qint64> withMarkers(const QString &text) const
    {
        std::vector<qint64> ids{m_tok->startOfTextId()};
        for (int id : m_tok->encode(text))
            ids.push_back(id);
        ids.push_back(m_tok->endOfTextId());
        return ids;
    }

    // Checks one reference case (texts.json or tokenizer_extra_cases.json).
    void checkCase(const QJsonObject &c)
    {
        const QString text = c.value(QLatin1String("text")).toString();
        const QString cleaned = ClipTokenizer::cleanText(text);
        QCOMPARE(cleaned, c.value(QLatin1String("after_clean_lower")).toString());
        const QStringList pre = ClipTokenizer::preTokenize(cleaned);
        QCOMPARE(pre, toStrings(c.value(QLatin1String("pretokens")).toArray()));
        QStringList pieces;
        for (const QString &p : pre)
            pieces << m_tok->bpe(p);
        QCOMPARE(pieces, toStrings(c.value(QLatin1String("bpe")).toArray()));
        QCOMPARE(withMarkers(text), toInt64(c.value(QLatin1String("ids_untruncated")).toArray()));
        if (c.contains(QLatin1String("ids_77_truncated")))
            QCOMPARE(m_tok->tokenize({text}), toInt64(c.value(QLatin1String("ids_77_truncated")).toArray()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_ref = qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE");
        if (m_ref.isEmpty())
            QFAIL("FAULTLINE_CLIP_REFERENCE is not set; run through ctest, which assembles build/clip-reference");
        for (const char *f : {"bpe_simple_vocab_16e6.txt.gz", "text_tokens.npy", "manifest.json",
                              "long_text_without_truncate.txt", "set-b/reference/texts.json",
                              "set-b/reference/tokenizer_extra_cases.json",
                              "set-b/reference/bytes_to_unicode.json", "set-b/reference/text_tokens.npy"}) {
            const QString path = ref(QString::fromLatin1(f));
            if (!QFile::exists(path))
                QFAIL(qPrintable(QStringLiteral("CLIP reference file missing: %1 (FAULTLINE_CLIP_REFERENCE=%2)")
                                     .arg(path, m_ref)));
        }
        QElapsedTimer t;
        t.start();
        m_tok = std::make_unique<ClipTokenizer>(ClipTokenizer::fromBpeGz(ref(QStringLiteral("bpe_simple_vocab_16e6.txt.gz"))));
        qInfo("loaded bpe_simple_vocab_16e6.txt.gz in %lld ms", qint64(t.elapsed()));
        QCOMPARE(m_tok->vocabSize(), 49408);
        QCOMPARE(m_tok->startOfTextId(), 49406);
        QCOMPARE(m_tok->endOfTextId(), 49407);
    }

    void openAiTokensMatchReference()
    {
        const QStringList texts = toStrings(readJson(ref(QStringLiteral("manifest.json"))).value(QLatin1String("texts")).toArray());
        qint64 rows = 0, cols = 0;
        const std::vector<qint64> expected = readInt64Npy(ref(QStringLiteral("text_tokens.npy")), rows, cols);
        QCOMPARE(rows, qint64(texts.size()));
        QCOMPARE(cols, qint64(77));
        const std::vector<qint64> got = m_tok->tokenize(texts);
        QCOMPARE(got.size(), expected.size());
        for (qint64 r = 0; r < rows; ++r) {
            const std::vector<qint64> g(got.begin() + r * 77, got.begin() + (r + 1) * 77);
            const std::vector<qint64> e(expected.begin() + r * 77, expected.begin() + (r + 1) * 77);
            if (g != e)
                qWarning("row %lld differs: %s", r, qPrintable(texts[int(r)]));
            QCOMPARE(g, e);
        }
    }

    void tooLongWithoutTruncateThrows()
    {
        const QStringList texts = toStrings(readJson(ref(QStringLiteral("manifest.json"))).value(QLatin1String("texts")).toArray());
        QString expected = QString::fromUtf8(readFile(ref(QStringLiteral("long_text_without_truncate.txt"))));
        if (expected.endsWith(QLatin1Char('\n')))
            expected.chop(1);
        QCOMPARE(errorOf([&] { m_tok->tokenize(texts, 77, false); }), expected);
        // the short ones are fine without truncation
        QCOMPARE(m_tok->tokenize(texts.mid(0, 12), 77, false), m_tok->tokenize(texts.mid(0, 12)));

        const QJsonObject b = readJson(ref(QStringLiteral("set-b/reference/texts.json")));
        QCOMPARE(errorOf([&] { m_tok->tokenize(toStrings(b.value(QLatin1String("texts")).toArray()), 77, false); }),
                 b.value(QLatin1String("long_text_error_without_truncate")).toString());
        QVERIFY(errorOf([&] { m_tok->tokenize({QStringLiteral("a")}, 0); }).contains(QLatin1String("context length")));
        // context length 2: start + end only; 1 keeps only the end token, as OpenAI's code does
        QCOMPARE(m_tok->tokenize({QStringLiteral("a cat")}, 2), (std::vector<qint64>{49406, 49407}));
        QCOMPARE(m_tok->tokenize({QStringLiteral("a cat")}, 1), (std::vector<qint64>{49407}));
    }

    void setBTexts()
    {
        const QJsonObject b = readJson(ref(QStringLiteral("set-b/reference/texts.json")));
        const QJsonArray cases = b.value(QLatin1String("cases")).toArray();
        const QStringList texts = toStrings(b.value(QLatin1String("texts")).toArray());
        QCOMPARE(cases.size(), texts.size());
        for (const QJsonValue &v : cases) {
            const QJsonObject c = v.toObject();
            checkCase(c);
            if (QTest::currentTestFailed()) {
                qWarning("case %d failed: %s", c.value(QLatin1String("index")).toInt(),
                         qPrintable(c.value(QLatin1String("text")).toString()));
                return;
            }
            // argmax of the row (the first end-of-text token) where the model reads the text
            const std::vector<qint64> row = m_tok->tokenize({c.value(QLatin1String("text")).toString()});
            const auto argmax = std::max_element(row.begin(), row.end()) - row.begin();
            QCOMPARE(qint64(argmax), qint64(c.value(QLatin1String("eot_argmax_position")).toInt()));
            QCOMPARE(c.value(QLatin1String("truncated")).toBool(),
                     c.value(QLatin1String("untruncated_len")).toInt() > 77);
        }
        qint64 rows = 0, cols = 0;
        const std::vector<qint64> expected = readInt64Npy(ref(QStringLiteral("set-b/reference/text_tokens.npy")), rows, cols);
        QCOMPARE(rows, qint64(texts.size()));
        QCOMPARE(m_tok->tokenize(texts, int(cols)), expected);
    }

    void extraCases_data()
    {
        QTest::addColumn<QJsonObject>("c");
        const QJsonArray cases = readJson(ref(QStringLiteral("set-b/reference/tokenizer_extra_cases.json")))
                                     .value(QLatin1String("cases")).toArray();
        QCOMPARE(cases.size(), 40);
        for (int i = 0; i < cases.size(); ++i) {
            QString tag; // printable, one line
            for (const QChar ch : cases[i].toObject().value(QLatin1String("text")).toString().left(24))
                tag += ch.unicode() < 0x20 ? QStringLiteral("\\x%1").arg(int(ch.unicode()), 2, 16, QLatin1Char('0')) : QString(ch);
            QTest::addRow("%02d %s", i, qPrintable(tag)) << cases[i].toObject();
        }
    }

    void extraCases()
    {
        QFETCH(QJsonObject, c);
        checkCase(c);
    }

    void bytesToUnicodeTable()
    {
        const QJsonObject j = readJson(ref(QStringLiteral("set-b/reference/bytes_to_unicode.json")));
        const QJsonObject map = j.value(QLatin1String("byte_to_codepoint")).toObject();
        QCOMPARE(map.size(), 256);
        for (int b = 0; b < 256; ++b)
            QCOMPARE(int(ClipTokenizer::byteToUnicode(quint8(b))), map.value(QString::number(b)).toInt());
        // ids 0..255 are the byte symbols in OpenAI's order; 256..511 the same with </w>
        const QJsonArray order = j.value(QLatin1String("vocab_first_256_bytes_in_id_order")).toArray();
        QCOMPARE(order.size(), 256);
        for (int id = 0; id < 256; ++id) {
            const char raw = char(order[id].toInt());
            const QByteArray bytes(&raw, 1);
            QCOMPARE(QString(m_tok->decode({id})), QString::fromUtf8(bytes));
        }
    }

    void htmlUnescapeMatchesPython()
    {
        // With a '<' in the text ftfy leaves entities alone, so this is exactly
        // html.unescape(html.unescape(x)) + whitespace_clean + lower (values from Python 3.11).
        const QString in = QStringLiteral(
            "< &ltrif; &notin; &notit; &amp &ampx; &#128; &#0; &#x110000; &#65 &#X41; &unknown; &lt "
            "&amp;amp; &NotNestedLessLess; &#xD800; &#1;x &#12345678901234567890; &#x263a &copy2 &Afr; "
            "&NewLine; &#9;");
        const QString expected = QString::fromUtf8(
            "< \u25c2 \u2209 \u00acit; & &x; \u20ac \ufffd \ufffd a a &unknown; < & \u2aa1\u0338 \ufffd x \ufffd "
            "\u263a \u00a92 \U0001d504");
        QCOMPARE(ClipTokenizer::cleanText(in), expected);
        // Without '<' ftfy unescapes once more (only entities ending in ';')
        QCOMPARE(ClipTokenizer::cleanText(QStringLiteral("&amp;amp;amp; x")), QStringLiteral("& x"));
        QCOMPARE(ClipTokenizer::cleanText(QStringLiteral("<&amp;amp;amp;")), QStringLiteral("<&amp;"));
    }

    void cleaningDetails()
    {
        // Python's str.lower(): final sigma, U+0130 → i + combining dot
        QCOMPARE(ClipTokenizer::cleanText(QString::fromUtf8("ΣΑΣ Σ ΑΣ.")), QString::fromUtf8("σας σ ας."));
        // ftfy: C1 controls are read as Windows-1252, U+2028 is a line break, BOM removed
        QCOMPARE(ClipTokenizer::cleanText(QString::fromUtf8("a\u0093b\u0094 c\u2028d\ufeff")), QString::fromUtf8("a\"b\" c d"));
        // mojibake inside good text ("â€™" is ’, "Ã©" is é) and double-encoded mojibake
        QCOMPARE(ClipTokenizer::cleanText(QString::fromUtf8("naïve café: it\u00e2\u20ac\u2122s d\u00c3\u00a9j\u00c3\u00a0 vu")),
                 QString::fromUtf8("naïve café: it's déjà vu"));
        QCOMPARE(ClipTokenizer::cleanText(QString::fromUtf8("caf\u00c3\u0192\u00c2\u00a9")), QString::fromUtf8("café"));
        // legitimate accented text is left alone, even where its bytes would be valid UTF-8
        QCOMPARE(ClipTokenizer::cleanText(QString::fromUtf8("CAFÉ\u201d")), QString::fromUtf8("café\""));
        QCOMPARE(ClipTokenizer::cleanText(QString::fromUtf8("\u00c3\u2030COLE")), QString::fromUtf8("école"));
        QCOMPARE(ClipTokenizer::cleanText(QString::fromUtf8("Ça Été Ünïcödé ½ ²")), QString::fromUtf8("ça été ünïcödé ½ ²"));
        // '\x1c'..'\x1f' are whitespace for Python but ftfy removes them first
        QCOMPARE(ClipTokenizer::cleanText(QString::fromUtf8("a\x1c" "b")), QStringLiteral("ab"));
        // a lone surrogate becomes U+FFFD
        QString lone = QStringLiteral("a");
        lone.append(QChar(0xD800));
        QCOMPARE(ClipTokenizer::cleanText(lone), QString::fromUtf8("a\ufffd"));
        // IGNORECASE: "'ſ" matches the 's alternative
        QCOMPARE(ClipTokenizer::preTokenize(QString::fromUtf8("it'ſ x!<|endoftext|>")),
                 (QStringList{QStringLiteral("it"), QString::fromUtf8("'ſ"), QStringLiteral("x"),
                              QStringLiteral("!<|"), QStringLiteral("endoftext"), QStringLiteral("|>")}));
    }

    void decodeRoundTrip()
    {
        QStringList texts = toStrings(readJson(ref(QStringLiteral("manifest.json"))).value(QLatin1String("texts")).toArray());
        texts << toStrings(readJson(ref(QStringLiteral("set-b/reference/texts.json"))).value(QLatin1String("texts")).toArray());
        for (const QJsonValue &v : readJson(ref(QStringLiteral("set-b/reference/tokenizer_extra_cases.json")))
                                       .value(QLatin1String("cases")).toArray())
            texts << v.toObject().value(QLatin1String("text")).toString();
        for (const QString &text : texts) {
            // decode() gives the pre-tokens, each word followed by a space (its "</w>")
            QString expected;
            for (const QString &p : ClipTokenizer::preTokenize(ClipTokenizer::cleanText(text)))
                expected += p.startsWith(QLatin1String("<|")) && p.endsWith(QLatin1String("|>")) ? p : p + QLatin1Char(' ');
            QCOMPARE(m_tok->decode(m_tok->encode(text)), expected);
        }
        QCOMPARE(m_tok->decode({49406, 320, 2368, 49407}), QStringLiteral("<|startoftext|>a cat <|endoftext|>"));
        // half of a UTF-8 sequence decodes to U+FFFD (Python: errors="replace")
        const int e3 = int(m_tok->encode(QString::fromUtf8("東")).front()); // "æĿ" + ...
        QVERIFY(m_tok->decode({e3}).contains(QChar(0xFFFD)));
        QVERIFY(errorOf([&] { m_tok->decode({49408}); }).contains(QLatin1String("49408")));
        QVERIFY(errorOf([&] { m_tok->decode({-1}); }).contains(QLatin1String("-1")));
    }

    void huggingFaceFormat()
    {
        // vocab.json + merges.txt written from the OpenAI file by Python, the way Hugging Face's
        // files are laid out; a second pair with every id permuted.
        const QString script = QStringLiteral(R"PY(
import gzip, json, sys, random
src, out = sys.argv[1], sys.argv[2]
bs = list(range(ord("!"), ord("~")+1)) + list(range(ord("\xa1"), ord("\xac")+1)) + list(range(ord("\xae"), ord("\xff")+1))
cs = bs[:]
n = 0
for b in range(256):
    if b not in bs:
        bs.append(b); cs.append(256 + n); n += 1
byte_chars = [chr(c) for c in cs]
merges = gzip.open(src).read().decode("utf-8").split("\n")[1:49152-256-2+1]
merges = [tuple(m.split()) for m in merges]
vocab = byte_chars + [v + "</w>" for v in byte_chars] + ["".join(m) for m in merges] + ["<|startoftext|>", "<|endoftext|>"]
with open(out + "/vocab.json", "w", encoding="utf-8") as f:
    json.dump({v: i for i, v in enumerate(vocab)}, f, ensure_ascii=False)
with open(out + "/merges.txt", "w", encoding="utf-8") as f:
    f.write("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
ids = list(range(len(vocab)))
random.Random(7).shuffle(ids)
with open(out + "/vocab_permuted.json", "w", encoding="utf-8") as f:
    json.dump({v: ids[i] for i, v in enumerate(vocab)}, f, ensure_ascii=True)
)PY");
        const QString py = QStringLiteral("/usr/bin/python3");
        if (!QFile::exists(py))
            QFAIL("/usr/bin/python3 is needed to write the Hugging Face fixture");
        QProcess p;
        p.start(py, {QStringLiteral("-c"), script, ref(QStringLiteral("bpe_simple_vocab_16e6.txt.gz")), m_dir.path()});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());

        const ClipTokenizer hf = ClipTokenizer::fromHuggingFace(m_dir.filePath(QStringLiteral("vocab.json")),
                                                                m_dir.filePath(QStringLiteral("merges.txt")));
        QCOMPARE(hf.vocabSize(), 49408);
        const ClipTokenizer perm = ClipTokenizer::fromHuggingFace(m_dir.filePath(QStringLiteral("vocab_permuted.json")),
                                                                  m_dir.filePath(QStringLiteral("merges.txt")));
        QStringList texts = toStrings(readJson(ref(QStringLiteral("manifest.json"))).value(QLatin1String("texts")).toArray());
        texts << toStrings(readJson(ref(QStringLiteral("set-b/reference/texts.json"))).value(QLatin1String("texts")).toArray());
        for (const QJsonValue &v : readJson(ref(QStringLiteral("set-b/reference/tokenizer_extra_cases.json")))
                                       .value(QLatin1String("cases")).toArray())
            texts << v.toObject().value(QLatin1String("text")).toString();
        QCOMPARE(hf.tokenize(texts), m_tok->tokenize(texts));
        for (const QString &t : texts) {
            const std::vector<int> a = m_tok->encode(t);
            const std::vector<int> b = perm.encode(t);
            QCOMPARE(b.size(), a.size());
            QCOMPARE(perm.decode(b), m_tok->decode(a));
            for (const QString &w : ClipTokenizer::preTokenize(ClipTokenizer::cleanText(t)))
                QCOMPARE(perm.bpe(w), m_tok->bpe(w));
        }
        QVERIFY(perm.startOfTextId() != 49406 || perm.endOfTextId() != 49407);

        // malformed HF files
        const QString merges = m_dir.filePath(QStringLiteral("merges.txt"));
        QByteArray m = readFile(merges);
        QList<QByteArray> lines = m.split('\n');
        lines[4] = "i";
        const QString badMerges = writeFile(QStringLiteral("bad_merges.txt"), lines.join('\n'));
        const QString e1 = errorOf([&] { ClipTokenizer::fromHuggingFace(m_dir.filePath(QStringLiteral("vocab.json")), badMerges); });
        QVERIFY2(e1.startsWith(badMerges + QStringLiteral(":5: malformed merge line")), qPrintable(e1));
        lines[4] = "\xc4\x80 \xc4\x81"; // two byte symbols that never merge
        const QString unknownMerge = writeFile(QStringLiteral("unknown_merge.txt"), lines.join('\n'));
        const QString e2 = errorOf([&] { ClipTokenizer::fromHuggingFace(m_dir.filePath(QStringLiteral("vocab.json")), unknownMerge); });
        QVERIFY2(e2.startsWith(unknownMerge + QString::fromUtf8(":5: merge result \"\u0100\u0101\"")), qPrintable(e2));
        const QString badJson = writeFile(QStringLiteral("bad_vocab.json"), "{\"a\": 1,");
        const QString e3 = errorOf([&] { ClipTokenizer::fromHuggingFace(badJson, merges); });
        QVERIFY2(e3.startsWith(badJson + QStringLiteral(": invalid JSON")), qPrintable(e3));
        const QString noBytes = writeFile(QStringLiteral("small_vocab.json"), "{\"a\": 1, \"b\": 2}");
        const QString e4 = errorOf([&] { ClipTokenizer::fromHuggingFace(noBytes, merges); });
        QVERIFY2(e4.startsWith(noBytes + QStringLiteral(": the vocabulary lacks the byte symbol")), qPrintable(e4));
    }

    void badBpeFiles()
    {
        const QString missing = m_dir.filePath(QStringLiteral("nope.txt.gz"));
        QVERIFY(errorOf([&] { ClipTokenizer::fromBpeGz(missing); }).startsWith(missing + QStringLiteral(": cannot open")));

        const QByteArray gz = readFile(ref(QStringLiteral("bpe_simple_vocab_16e6.txt.gz")));
        const QString truncated = writeFile(QStringLiteral("truncated.txt.gz"), gz.left(gz.size() / 2));
        const QString et = errorOf([&] { ClipTokenizer::fromBpeGz(truncated); });
        QVERIFY2(et.startsWith(truncated + QStringLiteral(": truncated gzip data")), qPrintable(et));

        QByteArray corrupt = gz;
        for (qsizetype i = 1000; i < 1400; ++i)
            corrupt[i] = char(corrupt[i] ^ 0x5A);
        const QString corruptPath = writeFile(QStringLiteral("corrupt.txt.gz"), corrupt);
        const QString ec = errorOf([&] { ClipTokenizer::fromBpeGz(corruptPath); });
        QVERIFY2(ec.startsWith(corruptPath + QStringLiteral(": corrupt gzip data")), qPrintable(ec));

        const QString plain = writeFile(QStringLiteral("plain.txt.gz"), "#version: 0.2\ni n\n t h\n");
        QCOMPARE(errorOf([&] { ClipTokenizer::fromBpeGz(plain); }), plain + QStringLiteral(": not a gzip file"));

        const QString oneSymbol = bpeWithLine(QStringLiteral("one_symbol.txt.gz"), 1234, "abc");
        QCOMPARE(errorOf([&] { ClipTokenizer::fromBpeGz(oneSymbol); }),
                 oneSymbol + QStringLiteral(":1234: malformed merge line \"abc\": expected two symbols separated by a space"));
        const QString threeSymbols = bpeWithLine(QStringLiteral("three_symbols.txt.gz"), 2, "i n x");
        QVERIFY(errorOf([&] { ClipTokenizer::fromBpeGz(threeSymbols); }).startsWith(threeSymbols + QStringLiteral(":2: malformed merge line")));
        const QString badUtf8 = bpeWithLine(QStringLiteral("bad_utf8.txt.gz"), 77, "a \xff");
        QCOMPARE(errorOf([&] { ClipTokenizer::fromBpeGz(badUtf8); }), badUtf8 + QStringLiteral(":77: not valid UTF-8"));
        const QString unknown = bpeWithLine(QStringLiteral("unknown_symbol.txt.gz"), 10, "i \xe2\x98\xba");
        QVERIFY(errorOf([&] { ClipTokenizer::fromBpeGz(unknown); }).startsWith(unknown + QStringLiteral(":10: merge symbol")));

        QList<QByteArray> lines = gunzip(gz).split('\n');
        const QString shortFile = writeFile(QStringLiteral("short.txt.gz"), gzip(lines.mid(0, 1000).join('\n')));
        QCOMPARE(errorOf([&] { ClipTokenizer::fromBpeGz(shortFile); }),
                 shortFile + QStringLiteral(": expected 48894 merge lines after the header, found 999"));
    }

    void threadsShareTheCache()
    {
        const ClipTokenizer tok = ClipTokenizer::fromBpeGz(ref(QStringLiteral("bpe_simple_vocab_16e6.txt.gz")));
        QStringList texts;
        for (int i = 0; i < 400; ++i)
            texts << QStringLiteral("photo number %1 of a dog%2 named rex%3").arg(i).arg(i % 17).arg(i % 5);
        const std::vector<qint64> expected = m_tok->tokenize(texts);
        std::vector<std::vector<qint64>> results(4);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] { results[size_t(t)] = tok.tokenize(texts); });
        for (auto &th : threads)
            th.join();
        for (const auto &r : results)
            QCOMPARE(r, expected);
    }

    void tenThousandCaptionsUnderASecond()
    {
        static const char *const words[] = {
            "a", "photo", "of", "the", "cat", "dog", "sitting", "on", "red", "blue", "car", "street",
            "with", "two", "people", "walking", "near", "building", "tree", "green", "field", "sky",
            "sunset", "beach", "water", "boat", "man", "woman", "holding", "umbrella", "café", "naïve",
            "東京", "bicycle", "kitchen", "table", "plate", "pizza", "laptop", "computer", "desk"};
        QRandomGenerator rng(42);
        QStringList captions;
        for (int i = 0; i < 10000; ++i) {
            QStringList w;
            const int n = 6 + int(rng.bounded(10));
            for (int k = 0; k < n; ++k)
                w << QString::fromUtf8(words[rng.bounded(int(std::size(words)))]);
            w << QString::number(rng.bounded(1000)) + QStringLiteral("!");
            captions << w.join(QLatin1Char(' '));
        }
        const ClipTokenizer fresh = ClipTokenizer::fromBpeGz(ref(QStringLiteral("bpe_simple_vocab_16e6.txt.gz")));
        QElapsedTimer t;
        t.start();
        const std::vector<qint64> ids = fresh.tokenize(captions);
        const qint64 ms = t.elapsed();
        qInfo("tokenized 10000 captions in %lld ms", ms);
        QCOMPARE(ids.size(), size_t(10000 * 77));
        QVERIFY2(ms < 1000, qPrintable(QStringLiteral("took %1 ms").arg(ms)));
    }
};

QTEST_GUILESS_MAIN(TestClipTokenizer)
#include "test_clip_tokenizer.moc"
