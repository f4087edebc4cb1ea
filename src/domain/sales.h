// The sales side's value types (METHODOLOGY.md §5): products, orders with
// lines, opportunities moving through configurable stages, stage history,
// sales targets, payment plans and receipts, playbook entries and buying-centre
// roles; with their vocabularies and validation. No I/O; pure and thread-safe.
//
// Money is integer fen (分) in int64. Calendar dates are "YYYY-MM-DD" strings in
// the business time zone (Asia/Shanghai, UTC+8 without daylight saving); a
// quarter is "YYYYQn". Win rates are stored as basis points (0..10000) so that
// no floating point touches money; the API shows them as 0..1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/customer.h"
#include "domain/status.h"

namespace guanxi {

// Largest amount any money field accepts: 1e12 fen = 100 亿元. Anything larger is
// a typing error, not a deal.
inline constexpr int64_t kMaxMoneyFen = 1'000'000'000'000;
inline constexpr int kWinRateScale = 10000;  // basis points per 1.0

// ----------------------------------------------------------------- products
struct Product {
  int64_t id = 0;
  int64_t version = 0;
  std::string code;  // unique, e.g. "GX-PRO-01"
  std::string name;
  std::string category;
  int64_t list_price = 0;  // fen
  bool active = true;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
};
Status NormalizeProduct(Product& p);

// ------------------------------------------------------------------- orders
enum class OrderStatus { kPlaced, kPaid, kRefunded, kCancelled };
// 渠道 of an order.
enum class OrderChannel { kDirect, kOnline, kStore, kPhone, kWechat, kDistributor, kOther };
std::string_view ToString(OrderStatus v);
std::string_view ToString(OrderChannel v);
std::optional<OrderStatus> ParseOrderStatus(std::string_view s);
std::optional<OrderChannel> ParseOrderChannel(std::string_view s);
const std::vector<std::string_view>& OrderStatusNames();
const std::vector<std::string_view>& OrderChannelNames();
// Refunded and cancelled orders count as no sale anywhere (funnel, analytics).
inline bool CountsAsSale(OrderStatus s) { return s == OrderStatus::kPlaced || s == OrderStatus::kPaid; }

struct OrderLine {
  std::optional<int64_t> product_id;  // nullopt for a line imported without a known product
  std::string description;            // product name at the time, or imported text
  int64_t quantity = 1;               // > 0
  int64_t unit_price = 0;             // fen, >= 0
  int64_t discount = 0;               // fen off the line, 0 <= discount <= quantity*unit_price
  int64_t LineTotal() const { return quantity * unit_price - discount; }
  bool operator==(const OrderLine&) const = default;
};

struct Order {
  int64_t id = 0;
  int64_t version = 0;
  std::string external_id;  // the order id of an imported order; unique when set
  int64_t customer_id = 0;
  // The rep credited with the sale; defaults to the customer's owner when created.
  std::optional<int64_t> owner_user_id;
  // The opportunity the order fulfils; orders with none may be out-of-funnel sales.
  std::optional<int64_t> opportunity_id;
  UnixSeconds ordered_at = 0;
  OrderChannel channel = OrderChannel::kDirect;
  OrderStatus status = OrderStatus::kPlaced;
  int64_t total = 0;  // fen; Σ line totals when there are lines
  std::vector<OrderLine> lines;
  std::string note;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
};
// Checks lines and amounts; with lines, sets total to their sum (a given total
// that differs is an error on "total"); without lines, total must be given (> 0).
// A total of 0 with lines counts as not given. Line errors name "lines[i].quantity" etc.
Status NormalizeOrder(Order& o);

// ------------------------------------------------------------------- stages
enum class StageKind { kOpen, kWon, kLost };
std::string_view ToString(StageKind v);

struct Stage {
  std::string key;  // [a-z0-9_]{1,40}
  std::string name_zh;
  std::string name_en;
  int win_rate_bp = 0;  // 0..10000
  int position = 0;     // order in the funnel, 0 first
  StageKind kind = StageKind::kOpen;
  bool operator==(const Stage&) const = default;
};
// customer_analysis, build_trust, uncover_needs, present_value, win_commitment,
// collect_payment (open, in this order), then won (10000) and lost (0).
const std::vector<Stage>& DefaultStages();
inline constexpr std::string_view kWonStage = "won";
inline constexpr std::string_view kLostStage = "lost";
// Checks a full stage configuration: unique well-formed keys, names present,
// rates within 0..10000, at least one open stage, won and lost present exactly
// once with kinds kWon/kLost. Renumbers positions in list order, moving won and
// lost after the open stages. Errors name "stages[i].key" etc., or "stages".
Status NormalizeStages(std::vector<Stage>& stages);

// ------------------------------------------------------------ opportunities
struct Opportunity {
  int64_t id = 0;
  int64_t version = 0;
  int64_t customer_id = 0;
  std::optional<int64_t> contact_id;  // main contact, of the same customer
  std::string title;
  int64_t amount = 0;  // fen, 0..kMaxMoneyFen
  std::optional<int64_t> owner_user_id;
  std::string expected_close;  // "YYYY-MM-DD"
  std::string stage;           // a stage key
  // Set when the stage is won or lost: the day it closed ("YYYY-MM-DD").
  std::string closed_on;
  // MAN qualification: upper case = has it (see ManAdvice).
  bool money = false;
  bool authority = false;
  bool need = false;
  std::string competitor;
  std::string loss_reason;  // required when lost
  std::string next_step;
  std::string notes;
  UnixSeconds stage_entered_at = 0;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
};
// Checks fields that need no stage list (title, amount, dates, lengths); an
// empty stage is left for the caller to default, a non-empty one must be key-shaped.
Status NormalizeOpportunity(Opportunity& o);

// The methodology's MAN advice for a combination of flags.
struct ManAdvice {
  std::string code;       // "MAN", "MAn", "MaN", "mAN", "maN", "mAn", "Man", "man"
  std::string action;     // "pursue" | "contact" | "cultivate" | "stop"
  std::string advice_zh;
  std::string advice_en;
};
ManAdvice AdviseMan(bool money, bool authority, bool need);

// One row of an opportunity's history: the state after a change.
struct OpportunityEvent {
  int64_t id = 0;
  int64_t opportunity_id = 0;
  UnixSeconds at = 0;
  std::optional<int64_t> user_id;
  std::string user_login;
  std::string kind;        // "create" | "stage" | "update"
  std::string from_stage;  // "" for create and update
  std::string to_stage;    // the stage after the change
  int64_t amount = 0;
  std::string expected_close;
  std::optional<int64_t> owner_user_id;
};

// ------------------------------------------------------------------ targets
enum class TargetScope { kUser, kTeam, kCompany };
std::string_view ToString(TargetScope v);
std::optional<TargetScope> ParseTargetScope(std::string_view s);

struct SalesTarget {
  int64_t id = 0;
  std::string quarter;  // "2026Q4"
  TargetScope scope = TargetScope::kUser;
  std::optional<int64_t> subject_id;  // user id or team id; nullopt for the company
  int64_t amount = 0;                 // fen, > 0
  UnixSeconds updated_at = 0;
};

// ------------------------------------------------------ quarters and weeks
struct Quarter {
  int year = 0;
  int q = 0;  // 1..4
  std::string first_day;  // "YYYY-MM-DD"
  std::string last_day;   // "YYYY-MM-DD"
  std::string Name() const;  // "2026Q4"
};
// "YYYYQn" exactly (upper-case Q, n 1..4, year 1900..2100); nullopt otherwise.
std::optional<Quarter> ParseQuarter(std::string_view s);
// The quarter containing `day` ("YYYY-MM-DD"). This and the day helpers below
// expect valid days (IsValidDate); an invalid one is read as 1970-01-01.
// Calendar arithmetic uses std::chrono (proleptic Gregorian).
Quarter QuarterOf(std::string_view day);
// Business-day helpers (Asia/Shanghai, UTC+8).
std::string BusinessDay(UnixSeconds t);               // "YYYY-MM-DD"
UnixSeconds StartOfBusinessDay(std::string_view day);  // UTC seconds of 00:00 +08:00
bool IsValidDate(std::string_view day);                // a real "YYYY-MM-DD", year 1900..2100
// The Monday starting the week of `day`.
std::string WeekStart(std::string_view day);
std::string AddDays(std::string_view day, int days);
int DaysBetween(std::string_view from, std::string_view to);  // to − from

// ------------------------------------------------------------- receivables
// A payment plan belongs to a won opportunity or to an order (exactly one).
struct Instalment {
  int64_t id = 0;
  std::optional<int64_t> opportunity_id;
  std::optional<int64_t> order_id;
  std::string due_on;  // "YYYY-MM-DD"
  int64_t amount = 0;  // fen, > 0
  std::string note;
};
struct Receipt {
  int64_t id = 0;
  std::optional<int64_t> opportunity_id;
  std::optional<int64_t> order_id;
  std::string received_on;  // "YYYY-MM-DD"
  int64_t amount = 0;       // fen, > 0
  std::string method;       // "bank_transfer" | "cash" | "cheque" | "alipay" | "wechat_pay" | "other"
  std::string note;
  std::optional<int64_t> user_id;
  UnixSeconds created_at = 0;
};
const std::vector<std::string_view>& PaymentMethodNames();
// The owner ids are set by the caller from the URL; setting both is an error on
// "order_id". Due/received days are required; a receipt's method is required.
Status NormalizeInstalment(Instalment& i);
Status NormalizeReceipt(Receipt& r);

// ---------------------------------------------------------------- playbook
// 话术库 situations (METHODOLOGY.md §5) plus "general" for stage advice and FFAB.
const std::vector<std::string_view>& PlaybookSituationNames();
struct PlaybookEntry {
  int64_t id = 0;
  int64_t version = 0;
  std::string stage;      // a stage key, or "" for every stage
  std::string situation;  // one of PlaybookSituationNames()
  std::string kind;       // "objection" | "ffab" | "tip"
  std::string locale;     // "zh" | "en"
  std::string title;
  std::string body;  // the script; FFAB entries use "Feature/Function/Advantage/Benefit" lines
  int position = 0;
  UnixSeconds updated_at = 0;
};
Status NormalizePlaybookEntry(PlaybookEntry& e);
// The set shipped with the product, written for it, in Chinese and English.
const std::vector<PlaybookEntry>& DefaultPlaybook();

// ------------------------------------------------------------ buying centre
enum class BuyingRole { kDecisionMaker, kApprover, kUser, kTechnicalGatekeeper,
                        kFinancialGatekeeper, kPurchaser, kInfluencer };
enum class Attitude { kChampion, kSupporter, kNeutral, kSkeptic, kOpponent };
std::string_view ToString(BuyingRole v);
std::string_view ToString(Attitude v);
std::optional<BuyingRole> ParseBuyingRole(std::string_view s);
std::optional<Attitude> ParseAttitude(std::string_view s);
const std::vector<std::string_view>& BuyingRoleNames();
const std::vector<std::string_view>& AttitudeNames();

// One contact's part in an opportunity's purchase decision.
struct BuyingCentreMember {
  int64_t id = 0;
  int64_t opportunity_id = 0;
  int64_t contact_id = 0;
  BuyingRole role = BuyingRole::kInfluencer;
  Attitude attitude = Attitude::kNeutral;
  int influence = 3;  // 1 (little) .. 5 (decisive)
  // The member this one reports to in the decision chain (a member id of the
  // same opportunity), drawn as the edge of the diagram.
  std::optional<int64_t> reports_to;
  std::string note;
};
Status NormalizeBuyingCentreMember(BuyingCentreMember& m);

}  // namespace guanxi
