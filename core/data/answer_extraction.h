#pragma once
// Finding the final answer in what a model (or a reference solution) wrote.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpo::extract {

/// Content of the last \boxed{…} or \fbox{…} (nested braces kept; "\boxed 5" form too).
std::optional<std::string> lastBoxed(std::string_view text);
/// The last \boxed{…} with the boxes just before it that only separators part from it ("\boxed{1}
/// and \boxed{2}", "\boxed{(2,2)} \quad \text{and} \quad \boxed{(6,2)}", "\(\boxed{1}\), \(\boxed{-2}\)"):
/// one answer listing them, comma-separated. A box earlier in the text, with words between, is not part.
std::optional<std::string> lastBoxedRun(std::string_view text);
/// Text after the last "####" (GSM8K), to the end of its line.
std::optional<std::string> afterHashes(std::string_view text);
/// The answer stated in the last "the answer is …" / "Final Answer: …" / "Answer: …" phrase.
std::optional<std::string> answerPhrase(std::string_view text);
/// The last number written in `text` (thousands separators kept out: "2,800" gives "2800").
std::optional<std::string> lastNumber(std::string_view text);
/// Every number written in `text`, in order, as lastNumber() writes them.
std::vector<std::string> allNumbers(std::string_view text);
/// The first number written in `text`.
std::optional<std::string> firstNumber(std::string_view text);
/// A multiple-choice letter (A–Z) stated as the answer: boxed, "answer is (C)", "\text{(C)}", "(C)".
std::optional<char> choiceLetter(std::string_view text);
/// Removes $…$, \( \), \[ \] wrappers and a trailing full stop.
std::string stripMathDelimiters(std::string_view s);

} // namespace gpo::extract
