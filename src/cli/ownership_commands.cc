// `guanxi customers transfer` (every customer of a leaving rep to another user,
// with their open tasks and opportunities) and `guanxi pool list|assign`
// (the public pool), acting as the system administrator.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "service/clock.h"
#include "service/ownership_service.h"

namespace guanxi::cli {
namespace {

int Usage(const std::string& msg) {
  std::fprintf(stderr, "guanxi: %s (see `guanxi --help`)\n", msg.c_str());
  return 2;
}

int Fail(const std::string& msg) {
  std::fprintf(stderr, "guanxi: %s\n", msg.c_str());
  return 1;
}

std::unique_ptr<Store> Open(const Args& a, int* exit_code) {
  std::string error;
  auto store = OpenCommandStore(a, &error);
  if (!store) *exit_code = error.rfind("--db", 0) == 0 ? Usage(error) : Fail(error);
  return store;
}

// The user a --name login option names; 0 (and a message) when unknown.
int64_t UserByLogin(Store& store, const Args& a, const std::string& option) {
  auto login = a.Get(option);
  if (!login || login->empty()) return 0;
  auto u = store.GetUserByLogin(*login);
  if (!u.ok()) {
    std::fprintf(stderr, "guanxi: --%s: no user %s\n", option.c_str(), login->c_str());
    return 0;
  }
  return u->id;
}

void PrintOutcome(const char* verb, const TransferOutcome& o) {
  std::printf("%s %" PRId64 " customers; moved %" PRId64 " open tasks and %" PRId64 " open opportunities\n", verb,
              o.transferred, o.tasks_moved, o.opportunities_moved);
}

}  // namespace

int CustomersTransfer(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "from", "to", "note", "sync", "pool"}); !s.ok()) return Usage(s.message());
  if (!a.Get("from") || !a.Get("to")) return Usage("customers transfer needs --from LOGIN and --to LOGIN");
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  int64_t from = UserByLogin(*store, a, "from");
  int64_t to = UserByLogin(*store, a, "to");
  if (!from || !to) return 1;
  SystemClock clock;
  OwnershipService svc(*store, clock);
  auto out = svc.TransferAllOf(Principal::System(), from, to, a.GetOr("note", ""));
  store->Close();
  if (!out.ok()) return Fail(out.status().message());
  PrintOutcome("transferred", *out);
  return 0;
}

int PoolList(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "limit", "sync", "pool"}); !s.ok()) return Usage(s.message());
  int limit = 50;
  if (auto v = a.Get("limit")) {
    limit = std::atoi(v->c_str());
    if (limit < 1 || limit > 200) return Usage("--limit must be between 1 and 200");
  }
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  SystemClock clock;
  OwnershipService svc(*store, clock);
  CustomerQuery q;
  q.limit = limit;
  q.sort = CustomerSort::kUpdatedAsc;
  auto page = svc.ListPool(Principal::System(), q);
  store->Close();
  if (!page.ok()) return Fail(page.status().message());
  std::printf("%-10s %s\n", "id", "name");
  for (const Customer& c : page->items) std::printf("%-10" PRId64 " %s\n", c.id, c.name.c_str());
  return 0;
}

int PoolAssign(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "to", "ids", "sync", "pool"}); !s.ok()) return Usage(s.message());
  if (!a.Get("to") || !a.Get("ids")) return Usage("pool assign needs --to LOGIN and --ids ID,ID,…");
  std::vector<int64_t> ids;
  const std::string list = *a.Get("ids");
  for (size_t pos = 0; pos <= list.size();) {
    size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(pos, comma - pos);
    char* end = nullptr;
    long long id = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || id <= 0) return Usage("--ids must be customer ids separated by commas");
    ids.push_back(id);
    pos = comma + 1;
  }
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  int64_t to = UserByLogin(*store, a, "to");
  if (!to) return 1;
  SystemClock clock;
  OwnershipService svc(*store, clock);
  auto out = svc.Assign(Principal::System(), ids, to);
  store->Close();
  if (!out.ok()) return Fail(out.status().message());
  PrintOutcome("assigned", *out);
  return 0;
}

}  // namespace guanxi::cli
