// User studies without the studio: annotators and annotations, each annotator's order and overlap, study
// packs out and back, datasets' human labels as annotators, the agreement report and its exports, and two
// writers on one project file at once.
#include "builtin.h"
#include "data/demo_task.h"
#include "demo_fixture.h"
#include "sql_scalar.h"
#include "store/agreement_report.h"
#include "store/annotations.h"
#include "store/importer.h"
#include "store/label_import.h"
#include "store/queries.h"
#include "store/studies.h"
#include "store/study_export.h"
#include "store/study_pack.h"
#include "thrown.h"
#include "util/input_error.h"

#include <QTemporaryDir>
#include <QtTest>
#include <set>
#include <sstream>
#include <thread>

using namespace gpo;

class TestStudies : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<Registry> registry_ = plugins::standardRegistry();

    std::string path(const std::string& name) const {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }

    Project demoProject(const std::string& name) { return testing::demoTestProject(path(name), *registry_); }

    static int64_t count(Project& p, const std::string& sqlText) { return testing::scalar(p, sqlText); }

    static Annotation answer(int64_t annotator, int64_t trajectory, int64_t study, std::optional<int> step) {
        Annotation a;
        a.annotatorId = annotator;
        a.trajectoryId = trajectory;
        a.studyId = study;
        a.criticalStep = step;
        a.noSingleStep = !step;
        return a;
    }

