// Critical-step analysis without a model: Wilson intervals, the selectors on hand-made values, refinement,
// agreement statistics, and the store's estimates, picks, shard files and merging over given rollouts.
#include "builtin.h"
#include "data/demo_task.h"
#include "demo_fixture.h"
#include "mc/refinement.h"
#include "mc/selectors.h"
#include "mc/wilson.h"
#include "stats/agreement.h"
#include "stats/rank_correlation.h"
#include "store/agreement_data.h"
#include "store/analysis.h"
#include "store/analysis_sink.h"
#include "store/importer.h"
#include "store/shard_file.h"
#include "thrown.h"
#include "util/input_error.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace gpo;

namespace {

bool near(double a, double b, double tol = 5e-5) {
    return std::fabs(a - b) <= tol;
}

/// Values of a trajectory with H = values.size() - 1 steps; a negative entry leaves that prefix unknown.
mc::TrajectoryValues valuesOf(const std::vector<double>& values, bool correct, int64_t k = 8) {
    const int steps = static_cast<int>(values.size()) - 1;
    auto v = mc::TrajectoryValues::unknown(7, steps, correct);
    for (int h = 0; h < steps; ++h)
        if (values[static_cast<size_t>(h)] >= 0)
            v.set(h, k, values[static_cast<size_t>(h)] * static_cast<double>(k));
    return v;
}

std::optional<int> pick(const mc::Selector& s, const mc::TrajectoryValues& v, double threshold = 0) {
    mc::SelectorOptions o;
    o.threshold = threshold;
    return s.pick(v, o);
}

/// The prefixes a selector asks for, round by round, when each answer comes from `truth`.
std::vector<int> consulted(const mc::Selector& s, const std::vector<double>& truth, bool correct) {
    auto v = mc::TrajectoryValues::unknown(7, static_cast<int>(truth.size()) - 1, correct);
    std::vector<int> asked;
    for (int round = 0; round < 50; ++round) {
        const auto want = s.wanted(v, {});
        if (want.empty()) break;
        for (int h : want) {
            asked.push_back(h);
            v.set(h, 8, truth[static_cast<size_t>(h)] * 8);
        }
    }
    return asked;
}

} // namespace

class TestAnalysis : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<Registry> registry_ = plugins::standardRegistry();

    std::string path(const char* name) const {
        return dir_.filePath(QString::fromLatin1(name)).toStdString();
    }

    /// A project with 6 demo test problems (worked and planted-error solutions), verified.
    Project demoProject(const char* name) { return testing::demoTestProject(path(name), *registry_); }

    AnalysisConfig config() const {
        AnalysisConfig c;
        c.name = "test";
        c.selection.dataset = "demo-test";
        c.sampling.policy = "hand-made";
        c.sampling.fingerprint = "0";
        c.k = 2;
        for (const auto* s : registry_->selectors())
            c.selectors.push_back(s->name());
        return c;
    }

    /// Rollouts for every prefix of a trajectory: reward 1 before step `error` (all prefixes when -1),
    /// 0 from there on, with the first rollout of each prefix contradicting when `noisy`.
    static std::vector<StoredRollout> rolloutsFor(const AnalysisTarget& t, int error, int64_t k) {
        std::vector<StoredRollout> out;
        const int steps = static_cast<int>(t.detail.trajectory.steps.size());
        for (int h = 0; h < steps; ++h)
            for (int64_t j = 0; j < k; ++j) {
                StoredRollout r;
                r.trajectoryId = t.detail.id;
                r.stepIdx = h;
                r.sampleIdx = j;
                r.seed = rolloutSeed(0, t.detail, h, j);
                r.text = "rollout";
                r.reward = (error < 0 || h <= error) ? 1.0 : 0.0;
                r.tokens = 3;
                out.push_back(r);
            }
        return out;
    }

