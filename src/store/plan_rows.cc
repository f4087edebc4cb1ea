#include "store/plan_rows.h"

#include "domain/customer_json.h"
#include "domain/sales.h"

namespace guanxi::store_rows {

void WriteVisitPlanFields(JsonWriter& w, const VisitPlan& p) {
  w.Key("id");
  w.Int64(p.id);
  w.Key("version");
  w.Int64(p.version);
  w.Key("name");
  WriteString(w, p.name);
  w.Key("class_kind");
  WriteString(w, p.class_kind);
  w.Key("class_value");
  WriteString(w, p.class_value);
  w.Key("interval_days");
  w.Int64(p.interval_days);
  w.Key("position");
  w.Int64(p.position);
  w.Key("task_title");
  WriteString(w, p.task_title);
  w.Key("priority");
  WriteString(w, p.priority);
  w.Key("enabled");
  w.Bool(p.enabled);
}

std::string VisitPlanToJson(const VisitPlan& p) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteVisitPlanFields(w, p);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

void WriteEventRuleFields(JsonWriter& w, const EventRule& r) {
  w.Key("id");
  w.Int64(r.id);
  w.Key("version");
  w.Int64(r.version);
  w.Key("event");
  WriteString(w, r.event);
  w.Key("delay_days");
  w.Int64(r.delay_days);
  w.Key("task_title");
  WriteString(w, r.task_title);
  w.Key("priority");
  WriteString(w, r.priority);
  w.Key("enabled");
  w.Bool(r.enabled);
}

std::string EventRuleToJson(const EventRule& r) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteEventRuleFields(w, r);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string GeneratedAuditJson(const std::vector<int64_t>& ids) {
  std::string out = "{\"created\":[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "]}";
}

std::string DayToJson(const std::string& day) { return "\"" + day + "\""; }

std::string DayFromJson(const std::string& json) {
  if (json.size() < 2 || json.front() != '"' || json.back() != '"') return "";
  std::string day = json.substr(1, json.size() - 2);
  return IsValidDate(day) ? day : "";
}

void VisitPageBuilder::AddCustomer(int64_t id, std::optional<int64_t> owner, std::string level, std::string tier,
                                   std::string rfm_class) {
  VisitCustomer c;
  c.customer_id = id;
  c.owner_user_id = owner;
  c.facts.relationship_level = std::move(level);
  c.facts.tier = std::move(tier);
  c.facts.rfm_class = std::move(rfm_class);
  index_.emplace(id, items_.size());
  items_.push_back(std::move(c));
}

VisitCustomer* VisitPageBuilder::Find(int64_t customer_id) {
  auto it = index_.find(customer_id);
  return it == index_.end() ? nullptr : &items_[it->second];
}

void VisitPageBuilder::AddTag(int64_t customer_id, std::string tag) {
  if (VisitCustomer* c = Find(customer_id)) c->facts.tags.push_back(std::move(tag));
}

void VisitPageBuilder::AddOpenTask(Task t) {
  if (VisitCustomer* c = Find(t.customer_id)) c->open_plan_tasks.push_back(std::move(t));
}

void VisitPageBuilder::AddClosed(int64_t customer_id, int64_t task_id, UnixSeconds closed_at) {
  // Rows arrive by closing time then id, so the last one seen is the last closed.
  if (VisitCustomer* c = Find(customer_id)) {
    c->last_closed_task_id = task_id;
    c->last_closed_day = BusinessDay(closed_at);
  }
}

VisitCustomerPage VisitPageBuilder::Finish(int limit) {
  VisitCustomerPage page;
  if (static_cast<int>(items_.size()) >= limit && !items_.empty()) page.last_id = items_.back().customer_id;
  page.items = std::move(items_);
  items_.clear();
  index_.clear();
  return page;
}

}  // namespace guanxi::store_rows
