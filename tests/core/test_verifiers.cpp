// Verifiers on the hard cases models really write, plus self-consistency of real reference solutions.
#include "data/answer_extraction.h"
#include "data/verifier.h"

#include <QtTest>

using namespace gpo;

class TestVerifiers : public QObject {
    Q_OBJECT
private slots:
    void mathEquivalence_data();
    void mathEquivalence();
    void gsm8k_data();
    void gsm8k();
    void choice_data();
    void choice();
    void exact();
    void extraction();
    void normalisedFormsShown();
};

void TestVerifiers::mathEquivalence_data() {
    QTest::addColumn<QString>("answer");
    QTest::addColumn<QString>("reference");
    QTest::addColumn<bool>("equal");
    // Fractions in every spelling
    QTest::newRow("dfrac") << "\\dfrac{1}{2}"
                           << "\\frac12" << true;
    QTest::newRow("slash") << "1/2"
                           << "\\frac{1}{2}" << true;
    QTest::newRow("decimal") << "0.5"
                             << "\\frac{1}{2}" << true;
    QTest::newRow("leading dot") << ".5"
                                 << "0.5" << true;
    QTest::newRow("tfrac") << "\\tfrac{3}{4}"
                           << "0.75" << true;
    QTest::newRow("negative frac") << "-\\frac{3}{2}"
                                   << "\\frac{-3}{2}" << true;
    QTest::newRow("frac not equal") << "\\frac{2}{3}"
                                    << "0.66" << false;
    QTest::newRow("mixed number") << "2\\frac{1}{2}"
                                  << "\\frac{5}{2}" << true;
    // LaTeX noise
    QTest::newRow("left right") << "\\left(3, 4\\right)"
                                << "(3,4)" << true;
    QTest::newRow("thin spaces") << "10\\!000"
                                 << "10000" << true;
    QTest::newRow("degrees") << "30^\\circ"
                             << "30" << true;
    QTest::newRow("degrees braces") << "30^{\\circ}"
                                    << "30" << true;
    QTest::newRow("percent") << "25\\%"
                             << "25" << true;
    QTest::newRow("dollars") << "\\$18.90"
                             << "18.9" << true;
    QTest::newRow("text unit") << "5\\text{ cm}"
                               << "5" << true;
    QTest::newRow("mbox unit") << "12 \\mbox{ inches}"
                               << "12" << true;
    QTest::newRow("plain unit words") << "12 square units"
                                      << "12" << true;
    QTest::newRow("thousands") << "1,000,000"
                               << "1000000" << true;
    QTest::newRow("latex thousands") << "1{,}000"
                                     << "1000" << true;
    QTest::newRow("trailing zeros") << "2.50"
                                    << "2.5" << true;
    QTest::newRow("integer trailing zero") << "5.0"
                                           << "5" << true;
    QTest::newRow("leading zeros aime") << "025"
                                        << "25" << true;
    QTest::newRow("assignment") << "x = 11"
                                << "11" << true;
    QTest::newRow("assignment both") << "k=-3"
                                     << "-3" << true;
    QTest::newRow("sqrt braces") << "\\sqrt5"
                                 << "\\sqrt{5}" << true;
    QTest::newRow("sqrt product") << "2\\sqrt{3}"
                                  << "\\sqrt{12}" << true;
    QTest::newRow("sqrt frac") << "\\frac{\\sqrt{3}}{2}"
                               << "\\frac{1}{2}\\sqrt3" << true;
    QTest::newRow("sqrt different") << "\\sqrt{2}"
                                    << "\\sqrt{3}" << false;
    QTest::newRow("pi") << "2\\pi"
                        << "\\pi \\cdot 2" << true;
    QTest::newRow("pi not numeric approx") << "6.28"
                                           << "2\\pi" << false;
    QTest::newRow("power") << "2^{10}"
                           << "1024" << true;
    QTest::newRow("polynomial order") << "x^2+2x+1"
                                      << "(x+1)^2" << true;
    QTest::newRow("polynomial differs") << "x^2+2x"
                                        << "(x+1)^2" << false;
    QTest::newRow("implicit product") << "3x"
                                      << "x\\cdot 3" << true;
    QTest::newRow("equation") << "y = 2x + 3"
                              << "y=3+2x" << true;
    QTest::newRow("display style") << "\\displaystyle\\frac{7}{9}"
                                   << "\\frac79" << true;
    QTest::newRow("boxed inside") << "\\boxed{7}"
                                  << "7" << true;
    QTest::newRow("dollar math") << "$\\frac{1}{3}$"
                                 << "\\frac13" << true;
    QTest::newRow("wrong integer") << "41"
                                   << "42" << false;
    QTest::newRow("factorial") << "5!"
                               << "120" << true;
    QTest::newRow("binomial") << "\\binom{5}{2}"
                              << "10" << true;
    // Structures
    QTest::newRow("tuple") << "(1, -2)"
                           << "(1,-2)" << true;
    QTest::newRow("tuple order matters") << "(-2, 1)"
                                         << "(1,-2)" << false;
    QTest::newRow("tuple elements equivalent") << "(\\frac{1}{2}, 3)"
                                               << "(0.5,3)" << true;
    QTest::newRow("interval") << "(-\\infty, 3]"
                              << "(-\\infty,3]" << true;
    QTest::newRow("interval brackets differ") << "(-\\infty, 3)"
                                              << "(-\\infty,3]" << false;
    QTest::newRow("interval union any order") << "(2,\\infty)\\cup(-\\infty,-2)"
                                              << "(-\\infty,-2)\\cup(2,\\infty)" << true;
    QTest::newRow("set any order") << "\\{3, 1, 2\\}"
                                   << "\\{1,2,3\\}" << true;
    QTest::newRow("solutions any order") << "3, -5"
                                         << "-5, 3" << true;
    QTest::newRow("solutions with x=") << "x=3, x=-5"
                                       << "-5,3" << true;
    QTest::newRow("solutions missing one") << "3"
                                           << "-5, 3" << false;
    QTest::newRow("pm") << "1\\pm\\sqrt{2}"
                        << "1+\\sqrt2, 1-\\sqrt2" << true;
    QTest::newRow("matrix") << "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"
                            << "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}" << true;
    QTest::newRow("matrix element") << "\\begin{pmatrix} 1 & 2 \\\\ 3 & 5 \\end{pmatrix}"
                                    << "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}" << false;
    QTest::newRow("column vector vs tuple") << "\\begin{pmatrix} -1 \\\\ 2 \\end{pmatrix}"
                                            << "(-1, 2)" << true;
    QTest::newRow("bmatrix vs pmatrix") << "\\begin{bmatrix} 1 \\\\ \\frac{1}{2} \\end{bmatrix}"
                                        << "\\begin{pmatrix}1\\\\0.5\\end{pmatrix}" << true;
    // Text answers
    QTest::newRow("text word") << "\\text{Devon}"
                               << "Devon" << true;
    QTest::newRow("text case") << "\\text{even}"
                               << "Even" << true;
    QTest::newRow("choice in text") << "\\text{(C)}"
                                    << "(C)" << true;
    QTest::newRow("choice letter vs paren") << "C"
                                            << "\\text{(C)}" << true;
    QTest::newRow("choice differs") << "(B)"
                                    << "(C)" << false;
    QTest::newRow("base subscript") << "1011_2"
                                    << "1011_{2}" << true;
    QTest::newRow("textbf aime") << "\\textbf{(113) }"
                                 << "113" << true;
}

