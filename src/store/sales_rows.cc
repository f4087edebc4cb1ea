#include "store/sales_rows.h"

#include <rapidjson/document.h>

#include "domain/customer_json.h"

namespace guanxi::store_rows {
namespace {

void Opt(JsonWriter& w, const char* key, const std::optional<int64_t>& v) {
  w.Key(key);
  if (v) w.Int64(*v); else w.Null();
}

void Str(JsonWriter& w, const char* key, std::string_view v) {
  w.Key(key);
  WriteString(w, v);
}

void Int(JsonWriter& w, const char* key, int64_t v) {
  w.Key(key);
  w.Int64(v);
}

template <typename Fn>
std::string Document(Fn&& fn) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  fn(w);
  return std::string(buf.GetString(), buf.GetSize());
}

void WriteInstalment(JsonWriter& w, const Instalment& i) {
  w.StartObject();
  Int(w, "id", i.id);
  Opt(w, "opportunity_id", i.opportunity_id);
  Opt(w, "order_id", i.order_id);
  Str(w, "due_on", i.due_on);
  Int(w, "amount", i.amount);
  Str(w, "note", i.note);
  w.EndObject();
}

}  // namespace

std::string OpenByStageToJson(const std::map<std::string, OwnerFunnel::StageSum>& open) {
  return Document([&](JsonWriter& w) {
    w.StartObject();
    for (const auto& [key, sum] : open) {
      w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
      w.StartArray();
      w.Int64(sum.amount);
      w.Int64(sum.count);
      w.EndArray();
    }
    w.EndObject();
  });
}

std::map<std::string, OwnerFunnel::StageSum> OpenByStageFromJson(const std::string& json) {
  std::map<std::string, OwnerFunnel::StageSum> out;
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return out;
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    const auto& v = it->value;
    if (!v.IsArray() || v.Size() != 2 || !v[0].IsInt64() || !v[1].IsInt64()) continue;
    out[std::string(it->name.GetString(), it->name.GetStringLength())] = {v[0].GetInt64(),
                                                                           v[1].GetInt64()};
  }
  return out;
}

std::string ProductToJson(const Product& p) {
  return Document([&](JsonWriter& w) {
    w.StartObject();
    Int(w, "id", p.id);
    Int(w, "version", p.version);
    Str(w, "code", p.code);
    Str(w, "name", p.name);
    Str(w, "category", p.category);
    Int(w, "list_price", p.list_price);
    w.Key("active");
    w.Bool(p.active);
    w.EndObject();
  });
}

std::string OrderToJson(const Order& o) {
  return Document([&](JsonWriter& w) {
    w.StartObject();
    Int(w, "id", o.id);
    Int(w, "version", o.version);
    Str(w, "external_id", o.external_id);
    Int(w, "customer_id", o.customer_id);
    Opt(w, "owner_user_id", o.owner_user_id);
    Opt(w, "opportunity_id", o.opportunity_id);
    Int(w, "ordered_at", o.ordered_at);
    Str(w, "channel", ToString(o.channel));
    Str(w, "status", ToString(o.status));
    Int(w, "total", o.total);
    Str(w, "note", o.note);
    w.Key("lines");
    w.StartArray();
    for (const auto& l : o.lines) {
      w.StartObject();
      Opt(w, "product_id", l.product_id);
      Str(w, "description", l.description);
      Int(w, "quantity", l.quantity);
      Int(w, "unit_price", l.unit_price);
      Int(w, "discount", l.discount);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

std::string OpportunityToJson(const Opportunity& o) {
  return Document([&](JsonWriter& w) {
    w.StartObject();
    Int(w, "id", o.id);
    Int(w, "version", o.version);
    Int(w, "customer_id", o.customer_id);
    Opt(w, "contact_id", o.contact_id);
    Str(w, "title", o.title);
    Int(w, "amount", o.amount);
    Opt(w, "owner_user_id", o.owner_user_id);
    Str(w, "expected_close", o.expected_close);
    Str(w, "stage", o.stage);
    Str(w, "closed_on", o.closed_on);
    w.Key("money");
    w.Bool(o.money);
    w.Key("authority");
    w.Bool(o.authority);
    w.Key("need");
    w.Bool(o.need);
    Str(w, "competitor", o.competitor);
    Str(w, "loss_reason", o.loss_reason);
    Str(w, "next_step", o.next_step);
    Str(w, "notes", o.notes);
    w.EndObject();
  });
}

std::string StagesToJson(const std::vector<Stage>& stages) {
  return Document([&](JsonWriter& w) {
    w.StartArray();
    for (const auto& s : stages) {
      w.StartObject();
      Str(w, "key", s.key);
      Str(w, "name_zh", s.name_zh);
      Str(w, "name_en", s.name_en);
      Int(w, "win_rate_bp", s.win_rate_bp);
      Int(w, "position", s.position);
      Str(w, "kind", ToString(s.kind));
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string SalesSettingsToJson(const SalesSettings& s) {
  return Document([&](JsonWriter& w) {
    w.StartObject();
    Int(w, "out_of_funnel_threshold", s.out_of_funnel_threshold);
    w.EndObject();
  });
}

std::string TargetToJson(const SalesTarget& t) {
  return Document([&](JsonWriter& w) {
    w.StartObject();
    Int(w, "id", t.id);
    Str(w, "quarter", t.quarter);
    Str(w, "scope", ToString(t.scope));
    Opt(w, "subject_id", t.subject_id);
    Int(w, "amount", t.amount);
    w.EndObject();
  });
}

std::string InstalmentsToJson(const std::vector<Instalment>& plan) {
  return Document([&](JsonWriter& w) {
    w.StartArray();
    for (const auto& i : plan) WriteInstalment(w, i);
    w.EndArray();
  });
}

std::string ReceiptToJson(const Receipt& r) {
  return Document([&](JsonWriter& w) {
    w.StartObject();
    Int(w, "id", r.id);
    Opt(w, "opportunity_id", r.opportunity_id);
    Opt(w, "order_id", r.order_id);
    Str(w, "received_on", r.received_on);
    Int(w, "amount", r.amount);
    Str(w, "method", r.method);
    Str(w, "note", r.note);
    w.EndObject();
  });
}

std::string PlaybookEntryToJson(const PlaybookEntry& e) {
  return Document([&](JsonWriter& w) {
    w.StartObject();
    Int(w, "id", e.id);
    Int(w, "version", e.version);
    Str(w, "stage", e.stage);
    Str(w, "situation", e.situation);
    Str(w, "kind", e.kind);
    Str(w, "locale", e.locale);
    Str(w, "title", e.title);
    Str(w, "body", e.body);
    Int(w, "position", e.position);
    w.EndObject();
  });
}

std::string BuyingCentreMemberToJson(const BuyingCentreMember& m) {
  return Document([&](JsonWriter& w) {
    w.StartObject();
    Int(w, "id", m.id);
    Int(w, "opportunity_id", m.opportunity_id);
    Int(w, "contact_id", m.contact_id);
    Str(w, "role", ToString(m.role));
    Str(w, "attitude", ToString(m.attitude));
    Int(w, "influence", m.influence);
    Opt(w, "reports_to", m.reports_to);
    Str(w, "note", m.note);
    w.EndObject();
  });
}

}  // namespace guanxi::store_rows
