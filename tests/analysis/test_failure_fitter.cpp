#include "analysis/AnalysisJob.h"
#include "analysis/EmbeddingWhitener.h"
#include "analysis/FailureDirectionFitter.h"
#include "analysis/LinearSvm.h"
#include "analysis/StratifiedKFold.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "store/ProjectStore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <set>

using namespace faultline;

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

struct Builder
{
    AnalysisData data;
    std::vector<std::vector<float>> rows;
    std::vector<bool> planted; // rows planted as failures along dimension 0

    int classIndex(const QString &name)
    {
        const int i = int(data.classNames.indexOf(name));
        if (i >= 0)
            return i;
        data.classNames << name;
        return int(data.classNames.size()) - 1;
    }

    void add(const QString &cls, Split split, bool correct, std::vector<float> x, bool isPlanted = false)
    {
        data.label.push_back(classIndex(cls));
        data.correct.push_back(correct);
        data.split.push_back(split);
        rows.push_back(std::move(x));
        planted.push_back(isPlanted);
    }

    AnalysisData &finish()
    {
        const int dim = rows.empty() ? 0 : int(rows[0].size());
        data.embeddings.resize(Eigen::Index(rows.size()), dim);
        for (size_t r = 0; r < rows.size(); ++r)
            for (int d = 0; d < dim; ++d)
                data.embeddings(Eigen::Index(r), d) = rows[r][size_t(d)];
        return data;
    }
};

std::vector<float> noise(std::mt19937 &rng, int dim, float first)
{
    std::normal_distribution<float> normal(0.f, 1.f);
    std::vector<float> x(static_cast<size_t>(dim));
    for (float &v : x)
        v = normal(rng);
    x[0] = first + 0.3f * normal(rng);
    return x;
}

// One class with a planted, linearly separable failure mode (errors at +3 on dimension 0,
// correct predictions at -3) plus classes that must be skipped for each reason.
Builder plantedData(int folds = 2)
{
    std::mt19937 rng(42);
    Builder b;
    const int dim = 6;
    for (int i = 0; i < 60; ++i) {
        const bool error = i % 4 == 1; // 15 errors, spread through the data order
        b.add(QStringLiteral("planted"), Split::Val, !error, noise(rng, dim, error ? 3.f : -3.f), error);
    }
    for (int i = 0; i < 20; ++i)
        b.add(QStringLiteral("planted"), Split::Train, true, noise(rng, dim, -3.f));
    for (int i = 0; i < 10; ++i)
        b.add(QStringLiteral("planted"), Split::Pool, true, noise(rng, dim, -3.f));
    for (int i = 0; i < 10; ++i)
        b.add(QStringLiteral("allright"), Split::Val, true, noise(rng, dim, 0.f));
    for (int i = 0; i < 10; ++i)
        b.add(QStringLiteral("allwrong"), Split::Val, false, noise(rng, dim, 0.f));
    for (int i = 0; i < 10; ++i)
        b.add(QStringLiteral("fewerrors"), Split::Val, i != 3 && (folds < 3 || i != 6), noise(rng, dim, 0.f));
    for (int i = 0; i < 10; ++i)
        b.add(QStringLiteral("fewcorrect"), Split::Val, i == 0, noise(rng, dim, 0.f));
    for (int i = 0; i < 10; ++i)
        b.add(QStringLiteral("nofit"), Split::Train, i % 2 == 0, noise(rng, dim, 0.f));
    b.finish();
    return b;
}

std::map<QString, ClassResult> fitAll(const AnalysisData &data, AnalysisParams params, JobControl *control = nullptr)
{
    std::map<QString, ClassResult> results;
    FailureDirectionFitter fitter(data, params);
    fitter.run(control, [&](const ClassResult &r) { results[data.classNames[r.classIndex]] = r; });
    return results;
}

} // namespace

