// `guanxi tasks my-day` (a user's overdue, due-today and upcoming tasks, as that
// user sees them) and `guanxi tasks list` (tasks by assignee and status, as the
// system administrator), as a table or JSON (the API's task objects).
#include <cinttypes>
#include <cstdio>
#include <map>
#include <string>

#include "cli/commands.h"
#include "http/task_json.h"
#include "service/clock.h"
#include "service/task_service.h"
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

// Customer and user names beside the tasks printed, each read once.
class Names {
 public:
  explicit Names(Store& store) : store_(store) {}
  const std::string& Customer(int64_t id) {
    auto it = customers_.find(id);
    if (it != customers_.end()) return it->second;
    auto c = store_.GetCustomer(id);
    return customers_[id] = c.ok() ? c->name : std::string();
  }
  std::string User(const std::optional<int64_t>& id) {
    if (!id) return "";
    auto it = users_.find(*id);
    if (it != users_.end()) return it->second;
    auto u = store_.GetUser(*id);
    return users_[*id] = u.ok() ? u->display_name : std::string();
  }

 private:
  Store& store_;
  std::map<int64_t, std::string> customers_;
  std::map<int64_t, std::string> users_;
};

void WriteTasks(JsonWriter& w, const std::vector<Task>& tasks, Names& names) {
  w.StartArray();
  for (const Task& t : tasks) http::WriteTask(w, t, names.Customer(t.customer_id), names.User(t.assignee_user_id));
  w.EndArray();
}

void PrintTable(const char* heading, const std::vector<Task>& tasks, std::optional<int64_t> total, Names& names) {
  if (heading) {
    std::printf("%s (%" PRId64 ")\n", heading, total.value_or(static_cast<int64_t>(tasks.size())));
  }
  for (const Task& t : tasks) {
    std::printf("  %-8" PRId64 " %s %-5s %-12s %-8s %-12s %s: %s\n", t.id, t.due_day.c_str(),
                t.due_time.value_or("").c_str(), t.kind.c_str(), t.priority.c_str(), t.status.c_str(),
                names.Customer(t.customer_id).c_str(), t.title.c_str());
  }
}

}  // namespace

int TasksMyDay(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "user", "format", "sync", "pool"}); !s.ok()) return Usage(s.message());
  auto login = a.Get("user");
  if (!login || login->empty()) return Usage("tasks my-day needs --user LOGIN");
  const std::string format = a.GetOr("format", "table");
  if (format != "table" && format != "json") return Usage("--format must be table or json");
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  auto u = store->GetUserByLogin(*login);
  if (!u.ok()) {
    store->Close();
    return Fail(Status::InvalidField("user", "no user " + *login));
  }
  const Principal who{u->id, u->login, u->role, u->team_id};
  SystemClock clock;
  TaskService tasks(*store, clock);
  auto day = tasks.GetMyDay(who, std::nullopt, std::nullopt);
  if (!day.ok()) {
    store->Close();
    return Fail(day.status());
  }
  Names names(*store);
  if (format == "json") {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("today");
    WriteString(w, day->today);
    w.Key("user");
    WriteString(w, u->login);
    const std::pair<const char*, const TaskBucket*> buckets[] = {
        {"overdue", &day->overdue}, {"due_today", &day->due_today}, {"upcoming", &day->upcoming}};
    for (const auto& [key, bucket] : buckets) {
      w.Key(key);
      WriteTasks(w, bucket->items, names);
    }
    w.Key("counts");
    w.StartObject();
    for (const auto& [key, bucket] : buckets) {
      w.Key(key);
      w.Int64(bucket->total);
    }
    w.EndObject();
    w.EndObject();
    store->Close();
    std::printf("%s\n", buf.GetString());
    return 0;
  }
  std::printf("%s — %s %s\n", u->login.c_str(), day->today.c_str(), day->now_time.c_str());
  PrintTable("overdue", day->overdue.items, day->overdue.total, names);
  PrintTable("due today", day->due_today.items, day->due_today.total, names);
  PrintTable("upcoming (7 days)", day->upcoming.items, day->upcoming.total, names);
  store->Close();
  return 0;
}

int TasksList(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "assignee", "status", "customer", "limit", "format", "sync", "pool"});
      !s.ok()) {
    return Usage(s.message());
  }
  TaskQuery q;
  q.status = a.GetOr("status", "");
  q.limit = 200;
  if (auto v = a.Get("limit")) {
    auto n = store_rows::ParseInt64(*v);
    if (!n || *n < 1 || *n > 200) return Usage("--limit must be between 1 and 200");
    q.limit = static_cast<int>(*n);
  }
  if (auto v = a.Get("customer")) {
    auto n = store_rows::ParseInt64(*v);
    if (!n || *n < 1) return Usage("--customer must be a customer id");
    q.customer_id = n;
  }
  const std::string format = a.GetOr("format", "table");
  if (format != "table" && format != "json") return Usage("--format must be table or json");
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  if (auto login = a.Get("assignee")) {
    auto u = store->GetUserByLogin(*login);
    if (!u.ok()) {
      store->Close();
      return Fail(Status::InvalidField("assignee", "no user " + *login));
    }
    q.assignee_user_id = u->id;
  }
  SystemClock clock;
  TaskService tasks(*store, clock);
  auto page = tasks.List(Principal::System(), q);
  if (!page.ok()) {
    store->Close();
    return Fail(page.status());
  }
  Names names(*store);
  if (format == "json") {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    WriteTasks(w, page->items, names);
    store->Close();
    std::printf("%s\n", buf.GetString());
    return 0;
  }
  PrintTable(nullptr, page->items, std::nullopt, names);
  store->Close();
  return 0;
}

}  // namespace guanxi::cli
