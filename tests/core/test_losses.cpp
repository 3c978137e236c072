// Every training loss pinned to vectors computed from TRL 0.29+'s formulas in double precision
// (shared research notes, "Vectors I computed"), at a stated tolerance, as llm.c checks its kernels.
#include "train/dpo_loss.h"
#include "train/gae.h"
#include "train/group_advantages.h"
#include "train/kto_loss.h"
#include "train/orpo_loss.h"
#include "train/policy_loss.h"
#include "train/simpo_loss.h"

#include <QtTest>
#include <cmath>

using namespace gpo::train;

namespace {
constexpr double kTol = 1e-9; // the losses run in float64 here: the vectors have 10 significant digits

at::Tensor t(std::initializer_list<double> v) {
    return at::tensor(std::vector<double>(v), at::kDouble);
}
double item(const at::Tensor& x) {
    return x.item<double>();
}
SequenceScores scores(std::initializer_list<double> logps, std::initializer_list<double> tokens) {
    return {t(logps), t(tokens)};
}
} // namespace

#define QCLOSE(actual, expected, tol)                                                                        \
    QVERIFY2(std::abs((actual) - (expected)) <= (tol),                                                       \
             qPrintable(QStringLiteral("%1 != %2").arg(actual, 0, 'g', 12).arg(expected, 0, 'g', 12)))

