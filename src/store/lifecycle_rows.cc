#include "store/lifecycle_rows.h"

namespace guanxi::store_rows {

LifecycleOverridePlan PlanLifecycleOverride(const LifecycleState& before, const LifecycleOverride& o) {
  LifecycleOverridePlan plan;
  plan.after = before;
  plan.insert_row = !before.ladder.has_value();
  if (!plan.after.ladder) plan.after.ladder = o.derived_ladder;
  auto note = [&](const char* field, std::string from, std::string to, const char* source) {
    LifecycleHistoryEntry h;
    h.customer_id = before.customer_id;
    h.at = o.at;
    h.field = field;
    h.from_value = std::move(from);
    h.to_value = std::move(to);
    h.source = source;
    h.user_id = o.user_id;
    plan.history.push_back(std::move(h));
  };
  // A set value wins over a clear of the same field (the request names both only by mistake).
  if (o.stage) {
    if (*o.stage != before.stage || !before.stage_overridden) {
      note("stage", std::string(ToString(before.stage)), std::string(ToString(*o.stage)), "override");
    }
    plan.after.stage = *o.stage;
    plan.after.stage_overridden = true;
  } else if (o.clear_stage && before.stage_overridden) {
    note("stage", std::string(ToString(before.stage)), std::string(ToString(o.derived_stage)), "override_cleared");
    plan.after.stage = o.derived_stage;
    plan.after.stage_overridden = false;
  }
  const LadderRung ladder_before = *plan.after.ladder;
  if (o.ladder) {
    if (*o.ladder != ladder_before || !before.ladder_overridden) {
      note("ladder", std::string(ToString(ladder_before)), std::string(ToString(*o.ladder)),
           "override");
    }
    plan.after.ladder = *o.ladder;
    plan.after.ladder_overridden = true;
  } else if (o.clear_ladder && before.ladder_overridden) {
    note("ladder", std::string(ToString(ladder_before)), std::string(ToString(o.derived_ladder)),
         "override_cleared");
    plan.after.ladder = o.derived_ladder;
    plan.after.ladder_overridden = false;
  }
  plan.stage_changed = plan.after.stage != before.stage;
  if (plan.stage_changed) ++plan.after.version;
  plan.after.derived_at = before.derived_at;
  return plan;
}

std::string LifecycleStateJson(const LifecycleState& s) {
  std::string out = "{\"stage\":\"" + std::string(ToString(s.stage)) + "\",\"ladder\":";
  out += s.ladder ? "\"" + std::string(ToString(*s.ladder)) + "\"" : std::string("null");
  out += ",\"stage_overridden\":" + std::string(s.stage_overridden ? "true" : "false");
  out += ",\"ladder_overridden\":" + std::string(s.ladder_overridden ? "true" : "false") + "}";
  return out;
}

}  // namespace guanxi::store_rows
