#include "cli_common.h"
#include "data/verifier_cases.h"
#include "store/verification.h"

#include <iostream>

namespace gpo::cli {

void addVerify(CLI::App& app, Context& ctx, int& rc) {
    struct Args {
        std::string project, dataset, verifier, answer, reference, cases;
        bool json = false, listIds = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "verify",
        "Check one answer (--answer, --reference), a file of cases (--cases), or grade every trajectory of a "
        "project (--project)");
    std::vector<std::string> verifiers;
    for (const auto* v : ctx.registry->verifiers())
        verifiers.push_back(v->name());
    cmd->add_option("--project,-p", a->project, "Grade the project's trajectories and store the verdicts");
    cmd->add_option("--dataset,-d", a->dataset, "Only this dataset");
    cmd->add_option("--verifier,-v", a->verifier,
                    "Verifier (default: math for one answer; the dataset's for a project)")
        ->check(CLI::IsMember(verifiers));
    auto* ans = cmd->add_option("--answer", a->answer, "A response or a bare answer");
    auto* ref =
        cmd->add_option("--reference", a->reference, "The reference answer (or a worked reference solution)");
    ans->needs(ref);
    ref->needs(ans);
    cmd->add_option("--cases", a->cases,
                    "JSONL of {gold, pred, expected} cases (Math-Verify's suite: "
                    "tests/fixtures/math_verify/cases.jsonl): how often the verdicts agree")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &ctx, &rc] {
        rc = runCommand(a->json, [&] {
            if ((!a->project.empty()) + (!a->answer.empty()) + (!a->cases.empty()) != 1)
                throw std::invalid_argument("give one of --answer and --reference, --cases, or --project");
            if (!a->cases.empty()) {
                const Verifier& v = ctx.registry->requireVerifier(a->verifier.empty() ? "math" : a->verifier);
                const auto cases = readVerifierCases(a->cases);
                const CaseReport r = gradeVerifierCases(v, cases);
                if (a->json) {
                    nlohmann::json j = r.toJson(true);
                    j["ok"] = true;
                    j["verifier"] = v.name();
                    printJson(j);
                } else {
                    std::printf(
                        "%lld cases: verdicts agree on %lld (%.1f%%); false accepts %lld, false rejects "
                        "%lld\n",
                        static_cast<long long>(r.cases), static_cast<long long>(r.agreed),
                        100 * r.agreement(), static_cast<long long>(r.falseAccepts),
                        static_cast<long long>(r.falseRejects));
                    for (const auto& [test, g] : r.byTest)
                        std::printf("  %s: %lld of %lld\n", test.c_str(), static_cast<long long>(g.agreed),
                                    static_cast<long long>(g.cases));
                }
                return 0;
            }
            if (!a->project.empty()) {
                auto project = Project::open(a->project, OpenMode::Existing);
                VerifyOptions o;
                o.dataset = a->dataset;
                o.verifier = a->verifier;
                const auto r = verifyTrajectories(project, *ctx.registry, o);
                if (a->json) {
                    nlohmann::json j{{"ok", true},
                                     {"n", r.n},
                                     {"correct", r.correct},
                                     {"accuracy", r.accuracy()},
                                     {"unparsed", r.unparsed},
                                     {"no_reference", r.noReference.size()}};
                    if (r.labeled > 0) {
                        j["labeled"] = r.labeled;
                        j["label_agreement"] =
                            static_cast<double>(r.agreeWithLabels) / static_cast<double>(r.labeled);
                        j["disagree_with_labels"] = r.disagreeWithLabels;
                        for (const auto& [subject, s] : r.labelsBySubject)
                            j["label_agreement_by_subject"][subject.empty() ? "(none)" : subject] = {
                                {"labeled", s.labeled},
                                {"agreement", static_cast<double>(s.agree) / static_cast<double>(s.labeled)},
                                {"accepted_against_label", s.acceptedAgainstLabel},
                                {"refused_against_label", s.refusedAgainstLabel}};
                    }
                    printJson(j);
                } else {
                    std::printf("%lld graded: %lld right (%.2f%%); %zu without a final answer; %zu without a "
                                "reference "
                                "answer\n",
                                static_cast<long long>(r.n), static_cast<long long>(r.correct),
                                100 * r.accuracy(), r.unparsed.size(), r.noReference.size());
                    if (r.labeled)
                        std::printf(
                            "agreement with the data's own verdicts: %lld of %lld (%.2f%%)\n",
                            static_cast<long long>(r.agreeWithLabels), static_cast<long long>(r.labeled),
                            100.0 * static_cast<double>(r.agreeWithLabels) / static_cast<double>(r.labeled));
                    for (const auto& [subject, s] : r.labelsBySubject)
                        if (r.labelsBySubject.size() > 1 || !subject.empty())
                            std::printf("  %s: %lld of %lld (%.2f%%); accepted where labelled wrong: %lld, "
                                        "refused where labelled right: %lld\n",
                                        subject.empty() ? "(no subject)" : subject.c_str(),
                                        static_cast<long long>(s.agree), static_cast<long long>(s.labeled),
                                        100.0 * static_cast<double>(s.agree) / static_cast<double>(s.labeled),
                                        static_cast<long long>(s.acceptedAgainstLabel),
                                        static_cast<long long>(s.refusedAgainstLabel));
                }
                return 0;
            }
            const Verifier& v = ctx.registry->requireVerifier(a->verifier.empty() ? "math" : a->verifier);
            const Verdict verdict = v.verify(a->answer, a->reference);
            if (a->json) {
                printJson({{"ok", true},
                           {"verifier", v.name()},
                           {"correct", verdict.correct},
                           {"parsed", verdict.parsed},
                           {"extracted", verdict.extracted},
                           {"normalized_answer", verdict.normalizedAnswer},
                           {"normalized_reference", verdict.normalizedReference}});
            } else {
                std::cout << (verdict.correct ? "right" : "wrong") << "\n  answer:    "
                          << (verdict.parsed ? verdict.extracted : "(no final answer found)")
                          << "\n  normalised: " << verdict.normalizedAnswer
                          << "\n  reference:  " << verdict.normalizedReference << '\n';
            }
            return verdict.correct ? 0 : 3;
        });
    });
}

} // namespace gpo::cli
