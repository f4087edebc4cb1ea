#include "http/order_json.h"

#include <rapidjson/document.h>

#include <map>
#include <optional>

namespace guanxi::http {
namespace {

void Str(JsonWriter& w, const char* key, std::string_view v) {
  w.Key(key);
  WriteString(w, v);
}
void Int(JsonWriter& w, const char* key, int64_t v) {
  w.Key(key);
  w.Int64(v);
}
void OptId(JsonWriter& w, const char* key, const std::optional<int64_t>& v) {
  w.Key(key);
  if (v) w.Int64(*v); else w.Null();
}

// Reads the array `name` of `body`, each element an object read by `read_item`
// (given the element, its field prefix "name[i]." and the error list).
template <typename T, typename ReadItem>
Result<std::vector<T>> ReadArray(std::string_view body, const char* name, ReadItem&& read_item) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(body.data(), body.size());
  std::vector<T> out;
  if (d.HasParseError() || !d.IsObject()) return out;  // the caller's reader reports it
  auto it = d.FindMember(name);
  if (it == d.MemberEnd() || it->value.IsNull()) return out;
  if (!it->value.IsArray()) return Status::InvalidField(name, "must be an array");
  std::vector<FieldError> errors;
  size_t i = 0;
  for (const auto& v : it->value.GetArray()) {
    std::string prefix = std::string(name) + "[" + std::to_string(i++) + "].";
    if (!v.IsObject()) {
      errors.push_back({prefix.substr(0, prefix.size() - 1), "must be an object"});
      continue;
    }
    out.push_back(read_item(v, prefix, errors));
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid " + std::string(name), std::move(errors));
  return out;
}

// Strict field access within one array element.
class ItemReader {
 public:
  ItemReader(const rapidjson::Value& v, const std::string& prefix, std::vector<FieldError>& errors)
      : v_(v), prefix_(prefix), errors_(errors) {}
  const rapidjson::Value* Find(const char* name) {
    seen_.emplace(name, true);
    auto it = v_.FindMember(name);
    return it == v_.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
  }
  std::optional<int64_t> Int(const char* name) {
    const auto* f = Find(name);
    if (!f) return std::nullopt;
    if (!f->IsInt64()) {
      Error(name, "must be an integer");
      return std::nullopt;
    }
    return f->GetInt64();
  }
  std::optional<std::string> String(const char* name) {
    const auto* f = Find(name);
    if (!f) return std::nullopt;
    if (!f->IsString()) {
      Error(name, "must be a string");
      return std::nullopt;
    }
    return std::string(f->GetString(), f->GetStringLength());
  }
  void Error(const char* name, std::string message) { errors_.push_back({prefix_ + name, std::move(message)}); }
  // Fields not read are errors, like JsonObjectReader::Finish.
  void Finish(std::initializer_list<const char*> read_only = {}) {
    for (const char* n : read_only) seen_.emplace(n, true);
    for (const auto& m : v_.GetObject()) {
      std::string k(m.name.GetString(), m.name.GetStringLength());
      if (!seen_.count(k)) errors_.push_back({prefix_ + k, "unknown field"});
    }
  }