private Q_SLOTS:
    void eachAnnotatorHasASeededOrderAndOverlapSharesTheWork() {
        Study s;
        s.config.annotators = {"ann", "bob", "cat"};
        s.config.overlap = 2;
        std::vector<int64_t> items;
        for (int64_t i = 1; i <= 30; ++i)
            items.push_back(i);
        std::map<int64_t, int> seen;
        for (const auto& name : s.config.annotators) {
            const auto q = annotatorQueue(s, items, name);
            QCOMPARE(q.size(), size_t(20)); // 30 items x 2 / 3 annotators
            QCOMPARE(std::set<int64_t>(q.begin(), q.end()).size(), q.size());
            for (int64_t id : q)
                ++seen[id];
            QVERIFY(q == annotatorQueue(s, items, name)); // the same on every call (and machine)
        }
        QCOMPARE(seen.size(), items.size());
        for (const auto& [id, times] : seen)
            QCOMPARE(times, 2);
        // Orders differ between people and with the seed; someone unplanned sees everything.
        QVERIFY(annotatorQueue(s, items, "ann") != annotatorQueue(s, items, "bob"));
        Study reseeded = s;
        reseeded.config.seed = 2;
        QVERIFY(annotatorQueue(s, items, "ann") != annotatorQueue(reseeded, items, "ann"));
        QCOMPARE(annotatorQueue(s, items, "dan").size(), items.size());
        Study ordered = s;
        ordered.config.shuffle = false;
        ordered.config.overlap = 0;
        QVERIFY(annotatorQueue(ordered, items, "ann") == items);
        // A seeded sample keeps the original order and is reproducible.
        const auto sample = seededSample(items, 5, 7);
        QCOMPARE(sample.size(), size_t(5));
        QVERIFY(std::is_sorted(sample.begin(), sample.end()));
        QVERIFY(sample == seededSample(items, 5, 7));
        QVERIFY(sample != seededSample(items, 5, 8));
    }

    void studiesAreCheckedAndStored() {
        Project p = demoProject("create.gpo");
        const auto ids = trajectoryIds(p, {});
        StudyConfig c = studyTemplate("paper");
        QVERIFY(c.blind && !c.stepLabels && !c.confidence);
        QVERIFY(thrown<std::invalid_argument>([&] { studyTemplate("nope"); }));
        const int64_t id = createStudy(p, "pilot", c, {ids[0], ids[1], ids[1], ids[2]});
        QCOMPARE(studyItems(p, id), (std::vector<int64_t>{ids[0], ids[1], ids[2]})); // duplicates dropped
        QVERIFY(thrown<std::invalid_argument>([&] { createStudy(p, "pilot", c, ids); }));      // taken
        QVERIFY(thrown<std::invalid_argument>([&] { createStudy(p, "empty", c, {}); }));       // nothing
        QVERIFY(thrown<std::invalid_argument>([&] { createStudy(p, "ghost", c, {999999}); })); // unknown
        QVERIFY(!findStudy(p, "ghost"));                                                       // rolled back
        c.annotators = {"a", "b"};
        c.overlap = 3;
        QVERIFY(thrown<std::invalid_argument>([&] { createStudy(p, "wide", c, ids); }));
        const auto stored = requireStudy(p, "pilot");
        QCOMPARE(stored.config.protocol, std::string("paper"));
        QCOMPARE(stored.items, int64_t(3));
        QVERIFY(thrown<std::invalid_argument>([&] { StudyConfig::fromJson({{"overlap", "two"}}); }));
    }

    void annotationsAreWrittenOnceAndValidated() {
        Project p = demoProject("annotations.gpo");
        const auto ids = trajectoryIds(p, {});
        const int64_t study = createStudy(p, "s", studyTemplate("critical-step"), ids);
        const int64_t ann = ensureAnnotator(p, "ann");
        QCOMPARE(ensureAnnotator(p, "ann"), ann);
        QVERIFY(thrown<std::invalid_argument>([&] { ensureAnnotator(p, ""); }));
        const auto steps = loadTrajectory(p, ids[0])->trajectory.steps.size();
        Annotation a = answer(ann, ids[0], study, 1);
        a.stepLabels.assign(steps, StepRating::Good);
        a.stepLabels[1] = StepRating::Bad;
        a.stepLabels[0] = std::nullopt;
        a.confidence = 4;
        a.note = "the sign flips here";
        a.seconds = 12.5;
        saveAnnotation(p, a);
        a.criticalStep = 2;
        a.seconds = 20;
        saveAnnotation(p, a); // an edit replaces, never adds
        QCOMPARE(count(p, "SELECT count(*) FROM annotations"), int64_t(1));
        const auto back = loadAnnotation(p, ann, ids[0], study).value();
        QCOMPARE(back.criticalStep.value(), 2);
        QCOMPARE(back.stepLabels.size(), steps);
        QVERIFY(!back.stepLabels[0] && back.stepLabels[1] == StepRating::Bad &&
                back.stepLabels[2] == StepRating::Good);
        QCOMPARE(back.confidence.value(), 4);
        QCOMPARE(back.note, a.note);
        QCOMPARE(back.seconds, 20.0);
        QVERIFY(!back.updatedAt.empty());
        // Outside a study too (imports): still one row per annotator and trajectory.
        Annotation loose = answer(ann, ids[1], 0, 0);
        loose.studyId.reset();
        saveAnnotation(p, loose);
        saveAnnotation(p, loose);
        QCOMPARE(count(p, "SELECT count(*) FROM annotations WHERE study_id IS NULL"), int64_t(1));
        // Nonsense is refused and nothing is written.
        Annotation bad = answer(ann, ids[2], study, static_cast<int>(steps) + 5);
        QVERIFY(thrown<std::invalid_argument>([&] { saveAnnotation(p, bad); }));
        bad.criticalStep = 0;
        bad.confidence = 9;
        QVERIFY(thrown<std::invalid_argument>([&] { saveAnnotation(p, bad); }));
        bad.confidence.reset();
        bad.stepLabels.assign(1, StepRating::Good);
        QVERIFY(thrown<std::invalid_argument>([&] { saveAnnotation(p, bad); }));
        bad.stepLabels.clear();
        bad.noSingleStep = true;
        QVERIFY(thrown<std::invalid_argument>([&] { saveAnnotation(p, bad); }));
        QCOMPARE(count(p, "SELECT count(*) FROM annotations"), int64_t(2));
        const auto progress = studyProgress(p, requireStudy(p, "s"), "ann");
        QCOMPARE(progress.assigned, static_cast<int64_t>(ids.size()));
        QCOMPARE(progress.answered, int64_t(1));
    }

    void packsGoOutAndComeBackWithoutDuplicates() {
        Project p = demoProject("home.gpo");
        const auto ids = trajectoryIds(p, {});
        StudyConfig config = studyTemplate("paper");
        const int64_t study = createStudy(p, "field", config, {ids[0], ids[1], ids[2]});
        const int64_t ann = ensureAnnotator(p, "ann");
        saveAnnotation(p, answer(ann, ids[0], study, 0));
        p.db().exec("INSERT INTO runs(id, kind, name) VALUES(1, 'analysis', 'a')");
        p.db().exec("INSERT INTO mc_estimates VALUES(1, " + std::to_string(ids[0]) +
                    ", 0, 4, 2, 0.5, 0.1, 0.9, NULL)");

        const std::string packPath = path("bob.gpostudy");
        const PackExport out = exportStudyPack(p, requireStudy(p, "field"), packPath, std::string("bob"));
        QCOMPARE(out.trajectories, int64_t(3));
        QCOMPARE(out.annotations, int64_t(0)); // only bob's, and he has none yet
        QCOMPARE(out.estimates, int64_t(0));   // blind: no model values travel
        QVERIFY(thrown<StoreError>([&] { exportStudyPack(p, requireStudy(p, "field"), packPath); }));
        {
            Project pack = Project::open(packPath);
            QCOMPARE(packOrigin(pack)->study, std::string("field"));
            QCOMPARE(count(pack, "SELECT count(*) FROM trajectories"), int64_t(3));
            QCOMPARE(count(pack, "SELECT count(*) FROM mc_estimates"), int64_t(0));
            const Study there = requireStudy(pack, "field");
            const int64_t bob = ensureAnnotator(pack, "bob");
            saveAnnotation(pack, answer(bob, ids[0], there.id, 1));
            saveAnnotation(pack, answer(bob, ids[1], there.id, std::nullopt));
        }
        PackMerge m = mergeStudyPack(p, packPath);
        QCOMPARE(m.added, int64_t(2));
        QCOMPARE(m.annotatorsAdded, int64_t(0)); // bob was made at export
        m = mergeStudyPack(p, packPath);
        QCOMPARE(m.added + m.updated, int64_t(0));
        QCOMPARE(m.unchanged, int64_t(2));
        QCOMPARE(count(p, "SELECT count(*) FROM annotations"), int64_t(3));
        // bob changes his mind at home afterwards: the older pack does not undo it.
        const int64_t bob = findAnnotator(p, "bob")->id;
        saveAnnotation(p, answer(bob, ids[0], study, 2));
        mergeStudyPack(p, packPath);
        QCOMPARE(loadAnnotation(p, bob, ids[0], study)->criticalStep.value(), 2);
        // An open study's pack carries the analyses.
        StudyConfig open = config;
        open.blind = false;
        createStudy(p, "open", open, {ids[0]});
        QCOMPARE(exportStudyPack(p, requireStudy(p, "open"), path("open.gpostudy")).estimates, int64_t(1));
        // Packs from elsewhere, and packs whose trajectories changed, are refused whole.
        Project other = demoProject("other.gpo");
        QVERIFY(thrown<InputError>([&] { mergeStudyPack(other, packPath); }));
        QVERIFY(thrown<InputError>([&] { mergeStudyPack(p, path("other.gpo")); })); // not a pack
        {
            Project pack = Project::open(packPath);
            pack.db().exec("UPDATE trajectories SET content_hash = x'00' WHERE id = " +
                           std::to_string(ids[1]));
            pack.db().exec("UPDATE annotations SET updated_at = '9999'");
        }
        const auto before = count(p, "SELECT count(*) FROM annotations WHERE critical_step = 1");
        QVERIFY(thrown<InputError>([&] { mergeStudyPack(p, packPath); }));
        QCOMPARE(count(p, "SELECT count(*) FROM annotations WHERE critical_step = 1"), before);
    }

    void humanLabelsComeInAsAnnotators() {
        Project p = Project::open(path("labels.gpo"), OpenMode::Create);
        ImportOptions io;
        io.format = "processbench";
        io.dataset = "processbench-gsm8k";
        Importer(p, *registry_).importPath(GPO_FIXTURES "/data/processbench/gsm8k_first30.json", io);
        io.format = "prm800k";
        io.dataset = "prm800k";
        Importer(p, *registry_)
            .importPath(GPO_FIXTURES "/data/prm800k/prm800k-phase2-train-example.json", io);
        const LabelImport pb = importDatasetLabels(p, "processbench-gsm8k");
        QCOMPARE(pb.annotations, int64_t(30));
        QCOMPARE(pb.noSingleStep, count(p, "SELECT count(*) FROM trajectories WHERE first_error = -1"
                                           " AND problem_id IN (SELECT id FROM problems WHERE dataset_id ="
                                           " (SELECT id FROM datasets WHERE name = 'processbench-gsm8k'))"));
        QCOMPARE(importDatasetLabels(p, "processbench-gsm8k").annotations, int64_t(30)); // again: replaced
        QCOMPARE(count(p, "SELECT count(*) FROM annotations"), int64_t(30));
        const LabelImport prm = importDatasetLabels(p, "prm800k");
        QVERIFY(prm.withStepLabels > 0);
        // The PRM800K critical step is its first step rated -1, with the ratings kept per step.
        auto st = p.db().prepare(
            "SELECT t.id, t.first_error FROM trajectories t JOIN problems q ON q.id = t.problem_id"
            " JOIN datasets d ON d.id = q.dataset_id WHERE d.name = 'prm800k'"
            " AND t.first_error >= 0 LIMIT 1");
        QVERIFY(st.step());
        const auto a =
            loadAnnotation(p, findAnnotator(p, "prm800k")->id, st.columnInt(0), std::nullopt).value();
        QCOMPARE(a.criticalStep.value(), static_cast<int>(st.columnInt(1)));
        QVERIFY(a.stepLabels.at(static_cast<size_t>(*a.criticalStep)) == StepRating::Bad);
        for (int i = 0; i < *a.criticalStep; ++i)
            QVERIFY(a.stepLabels[static_cast<size_t>(i)] != StepRating::Bad);
        QCOMPARE(findAnnotator(p, "prm800k")->kind, std::string("prm800k"));
        // Each dataset now appears once, as an annotator.
        std::set<std::string> names;
        for (const auto& set : labelSets(p))
            names.insert(set.name);
        QVERIFY(names.count("annotator:processbench-gsm8k") &&
                !names.count("first_error:processbench-gsm8k"));
        QVERIFY(thrown<std::invalid_argument>([&] { importDatasetLabels(p, "nope"); }));
    }

    void theReportComparesPeopleWithPicksAndWithEachOther() {
        Project p = demoProject("report.gpo");
        const auto ids = trajectoryIds(p, {});
        const int64_t study =
            createStudy(p, "paper", studyTemplate("paper"), {ids[0], ids[1], ids[2], ids[3]});
        p.db().exec("INSERT INTO runs(id, kind, name) VALUES(1, 'analysis', 'a')");
        auto pick = p.db().prepare("INSERT INTO critical_picks VALUES(1, ?, 'max-advantage', ?)");
        for (int i = 0; i < 4; ++i) {
            pick.reset();
            pick.bind(1, ids[static_cast<size_t>(i)]).bind(2, 1).run();
        }
        // Three people; on trajectory 0 all pick step 1 (the model's), on 1 two of three do, on 2 one does.
        const int64_t a = ensureAnnotator(p, "a"), b = ensureAnnotator(p, "b"), c = ensureAnnotator(p, "c");
        const std::vector<std::tuple<int64_t, size_t, std::optional<int>>> answers = {
            {a, 0, 1}, {b, 0, 1}, {c, 0, 1}, {a, 1, 1},           {b, 1, 1},
            {c, 1, 0}, {a, 2, 1}, {b, 2, 2}, {c, 2, std::nullopt}};
        for (const auto& [who, item, step] : answers)
            saveAnnotation(p, answer(who, ids[item], study, step));
        ReportOptions options;
        options.filter.studyId = study;
        options.resampling.bootstrap = 200;
        const auto report = agreementReport(p, options);
        const auto& people = report["people_vs_model"];
        QCOMPARE(people.size(), size_t(1));
        QCOMPARE(people[0]["n"].get<int64_t>(), int64_t(9));
        QCOMPARE(people[0]["exact"].get<double>(), 6.0 / 9.0);
        QVERIFY(people[0]["ci95"]["exact"].is_array());
        const auto& rows = report["per_trajectory"];
        QCOMPARE(rows.size(), size_t(3));
        std::map<int64_t, double> share;
        for (const auto& r : rows)
            share[r["trajectory_id"].get<int64_t>()] = r["match"]["max-advantage"].get<double>();
        QCOMPARE(share[ids[0]], 1.0);
        QCOMPARE(share[ids[1]], 2.0 / 3.0);
        QCOMPARE(share[ids[2]], 1.0 / 3.0);
        QCOMPARE(report["annotators"].size(), size_t(3));
        QCOMPARE(report["between_annotators"]["n_raters"].get<int64_t>(), int64_t(3));
        QCOMPARE(report["by_dataset"][0]["dataset"].get<std::string>(), std::string("demo-test"));
        QCOMPARE(report["by_length"].empty(), false);
        // Filters: one annotator; a length no trajectory has.
        options.filter.annotators = {"c"};
        QCOMPARE(agreementReport(p, options)["people_vs_model"][0]["n"].get<int64_t>(), int64_t(3));
        options.filter.annotators.clear();
        options.filter.minSteps = 1000;
        QVERIFY(agreementReport(p, options)["people_vs_model"].empty());
        // Exports: the long CSV holds every statistic; the LaTeX table one row per selector.
        std::ostringstream csvText;
        writeReportCsv(report, csvText);
        QVERIFY(csvText.str().find("people_vs_model,max-advantage,people,,exact,0.666667") !=
                std::string::npos);
        QVERIFY(csvText.str().find("between_annotators,,people,,fleiss_kappa,") != std::string::npos);
        const std::string latex = reportLatex(report, "Study 1");
        QVERIFY(latex.find("max-advantage & 9 & 0.67 [") != std::string::npos);
        QVERIFY(latex.find("\\caption{Study 1}") != std::string::npos);
        std::ostringstream raw;
        QCOMPARE(writeAnnotationsCsv(p, study, raw), int64_t(9));
        QCOMPARE(annotationsJson(p, study).size(), size_t(9));
    }

    void twoWritersOnOneFileLoseNothing() {
        // Two connections, as two studio instances have, each committing every answer at once.
        {
            Project p = demoProject("shared.gpo");
            createStudy(p, "s", studyTemplate("paper"), trajectoryIds(p, {}));
        }
        auto annotate = [&](const std::string& who, int rounds, std::string* error) {
            try {
                Project p = Project::open(path("shared.gpo"));
                const Study s = requireStudy(p, "s");
                const int64_t me = ensureAnnotator(p, who);
                const auto items = studyItems(p, s.id);
                for (int r = 0; r < rounds; ++r)
                    for (int64_t id : items) {
                        Annotation a = answer(me, id, s.id, r % 2);
                        a.seconds = r;
                        saveAnnotation(p, a);
                    }
            } catch (const std::exception& e) {
                *error = e.what();
            }
        };
        std::string e1, e2;
        std::thread t1(annotate, "first", 20, &e1), t2(annotate, "second", 20, &e2);
        t1.join();
        t2.join();
        QVERIFY2(e1.empty(), e1.c_str());
        QVERIFY2(e2.empty(), e2.c_str());
        Project p = Project::open(path("shared.gpo"), OpenMode::ReadOnly);
        QCOMPARE(count(p, "SELECT count(*) FROM annotations"), int64_t(24)); // 12 trajectories x 2 people
        QCOMPARE(count(p, "SELECT count(*) FROM annotations WHERE seconds = 19"), int64_t(24));
    }
};

QTEST_GUILESS_MAIN(TestStudies)
#include "test_studies.moc"
