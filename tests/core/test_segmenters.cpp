#include "data/segmenter.h"

#include <QtTest>

using namespace gpo;

class TestSegmenters : public QObject {
    Q_OBJECT
private slots:
    void newlineKeepsOffsets();
    void paragraphs();
    void stepMarkers();
    void minCharsMergesIntoNext();
    void maxStepsFolds();
    void fromGivenSteps();
};

static QStringList texts(std::string_view text, const std::vector<Step>& steps) {
    QStringList out;
    for (const auto& s : steps)
        out << QString::fromStdString(
            std::string(text.substr(static_cast<size_t>(s.begin), static_cast<size_t>(s.end - s.begin))));
    return out;
}

void TestSegmenters::newlineKeepsOffsets() {
    const std::string text = "  First step.\n\n Second step \r\nThird";
    NewlineSegmenter seg;
    const auto steps = seg.split(text);
    QCOMPARE(texts(text, steps), QStringList({"First step.", "Second step", "Third"}));
    QCOMPARE(steps[0].begin, 2);
    QCOMPARE(steps[2].end, static_cast<int64_t>(text.size()));
}

void TestSegmenters::paragraphs() {
    const std::string text = "Para one\nstill one.\n\n  \nPara two.\n\nThree";
    ParagraphSegmenter seg;
    QCOMPARE(texts(text, seg.split(text)), QStringList({"Para one\nstill one.", "Para two.", "Three"}));
}

void TestSegmenters::stepMarkers() {
    const std::string text = "Let us begin.\nStep 1: add.\nmore of step 1\n## Step 2: multiply\nStep 3: done";
    StepMarkerSegmenter seg;
    QCOMPARE(texts(text, seg.split(text)), QStringList({"Let us begin.", "Step 1: add.\nmore of step 1",
                                                        "## Step 2: multiply", "Step 3: done"}));
}

void TestSegmenters::minCharsMergesIntoNext() {
    const std::string text = "a\nbb\nlong enough step\nx";
    NewlineSegmenter seg;
    const auto steps = seg.segment(text, {5, 0});
    // Short steps join the next one; the last one stays even when short.
    QCOMPARE(texts(text, steps), QStringList({"a\nbb\nlong enough step", "x"}));
}

void TestSegmenters::maxStepsFolds() {
    const std::string text = "1\n2\n3\n4\n5";
    NewlineSegmenter seg;
    QCOMPARE(texts(text, seg.segment(text, {0, 3})), QStringList({"1", "2", "3\n4\n5"}));
}

void TestSegmenters::fromGivenSteps() {
    const Trajectory t = trajectoryFromSteps({"alpha", "", "gamma"});
    QCOMPARE(t.response, std::string("alpha\n\n\n\ngamma"));
    QCOMPARE(t.steps.size(), size_t(3)); // empty steps keep their index (labels refer to indices)
    QCOMPARE(std::string(stepText(t, 2)), std::string("gamma"));
}

QTEST_GUILESS_MAIN(TestSegmenters)
#include "test_segmenters.moc"
