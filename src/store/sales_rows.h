// Sales rows as both store backends read them (like store/rows.h): column
// lists, row readers and the compact JSON of each record for the audit log.
// Internal to src/store/.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/sales.h"
#include "store/sales_store.h"

namespace guanxi::store_rows {

constexpr char kProductColumns[] =
    "id, version, code, name, category, list_price, active, created_at, updated_at";

template <typename Row>
Product ReadProduct(const Row& s) {
  Product p;
  p.id = s.Int(0);
  p.version = s.Int(1);
  p.code = s.Text(2);
  p.name = s.Text(3);
  p.category = s.Text(4);
  p.list_price = s.Int(5);
  p.active = s.Int(6) != 0;
  p.created_at = s.Int(7);
  p.updated_at = s.Int(8);
  return p;
}

constexpr char kOrderColumns[] =
    "id, version, external_id, customer_id, owner_user_id, opportunity_id, ordered_at, channel, "
    "status, total, note, created_at, updated_at";

template <typename Row>
Order ReadOrder(const Row& s) {
  Order o;
  o.id = s.Int(0);
  o.version = s.Int(1);
  o.external_id = s.Text(2);
  o.customer_id = s.Int(3);
  o.owner_user_id = s.OptInt(4);
  o.opportunity_id = s.OptInt(5);
  o.ordered_at = s.Int(6);
  o.channel = ParseOrderChannel(s.Text(7)).value_or(OrderChannel::kOther);
  o.status = ParseOrderStatus(s.Text(8)).value_or(OrderStatus::kPlaced);
  o.total = s.Int(9);
  o.note = s.Text(10);
  o.created_at = s.Int(11);
  o.updated_at = s.Int(12);
  return o;
}

constexpr char kOrderLineColumns[] = "product_id, description, quantity, unit_price, discount";

template <typename Row>
OrderLine ReadOrderLine(const Row& s) {
  OrderLine l;
  l.product_id = s.OptInt(0);
  l.description = s.Text(1);
  l.quantity = s.Int(2);
  l.unit_price = s.Int(3);
  l.discount = s.Int(4);
  return l;
}

constexpr char kStageColumns[] = "key, name_zh, name_en, win_rate_bp, position, kind";

template <typename Row>
Stage ReadStage(const Row& s) {
  Stage st;
  st.key = s.Text(0);
  st.name_zh = s.Text(1);
  st.name_en = s.Text(2);
  st.win_rate_bp = static_cast<int>(s.Int(3));
  st.position = static_cast<int>(s.Int(4));
  const std::string kind = s.Text(5);
  st.kind = kind == "won" ? StageKind::kWon : kind == "lost" ? StageKind::kLost : StageKind::kOpen;
  return st;
}

constexpr char kOpportunityColumns[] =
    "id, version, customer_id, contact_id, title, amount, owner_user_id, expected_close, stage, "
    "closed_on, money, authority, need, competitor, loss_reason, next_step, notes, "
    "stage_entered_at, created_at, updated_at";

template <typename Row>
Opportunity ReadOpportunity(const Row& s) {
  Opportunity o;
  o.id = s.Int(0);
  o.version = s.Int(1);
  o.customer_id = s.Int(2);
  o.contact_id = s.OptInt(3);
  o.title = s.Text(4);
  o.amount = s.Int(5);
  o.owner_user_id = s.OptInt(6);
  o.expected_close = s.Text(7);
  o.stage = s.Text(8);
  o.closed_on = s.Text(9);
  o.money = s.Int(10) != 0;
  o.authority = s.Int(11) != 0;
  o.need = s.Int(12) != 0;
  o.competitor = s.Text(13);
  o.loss_reason = s.Text(14);
  o.next_step = s.Text(15);
  o.notes = s.Text(16);
  o.stage_entered_at = s.Int(17);
  o.created_at = s.Int(18);
  o.updated_at = s.Int(19);
  return o;
}

constexpr char kEventColumns[] =
    "id, opportunity_id, at, user_id, user_login, kind, from_stage, to_stage, amount, "
    "expected_close, owner_user_id";

template <typename Row>
OpportunityEvent ReadEvent(const Row& s) {
  OpportunityEvent e;
  e.id = s.Int(0);
  e.opportunity_id = s.Int(1);
  e.at = s.Int(2);
  e.user_id = s.OptInt(3);
  e.user_login = s.Text(4);
  e.kind = s.Text(5);
  e.from_stage = s.Text(6);
  e.to_stage = s.Text(7);
  e.amount = s.Int(8);
  e.expected_close = s.Text(9);
  e.owner_user_id = s.OptInt(10);
  return e;
}

constexpr char kTargetColumns[] = "id, quarter, scope, subject_id, amount, updated_at";

template <typename Row>
SalesTarget ReadTarget(const Row& s) {
  SalesTarget t;
  t.id = s.Int(0);
  t.quarter = s.Text(1);
  t.scope = ParseTargetScope(s.Text(2)).value_or(TargetScope::kUser);
  // subject_id 0 stands for "none" (the company).
  if (s.Int(3) != 0) t.subject_id = s.Int(3);
  t.amount = s.Int(4);
  t.updated_at = s.Int(5);
  return t;
}

constexpr char kInstalmentColumns[] = "id, opportunity_id, order_id, due_on, amount, note";

template <typename Row>
Instalment ReadInstalment(const Row& s) {
  Instalment i;
  i.id = s.Int(0);
  i.opportunity_id = s.OptInt(1);
  i.order_id = s.OptInt(2);
  i.due_on = s.Text(3);
  i.amount = s.Int(4);
  i.note = s.Text(5);
  return i;
}

constexpr char kReceiptColumns[] =
    "id, opportunity_id, order_id, received_on, amount, method, note, user_id, created_at";

template <typename Row>
Receipt ReadReceipt(const Row& s) {
  Receipt r;
  r.id = s.Int(0);
  r.opportunity_id = s.OptInt(1);
  r.order_id = s.OptInt(2);
  r.received_on = s.Text(3);
  r.amount = s.Int(4);
  r.method = s.Text(5);
  r.note = s.Text(6);
  r.user_id = s.OptInt(7);
  r.created_at = s.Int(8);
  return r;
}

constexpr char kPlaybookColumns[] =
    "id, version, stage, situation, kind, locale, title, body, position, updated_at";

template <typename Row>
PlaybookEntry ReadPlaybookEntry(const Row& s) {
  PlaybookEntry e;
  e.id = s.Int(0);
  e.version = s.Int(1);
  e.stage = s.Text(2);
  e.situation = s.Text(3);
  e.kind = s.Text(4);
  e.locale = s.Text(5);
  e.title = s.Text(6);
  e.body = s.Text(7);
  e.position = static_cast<int>(s.Int(8));
  e.updated_at = s.Int(9);
  return e;
}

constexpr char kBuyingCentreColumns[] =
    "id, opportunity_id, contact_id, role, attitude, influence, reports_to, note";

template <typename Row>
BuyingCentreMember ReadBuyingCentreMember(const Row& s) {
  BuyingCentreMember m;
  m.id = s.Int(0);
  m.opportunity_id = s.Int(1);
  m.contact_id = s.Int(2);
  m.role = ParseBuyingRole(s.Text(3)).value_or(BuyingRole::kInfluencer);
  m.attitude = ParseAttitude(s.Text(4)).value_or(Attitude::kNeutral);
  m.influence = static_cast<int>(s.Int(5));
  m.reports_to = s.OptInt(6);
  m.note = s.Text(7);
  return m;
}

// forecast_snapshot's columns after (quarter, week_start, owner_user_id).
constexpr char kSnapshotColumns[] =
    "quarter, week_start, owner_user_id, taken_at, closed, closed_count, lost, lost_count, "
    "out_of_funnel, out_of_funnel_count, open_by_stage";

// open_by_stage as stored: {"stage_key":[amount,count],...}.
std::string OpenByStageToJson(const std::map<std::string, OwnerFunnel::StageSum>& open);
std::map<std::string, OwnerFunnel::StageSum> OpenByStageFromJson(const std::string& json);

template <typename Row>
ForecastSnapshot ReadSnapshot(const Row& s) {
  ForecastSnapshot f;
  f.quarter = s.Text(0);
  f.week_start = s.Text(1);
  if (s.Int(2) != 0) f.funnel.owner_user_id = s.Int(2);
  f.taken_at = s.Int(3);
  f.funnel.closed = s.Int(4);
  f.funnel.closed_count = s.Int(5);
  f.funnel.lost = s.Int(6);
  f.funnel.lost_count = s.Int(7);
  f.funnel.out_of_funnel = s.Int(8);
  f.funnel.out_of_funnel_count = s.Int(9);
  f.funnel.open = OpenByStageFromJson(s.Text(10));
  return f;
}

// Compact JSON of each record, for audit before/after.
std::string ProductToJson(const Product& p);
std::string OrderToJson(const Order& o);  // with its lines
std::string OpportunityToJson(const Opportunity& o);
std::string StagesToJson(const std::vector<Stage>& stages);
std::string SalesSettingsToJson(const SalesSettings& s);
std::string TargetToJson(const SalesTarget& t);
std::string InstalmentsToJson(const std::vector<Instalment>& plan);
std::string ReceiptToJson(const Receipt& r);
std::string PlaybookEntryToJson(const PlaybookEntry& e);
std::string BuyingCentreMemberToJson(const BuyingCentreMember& m);

// Whether an order is an out-of-funnel sale under `threshold` (sales_day's rule).
inline bool CountsOutOfFunnel(const Order& o, int64_t threshold) {
  return !o.opportunity_id && CountsAsSale(o.status) && threshold > 0 && o.total < threshold;
}

// The cursor parts of each sales list's order (both backends page alike).
inline std::vector<std::string> ProductCursor(const Product& p) { return {p.code}; }
inline std::vector<std::string> OrderCursor(const Order& o) {
  return {std::to_string(o.ordered_at), std::to_string(o.id)};
}
inline std::vector<std::string> OpportunityCursor(const Opportunity& o) {
  return {std::to_string(o.updated_at), std::to_string(o.id)};
}

}  // namespace guanxi::store_rows
