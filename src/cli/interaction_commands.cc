// `guanxi interactions log` (note a contact with a customer, optionally with a
// follow-up task) and `guanxi interactions list` (a customer's interactions,
// newest first, as a table or JSON). With --user LOGIN the command acts as
// that user (their role's permissions apply); otherwise as the system
// administrator, and the interaction names no user.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "domain/customer_json.h"
#include "domain/sales.h"
#include "service/clock.h"
#include "service/interaction_service.h"
#include "store/rows.h"

namespace guanxi::cli {
namespace {

int Usage(const std::string& msg) {
  std::fprintf(stderr, "guanxi: %s (see `guanxi --help`)\n", msg.c_str());
  return 2;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "guanxi: %s\n", s.message().c_str());
  for (const auto& f : s.fields()) std::fprintf(stderr, "  %s: %s\n", f.field.c_str(), f.message.c_str());
  return 1;
}

std::unique_ptr<Store> Open(const Args& a, int* exit_code) {
  std::string error;
  auto store = OpenCommandStore(a, &error);
  if (!store) {
    std::fprintf(stderr, "guanxi: %s\n", error.c_str());
    *exit_code = error.rfind("--db", 0) == 0 ? 2 : 1;
  }
  return store;
}

std::optional<int64_t> PositiveId(const std::string& s) {
  auto v = store_rows::ParseInt64(s);
  if (!v || *v <= 0) return std::nullopt;
  return v;
}

// Unix seconds, or "YYYY-MM-DD HH:MM" / "YYYY-MM-DDTHH:MM" in Asia/Shanghai time.
std::optional<UnixSeconds> ParseAt(const std::string& s) {
  if (auto v = store_rows::ParseInt64(s)) return v;
  if (s.size() != 16 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':') return std::nullopt;
  const std::string day = s.substr(0, 10);
  if (!IsValidDate(day)) return std::nullopt;
  auto hour = store_rows::ParseInt64(s.substr(11, 2));
  auto minute = store_rows::ParseInt64(s.substr(14, 2));
  if (!hour || !minute || *hour > 23 || *minute > 59 || *hour < 0 || *minute < 0) return std::nullopt;
  return StartOfBusinessDay(day) + *hour * 3600 + *minute * 60;
}

// The acting user: --user LOGIN, or the system administrator.
Result<Principal> Acting(Store& store, const Args& a) {
  auto login = a.Get("user");
  if (!login) return Principal::System();
  auto u = store.GetUserByLogin(*login);
  if (!u.ok()) return Status::InvalidField("user", "no user " + *login);
  if (u->disabled) return Status::InvalidField("user", *login + " is disabled");
  return Principal{u->id, u->login, u->role, u->team_id};
}

}  // namespace

int InteractionsLog(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "customer", "channel", "direction", "summary", "subject", "outcome", "at",
                                  "user", "follow-up-title", "follow-up-due", "sync", "pool"});
      !s.ok()) {
    return Usage(s.message());
  }
  InteractionDraft d;
  auto customer = PositiveId(a.GetOr("customer", ""));
  if (!customer) return Usage("interactions log needs --customer ID");
  d.interaction.customer_id = *customer;
  d.interaction.channel = a.GetOr("channel", "phone");
  d.interaction.direction = a.GetOr("direction", "outbound");
  d.interaction.summary = a.GetOr("summary", "");
  d.interaction.subject = a.GetOr("subject", "");
  d.interaction.outcome = a.GetOr("outcome", "");
  if (auto at = a.Get("at")) {
    d.at = ParseAt(*at);
    if (!d.at) return Usage("--at must be Unix seconds or \"YYYY-MM-DD HH:MM\" (Asia/Shanghai)");
  }
  const bool has_title = a.Get("follow-up-title").has_value(), has_due = a.Get("follow-up-due").has_value();
  if (has_title != has_due) return Usage("--follow-up-title and --follow-up-due go together");
  if (has_title) d.follow_up = FollowUpDraft{*a.Get("follow-up-title"), *a.Get("follow-up-due"), {}, {}, "normal"};
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  auto who = Acting(*store, a);
  if (!who.ok()) {
    store->Close();
    return Fail(who.status());
  }
  SystemClock clock;
  InteractionService svc(*store, clock);
  auto logged = svc.Log(*who, std::move(d));
  store->Close();
  if (!logged.ok()) return Fail(logged.status());
  std::printf("logged interaction %" PRId64 " at %s\n", logged->interaction.id,
              FormatUtc(logged->interaction.at).c_str());
  if (logged->follow_up) {
    std::printf("follow-up task %" PRId64 " due %s\n", logged->follow_up->id, logged->follow_up->due_day.c_str());
  }
  return 0;
}

int InteractionsList(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "customer", "channel", "user", "limit", "format", "sync", "pool"}); !s.ok()) {
    return Usage(s.message());
  }
  InteractionQuery q;
  auto customer = PositiveId(a.GetOr("customer", ""));
  if (!customer) return Usage("interactions list needs --customer ID");
  q.customer_id = *customer;
  q.channel = a.GetOr("channel", "");
  q.limit = 200;
  if (auto v = a.Get("limit")) {
    auto n = PositiveId(*v);
    if (!n || *n > 200) return Usage("--limit must be between 1 and 200");
    q.limit = static_cast<int>(*n);
  }
  const std::string format = a.GetOr("format", "table");
  if (format != "table" && format != "json") return Usage("--format must be table or json");
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  auto who = Acting(*store, a);
  if (!who.ok()) {
    store->Close();
    return Fail(who.status());
  }
  SystemClock clock;
  InteractionService svc(*store, clock);
  auto page = svc.List(*who, q);
  store->Close();
  if (!page.ok()) return Fail(page.status());
  if (format == "json") {
    std::string out = "[";
    for (size_t k = 0; k < page->items.size(); ++k) {
      if (k) out += ",";
      out += InteractionToJson(page->items[k]);
    }
    std::printf("%s]\n", out.c_str());
    return 0;
  }
  std::printf("%-8s %-20s %-12s %-8s %s\n", "id", "at (UTC)", "channel", "dir", "summary");
  for (const Interaction& i : page->items) {
    std::printf("%-8" PRId64 " %-20s %-12s %-8s %s\n", i.id, FormatUtc(i.at).c_str(), i.channel.c_str(),
                i.direction.c_str(), (i.subject.empty() ? i.summary : i.subject).c_str());
  }
  return 0;
}

}  // namespace guanxi::cli
