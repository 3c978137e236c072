#pragma once
// What a path given to import stands for: a file, a folder of the format's files, or a glob.
#include "data/reader.h"

#include <string>
#include <vector>

namespace gpo {

/// The files `path` names for `reader`, in a stable order: the file itself; for a folder, every file in it
/// (recursively) that ends in one of the format's extensions, sorted by path with numbers in natural order
/// (the folder itself for a format that reads folders); for a glob (`data/*.csv`, quoted past the shell),
/// its matches, sorted. Throws InputError naming the path for a folder with none of the format's files, a
/// glob that matches nothing, or a path that does not exist.
std::vector<std::string> inputFiles(const std::string& path, const DatasetReader& reader);

} // namespace gpo
