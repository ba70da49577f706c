// Barlow's rules (core/rules): the estimator and tree details the scikit-learn parity script
// (check_rules_parity.py) cannot pin down — digamma, tie-breaking, pure and empty groups, the
// paper's numbers on a tree worked out by hand — and the concept-embedding cache.
#include "common/Error.h"
#include "rules/ConceptFeatures.h"
#include "rules/DecisionTree.h"
#include "rules/FailureRules.h"
#include "rules/MutualInformation.h"
#include "store/ProjectStore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace faultline;

namespace {

RuleFeatures columns(const QStringList &names, const std::vector<std::vector<float>> &values)
{
    RuleFeatures f;
    f.names = names;
    f.values.rows = int(values.front().size());
    f.values.columns = int(values.size());
    for (const auto &column : values)
        f.values.values.insert(f.values.values.end(), column.begin(), column.end());
    return f;
}

} // namespace

class TestFailureRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void digammaOfIntegers()
    {
        QCOMPARE(digammaOfInteger(1), -0.5772156649015329);
        QVERIFY(std::abs(digammaOfInteger(2) - 0.42278433509846713) < 1e-15);
        QVERIFY(std::abs(digammaOfInteger(1000) - 6.907255195648812) < 1e-12); // scipy.special.digamma(1000)
    }

    void mutualInformationSeesSeparationNotNoise()
    {
        std::mt19937 rng(3);
        std::normal_distribution<double> normal;
        std::vector<double> informative, noise;
        std::vector<int> labels;
        for (int i = 0; i < 400; ++i) {
            const int y = i % 4 == 0;
            labels.push_back(y);
            informative.push_back(normal(rng) + 3.0 * y);
            noise.push_back(normal(rng));
        }
        const double high = mutualInformation(informative, labels);
        const double low = mutualInformation(noise, labels);
        QVERIFY2(high > 0.3, qPrintable(QString::number(high)));
        QVERIFY2(low < 0.05, qPrintable(QString::number(low)));
        // deterministic: the same noise every time
        QCOMPARE(mutualInformation(informative, labels), high);
        // every column gets the same noise, so identical columns get identical values
        QCOMPARE(mutualInformation(noise, labels), low);
        // a constant feature carries nothing (scikit-learn's noise would make up a value)
        QCOMPARE(mutualInformation(std::vector<double>(10, 1.0), std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 1, 2}), 0.0);
    }

    void treeMatchesAHandWorkedExample()
    {
        // 8 images, 3 failures: feature "dark" puts all failures and one success above 0.5.
        const std::vector<float> dark = {0.1f, 0.2f, 0.3f, 0.4f, 0.6f, 0.7f, 0.8f, 0.9f};
        const std::vector<float> other = {0.5f, 0.1f, 0.9f, 0.3f, 0.7f, 0.2f, 0.8f, 0.4f};
        const std::vector<int> failure = {0, 0, 0, 0, 0, 1, 1, 1};
        const FailureTree tree = fitFailureTree(columns({QStringLiteral("dark"), QStringLiteral("other")}, {dark, other}),
                                                failure, {2, 1});
        QCOMPARE(tree.samples, 8);
        QCOMPARE(tree.failures, 3);
        QCOMPARE(tree.baseErrorRate, 3.0 / 8);
        QCOMPARE(int(tree.leaves.size()), 2);
        // the weighted entropy is lowest splitting between 0.6 and 0.7 (a pure failure side)
        const FailureRuleLeaf &top = tree.leaves.front();
        QCOMPARE(top.rule, QStringLiteral("dark > 0.65"));
        QCOMPARE(top.samples, 3);
        QCOMPARE(top.failures, 3);
        QCOMPARE(top.errorRate, 1.0);
        QCOMPARE(top.errorCoverage, 1.0);
        QCOMPARE(top.importance, 1.0);
        QCOMPARE(tree.leaves.back().rule, QStringLiteral("dark <= 0.65"));
        QCOMPARE(tree.leaves.back().importance, 0.0);
        QCOMPARE(tree.averageLeafErrorRate, 1.0); // Σ EC·ER ≥ BER
    }

    void equalSplitsPickTheLowerColumn()
    {
        // Two identical columns: the one ranked first (equal information: the lower index) names the rule.
        const std::vector<float> a = {0.f, 1.f, 2.f, 3.f, 4.f, 5.f};
        const std::vector<int> failure = {1, 1, 0, 0, 0, 0};
        const FailureTree tree = fitFailureTree(columns({QStringLiteral("b"), QStringLiteral("a")}, {a, a}), failure, {2, 1});
        QCOMPARE(tree.ranked, (std::vector<int>{0, 1}));
        QCOMPARE(tree.leaves.front().rule, QStringLiteral("b <= 1.5"));
    }

    void pureAndEmptyGroups()
    {
        const std::vector<float> x = {0.f, 1.f, 2.f, 3.f};
        // no failures: one leaf, nothing to explain
        FailureTree none = fitFailureTree(columns({QStringLiteral("x")}, {x}), {0, 0, 0, 0}, {5, 3});
        QCOMPARE(int(none.leaves.size()), 1);
        QCOMPARE(none.leaves.front().rule, QStringLiteral("(all images)"));
        QCOMPARE(none.leaves.front().errorCoverage, 0.0);
        // all failures: one leaf too (a pure node is never split)
        FailureTree all = fitFailureTree(columns({QStringLiteral("x")}, {x}), {1, 1, 1, 1}, {5, 3});
        QCOMPARE(int(all.leaves.size()), 1);
        QCOMPARE(all.averageLeafErrorRate, 1.0);
        // a depth outside 1..3 and an empty group are refused with what to do
        QVERIFY_THROWS_EXCEPTION(Error, fitFailureTree(columns({QStringLiteral("x")}, {x}), {0, 1, 0, 1}, {5, 4}));
        RuleFeatures empty;
        QVERIFY_THROWS_EXCEPTION(Error, fitFailureTree(empty, {}, {5, 2}));
    }

    void depthLimitsTheRules()
    {
        std::mt19937 rng(5);
        std::uniform_real_distribution<float> uniform(0.f, 1.f);
        std::vector<float> a(300), b(300);
        std::vector<int> failure(300);
        for (int i = 0; i < 300; ++i) {
            a[size_t(i)] = uniform(rng);
            b[size_t(i)] = uniform(rng);
            failure[size_t(i)] = (a[size_t(i)] > 0.6f && b[size_t(i)] < 0.5f) || uniform(rng) < 0.05f;
        }
        const RuleFeatures f = columns({QStringLiteral("a"), QStringLiteral("b")}, {a, b});
        for (int depth = 1; depth <= 3; ++depth) {
            const FailureTree tree = fitFailureTree(f, failure, {2, depth});
            QVERIFY(int(tree.leaves.size()) <= 1 << depth);
            double coverage = 0;
            for (const FailureRuleLeaf &leaf : tree.leaves) {
                QVERIFY(leaf.rule.count(QStringLiteral(" AND ")) < depth);
                coverage += leaf.errorCoverage;
            }
            QVERIFY(std::abs(coverage - 1.0) < 1e-12); // every failure is in exactly one leaf
            QVERIFY(tree.averageLeafErrorRate >= tree.baseErrorRate - 1e-12);
            for (size_t i = 1; i < tree.leaves.size(); ++i)
                QVERIFY(tree.leaves[i - 1].importance >= tree.leaves[i].importance);
        }
        // depth 2 finds the planted conjunction: a > ~0.6 AND b <= ~0.5 has the highest importance
        const FailureTree two = fitFailureTree(f, failure, {2, 2});
        QVERIFY2(two.leaves.front().rule.contains(QStringLiteral("a >")) && two.leaves.front().rule.contains(QStringLiteral("b <=")),
                 qPrintable(two.leaves.front().rule));
        QVERIFY(two.leaves.front().errorRate > 0.8);
    }

    void conceptsAreComposedAndCached()
    {
        QCOMPARE(conceptTexts(nullptr, QStringLiteral("boot"),
                              {QStringLiteral("a photo of a dark {class}"), QStringLiteral(" a photo of a  dark boot "),
                               QStringLiteral("")}),
                 QStringList{QStringLiteral("a photo of a dark boot")});

        QTemporaryDir dir;
        ProjectStore store(dir.filePath(QStringLiteral("p.sqlite")));
        const qint64 model = store.ensureEmbeddingModel(QStringLiteral("clip"), 2, QStringLiteral("test"));
        int calls = 0;
        const TextEncoder encode = [&](const QStringList &texts) {
            ++calls;
            std::vector<float> out;
            for (const QString &t : texts)
                out.insert(out.end(), {float(t.size()), 0.f}); // unnormalised on purpose
            return out;
        };
        const QStringList texts = {QStringLiteral("ab"), QStringLiteral("abc")};
        std::vector<float> first = conceptEmbeddings(store, model, 2, texts, encode);
        QCOMPARE(calls, 1);
        QCOMPARE(first, (std::vector<float>{1.f, 0.f, 1.f, 0.f}));
        // stored: a second call embeds only what is new
        std::vector<float> second = conceptEmbeddings(store, model, 2, {QStringLiteral("abc"), QStringLiteral("x")}, encode);
        QCOMPARE(calls, 2);
        QCOMPARE(second, (std::vector<float>{1.f, 0.f, 1.f, 0.f}));
        conceptEmbeddings(store, model, 2, texts, [](const QStringList &) -> std::vector<float> {
            throw Error(QStringLiteral("the text tower must not be needed"));
        });

        // cosines: images are normalised, one column per concept
        const RuleFeatures f = conceptFeatures({3.f, 4.f, 0.f, 2.f}, 2, {QStringLiteral("ab"), QStringLiteral("y")},
                                               {1.f, 0.f, 0.f, 1.f});
        QCOMPARE(f.names, (QStringList{QStringLiteral("cos(\"ab\")"), QStringLiteral("cos(\"y\")")}));
        QCOMPARE(f.values.at(0, 0), 0.6f);
        QCOMPARE(f.values.at(0, 1), 0.8f);
        QCOMPARE(f.values.at(1, 0), 0.f);
        QCOMPARE(f.values.at(1, 1), 1.f);
    }
};

QTEST_GUILESS_MAIN(TestFailureRules)
#include "test_failure_rules.moc"
