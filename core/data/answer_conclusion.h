#pragma once
// The answer a solution concludes with in prose, for solutions that neither box it nor say "the answer is".
#include <optional>
#include <string>
#include <string_view>

namespace gpo::extract {

/// The answer stated by a solution's conclusion, read as a careful grader reads it. The paragraph is the
/// final one (or, when it holds no candidate, the one before, up to two). In it, the sentence is the last
/// one that states a value, passing over asides ("(Notice that …)", "Note that …") when an earlier one
/// does; when none states a value, the last with an expression. In that sentence, in this order:
///  1. the last bold text (`**7**`; not a heading such as `**Step 3:**`) or value displayed alone (`\[ 100
///  \]`);
///  2. the last value — math or a number with no variable (`\(75\)`, `$-\frac{24}{25}$`, `12,441,600`, the
///     result of a computation such as `16 x 3 = 48` or `$A+B+C = 2+2+3 = 7$`) — passing over plain
///     numbers that the question gives or a preposition introduces ("34 hours … in 4 weeks", "\(18\)
///     points before scoring the additional 14 points"), unless computed;
///  3. the last value; 4. the last expression in math (`\[ p - q. \]`).
/// Math that restates a condition of the question ("satisfying \(a^2 + b^2 + c^2 = 1\)") is no
/// candidate. A sentence that is a bare answer rather than prose ("(3, 2)" on the last line) is one.
std::optional<std::string> conclusion(std::string_view text, std::string_view question = {});

/// True when a line reads as a sentence (two or more words of prose outside math, or one beside math), not a
/// bare answer.
bool isProse(std::string_view line);

/// The last side of an equation chain ("\frac{28}{4}=7" → "7"; "(b,c)=(6,5)" → "(6,5)"), split at the
/// `=` signs outside brackets; the text itself when it has none.
std::string lastSide(std::string_view s);

} // namespace gpo::extract
