// Command-line parsing for `guanxi`: a command path of bare words followed by
// `--name value` options and `--flag` switches. Unknown or repeated options are
// errors, so a typo never silently falls back to a default.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/status.h"

namespace guanxi::cli {

struct Args {
  std::vector<std::string> command;  // {"user", "add"}
  std::map<std::string, std::string> options;
  std::set<std::string> flags;

  std::optional<std::string> Get(const std::string& name) const;
  std::string GetOr(const std::string& name, const std::string& fallback) const;
  bool Flag(const std::string& name) const { return flags.count(name) > 0; }
};

// `flag_names` are options that take no value.
Result<Args> ParseArgs(int argc, char** argv, const std::set<std::string>& flag_names);

// Fails when an option outside `allowed` (or a flag outside it) was given.
Status CheckAllowed(const Args& a, const std::set<std::string>& allowed);

}  // namespace guanxi::cli
