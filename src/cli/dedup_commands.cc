// `guanxi customers duplicates` (candidate pairs as JSON or CSV) and
// `guanxi customers merge` (one merge), acting as the system administrator.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"
#include "domain/customer_json.h"
#include "service/clock.h"
#include "service/dedup_service.h"

namespace guanxi::cli {
namespace {

int Usage(const std::string& msg) {
  std::fprintf(stderr, "guanxi: %s (see `guanxi --help`)\n", msg.c_str());
  return 2;
}

int Fail(const std::string& msg) {
  std::fprintf(stderr, "guanxi: %s\n", msg.c_str());
  return 1;
}

std::unique_ptr<Store> Open(const Args& a, int* exit_code) {
  std::string error;
  auto store = OpenCommandStore(a, &error);
  if (!store) *exit_code = error.rfind("--db", 0) == 0 ? Usage(error) : Fail(error);
  return store;
}

// A CSV cell; a cell a spreadsheet would read as a formula gets a leading '
// (as `customers export` does).
std::string CsvField(std::string s) {
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Reasons(uint8_t bits) {
  std::string out;
  for (const auto& r : ReasonNames(bits)) out += (out.empty() ? "" : "|") + r;
  return out;
}

int64_t IdOption(const Args& a, const char* name) {
  auto v = a.Get(name);
  if (!v) return 0;
  char* end = nullptr;
  const long long id = std::strtoll(v->c_str(), &end, 10);
  return end && *end == '\0' && id > 0 ? id : 0;
}

}  // namespace

int CustomersDuplicates(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "min-score", "limit", "format", "sync", "pool"}); !s.ok()) {
    return Usage(s.message());
  }
  double min_score = 0.8;
  if (auto v = a.Get("min-score")) {
    char* end = nullptr;
    min_score = std::strtod(v->c_str(), &end);
    if (!end || *end != '\0' || !(min_score >= 0 && min_score <= 1)) return Usage("--min-score must be between 0 and 1");
  }
  int limit = DedupService::kMaxLimit;
  if (auto v = a.Get("limit")) {
    limit = std::atoi(v->c_str());
    if (limit < 1 || limit > DedupService::kMaxLimit) return Usage("--limit must be between 1 and 500");
  }
  const std::string format = a.GetOr("format", "json");
  if (format != "json" && format != "csv") return Usage("--format must be json or csv");
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  SystemClock clock;
  DedupService svc(*store, clock);
  auto pairs = svc.Candidates(Principal::System(), min_score, limit);
  store->Close();
  if (!pairs.ok()) return Fail(pairs.status().message());
  if (format == "csv") {
    std::printf("a,b,score,reasons,a_name,b_name\n");
    for (const auto& c : *pairs) {
      std::printf("%" PRId64 ",%" PRId64 ",%.4f,%s,%s,%s\n", c.pair.a, c.pair.b, c.pair.score,
                  Reasons(c.pair.reasons).c_str(), CsvField(c.a.name).c_str(), CsvField(c.b.name).c_str());
    }
    return 0;
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  for (const auto& c : *pairs) {
    w.StartObject();
    w.Key("a");
    w.Int64(c.pair.a);
    w.Key("b");
    w.Int64(c.pair.b);
    w.Key("score");
    w.Double(c.pair.score);
    w.Key("reasons");
    w.StartArray();
    for (const auto& r : ReasonNames(c.pair.reasons)) WriteString(w, r);
    w.EndArray();
    w.Key("a_name");
    WriteString(w, c.a.name);
    w.Key("b_name");
    WriteString(w, c.b.name);
    w.EndObject();
  }
  w.EndArray();
  std::printf("%s\n", buf.GetString());
  return 0;
}

int CustomersMerge(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "into", "from", "sync", "pool"}); !s.ok()) return Usage(s.message());
  const int64_t into = IdOption(a, "into");
  const int64_t from = IdOption(a, "from");
  if (!into || !from) return Usage("customers merge needs --into ID (the survivor) and --from ID");
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  SystemClock clock;
  DedupService svc(*store, clock);
  auto m = svc.Merge(Principal::System(), into, from);
  store->Close();
  if (!m.ok()) return Fail(m.status().message());
  std::printf("merged customer %" PRId64 " (%s) into %" PRId64 " (%s); merge %" PRId64 " can be undone until %s\n",
              from, m->merged_name.c_str(), into, m->survivor_name.c_str(), m->merge.id,
              FormatUtc(m->merge.undo_until).c_str());
  return 0;
}

}  // namespace guanxi::cli
