#include "common/Error.h"
#include "io/CsvReader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace faultline;

class TestCsvReader : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_counter = 0;

    QString writeFile(const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(QStringLiteral("f%1.csv").arg(++m_counter));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write fixture");
        return path;
    }

    static QVector<CsvRecord> readAll(const QString &path)
    {
        CsvReader reader(path);
        QVector<CsvRecord> records;
        CsvRecord r;
        while (reader.next(r))
            records.append(r);
        return records;
    }

    // The message of the Error that reading the whole file throws; empty if none.
    static QString errorOf(const QString &path)
    {
        try {
            readAll(path);
        } catch (const Error &e) {
            return e.message();
        }
        return QString();
    }

    static QStringList L(std::initializer_list<const char *> items)
    {
        QStringList out;
        for (const char *s : items)
            out << QString::fromUtf8(s);
        return out;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void simpleRecords()
    {
        const auto recs = readAll(writeFile("a,b,c\n1,2,3\n"));
        QCOMPARE(recs.size(), 2);
        QCOMPARE(recs[0].fields, L({"a", "b", "c"}));
        QCOMPARE(recs[0].line, 1);
        QCOMPARE(recs[1].fields, L({"1", "2", "3"}));
        QCOMPARE(recs[1].line, 2);
        QVERIFY(!recs[0].invalidEncoding);
    }

    void emptyFieldsKept()
    {
        const auto recs = readAll(writeFile(",a,,\n\"\"\n"));
        QCOMPARE(recs.size(), 2);
        QCOMPARE(recs[0].fields, L({"", "a", "", ""}));
        QCOMPARE(recs[1].fields, L({""})); // a quoted empty field is a record, not an empty line
    }

    void spacesArePreserved()
    {
        const auto recs = readAll(writeFile(" a , b\n"));
        QCOMPARE(recs[0].fields, L({" a ", " b"}));
    }

    void quotedFieldsWithCommasAndQuotes()
    {
        const auto recs = readAll(writeFile("\"a,b\",\"say \"\"hi\"\"\",\"\"\"\",plain\n"));
        QCOMPARE(recs.size(), 1);
        QCOMPARE(recs[0].fields, L({"a,b", "say \"hi\"", "\"", "plain"}));
    }

    void embeddedNewlinesKeepLineNumbers()
    {
        const QByteArray data = "id,text\n"
                                "1,\"two\nlines\"\n"
                                "2,\"three\r\nline\nfield\",x\n"
                                "3,end\n";
        const auto recs = readAll(writeFile(data));
        QCOMPARE(recs.size(), 4);
        QCOMPARE(recs[1].line, 2);
        QCOMPARE(recs[1].fields, L({"1", "two\nlines"}));
        QCOMPARE(recs[2].line, 4);
        QCOMPARE(recs[2].fields, L({"2", "three\r\nline\nfield", "x"}));
        QCOMPARE(recs[3].line, 7);
        QCOMPARE(recs[3].fields, L({"3", "end"}));
    }

    void crlfLineEndings()
    {
        const auto recs = readAll(writeFile("a,b\r\n1,\"x\"\r\n\r\n2,y\r\n"));
        QCOMPARE(recs.size(), 3);
        QCOMPARE(recs[0].fields, L({"a", "b"}));
        QCOMPARE(recs[1].fields, L({"1", "x"}));
        QCOMPARE(recs[2].fields, L({"2", "y"}));
        QCOMPARE(recs[2].line, 4);
    }

    void bomIsSkipped()
    {
        const auto recs = readAll(writeFile("\xEF\xBB\xBFid,label\n1,cat\n"));
        QCOMPARE(recs.size(), 2);
        QCOMPARE(recs[0].fields, L({"id", "label"}));
        QCOMPARE(recs[0].fields[0].size(), 2);
        QCOMPARE(recs[1].line, 2);
    }

    void bomBeforeQuotedField()
    {
        const auto recs = readAll(writeFile("\xEF\xBB\xBF\"id\",x\n"));
        QCOMPARE(recs[0].fields, L({"id", "x"}));
    }

    void missingFinalNewline()
    {
        auto recs = readAll(writeFile("a,b\n1,2"));
        QCOMPARE(recs.size(), 2);
        QCOMPARE(recs[1].fields, L({"1", "2"}));
        recs = readAll(writeFile("a,\"q\""));
        QCOMPARE(recs.size(), 1);
        QCOMPARE(recs[0].fields, L({"a", "q"}));
        recs = readAll(writeFile("a,b,"));
        QCOMPARE(recs[0].fields, L({"a", "b", ""}));
        recs = readAll(writeFile("a,b\r"));
        QCOMPARE(recs[0].fields, L({"a", "b"}));
    }

    void crOnlyLineEndings()
    {
        // Issue 12 A3: a lone CR ends a line too (a CR-only file used to read as one header row).
        const auto recs = readAll(writeFile("path,prediction,confidence\ra.png,cat,0.5\r\rb.png,dog,0.25\r"));
        QCOMPARE(recs.size(), 3);
        QCOMPARE(recs[0].fields, L({"path", "prediction", "confidence"}));
        QCOMPARE(recs[1].fields, L({"a.png", "cat", "0.5"}));
        QCOMPARE(recs[2].line, 4);
        QCOMPARE(recs[2].fields, L({"b.png", "dog", "0.25"}));
        QCOMPARE(readAll(writeFile("a,\"x\ry\"\r1,2"))[0].fields, L({"a", "x\ry"})); // quoted: data
    }

    void emptyLinesSkipped()
    {
        const auto recs = readAll(writeFile("\n\na,b\n\n\r\n1,2\n\n"));
        QCOMPARE(recs.size(), 2);
        QCOMPARE(recs[0].line, 3);
        QCOMPARE(recs[1].line, 6);
        QCOMPARE(recs[1].fields, L({"1", "2"}));
    }

    void emptyFile()
    {
        QVERIFY(readAll(writeFile("")).isEmpty());
        QVERIFY(readAll(writeFile("\xEF\xBB\xBF")).isEmpty());
        QVERIFY(readAll(writeFile("\n\r\n\n")).isEmpty());
    }

    void unicodeFields()
    {
        const auto recs = readAll(writeFile("caf\xC3\xA9,\"\xE6\x97\xA5\xE6\x9C\xAC,\xF0\x9F\x98\x80\"\n"));
        QCOMPARE(recs[0].fields[0], QStringLiteral(u"café"));
        QCOMPARE(recs[0].fields[1], QStringLiteral(u"日本,😀"));
    }

    void nextAfterEndStaysFalse()
    {
        CsvReader reader(writeFile("a\n"));
        CsvRecord r;
        QVERIFY(reader.next(r));
        QVERIFY(!reader.next(r));
        QVERIFY(!reader.next(r));
    }

    void pathAccessor()
    {
        const QString path = writeFile("a\n");
        CsvReader reader(path);
        QCOMPARE(reader.path(), path);
    }

    // ---- bad inputs ----

    void missingFileThrows()
    {
        const QString path = m_dir.filePath(QStringLiteral("does-not-exist.csv"));
        try {
            CsvReader reader(path);
            QFAIL("expected Error");
        } catch (const Error &e) {
            QVERIFY2(e.message().startsWith(path + QStringLiteral(": cannot open: ")), qPrintable(e.message()));
        }
    }

    void unterminatedQuoteNamesLine()
    {
        const QString path = writeFile("a,b\n1,2\n3,\"never closed\n4,5\n");
        const QString msg = errorOf(path);
        QCOMPARE(msg, path + QStringLiteral(":3: unterminated quoted field"));
    }

    void unterminatedQuoteAfterEmbeddedNewlines()
    {
        const QString path = writeFile("h\n\"ok\nfine\"\n\"bad\n");
        QCOMPARE(errorOf(path), path + QStringLiteral(":4: unterminated quoted field"));
    }

    void unterminatedQuoteAtEndOfFile()
    {
        const QString path = writeFile("a,\"");
        QCOMPARE(errorOf(path), path + QStringLiteral(":1: unterminated quoted field"));
        const QString path2 = writeFile("a,\"x\"\"");
        QCOMPARE(errorOf(path2), path2 + QStringLiteral(":1: unterminated quoted field"));
    }

    void strayQuoteInUnquotedField()
    {
        const QString path = writeFile("a,b\nx,ab\"c\n");
        QCOMPARE(errorOf(path), path + QStringLiteral(":2: unexpected quote in unquoted field"));
    }

    void textAfterClosingQuote()
    {
        const QString path = writeFile("a,b\n\n\"x\"y,z\n");
        QCOMPARE(errorOf(path), path + QStringLiteral(":3: text after closing quote"));
        const QString path2 = writeFile("\"x\" ,z\n");
        QCOMPARE(errorOf(path2), path2 + QStringLiteral(":1: text after closing quote"));
    }

    void recordsBeforeErrorAreReturned()
    {
        const QString path = writeFile("a,b\n1,x\"y\n");
        CsvReader reader(path);
        CsvRecord r;
        QVERIFY(reader.next(r));
        QCOMPARE(r.fields, L({"a", "b"}));
        QVERIFY_THROWS_EXCEPTION(Error, reader.next(r));
    }

    void invalidUtf8IsFlaggedAndReadingContinues()
    {
        const QByteArray data = "id,label\n"
                                "1,caf\xE9\n"           // Latin-1 é
                                "2,\"multi\n\xFF line\"\n" // invalid byte inside a quoted multi-line field
                                "3,\xE6\x97\n"          // truncated 3-byte sequence at the end of a field
                                "4,\xC0\xAF\n"          // overlong encoding
                                "5,ok\n";
        const auto recs = readAll(writeFile(data));
        QCOMPARE(recs.size(), 6);
        QVERIFY(!recs[0].invalidEncoding);
        for (int i : {1, 2, 3, 4}) {
            QVERIFY2(recs[i].invalidEncoding, qPrintable(QString::number(i)));
            QVERIFY(recs[i].fields.isEmpty());
        }
        QCOMPARE(recs[1].line, 2);
        QCOMPARE(recs[2].line, 3);
        QCOMPARE(recs[3].line, 5);
        QCOMPARE(recs[4].line, 6);
        QCOMPARE(recs[5].line, 7);
        QVERIFY(!recs[5].invalidEncoding);
        QCOMPARE(recs[5].fields, L({"5", "ok"}));
    }

    void recordIsResetBetweenCalls()
    {
        CsvReader reader(writeFile("\xFF\n" "a,b\n"));
        CsvRecord r;
        QVERIFY(reader.next(r));
        QVERIFY(r.invalidEncoding);
        QVERIFY(reader.next(r));
        QVERIFY(!r.invalidEncoding);
        QCOMPARE(r.fields, L({"a", "b"}));
    }

    void nulBytesAreData()
    {
        const auto recs = readAll(writeFile(QByteArray("a\0b,c\n", 6)));
        QCOMPARE(recs[0].fields.size(), 2);
        QCOMPARE(recs[0].fields[0], QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b")));
    }

    void millionRowsQuickly()
    {
        QByteArray data;
        data.reserve(40 * 1000 * 1000);
        data += "path,label,prediction,score\n";
        for (int i = 0; i < 1000000; ++i) {
            data += "images/img_";
            data += QByteArray::number(i);
            data += ".png,cat,\"dog, big\",0.";
            data += QByteArray::number(i % 1000);
            data += '\n';
        }
        const QString path = writeFile(data);
        QElapsedTimer timer;
        timer.start();
        CsvReader reader(path);
        CsvRecord r;
        int count = 0;
        while (reader.next(r))
            ++count;
        const qint64 ms = timer.elapsed();
        qDebug("1M rows parsed in %lld ms", ms);
        QCOMPARE(count, 1000001);
        QCOMPARE(r.line, 1000001);
        QCOMPARE(r.fields, L({"images/img_999999.png", "cat", "dog, big", "0.999"}));
        QVERIFY2(ms < 5000, qPrintable(QStringLiteral("took %1 ms").arg(ms)));
    }
};

QTEST_GUILESS_MAIN(TestCsvReader)
#include "test_csv_reader.moc"
