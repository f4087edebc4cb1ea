// Routes of the customer archive: /api/v1/customers and /api/v1/contacts.
#include <charconv>
#include <cstdlib>
#include <map>

#include "domain/phone.h"
#include "analytics/rfm.h"
#include "analytics/tiers.h"
#include "domain/search_text.h"
#include "http/analytics_json.h"
#include "http/api_internal.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

// The analytics filters of the customer list (docs/analytics-api.md).
void ReadMetricFilters(const HttpRequest& r, CustomerQuery& q, std::vector<FieldError>& errors) {
  if (auto v = r.Query("rfm_class"); v && !v->empty()) {
    if (analytics::ParseRfmClass(*v)) q.rfm_class = *v;
    else errors.push_back({"rfm_class", "unknown RFM class"});
  }
  if (auto v = r.Query("tier"); v && !v->empty()) {
    if (analytics::ParseValueTier(*v)) q.tier = *v;
    else errors.push_back({"tier", "unknown value tier"});
  }
  if (auto v = r.Query("p_alive_lt"); v && !v->empty()) {
    char* end = nullptr;
    const double x = std::strtod(v->c_str(), &end);
    if (end != v->c_str() + v->size() || !(x > 0 && x <= 1)) {
      errors.push_back({"p_alive_lt", "must be a number in (0, 1]"});
    } else {
      q.p_alive_lt = x;
    }
  }
  if (auto v = r.Query("churn_risk"); v && !v->empty()) {
    if (*v == "true") q.churn_risk = true;
    else if (*v == "false") q.churn_risk = false;
    else errors.push_back({"churn_risk", "must be true or false"});
  }
  if (auto v = r.Query("cluster"); v && !v->empty()) {
    int64_t n = -1;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size() || n < 0 || n > 100) {
      errors.push_back({"cluster", "must be a cluster number"});
    } else {
      q.cluster = n;
    }
  }
  if (auto v = r.Query("attack_defend"); v && !v->empty()) {
    if (analytics::ParseAttackDefend(*v)) q.attack_defend = *v;
    else errors.push_back({"attack_defend", "must be acquire, retain, maintain or abandon"});
  }
}

}  // namespace

