// Routes of duplicate customers and merges (docs/relationship-api.md):
// /duplicates, /duplicates/dismiss, /customers/{id}/duplicates,
// /customers/{id}/merge, /merges, /merges/{id}, /merges/{id}/undo.
#include <cstdlib>

#include "domain/customer_json.h"
#include "http/api.h"
#include "http/api_internal.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

constexpr double kDefaultMinScore = 0.7;
constexpr int kDefaultLimit = 100;

void WriteCandidate(JsonWriter& w, const DuplicateCandidate& c) {
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
  w.Key("customer_a");
  w.StartObject();
  WriteCustomerFields(w, c.a);
  w.EndObject();
  w.Key("customer_b");
  w.StartObject();
  WriteCustomerFields(w, c.b);
  w.EndObject();
  w.EndObject();
}

void WriteMerge(JsonWriter& w, const MergeView& v) {
  const CustomerMerge& m = v.merge;
  auto opt_int = [&](const char* key, const std::optional<int64_t>& x) {
    w.Key(key);
    if (x) w.Int64(*x); else w.Null();
  };
  w.StartObject();
  w.Key("id");
  w.Int64(m.id);
  w.Key("survivor_id");
  w.Int64(m.survivor_id);
  w.Key("survivor_name");
  WriteString(w, v.survivor_name);
  w.Key("merged_id");
  w.Int64(m.merged_id);
  w.Key("merged_name");
  WriteString(w, v.merged_name);
  w.Key("at");
  w.Int64(m.at);
  opt_int("user_id", m.user_id);
  w.Key("score");
  if (m.score) w.Double(*m.score); else w.Null();
  w.Key("moved");
  w.RawValue(m.moved.data(), m.moved.size(), rapidjson::kObjectType);
  w.Key("undo_until");
  w.Int64(m.undo_until);
  opt_int("undone_at", m.undone_at);
  opt_int("undone_by", m.undone_by);
  w.Key("undoable");
  w.Bool(v.undoable);
  w.EndObject();
}

// A query parameter in [0, 1]; `fallback` when absent.
std::optional<double> ParseScore(const HttpRequest& r, double fallback) {
  auto v = r.Query("min_score");
  if (!v || v->empty()) return fallback;
  char* end = nullptr;
  const std::string s(*v);
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !(d >= 0 && d <= 1)) return std::nullopt;
  return d;
}

HttpResponse ListProblem(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) return Problem(400, s.message(), s.fields());
  return ProblemFrom(s);
}

}  // namespace

void Api::AddDedupRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };
  DedupService& dedup = relationship_.dedup;
  auto candidates_response = [](const std::vector<DuplicateCandidate>& items) {
    return JsonOk(200, PageJson(items, WriteCandidate));
  };

  router_.Add(
      "GET", "/api/v1/duplicates",
      authed([&dedup, candidates_response](const HttpRequest& r, const PathParams&, const Principal& p) {
        std::vector<FieldError> errors;
        auto min_score = ParseScore(r, kDefaultMinScore);
        if (!min_score) errors.push_back({"min_score", "must be a number between 0 and 1"});
        int limit = kDefaultLimit;
        if (auto v = r.Query("limit"); v && !v->empty()) {
          auto n = ParseId(*v);
          if (!n || *n > DedupService::kMaxLimit) {
            errors.push_back({"limit", "must be between 1 and " + std::to_string(DedupService::kMaxLimit)});
          } else {
            limit = static_cast<int>(*n);
          }
        }
        if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
        auto items = dedup.Candidates(p, *min_score, limit);
        if (!items.ok()) return ListProblem(items.status());
        return candidates_response(*items);
      }),
      {"min_score", "limit"});

  router_.Add(
      "GET", "/api/v1/customers/{id}/duplicates",
      authed([&dedup, candidates_response](const HttpRequest& r, const PathParams& pp, const Principal& p) {
        auto id = IdParam(pp);
        if (!id) return BadId();
        auto min_score = ParseScore(r, kDefaultMinScore);
        if (!min_score) return Problem(400, "invalid query parameters", {{"min_score", "must be a number between 0 and 1"}});
        auto items = dedup.CandidatesOf(p, *id, *min_score);
        if (!items.ok()) return ListProblem(items.status());
        return candidates_response(*items);
      }),
      {"min_score"});

  router_.Add("POST", "/api/v1/duplicates/dismiss",
              authed([&dedup](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                int64_t a = 0, b = 0;
                in->Int("a", a);
                in->Int("b", b);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                std::vector<FieldError> errors;
                if (a <= 0) errors.push_back({"a", "must be a customer id"});
                if (b <= 0) errors.push_back({"b", "must be a customer id"});
                if (!errors.empty()) return Problem(422, "invalid pair", errors);
                if (Status s = dedup.Dismiss(p, a, b); !s.ok()) return ProblemFrom(s);
                return NoContent();
              }));

  router_.Add("POST", "/api/v1/customers/{id}/merge",
              authed([&dedup](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                int64_t merged_id = 0;
                in->Int("merged_id", merged_id);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                if (merged_id <= 0) return Problem(422, "merged_id is required", {{"merged_id", "must be a customer id"}});
                auto m = dedup.Merge(p, *id, merged_id);
                if (!m.ok()) return ProblemFrom(m.status());
                auto resp = JsonOk(201, JsonDoc([&](JsonWriter& w) { WriteMerge(w, *m); }));
                resp.headers.emplace_back("Location", "/api/v1/merges/" + std::to_string(m->merge.id));
                return resp;
              }));

  router_.Add(
      "GET", "/api/v1/merges",
      authed([&dedup](const HttpRequest& r, const PathParams&, const Principal& p) {
        std::vector<FieldError> errors;
        std::optional<int64_t> customer_id;
        if (auto v = r.Query("customer_id"); v && !v->empty()) {
          customer_id = ParseId(*v);
          if (!customer_id) errors.push_back({"customer_id", "must be a customer id"});
        }
        int limit = 50;
        if (auto v = r.Query("limit"); v && !v->empty()) {
          auto n = ParseId(*v);
          if (!n || *n > DedupService::kMaxLimit) {
            errors.push_back({"limit", "must be between 1 and " + std::to_string(DedupService::kMaxLimit)});
          } else {
            limit = static_cast<int>(*n);
          }
        }
        if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
        auto items = dedup.ListMerges(p, customer_id, limit);
        if (!items.ok()) return ListProblem(items.status());
        return JsonOk(200, PageJson(*items, WriteMerge));
      }),
      {"customer_id", "limit"});

  router_.Add("GET", "/api/v1/merges/{id}",
              authed([&dedup](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto m = dedup.GetMerge(p, *id);
                if (!m.ok()) return ProblemFrom(m.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) { WriteMerge(w, *m); }));
              }));

  router_.Add("POST", "/api/v1/merges/{id}/undo",
              authed([&dedup](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto m = dedup.Undo(p, *id);
                if (!m.ok()) return ProblemFrom(m.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) { WriteMerge(w, *m); }));
              }));
}

}  // namespace guanxi::http