 private:
  const rapidjson::Value& v_;
  const std::string& prefix_;
  std::vector<FieldError>& errors_;
  std::map<std::string, bool> seen_;
};

}  // namespace

void WriteProductFields(JsonWriter& w, const Product& p) {
  Int(w, "id", p.id);
  Int(w, "version", p.version);
  Str(w, "code", p.code);
  Str(w, "name", p.name);
  Str(w, "category", p.category);
  Int(w, "list_price", p.list_price);
  w.Key("active");
  w.Bool(p.active);
  Str(w, "created_at", FormatUtc(p.created_at));
  Str(w, "updated_at", FormatUtc(p.updated_at));
}

void WriteOrderFields(JsonWriter& w, const Order& o, bool with_lines) {
  Int(w, "id", o.id);
  Int(w, "version", o.version);
  Str(w, "external_id", o.external_id);
  Int(w, "customer_id", o.customer_id);
  OptId(w, "owner_user_id", o.owner_user_id);
  OptId(w, "opportunity_id", o.opportunity_id);
  Str(w, "ordered_at", FormatUtc(o.ordered_at));
  Str(w, "ordered_on", BusinessDay(o.ordered_at));
  Str(w, "channel", ToString(o.channel));
  Str(w, "status", ToString(o.status));
  Int(w, "total", o.total);
  Str(w, "note", o.note);
  if (with_lines) {
    w.Key("lines");
    w.StartArray();
    for (const auto& l : o.lines) {
      w.StartObject();
      OptId(w, "product_id", l.product_id);
      Str(w, "description", l.description);
      Int(w, "quantity", l.quantity);
      Int(w, "unit_price", l.unit_price);
      Int(w, "discount", l.discount);
      Int(w, "line_total", l.LineTotal());
      w.EndObject();
    }
    w.EndArray();
  }
  Str(w, "created_at", FormatUtc(o.created_at));
  Str(w, "updated_at", FormatUtc(o.updated_at));
}

void WriteReceiptFields(JsonWriter& w, const Receipt& r) {
  Int(w, "id", r.id);
  OptId(w, "opportunity_id", r.opportunity_id);
  OptId(w, "order_id", r.order_id);
  Str(w, "received_on", r.received_on);
  Int(w, "amount", r.amount);
  Str(w, "method", r.method);
  Str(w, "note", r.note);
  OptId(w, "user_id", r.user_id);
  Str(w, "created_at", FormatUtc(r.created_at));
}

void WritePlanFields(JsonWriter& w, const PaymentPlanView& v) {
  Int(w, "total_planned", v.state.planned);
  Int(w, "received", v.state.received);
  Int(w, "outstanding", v.state.outstanding);
  Int(w, "overdue", v.state.overdue);
  Int(w, "oldest_overdue_days", v.state.oldest_overdue_days);
  std::map<int64_t, const analytics::InstalmentState*> states;
  for (const auto& s : v.state.instalments) states[s.id] = &s;
  w.Key("instalments");
  w.StartArray();
  for (const auto& i : v.account.instalments) {
    w.StartObject();
    Int(w, "id", i.id);
    Str(w, "due_on", i.due_on);
    Int(w, "amount", i.amount);
    Str(w, "note", i.note);
    auto it = states.find(i.id);
    Int(w, "paid", it == states.end() ? 0 : it->second->paid);
    Str(w, "status", it == states.end() ? "due" : analytics::ToString(it->second->status));
    Int(w, "days_overdue", it == states.end() ? 0 : it->second->days_overdue);
    w.EndObject();
  }
  w.EndArray();
  w.Key("receipts");
  w.StartArray();
  for (const auto& r : v.account.receipts) {
    w.StartObject();
    WriteReceiptFields(w, r);
    w.EndObject();
  }
  w.EndArray();
}

std::string ImportOutcomeToJson(const OrderImportOutcome& o) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  Int(w, "inserted", o.inserted);
  Int(w, "already_present", o.already_present);
  w.Key("rejected");
  w.StartArray();
  for (const auto& r : o.rejected) {
    w.StartObject();
    Int(w, "line", r.line_no);
    Str(w, "field", r.field);
    Str(w, "message", r.message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

Result<std::vector<OrderLineInput>> ReadOrderLines(std::string_view body) {
  return ReadArray<OrderLineInput>(body, "lines", [](const rapidjson::Value& v, const std::string& prefix,
                                                     std::vector<FieldError>& errors) {
    ItemReader in(v, prefix, errors);
    OrderLineInput l;
    l.product_id = in.Int("product_id");
    l.description = in.String("description");
    if (auto q = in.Int("quantity")) l.quantity = *q;
    l.unit_price = in.Int("unit_price");
    if (auto d = in.Int("discount")) l.discount = *d;
    in.Finish({"line_total"});
    return l;
  });
}

Result<std::vector<Instalment>> ReadInstalments(std::string_view body) {
  return ReadArray<Instalment>(body, "instalments", [](const rapidjson::Value& v, const std::string& prefix,
                                                       std::vector<FieldError>& errors) {
    ItemReader in(v, prefix, errors);
    Instalment i;
    i.due_on = in.String("due_on").value_or("");
    i.amount = in.Int("amount").value_or(0);
    i.note = in.String("note").value_or("");
    // A plan read back (GET) may be sent again as it is.
    in.Finish({"id", "paid", "status", "days_overdue"});
    return i;
  });
}

}  // namespace guanxi::http
