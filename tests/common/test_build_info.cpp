// The version line (--version, Help ▸ About) and the libraries listed with their licences.
#include "common/BuildInfo.h"

#include <QRegularExpression>
#include <QtTest>

using namespace faultline;

class TestBuildInfo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionIsProjectVersionAndRevision()
    {
        // CMake's project version, then `git describe` of the tree (or "unknown" without .git).
        const QRegularExpression form(QStringLiteral("^\\d+\\.\\d+\\.\\d+ \\((unknown|[0-9a-f]{8,}(-dirty)?)\\)$"));
        QVERIFY2(form.match(versionString()).hasMatch(), qPrintable(versionString()));
        QVERIFY(versionString().startsWith(QLatin1String(kVersion)));
    }

    void everyLibraryHasVersionLicenceAndUrl()
    {
        const QVector<ThirdPartyComponent> components = thirdPartyComponents();
        QStringList names;
        for (const ThirdPartyComponent &c : components) {
            names << c.name;
            QVERIFY2(!c.version.isEmpty() && !c.licence.isEmpty() && c.url.startsWith(QLatin1String("https://")),
                     qPrintable(c.name));
        }
        for (const char *expected : {"Qt", "libtorch (PyTorch)", "OpenCV", "Eigen", "LIBSVM", "SQLite"})
            QVERIFY2(names.contains(QLatin1String(expected)), expected);
        QCOMPARE(components.first().version, QString::fromLatin1(qVersion())); // the Qt this runs with
    }
};

QTEST_GUILESS_MAIN(TestBuildInfo)
#include "test_build_info.moc"