class TestFailureFitter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Expected folds computed with scikit-learn 1.2.1:
    //   f = zeros(len(y)); for i, (_, te) in enumerate(StratifiedKFold(k).split(zeros(len(y)), y)): f[te] = i
    void stratifiedFoldsMatchScikitLearn_data()
    {
        QTest::addColumn<std::vector<int>>("labels");
        QTest::addColumn<int>("folds");
        QTest::addColumn<std::vector<int>>("expected");
        QTest::newRow("alternating k=2") << std::vector<int>{0, 1, 0, 1, 0, 1, 0, 1} << 2
                                         << std::vector<int>{0, 0, 0, 0, 1, 1, 1, 1};
        QTest::newRow("unbalanced k=2") << std::vector<int>{1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1} << 2
                                        << std::vector<int>{0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1};
        QTest::newRow("unbalanced k=3") << std::vector<int>{1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1} << 3
                                        << std::vector<int>{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
        QTest::newRow("17 rows k=3") << std::vector<int>{1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0, 1, 1} << 3
                                     << std::vector<int>{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2};
        QTest::newRow("three classes k=3") << std::vector<int>{2, 2, 0, 1, 0, 2, 1, 1, 2, 0, 2, 2, 1, 0, 2} << 3
                                           << std::vector<int>{0, 0, 0, 0, 1, 0, 1, 2, 1, 1, 1, 2, 2, 2, 2};
        QTest::newRow("sorted 7/13 k=2") << std::vector<int>{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1} << 2
                                         << std::vector<int>{0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1};
        // Labels whose order of first appearance differs from their sorted order.
        const std::vector<int> y53 = {5, 3, 5, 5, 3, 3, 5, 5, 5, 3, 5, 5, 5, 5, 5, 5, 5, 3, 3, 5, 5};
        QTest::newRow("5/3 k=2") << y53 << 2
                                 << std::vector<int>{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        QTest::newRow("5/3 k=3") << y53 << 3
                                 << std::vector<int>{0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2};
    }

    void stratifiedFoldsMatchScikitLearn()
    {
        QFETCH(std::vector<int>, labels);
        QFETCH(int, folds);
        QFETCH(std::vector<int>, expected);
        const std::vector<int> actual = stratifiedTestFolds(labels, folds);
        QVERIFY2(actual == expected, qPrintable([&] {
                     QStringList a;
                     for (int f : actual)
                         a << QString::number(f);
                     return a.join(QLatin1Char(','));
                 }()));
    }

    void balancedAccuracyMatchesScikitLearn()
    {
        // balanced_accuracy_score values from scikit-learn 1.2.1.
        QCOMPARE(balancedAccuracy({0, 0, 0, 1}, {0, 0, 1, 1}), 0.8333333333333333);
        QCOMPARE(balancedAccuracy({0, 0}, {0, 1}), 0.5); // a predicted class absent from truth does not count
        QVERIFY(qFuzzyCompare(balancedAccuracy({1, 1, 1, 0, 0, 2}, {1, 0, 1, 0, 2, 2}), 0.7222222222222222));
        QCOMPARE(balancedAccuracy({0, 1, 0, 1}, {1, 0, 1, 0}), 0.0);
        QCOMPARE(balancedAccuracy({1, 1, 0}, {1, 1, 0}), 1.0);
        QCOMPARE(balancedAccuracy({}, {}), 0.0);
    }

    void whitenerUsesUnbiasedStdOfTheReferenceSplit()
    {
        Builder b;
        b.add(QStringLiteral("a"), Split::Train, true, {1, 2, 5});
        b.add(QStringLiteral("a"), Split::Train, true, {3, 2, 5});
        b.add(QStringLiteral("a"), Split::Train, false, {2, 8, 5});
        b.add(QStringLiteral("a"), Split::Val, true, {1000, -1000, 7}); // not in the reference split
        const AnalysisData &data = b.finish();
        const EmbeddingWhitener w = EmbeddingWhitener::fit(data, Split::Train);
        // numpy: X.mean(0) = [2, 4, 5], X.std(0, ddof=1) = [1, 3.46410162, 0]
        QVERIFY(w.mean() == Eigen::Vector3d(2, 4, 5));
        QCOMPARE(w.stddev()[0], 1.0);
        QVERIFY(qFuzzyCompare(w.stddev()[1], 3.4641016151377544));
        QCOMPARE(w.stddev()[2], 1.0); // constant dimension: divided by 1, not 0

        const Eigen::MatrixXd x = w.transform(data.vectors(), {0, 1, 2, 3});
        for (Eigen::Index r = 0; r < x.rows(); ++r) {
            QVERIFY(qFuzzyCompare(x.row(r).norm(), 1.0));
            QVERIFY(x.row(r).allFinite());
        }
        QCOMPARE(x(0, 2), 0.0); // the constant dimension carries nothing
        // Row 0: ((1-2)/1, (2-4)/3.464, 0) normalised.
        const Eigen::Vector3d raw(-1.0, -2.0 / 3.4641016151377544, 0.0);
        QVERIFY((x.row(0).transpose() - raw.normalized()).norm() < 1e-12);
        // The vector form agrees with the matrix form.
        QVERIFY((w.transform(Eigen::Vector3d(1, 2, 5)) - raw.normalized()).norm() < 1e-12);
        // A row equal to the mean stays zero instead of becoming NaN.
        QVERIFY(w.transform(Eigen::Vector3d(2, 4, 5)).isZero(0));
    }

    void whitenerFallsBackToAllRows()
    {
        Builder b;
        b.add(QStringLiteral("a"), Split::Val, true, {0, 1});
        b.add(QStringLiteral("a"), Split::Val, true, {2, 1});
        b.add(QStringLiteral("a"), Split::Pool, true, {4, 1});
        const EmbeddingWhitener w = EmbeddingWhitener::fit(b.finish(), Split::Train);
        QVERIFY(w.mean() == Eigen::Vector2d(2, 1));
        QVERIFY(w.stddev() == Eigen::Vector2d(2, 1));

        Builder one;
        one.add(QStringLiteral("a"), Split::Train, true, {1, 2});
        one.add(QStringLiteral("a"), Split::Val, true, {3, 4});
        try {
            EmbeddingWhitener::fit(one.finish(), Split::Train);
            QFAIL("expected Error");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QLatin1String("at least two")), qPrintable(e.message()));
        }
    }

    void skippedClassesSayWhy()
    {
        const Builder b = plantedData();
        AnalysisParams params;
        const auto results = fitAll(b.data, params);
        QCOMPARE(results.size(), size_t(6));
        const std::map<QString, QString> reasons = {
            {QStringLiteral("allright"), QStringLiteral("no errors in the fit split")},
            {QStringLiteral("allwrong"), QStringLiteral("no correct predictions in the fit split")},
            {QStringLiteral("fewerrors"), QStringLiteral("too few errors (1) for 2-fold cross-validation")},
            {QStringLiteral("fewcorrect"), QStringLiteral("too few correct predictions (1) for 2-fold cross-validation")},
            {QStringLiteral("nofit"), QStringLiteral("no images in the fit split")},
        };
        for (const auto &[cls, reason] : reasons) {
            const ClassResult &r = results.at(cls);
            QVERIFY2(!r.ok, qPrintable(cls));
            QCOMPARE(r.skipReason, reason);
            QVERIFY(r.decisionValues.empty());
        }
        QCOMPARE(results.at(QStringLiteral("allright")).nFit, 10);
        QCOMPARE(results.at(QStringLiteral("allright")).nFitErrors, 0);
        QCOMPARE(results.at(QStringLiteral("allwrong")).nFitErrors, 10);
        QCOMPARE(results.at(QStringLiteral("nofit")).nFit, 0);
        QVERIFY(results.at(QStringLiteral("planted")).ok);

        // With 3 folds, 2 errors are still too few.
        const Builder b3 = plantedData(3);
        AnalysisParams three;
        three.folds = 3;
        const auto r3 = fitAll(b3.data, three);
        QCOMPARE(r3.at(QStringLiteral("fewerrors")).skipReason,
                 QStringLiteral("too few errors (2) for 3-fold cross-validation"));
        QVERIFY(r3.at(QStringLiteral("planted")).ok);
    }

    // Issue 12 A5: identical embeddings used to come out "ok" at 0.500.
    void degenerateFitIsSkippedWithItsReason()
    {
        Builder b = plantedData();
        for (int i = 0; i < 20; ++i)
            b.add(QStringLiteral("constant"), Split::Val, i % 3 != 0, std::vector<float>(6, 0.25f));
        b.finish();
        const auto results = fitAll(b.data, AnalysisParams());
        const ClassResult &constant = results.at(QStringLiteral("constant"));
        QVERIFY(!constant.ok);
        QVERIFY2(constant.skipReason.startsWith(QLatin1String("degenerate fit: every image gets the same decision value")),
                 qPrintable(constant.skipReason));
        QVERIFY(constant.decisionValues.empty());
        QVERIFY(results.at(QStringLiteral("planted")).ok);
    }

    // Issue 12 A5: non-finite vectors are refused wherever they come from.
    void nonFiniteEmbeddingsAreRefused()
    {
        QTemporaryDir tmp;
        ProjectStore store(tmp.filePath(QStringLiteral("p.sqlite")));
        StoredImage image;
        image.path = QStringLiteral("cat/0.png");
        image.folderClass = QStringLiteral("cat");
        StoredImage other = image;
        other.path = QStringLiteral("cat/1.png");
        store.applyScan({image, other}, {});
        const QVector<StoredImage> images = store.images();
        const qint64 model = store.ensureEmbeddingModel(QStringLiteral("m"), 2, QString());
        const float bad[] = {1.f, 2.f, std::numeric_limits<float>::quiet_NaN(), 0.f};
        try {
            store.storeEmbeddings(model, {images[0].id, images[1].id}, bad, 2);
            QFAIL("a NaN embedding must not be stored");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("embedding of image %1 (m) holds NaN or Inf").arg(images[1].id)),
                     qPrintable(error.message()));
        }
        QCOMPARE(store.embeddingModel(model).count, qint64(0));
        const float inf[] = {std::numeric_limits<float>::infinity(), 0.f};
        QVERIFY_THROWS_EXCEPTION(Error, store.storeComputedEmbeddings(model, {images[0].id}, {QStringLiteral("h")}, inf, 2));
        QCOMPARE(store.embeddingModel(model).count, qint64(0));

        // One written behind the store's back (an older Faultline) stops the analysis, named.
        const float good[] = {1.f, 2.f, 3.f, 4.f};
        store.storeEmbeddings(model, {images[0].id, images[1].id}, good, 2);
        store.replacePredictions({{images[0].id, QString(), QStringLiteral("cat"), std::nullopt, std::nullopt, 1},
                                  {images[1].id, QString(), QStringLiteral("dog"), std::nullopt, std::nullopt, 2}},
                                 QStringLiteral("p.csv"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw-nan"));
            db.setDatabaseName(store.path());
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.prepare(QStringLiteral("UPDATE embeddings SET vector=? WHERE image_id=?")));
            query.addBindValue(QByteArray(reinterpret_cast<const char *>(bad + 2), 2 * sizeof(float)));
            query.addBindValue(images[1].id);
            QVERIFY(query.exec());
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw-nan"));
        try {
            runAnalysis(store, model, AnalysisParams());
            QFAIL("an analysis over a NaN embedding must be refused");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("the 'm' embedding of 'cat/1.png' holds NaN or Inf")),
                     qPrintable(error.message()));
        }
        QVERIFY(store.runs().isEmpty());
    }

    void plantedFailureIsFound()
    {
        const Builder b = plantedData();
        AnalysisParams params;
        const ClassResult r = fitAll(b.data, params).at(QStringLiteral("planted"));
        QVERIFY(r.ok);
        QCOMPARE(r.nFit, 60);
        QCOMPARE(r.nFitErrors, 15);
        QVERIFY2(r.cvBalancedAccuracy > 0.97, qPrintable(QString::number(r.cvBalancedAccuracy)));
        QCOMPARE(r.cvScores.size(), params.cGrid.size());
        QCOMPARE(r.cvBalancedAccuracy, *std::max_element(r.cvScores.begin(), r.cvScores.end()));
        // The chosen C is the first of the best scores.
        const size_t best = size_t(std::max_element(r.cvScores.begin(), r.cvScores.end()) - r.cvScores.begin());
        QCOMPARE(r.C, params.cGrid[best]);
        QCOMPARE(r.normal.size(), Eigen::Index(6));

        // Every row of the class is scored, in every split.
        QCOMPARE(r.rows.size(), size_t(90));
        QCOMPARE(r.decisionValues.size(), r.rows.size());
        for (double v : r.decisionValues)
            QVERIFY(std::isfinite(v));

        // The 15 hardest rows are exactly the planted failures; positive = correct.
        std::vector<size_t> order(r.rows.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::sort(order.begin(), order.end(), [&](size_t a, size_t c) { return r.decisionValues[a] < r.decisionValues[c]; });
        for (size_t k = 0; k < order.size(); ++k) {
            const int row = r.rows[order[k]];
            QCOMPARE(bool(b.planted[size_t(row)]), k < 15);
            QCOMPARE(r.decisionValues[order[k]] > 0, bool(b.data.correct[size_t(row)]));
        }
        // The normal points from the failures (+dim 0) towards the correct predictions.
        QVERIFY(r.normal[0] < 0);
    }

    void resultsDoNotDependOnThreads()
    {
        const Builder b = plantedData();
        AnalysisParams one;
        one.threads = 1;
        AnalysisParams four;
        four.threads = 4;
        const ClassResult a = fitAll(b.data, one).at(QStringLiteral("planted"));
        const ClassResult c = fitAll(b.data, four).at(QStringLiteral("planted"));
        QCOMPARE(a.cvScores, c.cvScores);
        QCOMPARE(a.C, c.C);
        QCOMPARE(a.decisionValues, c.decisionValues);
    }

    // Above LIBSVM's precomputed-kernel limit the float-Gram SMO (DenseSmo) takes over: on the
    // same rows, forced both ways, its solution equals LIBSVM's up to the solver's tolerance.
    void denseGramSolverMatchesLibsvm()
    {
        const int n = 1500, d = 24;
        std::mt19937 rng(9);
        std::normal_distribution<double> normal;
        Eigen::MatrixXd x(n, d);
        std::vector<int> targets(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            targets[size_t(i)] = i % 4 == 0 ? 0 : 1;
            for (int c = 0; c < d; ++c)
                x(i, c) = normal(rng) + (c == 0 && targets[size_t(i)] == 0 ? 1.0 : 0.0); // overlapping classes
            x.row(i).normalize();
        }
        const LinearSvmProblem libsvm(x, targets, LinearSvmProblem::Kernel::LibsvmPrecomputed);
        const LinearSvmProblem dense(x, targets, LinearSvmProblem::Kernel::DenseGram);
        QCOMPARE(dense.kernel(), LinearSvmProblem::Kernel::DenseGram);
        std::vector<int> all(static_cast<size_t>(n)), fold = stratifiedTestFolds(targets, 5);
        std::iota(all.begin(), all.end(), 0);
        for (double C : {1e-4, 1e-2, 1e-1, 1.0}) {
            const LinearSvmModel a = libsvm.train(all, C), b = dense.train(all, C);
            const Eigen::VectorXd da = (x * a.normal).array() + a.bias, db = (x * b.normal).array() + b.bias;
            const double spread = da.maxCoeff() - da.minCoeff();
            const double worst = (da - db).cwiseAbs().maxCoeff();
            QVERIFY2(worst <= 0.002 * spread, qPrintable(QStringLiteral("C=%1: max |Δ| %2 of a spread of %3").arg(C).arg(worst).arg(spread)));
            int agree = 0;
            for (int i = 0; i < n; ++i)
                agree += (da[i] >= 0) == (db[i] >= 0) ? 1 : 0;
            QVERIFY2(agree >= n * 995 / 1000, qPrintable(QStringLiteral("C=%1: %2 of %3 signs agree").arg(C).arg(agree).arg(n)));
            for (int f = 0; f < 5; ++f)
                QVERIFY(std::abs(libsvm.foldBalancedAccuracy(fold, f, C) - dense.foldBalancedAccuracy(fold, f, C)) <= 0.01);
        }
        QCOMPARE(LinearSvmProblem::kernelBytes(20000), 4.0 * 20000 * 20000);
    }

    void badParametersAreErrors()
    {
        const Builder b = plantedData();
        AnalysisParams folds;
        folds.folds = 1;
        QVERIFY_THROWS_EXCEPTION(Error, FailureDirectionFitter(b.data, folds));
        AnalysisParams grid;
        grid.cGrid.clear();
        QVERIFY_THROWS_EXCEPTION(Error, FailureDirectionFitter(b.data, grid));
    }

    void cancellationThrowsJobCancelled()
    {
        const Builder b = plantedData();
        FailureDirectionFitter fitter(b.data, AnalysisParams());
        int delivered = 0;
        JobControl before;
        before.requestCancel();
        QVERIFY_THROWS_EXCEPTION(JobCancelled, fitter.run(&before, [&](const ClassResult &) { ++delivered; }));
        QCOMPARE(delivered, 0);

        // Cancelled from the progress handler, mid-way through the fits.
        JobControl midway;
        std::atomic<int> ticks{0};
        midway.setProgressHandler([&](qint64, qint64, const QString &) {
            if (++ticks == 2)
                midway.requestCancel();
        });
        QVERIFY_THROWS_EXCEPTION(JobCancelled, fitter.run(&midway, [&](const ClassResult &) { ++delivered; }));
        QCOMPARE(delivered, 0);
        QVERIFY(ticks.load() >= 2);
    }

    void progressCountsEveryFit()
    {
        const Builder b = plantedData();
        AnalysisParams params; // 7 C values × 2 folds + 1 refit, for the one class that is fitted
        FailureDirectionFitter fitter(b.data, params);
        JobControl control;
        std::atomic<qint64> last{0}, total{0};
        control.setProgressHandler([&](qint64 done, qint64 t, const QString &) {
            qint64 prev = last.load();
            while (done > prev && !last.compare_exchange_weak(prev, done)) {}
            total = t;
        });
        fitter.run(&control, [](const ClassResult &) {});
        QCOMPARE(total.load(), qint64(params.cGrid.size() * 2 + 1));
        QCOMPARE(last.load(), total.load());
    }

    // The planted data as a project: images, predictions and the embeddings of model "m"
    // (all but the rows in `withoutEmbedding`). Returns the model's id.
    static qint64 storePlanted(ProjectStore &store, const Builder &b, const std::set<size_t> &withoutEmbedding = {})
    {
        QVector<StoredImage> images;
        for (size_t i = 0; i < b.rows.size(); ++i) {
            StoredImage image;
            image.path = QStringLiteral("%1/%2.png").arg(b.data.classNames[b.data.label[i]]).arg(i, 4, 10, QLatin1Char('0'));
            image.folderClass = b.data.classNames[b.data.label[i]];
            image.folderSplit = b.data.split[i];
            images << image;
        }
        store.applyScan(images, {});
        QHash<QString, qint64> ids;
        for (const StoredImage &image : store.images())
            ids.insert(image.path, image.id);
        QVector<PredictionRecord> predictions;
        QVector<qint64> rowIds;
        std::vector<float> values;
        for (size_t i = 0; i < b.rows.size(); ++i) {
            PredictionRecord p;
            p.imageId = ids.value(images[int(i)].path);
            p.prediction = b.data.correct[i] ? images[int(i)].folderClass : QStringLiteral("other");
            predictions << p;
            if (withoutEmbedding.count(i))
                continue;
            rowIds << p.imageId;
            values.insert(values.end(), b.data.embeddings.row(Eigen::Index(i)).begin(), b.data.embeddings.row(Eigen::Index(i)).end());
        }
        // 'other' must be a known class only for the CSV importer; the store takes it as given.
        store.replacePredictions(predictions, QStringLiteral("p.csv"));
        const qint64 model = store.ensureEmbeddingModel(QStringLiteral("m"), 6, QString());
        store.storeEmbeddings(model, rowIds, values.data(), 6);
        return model;
    }

    // The whole job through the store: classes stored, skipped ones with reasons, the run done;
    // a cancelled job leaves a 'cancelled' run.
    void analysisJobStoresTheRun()
    {
        QTemporaryDir tmp;
        ProjectStore store(tmp.filePath(QStringLiteral("p.sqlite")));
        const Builder b = plantedData();
        const qint64 model = storePlanted(store, b);

        const AnalysisOutcome outcome = runAnalysis(store, model, AnalysisParams());
        QCOMPARE(outcome.rows, int(b.rows.size()));
        QCOMPARE(outcome.classesOk, 1);
        QCOMPARE(outcome.classesSkipped, 5);
        QCOMPARE(store.run(outcome.runId).status, QStringLiteral("done"));
        const QVector<RunClassRow> classes = store.runClasses(outcome.runId);
        QCOMPARE(classes.size(), qsizetype(6));
        for (const RunClassRow &row : classes) {
            if (row.className == QLatin1String("planted")) {
                QCOMPARE(row.status, QStringLiteral("ok"));
                QVERIFY(*row.cvBalancedAccuracy > 0.97);
            } else {
                QCOMPARE(row.status, QStringLiteral("skipped"));
                QVERIFY(!row.reason.isEmpty());
            }
        }
        int scored = 0;
        for (const RunScoreRow &row : store.runScores(outcome.runId))
            if (row.decisionValue) {
                ++scored;
                QCOMPARE(row.label, QStringLiteral("planted"));
                QCOMPARE(*row.decisionValue > 0, row.prediction == row.label);
            }
        QCOMPARE(scored, 90);

        JobControl control;
        control.requestCancel();
        qint64 cancelledRun = 0;
        try {
            runAnalysis(store, model, AnalysisParams(), &control);
            QFAIL("expected JobCancelled");
        } catch (const JobCancelled &) {
            cancelledRun = store.runs().first().id;
        }
        QVERIFY(cancelledRun > outcome.runId);
        QCOMPARE(store.run(cancelledRun).status, QStringLiteral("cancelled"));
        QCOMPARE(store.latestCompletedRun(), outcome.runId);

        // A fit split nobody is in is a clear error, before any run is created.
        AnalysisParams test;
        test.fitSplit = Split::Test;
        try {
            runAnalysis(store, model, test);
            QFAIL("expected Error");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QLatin1String("'test'")), qPrintable(e.message()));
        }
        QCOMPARE(store.runs().first().id, cancelledRun);
    }

    // Embeddings past inMemoryEmbeddingBytes (10M × 512 is 20 GB) are paged from a mapped file
    // beside the store: the same run to the last bit, rows without an embedding left out the
    // same way, and the file gone afterwards.
    void mappedEmbeddingsGiveTheSameRun()
    {
        QTemporaryDir tmp;
        ProjectStore store(tmp.filePath(QStringLiteral("p.sqlite")));
        const qint64 model = storePlanted(store, plantedData(), {3, 40, 41, 100});
        const AnalysisOutcome inMemory = runAnalysis(store, model, AnalysisParams());
        AnalysisParams paged;
        paged.inMemoryEmbeddingBytes = 0;
        const AnalysisOutcome mapped = runAnalysis(store, model, paged);
        QCOMPARE(mapped.rows, inMemory.rows);
        QCOMPARE(mapped.rows, int(plantedData().rows.size()) - 4);
        QCOMPARE(mapped.classesOk, inMemory.classesOk);
        const QVector<RunClassRow> a = store.runClasses(inMemory.runId), b = store.runClasses(mapped.runId);
        QCOMPARE(a.size(), b.size());
        for (qsizetype i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].status, a[i].status);
            QCOMPARE(b[i].cvBalancedAccuracy, a[i].cvBalancedAccuracy);
            QCOMPARE(b[i].C, a[i].C);
        }
        const QVector<RunScoreRow> x = store.runScores(inMemory.runId), y = store.runScores(mapped.runId);
        QCOMPARE(x.size(), y.size());
        int scored = 0;
        for (qsizetype i = 0; i < x.size(); ++i) {
            QCOMPARE(y[i].path, x[i].path);
            QCOMPARE(y[i].decisionValue, x[i].decisionValue); // bit-identical
            scored += x[i].decisionValue.has_value();
        }
        QVERIFY(scored > 0);
        QCOMPARE(QDir(tmp.path()).entryList({QStringLiteral("analysis-embeddings-*")}, QDir::Files), QStringList());
    }

    // A flat dataset (no splits at all) is fitted on every image.
    void analysisJobWithoutSplits()
    {
        QTemporaryDir tmp;
        ProjectStore store(tmp.filePath(QStringLiteral("p.sqlite")));
        std::mt19937 rng(3);
        QVector<StoredImage> images;
        for (int i = 0; i < 40; ++i) {
            StoredImage image;
            image.path = QStringLiteral("cat/%1.png").arg(i, 3, 10, QLatin1Char('0'));
            image.folderClass = QStringLiteral("cat");
            images << image;
        }
        store.applyScan(images, {});
        QVector<PredictionRecord> predictions;
        QVector<qint64> ids;
        std::vector<float> values;
        const QVector<StoredImage> stored = store.images();
        for (int i = 0; i < stored.size(); ++i) {
            PredictionRecord p;
            p.imageId = stored[i].id;
            const bool error = i % 5 == 0;
            p.prediction = error ? QStringLiteral("dog") : QStringLiteral("cat");
            predictions << p;
            ids << p.imageId;
            const std::vector<float> x = noise(rng, 4, error ? 3.f : -3.f);
            values.insert(values.end(), x.begin(), x.end());
        }
        store.replacePredictions(predictions, QStringLiteral("p.csv"));
        const qint64 model = store.ensureEmbeddingModel(QStringLiteral("m"), 4, QString());
        store.storeEmbeddings(model, ids, values.data(), 4);

        const AnalysisOutcome outcome = runAnalysis(store, model, AnalysisParams());
        QCOMPARE(outcome.classesOk, 1);
        bool warned = false;
        for (const Diagnostic &d : outcome.diagnostics)
            warned |= d.message.contains(QLatin1String("no splits"));
        QVERIFY(warned);
        QCOMPARE(store.run(outcome.runId).status, QStringLiteral("done"));
        QCOMPARE(store.runClasses(outcome.runId).first().nFit, 40);
        QVERIFY(store.run(outcome.runId).params.contains(QLatin1String("\"fit_split\":\"\"")));
    }
};

QTEST_GUILESS_MAIN(TestFailureFitter)
#include "test_failure_fitter.moc"
