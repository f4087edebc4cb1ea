// Routes of products, orders (with their CSV import) and receivables:
// /api/v1/products, /api/v1/orders, /api/v1/{orders,opportunities}/{id}/payment-plan
// and /receipts, /api/v1/receipts/{id}, /api/v1/receivables.
#include <cctype>
#include <cstring>
#include <map>

#include "http/api_internal.h"
#include "http/order_json.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace internal {

// "text/csv", any case, optionally with parameters (; charset=utf-8).
bool IsCsvContentType(std::string_view ct) {
  constexpr std::string_view kCsv = "text/csv";
  if (ct.size() < kCsv.size()) return false;
  for (size_t i = 0; i < kCsv.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(ct[i])) != kCsv[i]) return false;
  }
  std::string_view rest = ct.substr(kCsv.size());
  return rest.empty() || rest[0] == ';' || rest[0] == ' ';
}

}  // namespace internal

namespace {

void ReadProductFields(JsonObjectReader& in, Product& p) {
  in.String("code", p.code);
  in.String("name", p.name);
  in.NullableString("category", p.category);
  in.Int("list_price", p.list_price);
  in.Bool("active", p.active);
  RejectReadOnly(in, {"id", "version", "created_at", "updated_at"});
}

// Reads the order fields present in `in`; "lines" is read separately (ReadOrderLines).
void ReadOrderFields(JsonObjectReader& in, Order& o, bool creating) {
  in.Int("customer_id", o.customer_id);
  std::string s;
  if (in.String("ordered_at", s)) {
    if (auto t = ParseOrderedAt(s)) o.ordered_at = *t;
    else in.AddError("ordered_at", "must be an ISO 8601 date-time or a day YYYY-MM-DD");
  }
  if (in.String("channel", s)) {
    if (auto v = ParseOrderChannel(s)) o.channel = *v;
    else in.AddError("channel", "must be one of direct, online, store, phone, wechat, distributor, other");
  }
  if (in.String("status", s)) {
    if (auto v = ParseOrderStatus(s)) o.status = *v;
    else in.AddError("status", "must be one of placed, paid, refunded, cancelled");
  }
  in.OptInt("opportunity_id", o.opportunity_id);
  in.OptInt("owner_user_id", o.owner_user_id);
  in.NullableString("note", o.note);
  in.Int("total", o.total);
  in.Accept("lines");
  if (creating) in.NullableString("external_id", o.external_id);
  else RejectReadOnly(in, {"external_id"});
  RejectReadOnly(in, {"id", "version", "customer_name", "owner_name", "ordered_on", "created_at", "updated_at"});
}

// A day query parameter ("YYYY-MM-DD"), or an error entry.
bool DayParam(const HttpRequest& r, const char* name, std::string& out, std::vector<FieldError>& errors) {
  const std::string* v = r.Query(name);
  if (!v || v->empty()) return false;
  if (!IsValidDate(*v)) {
    errors.push_back({name, "must be a day YYYY-MM-DD"});
    return false;
  }
  out = *v;
  return true;
}

bool LimitParam(const HttpRequest& r, int& limit, std::vector<FieldError>& errors) {
  if (auto v = r.Query("limit")) {
    auto n = ParseId(*v);
    if (!n || *n > 200) {
      errors.push_back({"limit", "must be between 1 and 200"});
      return false;
    }
    limit = static_cast<int>(*n);
  }
  return true;
}

HttpResponse ListProblem(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) return Problem(400, s.message(), s.fields());
  return ProblemFrom(s);
}

}  // namespace

