// What both backends share for LifecycleStore: the fact queries (with `?`
// markers; PostgreSQL numbers them), readers that merge their rows into
// LifecycleRow values (`Row` is sqlite::Statement or postgres::Row), and the
// plan of a person's override. Internal to src/store/.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/lifecycle.h"
#include "domain/customer_json.h"
#include "store/lifecycle_store.h"

namespace guanxi::store_rows {

// Customers of one page: id > ? (ORDER BY id LIMIT ?), or id = ?.
constexpr char kLifecycleCustomerColumns[] =
    "SELECT c.id, c.relationship, c.relationship_level, c.lifecycle_stage, c.tags, l.ladder, "
    "l.stage_overridden, l.ladder_overridden FROM customer c "
    "LEFT JOIN customer_lifecycle l ON l.customer_id = c.id ";
// Asia/Shanghai day number of an order (UTC+8, no DST, instants after 1970).
#define GX_ORDER_DAY "((ordered_at + 28800) / 86400)"
// Bound: first day of the 365-day window, lo id, hi id.
constexpr char kLifecycleOrderFacts[] =
    "SELECT customer_id, COUNT(DISTINCT " GX_ORDER_DAY "), "
    "COUNT(DISTINCT CASE WHEN " GX_ORDER_DAY " >= ? THEN " GX_ORDER_DAY " END), MAX(" GX_ORDER_DAY ") "
    "FROM sales_order WHERE customer_id BETWEEN ? AND ? AND status IN ('placed', 'paid') GROUP BY customer_id";
#undef GX_ORDER_DAY
constexpr char kLifecycleInteractionFacts[] =
    "SELECT customer_id, COUNT(*) FROM interaction WHERE customer_id BETWEEN ? AND ? GROUP BY customer_id";
constexpr char kLifecycleOpportunityFacts[] =
    "SELECT customer_id, SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END) FROM opportunity "
    "WHERE customer_id BETWEEN ? AND ? GROUP BY customer_id";
constexpr char kLifecycleMetricFacts[] =
    "SELECT customer_id, usual_interval_days, p_alive, churn_risk FROM customer_metric "
    "WHERE customer_id BETWEEN ? AND ?";

constexpr char kLifecycleHistoryColumns[] =
    "SELECT h.id, h.customer_id, h.at, h.field, h.from_value, h.to_value, h.source, h.user_id, "
    "COALESCE(u.display_name, '') FROM lifecycle_history h LEFT JOIN app_user u ON u.id = h.user_id "
    "WHERE h.customer_id = ? ORDER BY h.at DESC, h.id DESC LIMIT ?";

template <typename Row>
LifecycleRow ReadLifecycleCustomer(const Row& r) {
  LifecycleRow out;
  out.facts.customer_id = r.Int(0);
  out.facts.relationship = ParseRelationship(r.Text(1)).value_or(Relationship::kPotential);
  out.facts.level = ParseRelationshipLevel(r.Text(2)).value_or(RelationshipLevel::kBasic);
  out.stage = ParseLifecycleStage(r.Text(3)).value_or(LifecycleStage::kExploration);
  for (const auto& tag : StringListFromJson(r.Text(4))) {
    if (IsMemberTag(tag)) out.facts.member_tag = true;
  }
  if (!r.IsNull(5)) {
    out.ladder = ParseLadderRung(r.Text(5));
    out.stage_overridden = r.Int(6) != 0;
    out.ladder_overridden = r.Int(7) != 0;
  }
  return out;
}

// Rows of a page by customer id, for merging the aggregate queries.
class LifecyclePage {
 public:
  explicit LifecyclePage(std::vector<LifecycleRow>& rows) : rows_(rows) {
    index_.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) index_[rows[i].facts.customer_id] = i;
  }
  LifecycleFacts* Find(int64_t id) {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &rows_[it->second].facts;
  }

  template <typename Row>
  void AddOrders(const Row& r) {
    if (auto* f = Find(r.Int(0))) {
      f->purchase_days = r.Int(1);
      f->purchase_days_365 = r.Int(2);
      if (!r.IsNull(3)) f->last_purchase_day = r.Int(3);
    }
  }
  template <typename Row>
  void AddInteractions(const Row& r) {
    if (auto* f = Find(r.Int(0))) f->interactions = r.Int(1);
  }
  template <typename Row>
  void AddOpportunities(const Row& r) {
    if (auto* f = Find(r.Int(0))) {
      f->open_opportunities = r.IsNull(1) ? 0 : r.Int(1);
      f->won_opportunities = r.IsNull(2) ? 0 : r.Int(2);
    }
  }
  template <typename Row>
  void AddMetrics(const Row& r) {
    if (auto* f = Find(r.Int(0))) {
      if (!r.IsNull(1)) f->usual_interval_days = r.Real(1);
      if (!r.IsNull(2)) f->p_alive = r.Real(2);
      if (!r.IsNull(3)) f->churn_risk = r.Int(3) != 0;
    }
  }

 private:
  std::vector<LifecycleRow>& rows_;
  std::unordered_map<int64_t, size_t> index_;
};

template <typename Row>
LifecycleHistoryEntry ReadLifecycleHistory(const Row& r) {
  LifecycleHistoryEntry h;
  h.id = r.Int(0);
  h.customer_id = r.Int(1);
  h.at = r.Int(2);
  h.field = r.Text(3);
  h.from_value = r.Text(4);
  h.to_value = r.Text(5);
  h.source = r.Text(6);
  h.user_id = r.OptInt(7);
  h.user_name = r.Text(8);
  return h;
}

// What an override does to one customer's stored state.
struct LifecycleOverridePlan {
  LifecycleState after;
  bool insert_row = false;      // no customer_lifecycle row yet
  bool stage_changed = false;   // customer.lifecycle_stage (and version) change
  std::vector<LifecycleHistoryEntry> history;  // customer_id, field, from, to, source
};
// `before.ladder` nullopt means no row: it starts at the derived rung.
LifecycleOverridePlan PlanLifecycleOverride(const LifecycleState& before, const LifecycleOverride& o);
// JSON of a state for the audit row.
std::string LifecycleStateJson(const LifecycleState& s);

}  // namespace guanxi::store_rows