void Api::AddCustomerRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };
  const auto parse_body = &ParseBody;
  const auto id_param = &IdParam;
  const auto bad_id = &BadId;
  const auto if_match = &IfMatch;
  const auto if_match_problem = &IfMatchProblem;
  const auto contact_response = &ContactResponse;
  // A customer as answered: its fields plus the owner's name and the phone's region.
  auto write_customer = [this](JsonWriter& w, const Customer& c) {
    w.StartObject();
    WriteCustomerFields(w, c);
    w.Key("owner_name");
    WriteString(w, c.owner_user_id ? OwnerName(*c.owner_user_id) : std::string());
    w.Key("phone_region");
    WriteString(w, c.phone.empty() ? std::string() : PhoneRegion(c.phone));
    w.EndObject();
  };
  auto customer_response = [write_customer](int status, const Customer& c) {
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) { write_customer(w, c); }));
    AddETag(resp, c.version);
    return resp;
  };

  // --- customers ---
  router_.Add("GET", "/api/v1/customers", authed([this](
                                                    const HttpRequest& r, const PathParams&,
                                                    const Principal& p) {
    CustomerQuery q;
    std::vector<FieldError> errors;
    if (auto v = r.Query("q")) {
      if (CodePointCount(*v) > 100) errors.push_back({"q", "is longer than 100 characters"});
      q.search = FoldForSearch(*v);
    }
    if (auto v = r.Query("owner")) {
      if (auto id = ParseId(*v)) q.owner_user_id = id;
      else errors.push_back({"owner", "must be a user id"});
    }
    if (auto v = r.Query("tag")) q.tag = *v;
    if (auto v = r.Query("source")) q.source = *v;
    if (auto v = r.Query("province")) q.province = *v;
    if (auto v = r.Query("relationship"); v && !v->empty()) {
      if (auto e = ParseRelationship(*v)) q.relationship = e;
      else errors.push_back({"relationship", "unknown relationship"});
    }
    if (auto v = r.Query("stage"); v && !v->empty()) {
      if (auto e = ParseLifecycleStage(*v)) q.stage = e;
      else errors.push_back({"stage", "unknown lifecycle stage"});
    }
    ReadMetricFilters(r, q, errors);
    if (auto v = r.Query("archived")) {
      if (*v == "false") q.archived = CustomerQuery::Archived::kActive;
      else if (*v == "true") q.archived = CustomerQuery::Archived::kArchived;
      else if (*v == "all") q.archived = CustomerQuery::Archived::kAll;
      else errors.push_back({"archived", "must be false, true or all"});
    }
    if (auto v = r.Query("sort")) {
      static const std::map<std::string, CustomerSort> kSorts = {
          {"-updated_at", CustomerSort::kUpdatedDesc}, {"updated_at", CustomerSort::kUpdatedAsc},
          {"name", CustomerSort::kNameAsc},            {"-name", CustomerSort::kNameDesc},
          {"-created_at", CustomerSort::kCreatedDesc}, {"created_at", CustomerSort::kCreatedAsc},
          {"clv_desc", CustomerSort::kClvDesc},        {"p_alive_asc", CustomerSort::kPAliveAsc},
          {"value_at_risk_desc", CustomerSort::kValueAtRiskDesc}};
      auto it = kSorts.find(*v);
      if (it == kSorts.end()) errors.push_back({"sort", "must be one of -updated_at, updated_at, name, -name, -created_at, created_at, clv_desc, p_alive_asc, value_at_risk_desc"});
      else q.sort = it->second;
    }
    if (auto v = r.Query("limit")) {
      auto n = ParseId(*v);
      if (!n || *n > 200) errors.push_back({"limit", "must be between 1 and 200"});
      else q.limit = static_cast<int>(*n);
    }
    if (auto v = r.Query("after")) q.after = *v;
    if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
    auto page = customers_.List(p, q);
    if (!page.ok()) {
      if (page.status().code() == StatusCode::kInvalidArgument) {
        return Problem(400, page.status().message(), page.status().fields());
      }
      return ProblemFrom(page.status());
    }
    // Each item carries its analytics figures ("metrics") when a run covered it.
    std::vector<int64_t> ids;
    for (const Customer& c : page->items) ids.push_back(c.id);
    auto metrics = store_.Analytics().MetricsFor(ids);
    if (!metrics.ok()) return ProblemFrom(metrics.status());
    return JsonOk(200, PageJson(page->items, [&](JsonWriter& w, const Customer& c) {
      w.StartObject();
      WriteCustomerFields(w, c);
      w.Key("owner_name");
      WriteString(w, c.owner_user_id ? OwnerName(*c.owner_user_id) : std::string());
      w.Key("phone_region");
      WriteString(w, c.phone.empty() ? std::string() : PhoneRegion(c.phone));
      auto m = metrics->find(c.id);
      if (m != metrics->end()) {
        w.Key("metrics");
        WriteMetricSummary(w, m->second);
      }
      w.EndObject();
    }, page->next));
  }), {"q", "owner", "tag", "source", "province", "relationship", "stage", "archived", "sort",
        "limit", "after", "rfm_class", "tier", "p_alive_lt", "churn_risk", "cluster",
        "attack_defend"});
  router_.Add("POST", "/api/v1/customers", authed([this, parse_body, customer_response](
                                                     const HttpRequest& r, const PathParams&,
                                                     const Principal& p) {
    auto in = parse_body(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    Customer c;
    bool kind_given = in->Has("kind");
    ReadCustomerFields(*in, c);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    if (!kind_given) return Problem(422, "kind is required", {{"kind", "is required"}});
    auto created = customers_.Create(p, std::move(c));
    if (!created.ok()) return ProblemFrom(created.status());
    auto resp = customer_response(201, *created);
    resp.headers.emplace_back("Location", "/api/v1/customers/" + std::to_string(created->id));
    return resp;
  }));
  router_.Add("GET", "/api/v1/customers/{id}", authed([this, id_param, bad_id, customer_response](
                                                         const HttpRequest&, const PathParams& pp,
                                                         const Principal& p) {
    auto id = id_param(pp);
    if (!id) return bad_id();
    auto c = customers_.Get(p, *id);
    if (!c.ok()) return ProblemFrom(c.status());
    return customer_response(200, *c);
  }));
  router_.Add("PATCH", "/api/v1/customers/{id}",
              authed([this, id_param, bad_id, parse_body, if_match, if_match_problem,
                      customer_response](const HttpRequest& r, const PathParams& pp,
                                         const Principal& p) {
                auto id = id_param(pp);
                if (!id) return bad_id();
                auto in = parse_body(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                auto current = customers_.Get(p, *id);
                if (!current.ok()) return ProblemFrom(current.status());
                auto version = if_match(r);
                if (!version.ok()) return if_match_problem(version.status());
                Customer c = *current;
                ReadCustomerFields(*in, c);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                c.version = *version;
                auto updated = customers_.Update(p, std::move(c));
                if (!updated.ok()) return ProblemFrom(updated.status());
                return customer_response(200, *updated);
              }));
  for (bool archive : {true, false}) {
    router_.Add("POST", archive ? "/api/v1/customers/{id}/archive" : "/api/v1/customers/{id}/restore",
                authed([this, id_param, bad_id, customer_response, archive](
                           const HttpRequest&, const PathParams& pp, const Principal& p) {
                  auto id = id_param(pp);
                  if (!id) return bad_id();
                  auto c = customers_.SetArchived(p, *id, archive);
                  if (!c.ok()) return ProblemFrom(c.status());
                  return customer_response(200, *c);
                }));
  }
  router_.Add("DELETE", "/api/v1/customers/{id}", authed([this, id_param, bad_id](
                                                            const HttpRequest&, const PathParams& pp,
                                                            const Principal& p) {
    auto id = id_param(pp);
    if (!id) return bad_id();
    Status s = customers_.Delete(p, *id);
    return s.ok() ? NoContent() : ProblemFrom(s);
  }));
  router_.Add("GET", "/api/v1/customers/{id}/contacts",
              authed([this, id_param, bad_id](const HttpRequest&, const PathParams& pp,
                                              const Principal& p) {
                auto id = id_param(pp);
                if (!id) return bad_id();
                auto list = customers_.ListContacts(p, *id);
                if (!list.ok()) return ProblemFrom(list.status());
                return JsonOk(200, PageJson(*list, [](JsonWriter& w, const Contact& c) {
                  w.StartObject();
                  WriteContactFields(w, c);
                  w.EndObject();
                }));
              }));

  // --- contacts ---
  router_.Add("POST", "/api/v1/contacts", authed([this, parse_body, contact_response](
                                                    const HttpRequest& r, const PathParams&,
                                                    const Principal& p) {
    auto in = parse_body(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    Contact c;
    ReadContactFields(*in, c);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    auto created = customers_.CreateContact(p, std::move(c));
    if (!created.ok()) return ProblemFrom(created.status());
    auto resp = contact_response(201, *created);
    resp.headers.emplace_back("Location", "/api/v1/contacts/" + std::to_string(created->id));
    return resp;
  }));
  router_.Add("GET", "/api/v1/contacts/{id}", authed([this, id_param, bad_id, contact_response](
                                                        const HttpRequest&, const PathParams& pp,
                                                        const Principal& p) {
    auto id = id_param(pp);
    if (!id) return bad_id();
    auto c = customers_.GetContact(p, *id);
    if (!c.ok()) return ProblemFrom(c.status());
    return contact_response(200, *c);
  }));
  router_.Add("PATCH", "/api/v1/contacts/{id}",
              authed([this, id_param, bad_id, parse_body, if_match, if_match_problem,
                      contact_response](const HttpRequest& r, const PathParams& pp,
                                        const Principal& p) {
                auto id = id_param(pp);
                if (!id) return bad_id();
                auto in = parse_body(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                auto current = customers_.GetContact(p, *id);
                if (!current.ok()) return ProblemFrom(current.status());
                auto version = if_match(r);
                if (!version.ok()) return if_match_problem(version.status());
                Contact c = *current;
                ReadContactFields(*in, c);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                c.version = *version;
                auto updated = customers_.UpdateContact(p, std::move(c));
                if (!updated.ok()) return ProblemFrom(updated.status());
                return contact_response(200, *updated);
              }));
  router_.Add("DELETE", "/api/v1/contacts/{id}", authed([this, id_param, bad_id](
                                                           const HttpRequest&, const PathParams& pp,
                                                           const Principal& p) {
    auto id = id_param(pp);
    if (!id) return bad_id();
    Status s = customers_.DeleteContact(p, *id);
    return s.ok() ? NoContent() : ProblemFrom(s);
  }));

}

}  // namespace guanxi::http