void Api::AddOrderRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };

  // Names for answers, looked up once per answer.
  struct Names {
    Api* api;
    CustomerNameBook customers{api->store_};
    std::string Customer(int64_t id) { return customers.Name(id); }
    std::string Owner(const std::optional<int64_t>& id) { return id ? api->OwnerName(*id) : std::string(); }
  };
  auto write_order = [](JsonWriter& w, const Order& o, Names& names, bool with_lines) {
    w.StartObject();
    WriteOrderFields(w, o, with_lines);
    w.Key("customer_name");
    WriteString(w, names.Customer(o.customer_id));
    w.Key("owner_name");
    WriteString(w, names.Owner(o.owner_user_id));
    w.EndObject();
  };
  auto order_response = [this, write_order](int status, const Order& o) {
    Names names{this};
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) { write_order(w, o, names, true); }));
    AddETag(resp, o.version);
    return resp;
  };
  auto product_response = [](int status, const Product& p) {
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      WriteProductFields(w, p);
      w.EndObject();
    }));
    AddETag(resp, p.version);
    return resp;
  };

  // --- products ---
  router_.Add("GET", "/api/v1/products", authed([this](const HttpRequest& r, const PathParams&,
                                                       const Principal& p) {
    ProductQuery q;
    q.limit = 50;
    std::vector<FieldError> errors;
    if (auto v = r.Query("q")) q.search = *v;
    if (auto v = r.Query("active")) {
      if (*v == "true") q.active_only = true;
      else if (*v != "false") errors.push_back({"active", "must be true or false"});
    }
    if (auto v = r.Query("after")) q.after = *v;
    LimitParam(r, q.limit, errors);
    if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
    auto page = orders_.ListProducts(p, q);
    if (!page.ok()) return ListProblem(page.status());
    return JsonOk(200, PageJson(page->items, [](JsonWriter& w, const Product& pr) {
      w.StartObject();
      WriteProductFields(w, pr);
      w.EndObject();
    }, page->next));
  }), {"q", "active", "after", "limit"});
  router_.Add("POST", "/api/v1/products", authed([this, product_response](const HttpRequest& r, const PathParams&,
                                                                          const Principal& p) {
    auto in = ParseBody(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    Product pr;
    ReadProductFields(*in, pr);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    auto created = orders_.CreateProduct(p, std::move(pr));
    if (!created.ok()) return ProblemFrom(created.status());
    auto resp = product_response(201, *created);
    resp.headers.emplace_back("Location", "/api/v1/products/" + std::to_string(created->id));
    return resp;
  }));
  router_.Add("GET", "/api/v1/products/{id}", authed([this, product_response](
                                                       const HttpRequest&, const PathParams& pp, const Principal& p) {
    auto id = IdParam(pp);
    if (!id) return BadId();
    auto pr = orders_.GetProduct(p, *id);
    if (!pr.ok()) return ProblemFrom(pr.status());
    return product_response(200, *pr);
  }));
  router_.Add("PATCH", "/api/v1/products/{id}", authed([this, product_response](
                                                         const HttpRequest& r, const PathParams& pp, const Principal& p) {
    auto id = IdParam(pp);
    if (!id) return BadId();
    auto in = ParseBody(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    auto current = orders_.GetProduct(p, *id);
    if (!current.ok()) return ProblemFrom(current.status());
    auto version = IfMatch(r);
    if (!version.ok()) return IfMatchProblem(version.status());
    Product pr = *current;
    ReadProductFields(*in, pr);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    pr.version = *version;
    auto updated = orders_.UpdateProduct(p, std::move(pr));
    if (!updated.ok()) return ProblemFrom(updated.status());
    return product_response(200, *updated);
  }));

  // --- orders ---
  router_.Add("GET", "/api/v1/orders", authed([this, write_order](const HttpRequest& r, const PathParams&,
                                                                  const Principal& p) {
    OrderQuery q;
    std::vector<FieldError> errors;
    auto id_query = [&](const char* name, std::optional<int64_t>& out) {
      if (auto v = r.Query(name); v && !v->empty()) {
        if (auto id = ParseId(*v)) out = id;
        else errors.push_back({name, "must be an id"});
      }
    };
    id_query("customer_id", q.customer_id);
    id_query("opportunity_id", q.opportunity_id);
    if (auto v = r.Query("owner"); v && !v->empty()) {
      auto u = store_.GetUserByLogin(*v);
      if (u.ok()) q.owner_user_id = u->id;
      else errors.push_back({"owner", "no such user"});
    }
    if (auto v = r.Query("status"); v && !v->empty()) {
      if (auto s = ParseOrderStatus(*v)) q.status = s;
      else errors.push_back({"status", "must be one of placed, paid, refunded, cancelled"});
    }
    std::string day;
    if (DayParam(r, "from", day, errors)) q.from = StartOfBusinessDay(day);
    if (DayParam(r, "to", day, errors)) q.to = StartOfBusinessDay(AddDays(day, 1));
    if (auto v = r.Query("after")) q.after = *v;
    LimitParam(r, q.limit, errors);
    if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
    auto page = orders_.ListOrders(p, q);
    if (!page.ok()) return ListProblem(page.status());
    Names names{this};
    std::vector<int64_t> customer_ids;
    for (const auto& o : page->items) customer_ids.push_back(o.customer_id);
    names.customers.Load(customer_ids);
    return JsonOk(200, PageJson(page->items, [&](JsonWriter& w, const Order& o) {
      write_order(w, o, names, false);
    }, page->next));
  }), {"customer_id", "owner", "opportunity_id", "status", "from", "to", "after", "limit"});
  router_.Add("POST", "/api/v1/orders", authed([this, order_response](const HttpRequest& r, const PathParams&,
                                                                      const Principal& p) {
    auto in = ParseBody(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    Order o;
    ReadOrderFields(*in, o, true);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    auto lines = ReadOrderLines(r.body);
    if (!lines.ok()) return ProblemFrom(lines.status());
    auto created = orders_.CreateOrder(p, std::move(o), *lines);
    if (!created.ok()) return ProblemFrom(created.status());
    auto resp = order_response(201, *created);
    resp.headers.emplace_back("Location", "/api/v1/orders/" + std::to_string(created->id));
    return resp;
  }));
  router_.Add("POST", "/api/v1/orders/import", authed([this](const HttpRequest& r, const PathParams&,
                                                             const Principal& p) {
    if (!IsCsvContentType(r.Header("content-type"))) return Problem(415, "the body must be text/csv");
    size_t offset = 0;
    ByteSource source = [&](char* buf, size_t cap) {
      size_t n = std::min(cap, r.body.size() - offset);
      std::memcpy(buf, r.body.data() + offset, n);
      offset += n;
      return n;
    };
    auto outcome = orders_.ImportOrders(p, source, static_cast<int64_t>(r.body.size()));
    if (!outcome.ok()) return ProblemFrom(outcome.status());
    return JsonOk(200, ImportOutcomeToJson(*outcome));
  }));
  router_.Add("GET", "/api/v1/orders/{id}", authed([this, order_response](
                                                     const HttpRequest&, const PathParams& pp, const Principal& p) {
    auto id = IdParam(pp);
    if (!id) return BadId();
    auto o = orders_.GetOrder(p, *id);
    if (!o.ok()) return ProblemFrom(o.status());
    return order_response(200, *o);
  }));
  router_.Add("PATCH", "/api/v1/orders/{id}", authed([this, order_response](
                                                       const HttpRequest& r, const PathParams& pp, const Principal& p) {
    auto id = IdParam(pp);
    if (!id) return BadId();
    auto in = ParseBody(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    auto current = orders_.GetOrder(p, *id);
    if (!current.ok()) return ProblemFrom(current.status());
    auto version = IfMatch(r);
    if (!version.ok()) return IfMatchProblem(version.status());
    Order o = *current;
    std::optional<std::vector<OrderLineInput>> lines;
    if (in->Has("lines")) {
      auto read = ReadOrderLines(r.body);
      if (!read.ok()) return ProblemFrom(read.status());
      lines = std::move(*read);
      o.total = 0;  // recomputed from the new lines unless a total is sent with them
    }
    ReadOrderFields(*in, o, false);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    o.version = *version;
    auto updated = orders_.UpdateOrder(p, std::move(o), lines);
    if (!updated.ok()) return ProblemFrom(updated.status());
    return order_response(200, *updated);
  }));

  // --- receivables ---
  auto plan_response = [](const PaymentPlanView& v) {
    return JsonOk(200, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      WritePlanFields(w, v);
      w.EndObject();
    }));
  };
  for (bool is_order : {true, false}) {
    const std::string base = is_order ? "/api/v1/orders/{id}" : "/api/v1/opportunities/{id}";
    auto doc_of = [is_order](int64_t id) {
      ReceivableRef ref;
      if (is_order) ref.order_id = id; else ref.opportunity_id = id;
      return ref;
    };
    router_.Add("GET", base + "/payment-plan", authed([this, doc_of, plan_response](
                                                        const HttpRequest&, const PathParams& pp, const Principal& p) {
      auto id = IdParam(pp);
      if (!id) return BadId();
      auto v = orders_.GetPaymentPlan(p, doc_of(*id));
      if (!v.ok()) return ProblemFrom(v.status());
      return plan_response(*v);
    }));
    router_.Add("PUT", base + "/payment-plan", authed([this, doc_of, plan_response](
                                                        const HttpRequest& r, const PathParams& pp, const Principal& p) {
      auto id = IdParam(pp);
      if (!id) return BadId();
      auto in = ParseBody(r);
      if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
      if (!in->Has("instalments")) return Problem(422, "instalments is required", {{"instalments", "is required"}});
      in->Accept("instalments");
      if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
      auto plan = ReadInstalments(r.body);
      if (!plan.ok()) return ProblemFrom(plan.status());
      auto v = orders_.PutPaymentPlan(p, doc_of(*id), std::move(*plan));
      if (!v.ok()) return ProblemFrom(v.status());
      return plan_response(*v);
    }));
    router_.Add("POST", base + "/receipts", authed([this, doc_of](const HttpRequest& r, const PathParams& pp,
                                                                  const Principal& p) {
      auto id = IdParam(pp);
      if (!id) return BadId();
      auto in = ParseBody(r);
      if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
      Receipt rc;
      in->String("received_on", rc.received_on);
      in->Int("amount", rc.amount);
      in->String("method", rc.method);
      in->NullableString("note", rc.note);
      RejectReadOnly(*in, {"id", "opportunity_id", "order_id", "user_id", "created_at"});
      if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
      auto created = orders_.AddReceipt(p, doc_of(*id), std::move(rc));
      if (!created.ok()) return ProblemFrom(created.status());
      return JsonOk(201, JsonDoc([&](JsonWriter& w) {
        w.StartObject();
        WriteReceiptFields(w, *created);
        w.EndObject();
      }));
    }));
  }
  router_.Add("DELETE", "/api/v1/receipts/{id}", authed([this](const HttpRequest&, const PathParams& pp,
                                                               const Principal& p) {
    auto id = IdParam(pp);
    if (!id) return BadId();
    Status s = orders_.DeleteReceipt(p, *id);
    return s.ok() ? NoContent() : ProblemFrom(s);
  }));
  router_.Add("GET", "/api/v1/receivables", authed([this](const HttpRequest& r, const PathParams&,
                                                          const Principal& p) {
    ReceivablesFilter f;
    std::vector<FieldError> errors;
    if (auto v = r.Query("owner"); v && !v->empty()) {
      auto u = store_.GetUserByLogin(*v);
      if (u.ok()) f.owner_user_id = u->id;
      else errors.push_back({"owner", "no such user"});
    }
    if (auto v = r.Query("team"); v && !v->empty()) {
      if (auto id = ParseId(*v)) f.team_id = id;
      else errors.push_back({"team", "must be a team id"});
    }
    if (auto v = r.Query("overdue")) {
      if (*v == "true") f.overdue_only = true;
      else if (*v != "false") errors.push_back({"overdue", "must be true or false"});
    }
    if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
    auto report = orders_.Receivables(p, f);
    if (!report.ok()) return ProblemFrom(report.status());
    Names names{this};
    std::vector<int64_t> customer_ids;
    for (const auto& row : report->accounts) customer_ids.push_back(row.account.customer_id);
    names.customers.Load(customer_ids);
    return JsonOk(200, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      w.Key("as_of");
      WriteString(w, report->as_of);
      w.Key("accounts");
      w.StartArray();
      for (const auto& row : report->accounts) {
        const ReceivableAccount& a = row.account;
        w.StartObject();
        w.Key(a.order_id ? "order_id" : "opportunity_id");
        w.Int64(a.order_id ? *a.order_id : a.opportunity_id.value_or(0));
        w.Key("customer_id");
        w.Int64(a.customer_id);
        w.Key("customer_name");
        WriteString(w, names.Customer(a.customer_id));
        w.Key("title");
        WriteString(w, a.title);
        w.Key("owner_user_id");
        if (a.owner_user_id) w.Int64(*a.owner_user_id); else w.Null();
        w.Key("owner_name");
        WriteString(w, names.Owner(a.owner_user_id));
        w.Key("planned");
        w.Int64(row.state.planned);
        w.Key("received");
        w.Int64(row.state.received);
        w.Key("outstanding");
        w.Int64(row.state.outstanding);
        w.Key("overdue");
        w.Int64(row.state.overdue);
        w.Key("oldest_overdue_days");
        w.Int(row.state.oldest_overdue_days);
        w.EndObject();
      }
      w.EndArray();
      w.Key("ageing");
      w.StartArray();
      for (const auto& ag : report->ageing) {
        w.StartObject();
        w.Key("owner_user_id");
        if (ag.owner_user_id) w.Int64(*ag.owner_user_id); else w.Null();
        w.Key("owner_name");
        WriteString(w, names.Owner(ag.owner_user_id));
        const std::pair<const char*, int64_t> buckets[] = {
            {"current", ag.ageing.current}, {"d1_30", ag.ageing.d1_30},     {"d31_60", ag.ageing.d31_60},
            {"d61_90", ag.ageing.d61_90},   {"d90_plus", ag.ageing.d90_plus}, {"total", ag.ageing.total()}};
        for (const auto& [k, v] : buckets) {
          w.Key(k);
          w.Int64(v);
        }
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }));
  }), {"owner", "team", "overdue"});
}

}  // namespace guanxi::http
