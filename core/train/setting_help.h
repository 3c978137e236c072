#pragma once
// What each run.json setting means, in a line, and which algorithms read it: the launch dialog's
// tooltips and the settings it shows for an algorithm. The names and defaults are TRL's where TRL has
// the setting (train_config.h reads them); test_train checks that every setting a config can hold is
// described here.
#include <map>
#include <set>
#include <string>

namespace gpo::train {

struct SettingHelp {
    std::string text;
    /// The algorithms that read it (dpo, kto, simpo, orpo, grpo, ppo); empty: all of them.
    std::set<std::string> algorithms;
};

/// Every setting of run.json, by key.
const std::map<std::string, SettingHelp>& settingHelp();

} // namespace gpo::train