void TestVerifiers::mathEquivalence() {
    QFETCH(QString, answer);
    QFETCH(QString, reference);
    QFETCH(bool, equal);
    MathVerifier v;
    const Verdict verdict = v.verify(answer.toStdString(), reference.toStdString());
    QVERIFY2(verdict.correct == equal,
             qPrintable(QStringLiteral("normalised: '%1' vs '%2'")
                            .arg(QString::fromStdString(verdict.normalizedAnswer),
                                 QString::fromStdString(verdict.normalizedReference))));
}

void TestVerifiers::gsm8k_data() {
    QTest::addColumn<QString>("response");
    QTest::addColumn<QString>("reference");
    QTest::addColumn<bool>("correct");
    QTest::newRow("hashes") << "She sold 72.\n#### 72"
                            << "#### 72" << true;
    QTest::newRow("boxed") << "So the answer is \\(\\boxed{30}\\)."
                           << "30" << true;
    QTest::newRow("boxed with dollars") << "a refund of $2,800. The answer is $\\boxed{2800}$."
                                        << "2800" << true;
    QTest::newRow("boxed dollar inside") << "Total: \\boxed{\\$2,800}"
                                         << "2800" << true;
    QTest::newRow("boxed with unit") << "\\boxed{18 \\text{ dollars}}"
                                     << "18" << true;
    QTest::newRow("answer phrase") << "Adding up, 12 + 6 = 18.\nThe answer is 18."
                                   << "18" << true;
    QTest::newRow("last number") << "She makes 9 * 2 = $18 every day"
                                 << "18" << true;
    QTest::newRow("decimal equal") << "\\boxed{18.00}"
                                   << "18" << true;
    QTest::newRow("wrong") << "\\boxed{21}"
                           << "20" << false;
    QTest::newRow("thousands reference") << "#### 70000"
                                         << "70,000" << true;
    QTest::newRow("fraction boxed") << "\\boxed{\\frac{15}{2}}"
                                    << "7.5" << true;
    QTest::newRow("negative") << "The answer is -3."
                              << "-3" << true;
}