private Q_SLOTS:
    // A rollout's seed comes from the trajectory's problem and text, not its row id: the same trajectory
    // in another project (the studio's demo beside other datasets, `gpo demo`) gets the same rollouts.
    void rolloutSeedsFollowContentNotRowIds() {
        TrajectoryDetail a;
        a.id = 3;
        a.problem.question = "What is 2 + 2?";
        a.problem.answer = "4";
        a.trajectory.source = "demo-policy";
        a.trajectory.response = "2 + 2 = 4\nThe answer is 4";
        TrajectoryDetail b = a;
        b.id = 3000;
        b.problemId = 77;
        QCOMPARE(rolloutSeed(5, a, 1, 2), rolloutSeed(5, b, 1, 2));
        QVERIFY(rolloutSeed(5, a, 1, 2) != rolloutSeed(5, a, 1, 3));
        QVERIFY(rolloutSeed(5, a, 1, 2) != rolloutSeed(6, a, 1, 2));
        b.trajectory.response = "2 + 2 = 5\nThe answer is 5";
        QVERIFY(rolloutSeed(5, a, 1, 2) != rolloutSeed(5, b, 1, 2));
    }

    void wilsonIntervalsMatchPublishedValues() {
        // Classic 95% Wilson intervals (e.g. Newcombe 1998, Table I).
        auto i = mc::wilson(0, 10);
        QVERIFY(near(i.low, 0.0) && near(i.high, 0.2775));
        i = mc::wilson(5, 10);
        QVERIFY(near(i.low, 0.2366) && near(i.high, 0.7634));
        i = mc::wilson(81, 263);
        QVERIFY(near(i.low, 0.2553, 1e-4) && near(i.high, 0.3662, 1e-4));
        i = mc::wilson(8, 8);
        QVERIFY(near(i.high, 1.0) && i.low > 0.6 && i.low < 0.7);
        i = mc::wilson(0, 0);
        QCOMPARE(i.low, 0.0);
        QCOMPARE(i.high, 1.0);
    }

    void valuesAndAdvantages() {
        const auto v = valuesOf({0.75, 0.5, -1, 0.0}, false);
        QCOMPARE(*v.value(0), 0.75);
        QCOMPARE(*v.advantage(0), -0.25);
        QVERIFY(!v.value(2));
        QVERIFY(!v.advantage(1) && !v.advantage(2)); // both sides must be known
        QCOMPARE(*v.value(3), 0.0);                  // p_H: the trajectory's own reward
        QCOMPARE(v.missing(), std::vector<int>{2});
        QVERIFY(thrown<std::out_of_range>([&] {
            auto w = v;
            w.set(3, 4, 1);
        }));
    }

    void selectorsPickAsDefined() {
        const auto& r = *registry_;
        QCOMPARE(r.selectors().size(), size_t(6));
        QCOMPARE(r.selectors().front()->name(), std::string("abs-advantage"));
        // V = .75 .75 0 | 0: the second step loses the problem.
        const auto lost = valuesOf({0.75, 0.75, 0.0, 0.0}, false);
        QCOMPARE(pick(r.requireSelector("abs-advantage"), lost), std::optional<int>(1));
        QCOMPARE(pick(r.requireSelector("max-advantage"), lost), std::optional<int>(0)); // ties: earliest
        QCOMPARE(pick(r.requireSelector("max-value-prefix"), lost), std::optional<int>(0));
        QCOMPARE(pick(r.requireSelector("threshold"), lost), std::optional<int>(1));
        QCOMPARE(pick(r.requireSelector("binary-search"), lost), std::optional<int>(1));
        // V = .25 .5 .25 1 | 1: a right trajectory; its biggest swing is the last step.
        const auto won = valuesOf({0.25, 0.5, 0.25, 1.0, 1.0}, true);
        QCOMPARE(pick(r.requireSelector("abs-advantage"), won), std::optional<int>(2));
        QCOMPARE(pick(r.requireSelector("max-advantage"), won), std::optional<int>(2));
        QVERIFY(!pick(r.requireSelector("max-value-prefix"), won)); // failed trajectories only
        QVERIFY(!pick(r.requireSelector("binary-search"), won));
        QVERIFY(!pick(r.requireSelector("threshold"), won)); // never lost
        // A question the policy never solves has no first error to find.
        const auto hopeless = valuesOf({0.0, 0.0, 0.0}, false);
        QVERIFY(!pick(r.requireSelector("threshold"), hopeless));
        QVERIFY(!pick(r.requireSelector("binary-search"), hopeless));
        // A higher threshold moves the first error earlier.
        const auto slipping = valuesOf({0.9, 0.6, 0.3, 0.0}, false);
        QCOMPARE(pick(r.requireSelector("threshold"), slipping), std::optional<int>(2));
        QCOMPARE(pick(r.requireSelector("threshold"), slipping, 0.5), std::optional<int>(1));
        QCOMPARE(pick(r.requireSelector("binary-search"), slipping, 0.5), std::optional<int>(1));
    }

    void randomPicksAreSeededAndInRange() {
        const auto& random = registry_->requireSelector("random");
        std::set<int> seen;
        for (uint64_t seed = 0; seed < 64; ++seed) {
            auto v = valuesOf({0.5, 0.5, 0.5, 0.5, 0.5, 0}, false);
            mc::SelectorOptions o;
            o.seed = seed;
            const auto p = random.pick(v, o);
            QVERIFY(p && *p >= 0 && *p < 5);
            QCOMPARE(random.pick(v, o), p);
            seen.insert(*p);
        }
        QCOMPARE(seen.size(), size_t(5));
        QVERIFY(random.wanted(valuesOf({-1, -1, 0}, false), {}).empty()); // needs no rollouts
    }

    void binarySearchAsksForLogarithmicallyFewPrefixes() {
        // Eight steps, the first error at step 5: V(p_0..p_5) = .5, V(p_6..p_8) = 0.
        const std::vector<double> truth = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.0, 0.0, 0.0};
        const auto& bs = registry_->requireSelector("binary-search");
        const auto asked = consulted(bs, truth, false);
        QCOMPARE(asked, (std::vector<int>{0, 4, 6, 5}));
        auto v = valuesOf(truth, false);
        QCOMPARE(pick(bs, v), std::optional<int>(5));
        QCOMPARE(pick(registry_->requireSelector("threshold"), v), std::optional<int>(5));
        QCOMPARE(consulted(registry_->requireSelector("abs-advantage"), truth, false).size(), size_t(8));
        QVERIFY(consulted(bs, truth, true).empty()); // right answers have no first error to look for
        // The released code's scan stops at the first prefix that always succeeds.
        QCOMPARE(consulted(registry_->requireSelector("max-value-prefix"), {0.25, 1.0, 0.5, 0.0, 0.0}, false),
                 (std::vector<int>{0, 1}));
    }

    void ambiguousStepsGetMoreRollouts() {
        // |A_1| = .5 and |A_2| = .375 with K = 8: the intervals overlap.
        auto close = valuesOf({0.875, 0.875, 0.375, 0.0, 0.0}, false);
        QCOMPARE(mc::ambiguousPrefixes(close), (std::vector<int>{1, 2, 3}));
        // One clear swing (K = 64) against nothing else.
        auto clear = valuesOf({1.0, 1.0, 0.0, 0.0}, false, 64);
        QVERIFY(mc::ambiguousPrefixes(clear).empty());
        const auto interval = mc::advantageInterval(clear, 1);
        QVERIFY(interval && interval->high < -0.8);
    }

    void rankCorrelation() {
        // Ties share their average rank: y's two 7s both rank 3.5.
        QCOMPARE(stats::averageRanks({5, 6, 7, 8, 7}), (std::vector<double>{1, 2, 3.5, 5, 3.5}));
        QVERIFY(near(*stats::spearman({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7}), 8 / std::sqrt(95.0)));
        QVERIFY(near(*stats::spearman({1, 2, 3}, {30, 20, 10}), -1.0));
        QVERIFY(!stats::spearman({1, 2, 3}, {4, 4, 4})); // no variation
        QVERIFY(!stats::spearman({1}, {2}));
    }

    void agreementStatistics() {
        const auto a = stats::agreement({{2, 2}, {std::nullopt, -1}, {3, 2}, {std::nullopt, 4}, {0, 2}});
        QCOMPARE(a.n, int64_t(5));
        QCOMPARE(a.exact.value, 0.4);
        QCOMPARE(a.within1.value, 0.6);
        QCOMPARE(a.within2.value, 0.8);
        QCOMPARE(a.withError, int64_t(4));
        QCOMPARE(a.withoutError, int64_t(1));
        QVERIFY(a.processbenchF1 && near(a.processbenchF1->value, 0.4)); // 2 * (1/4) * 1 / (1/4 + 1)
        // Offsets (label - pick) where both name a step: 0, -1, +2.
        QCOMPARE(a.offsets, int64_t(3));
        QVERIFY(near(*a.meanAbsOffset, 1.0) && near(*a.meanOffset, 1.0 / 3));
        QCOMPARE(a.offsetHistogram, (std::map<int, int64_t>{{-1, 1}, {0, 1}, {2, 1}}));
        QVERIFY(a.exact.low && *a.exact.low <= 0.4 && *a.exact.high >= 0.4 && *a.exact.low < *a.exact.high);
        stats::BootstrapOptions none;
        none.bootstrap = 0;
        QVERIFY(!stats::agreement({{2, 2}, {1, 2}}, none).exact.low);
        QVERIFY(!stats::agreement({{1, 1}}).processbenchF1); // needs both kinds of label
        QCOMPARE(stats::agreement(std::vector<stats::PickAndLabel>{}).n, int64_t(0));
        // Over maps: only trajectories with both a pick and a label count.
        const std::map<int64_t, std::optional<int>> picks{{1, 2}, {2, std::nullopt}, {5, 0}};
        const auto joined = stats::agreement(picks, std::map<int64_t, int>{{1, 2}, {2, 3}, {9, 1}});
        QCOMPARE(joined.n, int64_t(2));
        QCOMPARE(joined.exact.value, 0.5);
    }

    void configRoundTripsAndRejectsNonsense() {
        AnalysisConfig c = config();
        c.selection.ids = {3, 1};
        c.selectorOptions.threshold = 0.25;
        c.seed = 9;
        c.selectorOptions.seed = 9;
        const auto back = AnalysisConfig::fromJson(c.toJson());
        QCOMPARE(back.toJson(), c.toJson());
        QCOMPARE(back.sampling.key(), c.sampling.key());
        auto other = c;
        other.sampling.temperature = 0.7;
        QVERIFY(other.sampling.key() != c.sampling.key()); // other sampling, other rollouts
        auto j = c.toJson();
        j["k"] = 0;
        QVERIFY(thrown<std::invalid_argument>([&] { AnalysisConfig::fromJson(j); }));
        j = c.toJson();
        j["selection"]["correctness"] = "maybe";
        QVERIFY(thrown<std::invalid_argument>([&] { AnalysisConfig::fromJson(j); }));
    }

    void storedEstimatesAndPicks() {
        Project p = demoProject("store.gpo");
        const AnalysisConfig c = config();
        const auto ids = analysisSelection(p, c);
        QCOMPARE(ids.size(), size_t(12));
        const int64_t run = beginAnalysisRun(p, c);
        ProjectSink sink(p, *registry_, run, c);
        auto planted = trajectoryIds(p, {"demo-test", Correctness::Any, "", "planted-error", {}});
        const auto t = analysisTarget(p, *registry_, planted.front());
        QVERIFY(t && !t->correct && t->detail.trajectory.firstError);
        const int error = *t->detail.trajectory.firstError;
        sink.add(rolloutsFor(*t, error, c.k));
        sink.add(rolloutsFor(*t, error, c.k)); // the same rollouts again add nothing
        QCOMPARE(loadRollouts(p.db(), t->detail.id, c.sampling.key()).size(),
                 t->detail.trajectory.steps.size() * 2);
        sink.finish(*t, {});
        sink.finish(*t, {}); // replaces, never duplicates
        const auto a = loadAnalysis(p, run, t->detail.id);
        QVERIFY(a);
        QCOMPARE(a->estimates.size(), t->detail.trajectory.steps.size() + 1);
        QCOMPARE(a->estimates[static_cast<size_t>(error)].value, 1.0);
        QCOMPARE(*a->estimates[static_cast<size_t>(error)].advantage, -1.0);
        QCOMPARE(a->estimates.back().value, 0.0);
        for (const char* s : {"abs-advantage", "threshold", "binary-search"})
            QCOMPARE(a->picks.at(s), std::optional<int>(error));
        QCOMPARE(rolloutsBehind(p, run, t->detail.id, 0).size(), size_t(2));
        QCOMPARE(latestAnalysisRunFor(p, t->detail.id), std::optional<int64_t>(run));
        QCOMPARE(finishedTrajectories(p, run), std::set<int64_t>{t->detail.id});
        // The planted label and the picks meet in the agreement data.
        const auto sets = labelSets(p);
        QCOMPARE(sets.front().name, std::string("first_error:demo-test"));
        QCOMPARE(sets.front().labels.size(), size_t(12)); // worked solutions are labelled -1
        QCOMPARE(selectorPicks(p, run).at("threshold").at(t->detail.id), std::optional<int>(error));
        // People's annotations form a label set per annotator; "no single step" counts as no error.
        p.db().exec("INSERT INTO annotators(id, name) VALUES(1, 'ada')");
        auto note = p.db().prepare("INSERT INTO annotations(annotator_id, trajectory_id, critical_step,"
                                   " no_single_step) VALUES(1, ?, ?, ?)");
        note.bind(1, t->detail.id).bind(2, error).bind(3, 0).run();
        note.reset();
        note.bind(1, ids.front()).bindNull(2).bind(3, 1).run();
        const auto withPeople = labelSets(p);
        QCOMPARE(withPeople.back().name, std::string("annotator:ada"));
        QCOMPARE(withPeople.back().kind, std::string("annotator"));
        QCOMPARE(withPeople.back().labels,
                 (std::map<int64_t, int>{{ids.front(), -1}, {t->detail.id, error}}));
        stats::BootstrapOptions quick;
        quick.bootstrap = 0;
        QVERIFY(!betweenAnnotators(withPeople, quick)); // one person: nothing to compare
        // A second person who agrees on the step and not on "none": nominal statistics see the
        // disagreement; interval alpha leaves "none" out and has one unit with two values left.
        p.db().exec("INSERT INTO annotators(id, name) VALUES(2, 'bo')");
        auto second = p.db().prepare("INSERT INTO annotations(annotator_id, trajectory_id, critical_step)"
                                     " VALUES(2, ?, ?)");
        second.bind(1, t->detail.id).bind(2, error).run();
        second.reset();
        second.bind(1, ids.front()).bind(2, 1).run();
        const auto people = betweenAnnotators(labelSets(p), quick);
        QVERIFY(people);
        QCOMPARE(people->raters, int64_t(2));
        QCOMPARE(people->units, int64_t(2));
        QCOMPARE(*people->percentAgreement.value, 0.5);
        QVERIFY(people->cohenKappa.value && people->alphaNominal.value);
        QVERIFY(!people->alphaInterval.value); // one pairable unit with one value: no variation
        // Both people picked the planted step, the one step whose advantage is not 0 (-1).
        const auto rho = advantagePickCorrelation(p, labelSets(p), run);
        QCOMPARE(rho.trajectories, int64_t(1)); // the other annotated trajectory has no analysis
        QCOMPARE(rho.steps, static_cast<int64_t>(t->detail.trajectory.steps.size()));
        QVERIFY(near(*rho.absAdvantage, 1.0) && near(*rho.advantage, -1.0));
        // Raising a prefix's target needs that many rollouts before it counts again.
        finalizeTrajectory(p, *registry_, run, c, *t, {{0, 4}});
        const auto raised = loadAnalysis(p, run, t->detail.id);
        QVERIFY(raised->estimates.front().step == 1); // p_0 now lacks rollouts 2 and 3
    }

    void shardsMergeIdempotentlyIntoTheirOwnProject() {
        Project p = demoProject("shards.gpo");
        const AnalysisConfig c = config();
        const auto all = analysisSelection(p, c);
        const auto s0 = analysisSelection(p, c, 0, 2), s1 = analysisSelection(p, c, 1, 2);
        QCOMPARE(s0.size() + s1.size(), all.size());
        QVERIFY(thrown<std::invalid_argument>([&] { analysisSelection(p, c, 2, 2); }));
        std::vector<std::string> files;
        for (int i = 0; i < 2; ++i) {
            files.push_back(path(("part" + std::to_string(i) + ".shard").c_str()));
            ShardFile shard = ShardFile::openForWriting(files.back(), projectId(p), c, i, 2);
            ShardSink sink(p, shard);
            for (int64_t id : analysisSelection(p, c, i, 2)) {
                const auto t = analysisTarget(p, *registry_, id);
                sink.add(rolloutsFor(*t, t->detail.trajectory.firstError.value_or(-1), c.k));
                sink.finish(*t, {});
            }
        }
        // Reopening a shard for the same run resumes it; for another run it is refused.
        QCOMPARE(ShardFile::openForWriting(files[0], projectId(p), c, 0, 2).done().size(), s0.size());
        auto other = c;
        other.k = 3;
        QVERIFY(thrown<StoreError>([&] { ShardFile::openForWriting(files[0], projectId(p), other, 0, 2); }));

        const auto first = mergeShards(p, *registry_, {files[0]});
        QVERIFY(!first.complete);
        QCOMPARE(first.finishedTrajectories, static_cast<int64_t>(s0.size()));
        const auto second = mergeShards(p, *registry_, files);
        QVERIFY(second.complete);
        QCOMPARE(second.runId, first.runId);
        const auto again = mergeShards(p, *registry_, files);
        QCOMPARE(again.rolloutsAdded, int64_t(0));
        QCOMPARE(finishedTrajectories(p, second.runId).size(), all.size());
        for (int64_t id : all) {
            const auto a = loadAnalysis(p, second.runId, id);
            QVERIFY(a);
            const auto t = analysisTarget(p, *registry_, id);
            const int error = t->detail.trajectory.firstError.value_or(-1);
            QCOMPARE(a->picks.at("threshold"), error >= 0 ? std::optional<int>(error) : std::nullopt);
        }
        // A shard never merges into another project, and a non-shard file is refused by name.
        Project stranger = demoProject("stranger.gpo");
        QVERIFY(thrown<StoreError>([&] { mergeShards(stranger, *registry_, files); }));
        QVERIFY(thrown<StoreError>([&] { mergeShards(p, *registry_, {path("stranger.gpo")}); }));
        QVERIFY(thrown<StoreError>([&] { mergeShards(p, *registry_, {path("missing.shard")}); }));
    }
};

QTEST_GUILESS_MAIN(TestAnalysis)
#include "test_analysis.moc"
