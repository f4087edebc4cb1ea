#include "store/ownership_rows.h"

#include "domain/customer_json.h"

namespace guanxi::ownership_rows {

std::string OwnerJson(std::optional<int64_t> owner, const std::string& reason, int64_t tasks_moved,
                      int64_t opportunities_moved) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("owner_user_id");
  if (owner) w.Int64(*owner); else w.Null();
  if (!reason.empty()) {
    w.Key("reason");
    WriteString(w, reason);
    w.Key("tasks_moved");
    w.Int64(tasks_moved);
    w.Key("opportunities_moved");
    w.Int64(opportunities_moved);
  }
  w.EndObject();
  return buf.GetString();
}

std::string PoolRuleToJson(const PoolRule& r) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("id"); w.Int64(r.id);
  w.Key("version"); w.Int64(r.version);
  w.Key("name"); WriteString(w, r.name);
  w.Key("class_kind"); WriteString(w, r.class_kind);
  w.Key("class_value"); WriteString(w, r.class_value);
  w.Key("no_follow_up_days");
  if (r.no_follow_up_days) w.Int64(*r.no_follow_up_days); else w.Null();
  w.Key("no_deal_days");
  if (r.no_deal_days) w.Int64(*r.no_deal_days); else w.Null();
  w.Key("warn_days"); w.Int64(r.warn_days);
  w.Key("position"); w.Int64(r.position);
  w.Key("enabled"); w.Bool(r.enabled);
  w.EndObject();
  return buf.GetString();
}

AuditEntry OwnerAudit(const OwnerChange& change, int64_t customer_id, const std::string& action,
                      std::optional<int64_t> from, std::optional<int64_t> to, int64_t tasks_moved,
                      int64_t opportunities_moved) {
  AuditEntry a = change.audit;
  a.at = change.at;
  a.entity = "customer";
  a.entity_id = customer_id;
  a.action = action;
  a.before = OwnerJson(from, "", 0, 0);
  a.after = OwnerJson(to, action, tasks_moved, opportunities_moved);
  return a;
}

}  // namespace guanxi::ownership_rows