void TestVerifiers::gsm8k() {
    QFETCH(QString, response);
    QFETCH(QString, reference);
    QFETCH(bool, correct);
    Gsm8kVerifier v;
    const Verdict verdict = v.verify(response.toStdString(), reference.toStdString());
    QVERIFY2(verdict.correct == correct,
             qPrintable(QString::fromStdString(verdict.extracted + " vs " + verdict.normalizedReference)));
}

void TestVerifiers::choice_data() {
    QTest::addColumn<QString>("response");
    QTest::addColumn<QString>("reference");
    QTest::addColumn<bool>("correct");
    QTest::newRow("answer is paren") << "Therefore, the answer is (C)."
                                     << "C" << true;
    QTest::newRow("boxed letter") << "\\boxed{B}"
                                  << "B" << true;
    QTest::newRow("text paren") << "So \\boxed{\\text{(D)}}"
                                << "(D)" << true;
    QTest::newRow("answer colon") << "Answer: A"
                                  << "A" << true;
    QTest::newRow("bbh paren target") << "Let's think. So the answer is (A)."
                                      << "(A)" << true;
    QTest::newRow("wrong letter") << "The answer is (B)"
                                  << "C" << false;
    QTest::newRow("letter with text") << "The answer is C. 42"
                                      << "C" << true;
}

void TestVerifiers::choice() {
    QFETCH(QString, response);
    QFETCH(QString, reference);
    QFETCH(bool, correct);
    ChoiceVerifier v;
    QCOMPARE(v.verify(response.toStdString(), reference.toStdString()).correct, correct);
}

void TestVerifiers::exact() {
    ExactVerifier v;
    QVERIFY(v.verify("not ( True ) and ( True ) is False. So the answer is False.", "False").correct);
    QVERIFY(v.verify("So the answer is valid.", "valid").correct);
    QVERIFY(!v.verify("So the answer is invalid.", "valid").correct);
    QVERIFY(v.verify("the answer is 24", "24").correct);
}

void TestVerifiers::extraction() {
    QCOMPARE(extract::lastBoxed("a \\boxed{1} b \\boxed{\\frac{a}{b}} c").value(),
             std::string("\\frac{a}{b}"));
    QCOMPARE(extract::lastBoxed("\\fbox{x^{2}}").value(), std::string("x^{2}"));
    QCOMPARE(extract::lastBoxed("so \\boxed 5$").value(), std::string("5"));
    QVERIFY(!extract::lastBoxed("\\boxed{unclosed").has_value());
    QCOMPARE(extract::afterHashes("x\n#### 1,234").value(), std::string("1,234"));
    QCOMPARE(extract::answerPhrase("Final Answer: The final answer is $5$. I hope it is correct.").value(),
             std::string("5"));
    QCOMPARE(extract::answerPhrase("steps\n# Answer\n\n7200").value(), std::string("7200"));
    QCOMPARE(extract::lastNumber("it costs $2,800 in total").value(), std::string("2800"));
    QCOMPARE(extract::lastNumber("down to -3 degrees").value(), std::string("-3"));
}

void TestVerifiers::normalisedFormsShown() {
    MathVerifier v;
    const Verdict verdict = v.verify("The answer is $\\dfrac{1}{2}$.", "\\frac12");
    QVERIFY(verdict.parsed);
    QCOMPARE(verdict.normalizedAnswer, std::string("\\frac{1}{2}"));
    QCOMPARE(verdict.normalizedReference, std::string("\\frac{1}{2}"));
    const Verdict none =
        v.verify("I could not solve it, sorry.\nThere are many ways to think about it.", "3");
    QVERIFY(!none.parsed);
    QVERIFY(!none.correct);
}

QTEST_GUILESS_MAIN(TestVerifiers)
#include "test_verifiers.moc"