class TestLosses : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // policy chosen −10, rejected −12; reference −11, −11.5; β = 0.1: c = 1, r = −0.5, Δ = 1.5.
    void dpoVariants() {
        const auto chosen = scores({-10.0}, {4}), rejected = scores({-12.0}, {5});
        const at::Tensor refC = t({-11.0}), refR = t({-11.5});
        auto loss = [&](DpoLossType type, double eps = 0.0, bool normalize = true) {
            DpoOptions o;
            o.type = type;
            o.labelSmoothing = eps;
            o.ipoNormalize = normalize;
            return dpoLoss(chosen, rejected, refC, refR, o);
        };
        QCLOSE(item(loss(DpoLossType::Sigmoid).loss), 0.6209570478, kTol);
        QCLOSE(item(loss(DpoLossType::Cdpo, 0.1).loss), 0.6359570478, kTol);
        QCLOSE(item(loss(DpoLossType::Robust, 0.1).loss), 0.6022070478, kTol);
        QCLOSE(item(loss(DpoLossType::Hinge).loss), 0.85, kTol);
        QCLOSE(item(loss(DpoLossType::Ipo, 0, false).loss), 12.25, kTol); // OpenRLHF
        QCLOSE(item(loss(DpoLossType::Ipo).loss), 21.6225, kTol);         // TRL, L+ = 4, L− = 5
        const PreferenceLoss r = loss(DpoLossType::Sigmoid);
        QCLOSE(item(r.chosenRewards[0]), 0.1, kTol);
        QCLOSE(item(r.rejectedRewards[0]), -0.05, kTol);
        QCLOSE(item(r.chosenRewards[0] - r.rejectedRewards[0]), 0.15, kTol);
        // At initialisation (policy = reference) DPO is ln 2, TRL's own end-to-end anchor.
        QCLOSE(item(dpoLoss(chosen, rejected, chosen.logps, rejected.logps, {}).loss), std::log(2.0), kTol);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, loss(DpoLossType::Robust, 0.5));
        // RPO: + α · NLL of the chosen tokens, a mean over all of them (16 / 6 here, not (2.5 + 3) / 2).
        DpoOptions rpo;
        rpo.rpoAlpha = 0.5;
        const PreferenceLoss two = dpoLoss(scores({-10.0, -6.0}, {4, 2}), scores({-12.0, -12.0}, {5, 5}),
                                           t({-11.0, -6.0}), t({-11.5, -12.0}), rpo);
        // Per pair −log σ(0.15) = 0.6209570478 and −log σ(0) = ln 2; their mean, plus 0.5 · 16/6.
        QCLOSE(item(two.loss), (0.6209570478 + std::log(2.0)) / 2 + 0.5 * 16.0 / 6.0, kTol);
        QCOMPARE(dpoLossType("sigmoid_norm"), DpoLossType::SigmoidNorm);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, dpoLossType("nosuch"));
    }
    // TRL's overflow case: log-probs in the hundreds stay finite, and the gradient reaches the policy.
    void dpoStaysFiniteAndDifferentiable() {
        at::Tensor pc = t({410.0, 0.1}).requires_grad_(), pr = t({810.5, 0.2}).requires_grad_();
        const PreferenceLoss r =
            dpoLoss({pc, t({1, 1})}, {pr, t({1, 1})}, t({-610.0, -0.1}), t({110.6, 0.5}), {});
        QVERIFY(std::isfinite(item(r.loss)));
        r.loss.backward();
        QVERIFY(pc.grad().defined() && std::isfinite(item(pc.grad().sum())));
        QVERIFY(item(pc.grad()[1]) < 0); // raising the chosen log-prob lowers the loss
    }
    void kto() {
        // β = 0.1, kl = 0.3: desirable with c = 1 → 1 − σ(0.07); undesirable with r = −0.5 → 1 − σ(0.08).
        const at::Tensor policy = t({1.0, -0.5}), ref = t({0.0, 0.0});
        const at::Tensor desirable = at::tensor(std::vector<uint8_t>{1, 0}).to(at::kBool);
        const at::Tensor mismatched = t({0.3, 0.3}), zero = t({0.0, 0.0});
        const KtoLoss r = ktoLoss(policy, ref, desirable, mismatched, zero, {});
        QCLOSE(item(r.kl), 0.3, kTol);
        QCLOSE(item(r.loss), (0.4825071423 + 0.4800106598) / 2, 1e-9);
        KtoOptions weighted;
        weighted.desirableWeight = 2.0;
        QCLOSE(item(ktoLoss(policy, ref, desirable, mismatched, zero, weighted).loss),
               (2 * 0.4825071423 + 0.4800106598) / 2, 1e-9);
        QCLOSE(item(r.chosenRewards[0]), 0.1, kTol);
        QCLOSE(item(r.rejectedRewards[0]), -0.05, kTol);
        QCLOSE(item(ktoReferencePoint(t({-1.0}), t({0.0}))), 0.0, kTol); // clamped at 0
    }
    void simpo() {
        // β = 2, γ = 0.5, a+ = −0.8, a− = −1.1 (per-token means: −3.2/4, −5.5/5).
        SimpoOptions o;
        o.beta = 2.0;
        o.gamma = 0.5;
        o.cpoAlpha = 0.0; // pure SimPO
        const SimpoLoss r = simpoLoss(scores({-3.2}, {4}), scores({-5.5}, {5}), o);
        QCLOSE(item(r.preference.loss), 0.6443966601, kTol);
        QCLOSE(item(r.preference.chosenRewards[0]), -1.6, kTol);
        QCLOSE(item(r.nll), 0.0, kTol); // TRL logs nll_loss 0 when cpo_alpha is 0
    }
    void simpoBehaviourCloningIsATokenMeanOverTheBatch() {
        // TRL's CPO default cpo_alpha 1: NLL = (3.2 + 1.0) / (4 + 1) = 0.84 over the batch's chosen tokens,
        // not the mean of per-example means (0.9).
        SimpoOptions o;
        o.beta = 2.0;
        o.gamma = 0.5;
        QCOMPARE(o.cpoAlpha, 1.0);
        const SimpoLoss r = simpoLoss(scores({-3.2, -1.0}, {4, 1}), scores({-5.5, -2.0}, {5, 2}), o);
        QCLOSE(item(r.nll), 0.84, kTol);
        QCLOSE(item(r.preference.loss), 1.6492368221, kTol);
    }
    void orpo() {
        // λ = 0.1, a+ = −0.8, a− = −1.1, NLL 0.8.
        const OrpoLoss r = orpoLoss(scores({-0.8}, {1}), scores({-1.1}, {1}), t({0.8}).squeeze(), {});
        QCLOSE(item(r.logOddsChosen), 0.4918457053, 1e-6); // ORPO runs in float32, as TRL's
        QCLOSE(item(r.logOddsRatio), -0.4771633802, 1e-6);
        QCLOSE(item(r.preference.loss), 0.8477163380, 1e-6);
        // log(1 − e^x) on both sides of −ln 2 and near 0.
        const at::Tensor x = t({-1e-10, -0.5, -0.7, -30.0});
        const at::Tensor y = log1mexp(x);
        QCLOSE(item(y[0]), std::log(1e-10), 1e-6);
        QCLOSE(item(y[1]), std::log(1 - std::exp(-0.5)), 1e-12);
        QCLOSE(item(y[3]), -std::exp(-30.0), 1e-20);
    }
    void grpoAdvantages() {
        const auto a = groupAdvantages({1, 0, 0, 0, 1, 1, 0, 0}, 4);
        const double want[] = {1.499700, -0.499900, -0.499900, -0.499900,
                               0.865875, 0.865875,  -0.865875, -0.865875};
        for (int i = 0; i < 8; ++i)
            QCLOSE(a.advantages[static_cast<size_t>(i)], want[i], 1e-6);
        QCOMPARE(a.fracZeroStd, 0.0);
        const auto b = groupAdvantages({1, 1, 2}, 3);
        QCLOSE(b.advantages[0], -0.577250, 1e-6);
        QCLOSE(b.advantages[2], 1.154501, 1e-6);
        const auto c = groupAdvantages({0, 0.1, 1, 1}, 4);
        const double wantC[] = {-0.954372, -0.772587, 0.863479, 0.863479};
        for (int i = 0; i < 4; ++i)
            QCLOSE(c.advantages[static_cast<size_t>(i)], wantC[i], 1e-6);
        const auto rloo = groupAdvantages({1, 0, 0, 0}, 4, AdvantageScale::Rloo);
        QCLOSE(rloo.advantages[0], 1.0, 1e-12);
        QCLOSE(rloo.advantages[1], -1.0 / 3, 1e-12);
        // Groups that are all right or all wrong give no gradient: zero advantages, counted.
        const auto flat = groupAdvantages({1, 1, 0, 0, 1, 0}, 2);
        QCOMPARE(flat.advantages[0], 0.0);
        QCLOSE(flat.fracZeroStd, 4.0 / 6, 1e-12);
        QCOMPARE(groupAdvantages({1}, 1).advantages[0], 0.0); // a group of one: TRL's NaN std → 0
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, groupAdvantages({1, 0, 1}, 2));
    }
    void klEstimators() {
        const at::Tensor theta = t({-1.0, -2.0}), ref = t({-1.2, -1.5});
        const at::Tensor k3 = klEstimate(theta, ref, KlEstimator::K3);
        QCLOSE(item(k3[0]), 0.0187307531, kTol);
        QCLOSE(item(k3[1]), 0.1487212707, kTol);
        QCLOSE(item(klEstimate(theta, ref, KlEstimator::K1)[0]), 0.2, kTol);
        QCLOSE(item(klEstimate(theta, ref, KlEstimator::K1)[1]), -0.5, kTol);
        QCLOSE(item(klEstimate(theta, ref, KlEstimator::K2)[0]), 0.02, kTol);
        QCLOSE(item(klEstimate(theta, ref, KlEstimator::K2)[1]), 0.125, kTol);
    }
    void clippedSurrogate() {
        // −min(ρA, clip(ρ, 0.8, 1.2)A) for single tokens.
        const std::pair<double, double> cases[] = {{0.3, 1}, {0.3, -1}, {-0.3, 1}, {-0.3, -1}, {0.05, 2}};
        const double want[] = {-1.2, 1.3498588076, -0.7408182207, 0.8, -2.1025421928};
        for (int i = 0; i < 5; ++i) {
            const auto [logRatio, adv] = cases[i];
            const at::Tensor logps = t({logRatio}).view({1, 1}), old = t({0.0}).view({1, 1});
            const PolicyLoss r = policyLoss(logps, old, {}, t({adv}), at::ones({1, 1}), {});
            QCLOSE(item(r.loss), want[i], kTol);
        }
    }
    // OpenRLHF's aggregation test inputs: the token mean over the whole batch.
    void policyLossTokenMean() {
        const at::Tensor logps = t({-.2, -.4, -.1, -.7, -.3, -.2, -.6, -.1, -.5}).view({3, 3});
        const at::Tensor old = logps - t({.03, -.04, .01, .02, .05, -.03, .04, 0, -.02}).view({3, 3});
        const at::Tensor adv = t({1, -.5, 0, .3, -1.2, .5, 1.5, 0, -.7}).view({3, 3});
        const at::Tensor mask = t({1, 1, 0, 1, 1, 1, 1, 0, 1}).view({3, 3});
        PolicyLossOptions o;
        o.aggregation = TokenAggregation::Bnpo;
        const PolicyLoss r = policyLoss(logps, old, {}, adv, mask, o);
        QCLOSE(item(r.loss), -0.1364135368, kTol);
        QCOMPARE(item(r.clipRegion), 0.0);
        // The same batch split in two, each summed over the whole batch's tokens (dapo), adds up.
        o.aggregation = TokenAggregation::Dapo;
        o.dapoTokens = item(mask.sum());
        const double parts =
            item(policyLoss(logps.slice(0, 0, 1), old.slice(0, 0, 1), {}, adv.slice(0, 0, 1),
                            mask.slice(0, 0, 1), o)
                     .loss) +
            item(policyLoss(logps.slice(0, 1), old.slice(0, 1), {}, adv.slice(0, 1), mask.slice(0, 1), o)
                     .loss);
        QCLOSE(parts, -0.1364135368, kTol);
        // With β, the k3 KL joins each token's loss; a ratio past the clip is counted.
        o.aggregation = TokenAggregation::Bnpo;
        o.beta = 0.5;
        const at::Tensor ref = logps - 0.1;
        const PolicyLoss k = policyLoss(logps, old, ref, adv, mask, o);
        const double k3 = std::exp(-0.1) + 0.1 - 1;
        QCLOSE(item(k.klMean), k3, kTol);
        QCLOSE(item(k.loss), -0.1364135368 + 0.5 * k3, kTol);
        const PolicyLoss clipped =
            policyLoss(t({0.5}).view({1, 1}), t({0.0}).view({1, 1}), {}, t({1.0}), at::ones({1, 1}), {});
        QCOMPARE(item(clipped.clipHigh), 1.0);
        QCOMPARE(item(clipped.clipLow), 0.0);
    }
    void generalizedAdvantageEstimation() {
        // γ = 1, λ = 0.95, rewards [0, 0, 1], values [0.5, 0.6, 0.7].
        const Gae g = generalizedAdvantages(t({0, 0, 1}).view({1, 3}), t({0.5, 0.6, 0.7}).view({1, 3}),
                                            at::ones({1, 3}), 1.0, 0.95);
        const double adv[] = {0.46575, 0.385, 0.3}, ret[] = {0.96575, 0.985, 1.0};
        for (int i = 0; i < 3; ++i) {
            QCLOSE(item(g.advantages[0][i]), adv[i], kTol);
            QCLOSE(item(g.returns[0][i]), ret[i], kTol);
        }
        // Values at masked positions never matter (verl's relational test).
        const at::Tensor mask = t({1, 1, 0}).view({1, 3});
        const Gae a = generalizedAdvantages(t({0, 1, 5}).view({1, 3}), t({0.5, 0.6, 9}).view({1, 3}), mask);
        const Gae b = generalizedAdvantages(t({0, 1, -5}).view({1, 3}), t({0.5, 0.6, -9}).view({1, 3}), mask);
        QVERIFY(at::allclose(a.advantages, b.advantages));
        const at::Tensor w = maskedWhiten(t({1, 2, 3, 100}).view({1, 4}), t({1, 1, 1, 0}).view({1, 4}));
        QCLOSE(item(w[0][0]), -1.0 / std::sqrt(1.0 + 1e-8), 1e-9);
        QCLOSE(item(w[0][3]), 0.0, kTol);
        // Value loss: 0.5·max((V−R)², (clip(V, V_old ± 0.2) − R)²).
        const ValueLoss v =
            valueLoss(t({1.0}).view({1, 1}), t({0.5}).view({1, 1}), t({0.0}).view({1, 1}), at::ones({1, 1}));
        QCLOSE(item(v.loss), 0.5, kTol); // (1 − 0)² beats (0.7 − 0)²
        QCOMPARE(item(v.clipFrac), 0.0);
    }
};

QTEST_MAIN(TestLosses)
#include "test_losses.moc"
