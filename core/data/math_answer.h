#pragma once
// Normalisation and equivalence of final answers to competition mathematics problems.
#include <string>
#include <string_view>
#include <vector>

namespace gpo::mathanswer {

/// The canonical string form of an answer: LaTeX noise, units, \text, \left/\right, $, spaces removed.
std::string normalize(std::string_view answer);
/// True when two answers are the same mathematical object: equal normal forms, equal values, or
/// element-by-element equal tuples, intervals, sets (any order), lists of solutions and matrices.
/// Also lists written with "and"/"or"/";", and a reference "label = value" ("(p,q)=(3,2)", "|AB|=1").
bool equivalent(std::string_view answer, std::string_view reference);
/// equivalent() without reading lists or labels: the answers as written.
bool equivalentAsWritten(std::string_view answer, std::string_view reference);
/// Splits on commas that are not nested in brackets or braces.
std::vector<std::string> splitTopLevel(std::string_view s, char sep = ',');

} // namespace gpo::mathanswer
