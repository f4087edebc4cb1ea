#include "domain/sales.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <set>
#include <utility>

#include "domain/field_check.h"
#include "domain/search_text.h"

namespace guanxi {
namespace {

using namespace domain_internal;  // NOLINT(google-build-using-namespace): shared checks
namespace chr = std::chrono;

// ---- Vocabularies ----------------------------------------------------------

constexpr std::array<std::string_view, 4> kOrderStatusNames = {"placed", "paid", "refunded",
                                                               "cancelled"};
constexpr std::array<std::string_view, 7> kOrderChannelNames = {
    "direct", "online", "store", "phone", "wechat", "distributor", "other"};
constexpr std::array<std::string_view, 3> kStageKindNames = {"open", "won", "lost"};
constexpr std::array<std::string_view, 3> kTargetScopeNames = {"user", "team", "company"};
constexpr std::array<std::string_view, 7> kBuyingRoleNames = {
    "decision_maker",       "approver",  "user",      "technical_gatekeeper",
    "financial_gatekeeper", "purchaser", "influencer"};
constexpr std::array<std::string_view, 5> kAttitudeNames = {"champion", "supporter", "neutral",
                                                            "skeptic", "opponent"};
constexpr std::array<std::string_view, 6> kPaymentMethodNames = {
    "bank_transfer", "cash", "cheque", "alipay", "wechat_pay", "other"};
constexpr std::array<std::string_view, 7> kSituationNames = {
    "no_need",        "have_supplier",  "wrong_person", "no_budget",
    "price_too_high", "unhappy_before", "general"};
constexpr std::array<std::string_view, 3> kPlaybookKinds = {"objection", "ffab", "tip"};
constexpr std::array<std::string_view, 2> kLocales = {"zh", "en"};

// ---- Field checks (the same rules as customer.cc) --------------------------

constexpr int64_t kMaxQuantity = 1'000'000;
constexpr size_t kMaxOrderLines = 1000;
constexpr size_t kMaxStageKeyChars = 40;
constexpr size_t kMaxStages = 30;
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2100;
// Asia/Shanghai has kept UTC+8 without daylight saving since 1991.
constexpr int64_t kBusinessUtcOffset = 8 * 3600;
constexpr int64_t kSecondsPerDay = 86400;

// Money in fen within [min, kMaxMoneyFen].
bool CheckMoney(FieldErrors& errors, const std::string& field, int64_t value, int64_t min) {
  if (value < min) {
    errors.Add(field, min > 0 ? "must be greater than 0" : "must not be negative");
    return false;
  }
  if (value > kMaxMoneyFen) {
    errors.Add(field, "must be at most " + std::to_string(kMaxMoneyFen) + " fen");
    return false;
  }
  return true;
}

void CheckOptionalId(FieldErrors& errors, const std::string& field,
                     const std::optional<int64_t>& id, const char* what) {
  if (id.has_value() && *id <= 0) errors.Add(field, std::string("must be a positive ") + what);
}

// Trims and checks a "YYYY-MM-DD" field.
void CheckDay(FieldErrors& errors, const std::string& field, std::string& value, bool required) {
  if (!IsValidUtf8(value)) {
    errors.Add(field, "is not valid UTF-8");
    return;
  }
  value = std::string(TrimWhitespace(value));
  if (value.empty()) {
    if (required) errors.Add(field, "is required");
    return;
  }
  if (!IsValidDate(value)) errors.Add(field, "must be a real date as YYYY-MM-DD (year 1900-2100)");
}

template <size_t N>
void CheckOneOf(FieldErrors& errors, const std::string& field, std::string& value,
                const std::array<std::string_view, N>& names) {
  if (!IsValidUtf8(value)) {
    errors.Add(field, "is not valid UTF-8");
    return;
  }
  value = std::string(TrimWhitespace(value));
  for (std::string_view n : names) {
    if (n == value) return;
  }
  std::string list;
  for (std::string_view n : names) list += (list.empty() ? "" : ", ") + std::string(n);
  errors.Add(field,
             value.empty() ? "is required (one of: " + list + ")" : "must be one of: " + list);
}

bool IsStageKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxStageKeyChars) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

constexpr const char* kStageKeyRule = "must be 1-40 characters of a-z, 0-9 and _";

// ---- Calendar --------------------------------------------------------------

bool ParseDigits(std::string_view s, int* out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return !s.empty();
}

// The calendar day of a valid "YYYY-MM-DD"; nullopt otherwise.
std::optional<chr::year_month_day> ParseDay(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!ParseDigits(s.substr(0, 4), &y) || !ParseDigits(s.substr(5, 2), &m) ||
      !ParseDigits(s.substr(8, 2), &d)) {
    return std::nullopt;
  }
  if (y < kMinYear || y > kMaxYear) return std::nullopt;
  chr::year_month_day ymd{chr::year{y}, chr::month{static_cast<unsigned>(m)},
                          chr::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string FormatDay(const chr::year_month_day& ymd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

chr::sys_days DaysOf(std::string_view day) {
  auto ymd = ParseDay(day);
  return ymd ? chr::sys_days{*ymd} : chr::sys_days{};
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

// ---- Vocabularies ----------------------------------------------------------

std::string_view ToString(OrderStatus v) { return NameOf(kOrderStatusNames, v); }
std::string_view ToString(OrderChannel v) { return NameOf(kOrderChannelNames, v); }
std::string_view ToString(StageKind v) { return NameOf(kStageKindNames, v); }
std::string_view ToString(TargetScope v) { return NameOf(kTargetScopeNames, v); }
std::string_view ToString(BuyingRole v) { return NameOf(kBuyingRoleNames, v); }
std::string_view ToString(Attitude v) { return NameOf(kAttitudeNames, v); }

std::optional<OrderStatus> ParseOrderStatus(std::string_view s) {
  return ParseName<OrderStatus>(kOrderStatusNames, s);
}
std::optional<OrderChannel> ParseOrderChannel(std::string_view s) {
  return ParseName<OrderChannel>(kOrderChannelNames, s);
}
std::optional<TargetScope> ParseTargetScope(std::string_view s) {
  return ParseName<TargetScope>(kTargetScopeNames, s);
}
std::optional<BuyingRole> ParseBuyingRole(std::string_view s) {
  return ParseName<BuyingRole>(kBuyingRoleNames, s);
}
std::optional<Attitude> ParseAttitude(std::string_view s) {
  return ParseName<Attitude>(kAttitudeNames, s);
}

const std::vector<std::string_view>& OrderStatusNames() {
  static const std::vector<std::string_view> names = ToVector(kOrderStatusNames);
  return names;
}
const std::vector<std::string_view>& OrderChannelNames() {
  static const std::vector<std::string_view> names = ToVector(kOrderChannelNames);
  return names;
}
const std::vector<std::string_view>& BuyingRoleNames() {
  static const std::vector<std::string_view> names = ToVector(kBuyingRoleNames);
  return names;
}
const std::vector<std::string_view>& AttitudeNames() {
  static const std::vector<std::string_view> names = ToVector(kAttitudeNames);
  return names;
}
const std::vector<std::string_view>& PaymentMethodNames() {
  static const std::vector<std::string_view> names = ToVector(kPaymentMethodNames);
  return names;
}
const std::vector<std::string_view>& PlaybookSituationNames() {
  static const std::vector<std::string_view> names = ToVector(kSituationNames);
  return names;
}

// ---- Products and orders ---------------------------------------------------

Status NormalizeProduct(Product& product) {
  Product p = product;  // `product` changes only when every field is valid
  FieldErrors errors;
  CheckText(errors, "code", p.code, kMaxShortTextChars, /*required=*/true);
  CheckText(errors, "name", p.name, kMaxNameChars, /*required=*/true);
  CheckText(errors, "category", p.category, kMaxShortTextChars, false);
  CheckMoney(errors, "list_price", p.list_price, 0);
  if (!errors.empty()) return std::move(errors).ToStatus("invalid product");
  product = std::move(p);
  return Status::Ok();
}

Status NormalizeOrder(Order& order) {
  Order o = order;
  FieldErrors errors;

  if (o.customer_id <= 0) errors.Add("customer_id", "must be a positive customer id");
  CheckOptionalId(errors, "owner_user_id", o.owner_user_id, "user id");
  CheckOptionalId(errors, "opportunity_id", o.opportunity_id, "opportunity id");
  if (o.ordered_at < 0) errors.Add("ordered_at", "must not be before 1970");
  CheckText(errors, "external_id", o.external_id, kMaxShortTextChars, false);
  CheckText(errors, "note", o.note, kMaxNotesChars, false, Lines::kMulti);

  if (o.lines.size() > kMaxOrderLines) {
    errors.Add("lines", "must have at most " + std::to_string(kMaxOrderLines) + " lines");
  } else if (!o.lines.empty()) {
    bool lines_ok = true;
    int64_t sum = 0;  // ≤ kMaxOrderLines × kMaxMoneyFen = 1e15: no overflow
    for (size_t i = 0; i < o.lines.size(); ++i) {
      OrderLine& line = o.lines[i];
      const std::string prefix = "lines[" + std::to_string(i) + "].";
      bool text_ok = true;
      if (line.product_id.has_value() && *line.product_id <= 0) {
        errors.Add(prefix + "product_id", "must be a positive product id");
        text_ok = false;
      }
      text_ok &= CheckText(errors, prefix + "description", line.description, kMaxNameChars, false);
      bool amounts_ok = true;
      if (line.quantity <= 0) {
        errors.Add(prefix + "quantity", "must be greater than 0");
        amounts_ok = false;
      } else if (line.quantity > kMaxQuantity) {
        errors.Add(prefix + "quantity", "must be at most " + std::to_string(kMaxQuantity));
        amounts_ok = false;
      }
      amounts_ok &= CheckMoney(errors, prefix + "unit_price", line.unit_price, 0);
      amounts_ok &= CheckMoney(errors, prefix + "discount", line.discount, 0);
      if (amounts_ok) {
        // quantity ≤ 1e6 and unit_price ≤ 1e12: the product fits in int64 (≤ 1e18).
        const int64_t gross = line.quantity * line.unit_price;
        if (line.discount > gross) {
          errors.Add(prefix + "discount",
                     "must not exceed the line amount (quantity × unit_price)");
          amounts_ok = false;
        } else if (gross - line.discount > kMaxMoneyFen) {
          errors.Add(prefix + "unit_price",
                     "makes the line total exceed " + std::to_string(kMaxMoneyFen) + " fen");
          amounts_ok = false;
        } else {
          sum += line.LineTotal();
        }
      }
      lines_ok &= text_ok && amounts_ok;
    }
    if (lines_ok) {
      if (sum > kMaxMoneyFen) {
        errors.Add("total", "the lines sum to more than " + std::to_string(kMaxMoneyFen) + " fen");
      } else if (o.total != 0 && o.total != sum) {
        errors.Add("total", "is " + std::to_string(o.total) + " but the lines sum to " +
                                std::to_string(sum));
      } else {
        o.total = sum;
      }
    }
  } else {
    CheckMoney(errors, "total", o.total, 1);
  }

  if (!errors.empty()) return std::move(errors).ToStatus("invalid order");
  order = std::move(o);
  return Status::Ok();
}

// ---- Stages ----------------------------------------------------------------

const std::vector<Stage>& DefaultStages() {
  static const std::vector<Stage> stages = {
      {"customer_analysis", "客户分析", "Customer analysis", 500, 0, StageKind::kOpen},
      {"build_trust", "建立信任", "Build trust", 1000, 1, StageKind::kOpen},
      {"uncover_needs", "挖掘需求", "Uncover needs", 2500, 2, StageKind::kOpen},
      {"present_value", "呈现价值", "Present value", 5000, 3, StageKind::kOpen},
      {"win_commitment", "赢取承诺", "Win commitment", 7500, 4, StageKind::kOpen},
      {"collect_payment", "回收账款", "Collect payment", 9000, 5, StageKind::kOpen},
      {"won", "赢单", "Won", 10000, 6, StageKind::kWon},
      {"lost", "输单", "Lost", 0, 7, StageKind::kLost},
  };
  return stages;
}

Status NormalizeStages(std::vector<Stage>& stages) {
  std::vector<Stage> s = stages;
  FieldErrors errors;
  if (s.size() > kMaxStages) {
    errors.Add("stages", "must have at most " + std::to_string(kMaxStages) + " stages");
    return std::move(errors).ToStatus("invalid stages");
  }
  std::set<std::string> keys;
  int open = 0, won = 0, lost = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    Stage& st = s[i];
    const std::string prefix = "stages[" + std::to_string(i) + "].";
    st.key = std::string(TrimWhitespace(st.key));
    if (!IsStageKey(st.key)) {
      errors.Add(prefix + "key", kStageKeyRule);
    } else if (!keys.insert(st.key).second) {
      errors.Add(prefix + "key", "is used by more than one stage");
    }
    CheckText(errors, prefix + "name_zh", st.name_zh, kMaxShortTextChars, /*required=*/true);
    CheckText(errors, prefix + "name_en", st.name_en, kMaxShortTextChars, /*required=*/true);
    if (st.win_rate_bp < 0 || st.win_rate_bp > kWinRateScale) {
      errors.Add(prefix + "win_rate", "must be between 0 and 1");
    }
    switch (st.kind) {
      case StageKind::kOpen:
        ++open;
        if (st.key == kWonStage || st.key == kLostStage) {
          errors.Add(prefix + "kind", "must be " + st.key + " for the stage " + st.key);
        }
        break;
      case StageKind::kWon:
        ++won;
        if (st.key != kWonStage) errors.Add(prefix + "key", "must be won for the won stage");
        if (st.win_rate_bp != kWinRateScale) errors.Add(prefix + "win_rate", "must be 1 for won");
        break;
      case StageKind::kLost:
        ++lost;
        if (st.key != kLostStage) errors.Add(prefix + "key", "must be lost for the lost stage");
        if (st.win_rate_bp != 0) errors.Add(prefix + "win_rate", "must be 0 for lost");
        break;
    }
  }
  if (open == 0) errors.Add("stages", "need at least one open stage");
  if (won != 1) errors.Add("stages", "need exactly one won stage");
  if (lost != 1) errors.Add("stages", "need exactly one lost stage");
  if (!errors.empty()) return std::move(errors).ToStatus("invalid stages");

  // Open stages keep their order; won and lost go last.
  std::stable_partition(s.begin(), s.end(),
                        [](const Stage& st) { return st.kind == StageKind::kOpen; });
  std::stable_partition(s.begin(), s.end(),
                        [](const Stage& st) { return st.kind != StageKind::kLost; });
  for (size_t i = 0; i < s.size(); ++i) s[i].position = static_cast<int>(i);
  stages = std::move(s);
  return Status::Ok();
}

// ------------------------------------------------------------ opportunities

Status NormalizeOpportunity(Opportunity& opportunity) {
  Opportunity o = opportunity;
  FieldErrors errors;
  if (o.customer_id <= 0) errors.Add("customer_id", "must be a positive customer id");
  CheckOptionalId(errors, "contact_id", o.contact_id, "contact id");
  CheckOptionalId(errors, "owner_user_id", o.owner_user_id, "user id");
  CheckText(errors, "title", o.title, kMaxNameChars, /*required=*/true);
  CheckMoney(errors, "amount", o.amount, 0);
  CheckDay(errors, "expected_close", o.expected_close, /*required=*/true);
  CheckDay(errors, "closed_on", o.closed_on, /*required=*/false);
  o.stage = std::string(TrimWhitespace(o.stage));
  if (!o.stage.empty() && !IsStageKey(o.stage)) errors.Add("stage", kStageKeyRule);
  CheckText(errors, "competitor", o.competitor, kMaxNameChars, false);
  CheckText(errors, "loss_reason", o.loss_reason, kMaxNotesChars, false, Lines::kMulti);
  CheckText(errors, "next_step", o.next_step, kMaxNotesChars, false, Lines::kMulti);
  CheckText(errors, "notes", o.notes, kMaxNotesChars, false, Lines::kMulti);
  if (!errors.empty()) return std::move(errors).ToStatus("invalid opportunity");
  opportunity = std::move(o);
  return Status::Ok();
}

ManAdvice AdviseMan(bool money, bool authority, bool need) {
  ManAdvice a;
  a.code = std::string(money ? "M" : "m") + (authority ? "A" : "a") + (need ? "N" : "n");
  const int flags = (money ? 4 : 0) | (authority ? 2 : 0) | (need ? 1 : 0);
  switch (flags) {
    case 7:  // MAN
      a.action = "pursue";
      a.advice_zh =
          "理想客户：有钱、有决定权、有需求。优先投入资源，尽快推进到呈现价值和赢取承诺。";
      a.advice_en =
          "Ideal prospect: money, authority and need are all there. Give it priority and move "
          "quickly towards presenting value and winning the commitment.";
      break;
    case 6:  // MAn
      a.action = "contact";
      a.advice_zh =
          "可以接触：对方有钱也有决定权，但需求还不明确。用提问挖掘痛点、展示同行案例，"
          "销售技巧得当仍有机会成交。";
      a.advice_en =
          "Make contact: they have the money and the authority but no clear need yet. Ask "
          "questions to uncover pain points and show cases from their industry; skilled selling "
          "may still win the deal.";
      break;
    case 5:  // MaN
      a.action = "contact";
      a.advice_zh =
          "可以接触，并找到真正的决策人：有钱也有需求，但当前联系人不能拍板。请对方引荐上级，"
          "梳理决策链。";
      a.advice_en =
          "Make contact and find the decision maker: money and need are there, but this contact "
          "cannot decide. Ask to be introduced to the person who signs and map the decision chain.";
      break;
    case 3:  // mAN
      a.action = "contact";
      a.advice_zh =
          "可以接触，但要先了解资信：有决定权也有需求，预算不足。核实付款能力，"
          "可提供分期付款或融资方案。";
      a.advice_en =
          "Make contact, but check their credit first: authority and need are there, money is "
          "short. Verify they can pay, and offer instalments or financing.";
      break;
    case 1:  // maN
    case 2:  // mAn
    case 4:  // Man
      a.action = "cultivate";
      a.advice_zh =
          "长期观察与培养：只具备一个条件。保持低成本的定期联系，关注缺失的条件"
          "（预算、决定权或需求）何时出现，条件成熟再重点跟进。";
      a.advice_en =
          "Observe and cultivate over the long term: only one condition is met. Keep in touch at "
          "low cost, watch for the missing conditions (budget, authority or need) to appear, and "
          "follow up seriously once they do.";
      break;
    default:  // man
      a.action = "stop";
      a.advice_zh = "不是客户：没有钱、没有决定权、也没有需求。停止投入，把时间留给更好的机会。";
      a.advice_en =
          "Not a customer: no money, no authority and no need. Stop investing time here and spend "
          "it on better opportunities.";
      break;
  }
  return a;
}

// ----------------------------------------------------- quarters and weeks

std::string Quarter::Name() const { return std::to_string(year) + "Q" + std::to_string(q); }

std::optional<Quarter> ParseQuarter(std::string_view s) {
  if (s.size() != 6 || s[4] != 'Q') return std::nullopt;
  int year = 0, q = 0;
  if (!ParseDigits(s.substr(0, 4), &year) || !ParseDigits(s.substr(5, 1), &q)) return std::nullopt;
  if (year < kMinYear || year > kMaxYear || q < 1 || q > 4) return std::nullopt;
  Quarter r;
  r.year = year;
  r.q = q;
  const chr::year y{year};
  const chr::month first{static_cast<unsigned>(3 * q - 2)};
  const chr::month last{static_cast<unsigned>(3 * q)};
  r.first_day = FormatDay(chr::year_month_day{y, first, chr::day{1}});
  r.last_day =
      FormatDay(chr::year_month_day{chr::year_month_day_last{y, chr::month_day_last{last}}});
  return r;
}

Quarter QuarterOf(std::string_view day) {
  const chr::year_month_day ymd{DaysOf(day)};
  const int q = static_cast<int>((static_cast<unsigned>(ymd.month()) - 1) / 3 + 1);
  return *ParseQuarter(std::to_string(static_cast<int>(ymd.year())) + "Q" + std::to_string(q));
}

std::string BusinessDay(UnixSeconds t) {
  const int64_t days = FloorDiv(t + kBusinessUtcOffset, kSecondsPerDay);
  return FormatDay(chr::year_month_day{chr::sys_days{chr::days{days}}});
}

UnixSeconds StartOfBusinessDay(std::string_view day) {
  const int64_t days = DaysOf(day).time_since_epoch().count();
  return days * kSecondsPerDay - kBusinessUtcOffset;
}

bool IsValidDate(std::string_view day) { return ParseDay(day).has_value(); }

std::string WeekStart(std::string_view day) {
  const chr::sys_days d = DaysOf(day);
  const chr::weekday wd{d};
  // iso_encoding: Monday = 1 ... Sunday = 7.
  return FormatDay(chr::year_month_day{d - chr::days{wd.iso_encoding() - 1}});
}

std::string AddDays(std::string_view day, int days) {
  return FormatDay(chr::year_month_day{DaysOf(day) + chr::days{days}});
}

int DaysBetween(std::string_view from, std::string_view to) {
  return static_cast<int>((DaysOf(to) - DaysOf(from)).count());
}

// ------------------------------------------------------------- receivables

Status NormalizeInstalment(Instalment& instalment) {
  Instalment i = instalment;
  FieldErrors errors;
  CheckOptionalId(errors, "opportunity_id", i.opportunity_id, "opportunity id");
  CheckOptionalId(errors, "order_id", i.order_id, "order id");
  if (i.opportunity_id.has_value() && i.order_id.has_value()) {
    errors.Add("order_id", "a payment plan belongs to an opportunity or an order, not both");
  }
  CheckDay(errors, "due_on", i.due_on, /*required=*/true);
  CheckMoney(errors, "amount", i.amount, 1);
  CheckText(errors, "note", i.note, kMaxNotesChars, false, Lines::kMulti);
  if (!errors.empty()) return std::move(errors).ToStatus("invalid instalment");
  instalment = std::move(i);
  return Status::Ok();
}

Status NormalizeReceipt(Receipt& receipt) {
  Receipt r = receipt;
  FieldErrors errors;
  CheckOptionalId(errors, "opportunity_id", r.opportunity_id, "opportunity id");
  CheckOptionalId(errors, "order_id", r.order_id, "order id");
  if (r.opportunity_id.has_value() && r.order_id.has_value()) {
    errors.Add("order_id", "a receipt belongs to an opportunity or an order, not both");
  }
  CheckOptionalId(errors, "user_id", r.user_id, "user id");
  CheckDay(errors, "received_on", r.received_on, /*required=*/true);
  CheckMoney(errors, "amount", r.amount, 1);
  CheckOneOf(errors, "method", r.method, kPaymentMethodNames);
  CheckText(errors, "note", r.note, kMaxNotesChars, false, Lines::kMulti);
  if (!errors.empty()) return std::move(errors).ToStatus("invalid receipt");
  receipt = std::move(r);
  return Status::Ok();
}

// ---------------------------------------------------------------- playbook

Status NormalizePlaybookEntry(PlaybookEntry& entry) {
  PlaybookEntry e = entry;
  FieldErrors errors;
  e.stage = std::string(TrimWhitespace(e.stage));
  if (!e.stage.empty() && !IsStageKey(e.stage)) errors.Add("stage", kStageKeyRule);
  CheckOneOf(errors, "situation", e.situation, kSituationNames);
  CheckOneOf(errors, "kind", e.kind, kPlaybookKinds);
  CheckOneOf(errors, "locale", e.locale, kLocales);
  CheckText(errors, "title", e.title, kMaxNameChars, /*required=*/true);
  CheckText(errors, "body", e.body, kMaxNotesChars, /*required=*/true, Lines::kMulti);
  if (e.position < 0) errors.Add("position", "must not be negative");
  if (!errors.empty()) return std::move(errors).ToStatus("invalid playbook entry");
  entry = std::move(e);
  return Status::Ok();
}

// ------------------------------------------------------------ buying centre

Status NormalizeBuyingCentreMember(BuyingCentreMember& member) {
  BuyingCentreMember m = member;
  FieldErrors errors;
  if (m.contact_id <= 0) errors.Add("contact_id", "must be a positive contact id");
  if (static_cast<size_t>(m.role) >= kBuyingRoleNames.size()) errors.Add("role", "is unknown");
  if (static_cast<size_t>(m.attitude) >= kAttitudeNames.size()) {
    errors.Add("attitude", "is unknown");
  }
  if (m.influence < 1 || m.influence > 5) errors.Add("influence", "must be between 1 and 5");
  CheckOptionalId(errors, "reports_to", m.reports_to, "member id");
  if (m.reports_to.has_value() && m.id > 0 && *m.reports_to == m.id) {
    errors.Add("reports_to", "must be another member");
  }
  CheckText(errors, "note", m.note, kMaxNotesChars, false, Lines::kMulti);
  if (!errors.empty()) return std::move(errors).ToStatus("invalid buying-centre member");
  member = std::move(m);
  return Status::Ok();
}

}  // namespace guanxi
