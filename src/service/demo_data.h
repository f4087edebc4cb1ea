// Deterministic demo data: plausible Chinese customers (organisations and
// individuals) with contacts, and the sales side around them (a product
// catalogue, orders, opportunities with stage histories, sales reps, targets
// and payment plans), for first-login demos and benchmarks.
//
//   DemoDataGenerator gen;                       // default seed
//   DemoCustomer d = gen.Make(42);               // always the same 42nd customer
//   d.customer.created_at = gen.CreatedAt(42, now);
//
// Each record depends only on (seed, index): a counter-based PRNG is seeded from
// them, so records can be generated in any order, in chunks and in parallel, and
// the output is identical across platforms and standard libraries. Every
// generated Customer passes NormalizeCustomer unchanged, and every Contact (once
// its customer_id is set) passes NormalizeContact unchanged. Thread-safe: the
// generator is immutable after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/customer.h"
#include "domain/interaction.h"
#include "domain/sales.h"
#include "store/task_store.h"

namespace guanxi {

struct DemoCustomer {
  Customer customer;
  std::vector<Contact> contacts;  // customer_id left 0; individuals have none
};

// One order of a demo customer. order.customer_id, owner_user_id and the lines'
// product_id are left unset (the caller maps them); order.external_id is the
// customer's external id plus a purchase number ("DEMO-00000042-003"), unique.
struct DemoOrder {
  Order order;
  std::vector<size_t> line_products;  // index into DemoProducts() of each line
};

// The purchase model of Orders(): a rate scale found by PlanOrders.
struct DemoOrderPlan {
  uint32_t scale_pct = 100;  // purchase rates ×, churn ÷ this percentage
};

// One opportunity with its history. customer_id, owner_user_id and contact_id
// are left unset, as are the events' opportunity_id, user_id, user_login and
// owner_user_id: the caller maps customer_index to its customer and owner.
struct DemoOpportunity {
  int64_t customer_index = 0;
  Opportunity opportunity;
  std::vector<OpportunityEvent> events;  // oldest first: create, then stage/update moves
};

// A sales rep beyond the fixed demo users, for data sets with many owners.
struct DemoRep {
  std::string login;         // "rep.0001"
  std::string display_name;  // a Chinese name
  std::string team;          // a regional sales team ("华北销售部")
};

// The product catalogue the demo sells: office equipment, consumables,
// furniture, software and service contracts. Fixed (independent of the seed);
// every entry passes NormalizeProduct unchanged (ids and times left 0).
const std::vector<Product>& DemoProducts();

// The external id of the index-th demo customer: "DEMO-00000042".
std::string DemoCustomerExternalId(int64_t index);

// The orders import CSV (docs/sales-api.md): the header line, and the rows of
// one order (one row per line, amounts in yuan, ordered_at as ISO 8601 UTC).
std::string_view DemoOrderCsvHeader();
void AppendDemoOrderCsv(std::string& out, const std::string& customer_external_id, const DemoOrder& d);

class DemoDataGenerator {
 public:
  static constexpr uint64_t kDefaultSeed = 20261123;

  explicit DemoDataGenerator(uint64_t seed = kDefaultSeed) : seed_(seed) {}

  // The index-th demo customer. Fills every field except id, version,
  // owner_user_id, created_at and updated_at (left at their defaults);
  // external_id is "DEMO-" followed by the index zero-padded to 8 digits.
  // `index` should be non-negative.
  DemoCustomer Make(int64_t index) const;

  // A creation time for the index-th customer, spread over the ~3 years before
  // `now` (more recent times more likely, on working hours in Asia/Shanghai,
  // mostly on weekdays). Deterministic for (seed, index, now); never after `now`.
  UnixSeconds CreatedAt(int64_t index, UnixSeconds now) const;

  // ---- sales ----

  // The purchase plan giving about `orders_per_customer` orders per customer on
  // average over customers created by CreatedAt(·, now) (calibrated on a fixed
  // sample of customers, so deterministic).
  DemoOrderPlan PlanOrders(double orders_per_customer, UnixSeconds now) const;

  // The orders of the index-th customer (created at `created_at`) up to `now`,
  // oldest first: customers fall into purchase segments (never, one-off,
  // occasional, regular, frequent, wholesale) with their own purchase rate and a
  // chance to churn after each purchase (as BG/NBD assumes), a favourite product
  // they re-order, and a seasonal rhythm (Spring Festival dip, 618, Double 11,
  // year end). Each order passes NormalizeOrder once customer_id is set.
  std::vector<DemoOrder> Orders(int64_t index, UnixSeconds created_at, UnixSeconds now,
                                const DemoOrderPlan& plan) const;

  // The index-th opportunity among customers 0..customer_count-1 (mostly
  // organisations), created within the ~13 months before `now` (not before its
  // customer) and moved through the default stages over weeks: older ones are
  // won or lost (with a loss reason), some moved back a stage; open ones mostly
  // expect to close in the current or next quarter. Passes NormalizeOpportunity
  // once customer_id is set; events are consistent with the final state.
  DemoOpportunity MakeOpportunity(int64_t index, int64_t customer_count, UnixSeconds now) const;

  // The index-th extra sales rep (index >= 0).
  DemoRep MakeRep(int64_t index) const;

  // A quarterly target for a rep whose funnel for the quarter (won + open
  // weighted by the default win rates, in fen) is `funnel`: 85..125 % of it,
  // rounded up to 10,000 yuan, at least 100,000 yuan. Deterministic per
  // (seed, rep key, quarter).
  int64_t TargetFor(int64_t rep_key, std::string_view quarter, int64_t funnel) const;

  // A payment plan for a won opportunity: two to four instalments from its
  // close day, summing to its amount; and the receipts paid on it by `today`
  // (the older instalments paid in full, sometimes late or in part).
  std::vector<Instalment> PaymentPlan(const Opportunity& won) const;
  std::vector<Receipt> Receipts(const Opportunity& won, const std::vector<Instalment>& plan,
                                std::string_view today) const;

  // ---- relationship work ----

  // The interaction history of the index-th customer (created at `created_at`,
  // with `purchases` orders): 0..12 contacts between its creation and `now`,
  // oldest first, on weighted channels (phone, WeChat, visits, email …) with
  // Chinese subjects, summaries and outcomes of an office-supplies seller.
  // Customers who buy are contacted more. customer_id and user_id are left
  // unset (the caller maps them: the customer's owner); created_at and
  // updated_at equal `at`. Each passes ValidateInteraction(·, now) once
  // customer_id is set; none lies after `now`.
  std::vector<Interaction> Interactions(int64_t index, UnixSeconds created_at, UnixSeconds now,
                                        int64_t purchases) const;

  // The follow-up tasks of the index-th customer: about a third have one open
  // follow-up (due up to 14 days ago, today, or up to 21 days ahead, as Asia/
  // Shanghai days relative to `now`; some with a time of day), and some have
  // done return visits and follow-ups in the past. Origin manual, no dedupe key;
  // customer_id, assignee_user_id, created_by and completed_by are left unset
  // (the caller sets the customer's owner). Times never after `now` nor before
  // `created_at`.
  std::vector<Task> Tasks(int64_t index, UnixSeconds created_at, UnixSeconds now) const;

  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
};

}  // namespace guanxi
