#include "cli/args.h"

namespace guanxi::cli {

std::optional<std::string> Args::Get(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

std::string Args::GetOr(const std::string& name, const std::string& fallback) const {
  return Get(name).value_or(fallback);
}

Result<Args> ParseArgs(int argc, char** argv, const std::set<std::string>& flag_names) {
  Args a;
  int i = 1;
  for (; i < argc && std::string(argv[i]).rfind("--", 0) != 0; ++i) a.command.push_back(argv[i]);
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0 || arg.size() < 3) {
      return Status::InvalidArgument("unexpected argument '" + arg + "'");
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_inline = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    if (flag_names.count(name)) {
      if (has_inline) return Status::InvalidArgument("--" + name + " takes no value");
      a.flags.insert(name);
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= argc) return Status::InvalidArgument("--" + name + " needs a value");
      value = argv[++i];
    }
    if (!a.options.emplace(name, value).second) {
      return Status::InvalidArgument("--" + name + " given twice");
    }
  }
  return a;
}

Status CheckAllowed(const Args& a, const std::set<std::string>& allowed) {
  for (const auto& [k, v] : a.options) {
    if (!allowed.count(k)) return Status::InvalidArgument("unknown option --" + k);
  }
  for (const auto& f : a.flags) {
    if (!allowed.count(f)) return Status::InvalidArgument("unknown option --" + f);
  }
  return Status::Ok();
}

}  // namespace guanxi::cli
