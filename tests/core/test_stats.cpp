// Agreement statistics against published worked examples, and the ratings table reader.
#include "stats/agreement.h"
#include "stats/ratings.h"
#include "stats/reliability.h"
#include "stats/seed_bootstrap.h"
#include "util/input_error.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace gpo;
using namespace gpo::stats;

namespace {

const std::string kRatings = GPO_FIXTURES "/ratings/";

/// Fleiss-form counts (one row per unit, one column per category) as one rating per rater.
Ratings fromCounts(const std::vector<std::vector<int>>& table) {
    Ratings r;
    for (size_t u = 0; u < table.size(); ++u) {
        int rater = 0;
        for (size_t c = 0; c < table[u].size(); ++c)
            for (int i = 0; i < table[u][c]; ++i)
                r.add(std::to_string(u), "r" + std::to_string(rater++), std::to_string(c + 1));
    }
    return r;
}

BootstrapOptions noBootstrap() {
    BootstrapOptions o;
    o.bootstrap = 0;
    return o;
}

} // namespace

class TestStats : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    std::string write(const std::string& name, const std::string& text) {
        const std::string path = dir_.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(path) << text;
        return path;
    }

private Q_SLOTS:
    void krippendorffsOwnExample() {
        const Ratings r = readRatingsCsv(kRatings + "krippendorff2011.csv");
        QCOMPARE(r.units(), size_t(12));
        QCOMPARE(r.raters(), size_t(4));
        QVERIFY(r.numeric());
        const Reliability s = reliability(r, noBootstrap());
        QCOMPARE(s.pairableUnits, int64_t(11)); // unit 12 has a single value
        QCOMPARE(s.values, int64_t(40));
        QVERIFY(std::abs(*s.alphaNominal.value - 0.743) < 5e-4);
        QVERIFY(std::abs(*s.alphaInterval.value - 0.849) < 5e-4);
        QVERIFY(!s.cohenKappa.value); // four raters
    }

    void fleissWorkedExample() {
        const Ratings r = fromCounts({{0, 0, 0, 0, 14},
                                      {0, 2, 6, 4, 2},
                                      {0, 0, 3, 5, 6},
                                      {0, 3, 9, 2, 0},
                                      {2, 2, 8, 1, 1},
                                      {7, 7, 0, 0, 0},
                                      {3, 2, 6, 3, 0},
                                      {2, 5, 3, 2, 2},
                                      {6, 5, 2, 1, 0},
                                      {0, 2, 2, 3, 7}});
        const Reliability s = reliability(r, noBootstrap());
        QVERIFY(std::abs(*s.percentAgreement.value - 0.378) < 5e-4); // P-bar
        QVERIFY(std::abs(*s.fleissKappa.value - 0.210) < 5e-4);
    }

    void cohensWorkedExample() {
        Ratings r;
        int unit = 0;
        auto add = [&](int times, const char* a, const char* b) {
            for (int i = 0; i < times; ++i, ++unit) {
                r.add(std::to_string(unit), "A", std::string(a));
                r.add(std::to_string(unit), "B", std::string(b));
            }
        };
        add(20, "Yes", "Yes");
        add(5, "Yes", "No");
        add(10, "No", "Yes");
        add(15, "No", "No");
        QVERIFY(!r.numeric());
        const Reliability s = reliability(r, noBootstrap());
        QVERIFY(std::abs(*s.cohenKappa.value - 0.4) < 1e-12);
        QVERIFY(std::abs(*s.percentAgreement.value - 0.7) < 1e-12);
        QVERIFY(!s.alphaInterval.value); // categories are not numbers
        QVERIFY(s.alphaNominal.value);
    }

    void degenerateTables() {
        Ratings same;
        for (int u = 0; u < 5; ++u)
            for (const char* rater : {"a", "b", "c"})
                same.add(std::to_string(u), rater, std::string("2"));
        const Reliability s = reliability(same, noBootstrap());
        QCOMPARE(*s.percentAgreement.value, 1.0);
        QVERIFY(!s.alphaNominal.value && !s.fleissKappa.value); // no variation: chance-corrected undefined
        Ratings perfect;
        for (int u = 0; u < 6; ++u)
            for (const char* rater : {"a", "b"})
                perfect.add(std::to_string(u), rater, std::to_string(u % 3));
        const Reliability p = reliability(perfect, noBootstrap());
        QCOMPARE(*p.cohenKappa.value, 1.0);
        QCOMPARE(*p.alphaNominal.value, 1.0);
        QCOMPARE(*p.alphaInterval.value, 1.0);
        const Reliability empty = reliability(Ratings{}, noBootstrap());
        QVERIFY(!empty.percentAgreement.value);
    }

    void bootstrapIntervalsBracketTheEstimate() {
        const Ratings r = readRatingsCsv(kRatings + "krippendorff2011.csv");
        BootstrapOptions o;
        o.bootstrap = 500;
        o.seed = 7;
        const Reliability a = reliability(r, o), b = reliability(r, o);
        for (const Estimate* e : {&a.percentAgreement, &a.alphaNominal, &a.alphaInterval, &a.fleissKappa}) {
            QVERIFY(e->low && e->high);
            QVERIFY(*e->low <= *e->value && *e->value <= *e->high);
            QVERIFY(*e->low < *e->high);
        }
        QCOMPARE(*a.alphaNominal.low, *b.alphaNominal.low); // the seed fixes the resamples
        const auto j = a.toJson();
        QCOMPARE(j["n_units"].get<int>(), 12);
        QVERIFY(j["cohen_kappa"].is_null() && j["ci95"]["cohen_kappa"].is_null());
        QCOMPARE(j["ci95"]["alpha_interval"].size(), size_t(2));
    }

    void resamplingClassesMatchesResamplingItems() {
        // A share of 60 in 200: drawing class counts (multinomial) and drawing items give the same
        // interval, close to the normal approximation 0.3 +- 1.96 sqrt(0.3 * 0.7 / 200) = [0.236, 0.364].
        BootstrapOptions o;
        o.bootstrap = 4000;
        const auto byClass = bootstrapClassIntervals({60, 140}, o, [](const std::vector<double>& w) {
            return std::vector<std::optional<double>>{w[0] / (w[0] + w[1])};
        });
        const auto byItem = bootstrapIntervals(200, o, [](const std::vector<double>& w) {
            double hits = 0;
            for (size_t i = 0; i < 60; ++i)
                hits += w[i];
            return std::vector<std::optional<double>>{hits / 200.0};
        });
        QVERIFY(byClass[0] && byItem[0]);
        QVERIFY(std::abs(byClass[0]->first - 0.236) < 0.01 && std::abs(byClass[0]->second - 0.364) < 0.01);
        QVERIFY(std::abs(byClass[0]->first - byItem[0]->first) < 0.01);
        QVERIFY(std::abs(byClass[0]->second - byItem[0]->second) < 0.01);
        // Every resample keeps the total.
        bootstrapClassIntervals({3, 0, 5, 2}, o, [](const std::vector<double>& w) {
            if (w[0] + w[1] + w[2] + w[3] != 10 || w[1] != 0)
                QTest::qFail("a resample lost items", __FILE__, __LINE__);
            return std::vector<std::optional<double>>{};
        });
    }

    void clusteredAnswersWidenTheInterval() {
        // 20 trajectories, 5 people each, who always agree with one another: half the trajectories match
        // the pick. Resampling answers sees 100 independent coin flips; resampling trajectories sees 20.
        std::vector<PickAndLabel> items;
        std::vector<int64_t> clusters;
        for (int64_t t = 0; t < 20; ++t)
            for (int person = 0; person < 5; ++person) {
                items.push_back({2, t % 2 ? 2 : 4});
                clusters.push_back(t);
            }
        BootstrapOptions o;
        o.bootstrap = 2000;
        const Agreement loose = agreement(items, o), clustered = agreement(items, clusters, o);
        QCOMPARE(loose.exact.value, 0.5);
        QCOMPARE(clustered.exact.value, 0.5);
        const double looseWidth = *loose.exact.high - *loose.exact.low;
        const double clusteredWidth = *clustered.exact.high - *clustered.exact.low;
        // Binomial standard errors: sqrt(.25/100) = 0.05 and sqrt(.25/20) = 0.112; 95% widths ~0.2 and ~0.44.
        QVERIFY2(std::abs(looseWidth - 0.196) < 0.04, qPrintable(QString::number(looseWidth)));
        QVERIFY2(std::abs(clusteredWidth - 0.438) < 0.08, qPrintable(QString::number(clusteredWidth)));
    }

    void seedsAndItemsBothWidenTheInterval() {
        // 400 problems, half solved; three seeds that agree, and three that differ by 10 points.
        auto seeds = [](std::vector<double> rates) {
            std::vector<std::vector<double>> x;
            for (const double r : rates) {
                std::vector<double> row(400, 0.0);
                for (size_t i = 0; i < static_cast<size_t>(r * 400); ++i)
                    row[i] = 1.0;
                x.push_back(row);
            }
            return x;
        };
        BootstrapOptions o;
        o.bootstrap = 2000;
        const MeanInterval same = seedItemMean(seeds({0.5, 0.5, 0.5}), o);
        const MeanInterval spread = seedItemMean(seeds({0.4, 0.5, 0.6}), o);
        QCOMPARE(same.mean, 0.5);
        QVERIFY(std::abs(spread.mean - 0.5) < 1e-12);
        const double w1 = same.interval->second - same.interval->first;
        const double w2 = spread.interval->second - spread.interval->first;
        // Items alone: the binomial 95% width of 400 draws, 2 * 1.96 * sqrt(.25 / 400) = 0.098.
        QVERIFY2(std::abs(w1 - 0.098) < 0.02, qPrintable(QString::number(w1)));
        QVERIFY2(w2 > w1 * 1.3, qPrintable(QString("%1 vs %2").arg(w2).arg(w1)));
        // A paired difference that is always 0 has no spread at all.
        const MeanInterval zero = seedItemMean(seeds({0.0, 0.0}), o);
        QCOMPARE(zero.interval->first, 0.0);
        QCOMPARE(zero.interval->second, 0.0);
        bool refused = false;
        try {
            seedItemMean({{1.0, 0.0}, {1.0}}, o); // a seed without a value for every problem
        } catch (const std::invalid_argument&) {
            refused = true;
        }
        QVERIFY(refused);
    }

    void badTablesNameFileAndLine() {
        auto lineOf = [&](const std::string& text) -> int64_t {
            try {
                readRatingsCsv(write("bad.csv", text));
            } catch (const InputError& e) {
                return e.line();
            }
            return -1;
        };
        QCOMPARE(lineOf("unit,rater,score\n1,a,1\n"), int64_t(1));               // no value column
        QCOMPARE(lineOf("unit,rater,value\n1,a,1\n1,b,2\n1,a,3\n"), int64_t(4)); // a cell twice
        QCOMPARE(lineOf("value,unit,rater\n1,a\n"), int64_t(2));                 // short row
        QCOMPARE(lineOf(""), int64_t(0));
        // Columns in any order, extra columns, NA and blank cells.
        const Ratings r =
            readRatingsCsv(write("ok.csv", "note,value,rater,unit\nx,1,a,u1\ny,NA,b,u1\nz,,c,u2\n"));
        QCOMPARE(r.units(), size_t(2));
        QCOMPARE(r.raters(), size_t(3));
        QCOMPARE(r.values().size(), size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestStats)
#include "test_stats.moc"
