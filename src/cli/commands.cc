#include "cli/commands.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "domain/customer_json.h"
#include "domain/phone.h"
#include "domain/search_text.h"
#include "http/api.h"
#include "http/server.h"
#include "service/auth_service.h"
#include "service/customer_service.h"
#include "service/demo_data.h"
#include "service/demo_relationship.h"
#include "service/server_jobs.h"
#include "service/user_service.h"
#include "store/sales_store.h"
#include "store/store.h"

namespace guanxi::cli {
namespace {

int Fail(const std::string& msg) {
  std::fprintf(stderr, "guanxi: %s\n", msg.c_str());
  return 1;
}

int Usage(const std::string& msg) {
  std::fprintf(stderr, "guanxi: %s (see `guanxi --help`)\n", msg.c_str());
  return 2;
}

std::optional<int64_t> ParsePositive(const std::string& s) {
  try {
    size_t pos = 0;
    long long v = std::stoll(s, &pos);
    if (pos != s.size() || v < 0) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

// The database name as it may be printed: a PostgreSQL URL's password hidden.
std::string Redacted(const std::string& db) {
  if (!IsPostgresUrl(db)) return db;
  std::string out = db;
  size_t scheme = out.find("://");
  size_t at = out.find('@', scheme + 3);
  size_t colon = out.find(':', scheme + 3);
  if (at != std::string::npos && colon != std::string::npos && colon < at) {
    out.replace(colon + 1, at - colon - 1, "***");
  }
  size_t pw = out.find("password=");
  if (pw != std::string::npos) {
    size_t end = out.find('&', pw);
    out.replace(pw + 9, (end == std::string::npos ? out.size() : end) - pw - 9, "***");
  }
  return out;
}

// Opens an SQLite file or a PostgreSQL URL, or says why not.
std::unique_ptr<Store> OpenDatabase(const std::string& db, const Args& a, std::string* error,
                                    int writer_cache_mib = 32) {
  if (IsPostgresUrl(db)) {
    if (a.Get("sync")) {
      *error = "--sync applies to SQLite files; PostgreSQL's durability is its own configuration";
      return nullptr;
    }
    PostgresOptions o;
    o.url = db;
    // A server needs a connection per concurrent request and hears other
    // replicas' changes; a one-shot command needs neither.
    const bool serving = !a.command.empty() && a.command[0] == "serve";
    o.listen_for_changes = serving;
    auto pool = ParsePositive(a.GetOr("pool", serving ? "16" : "3"));
    if (!pool || *pool < 1 || *pool > 1000) {
      *error = "--pool must be 1..1000";
      return nullptr;
    }
    o.pool_size = static_cast<int>(*pool);
    auto store = OpenPostgresStore(o);
    if (!store.ok()) {
      *error = "cannot open " + Redacted(db) + ": " + store.status().message();
      return nullptr;
    }
    return std::move(store).value();
  }
  SqliteOptions o;
  o.path = db;
  o.synchronous = a.GetOr("sync", "full");
  o.writer_cache_mib = writer_cache_mib;
  auto parent = std::filesystem::path(o.path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto store = OpenSqliteStore(o);
  if (!store.ok()) {
    *error = "cannot open " + o.path + ": " + store.status().message();
    return nullptr;
  }
  return std::move(store).value();
}

// Opens the store named by --db (and --sync, --pool), or prints why not.
std::unique_ptr<Store> OpenStore(const Args& a, std::string* error, int writer_cache_mib = 32) {
  auto db = a.Get("db");
  if (!db || db->empty()) {
    *error = "--db PATH|URL is required";
    return nullptr;
  }
  return OpenDatabase(*db, a, error, writer_cache_mib);
}

#define GX_OPEN_STORE_OR_RETURN(var, args, ...)                \
  std::string open_error_;                                     \
  auto var = OpenStore(args, &open_error_ __VA_OPT__(,) __VA_ARGS__); \
  if (!var) return open_error_.rfind("--db", 0) == 0 ? Usage(open_error_) : Fail(open_error_)


std::string ReadPasswordFromStdin() {
  std::string pw;
  std::getline(std::cin, pw, '\0');
  while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
  return pw;
}

std::string CsvField(std::string_view s) {
  bool quote = s.find_first_of(",\"\n\r") != std::string_view::npos;
  // Cells starting with = + - @ are formulas to a spreadsheet: neutralise them,
  // except plain signed numbers such as an E.164 phone (+8613812345678).
  bool numeric = s.size() > 1 && s.find_first_not_of("0123456789.", 1) == std::string_view::npos;
  bool formula = !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') &&
                 !((s[0] == '+' || s[0] == '-') && numeric);
  std::string out;
  if (formula) out.push_back('\'');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return quote || formula ? "\"" + out + "\"" : out;
}

const char kCsvHeader[] =
    "id,version,kind,name,industry,size,province,city,source,owner_user_id,relationship,"
    "relationship_level,lifecycle_stage,tags,phone,email,notes,external_id,archived,created_at,"
    "updated_at\n";

std::string CsvRow(const Customer& c) {
  std::string tags;
  for (const auto& t : c.tags) tags += (tags.empty() ? "" : ";") + t;
  std::string row;
  auto add = [&](std::string_view v) {
    if (!row.empty()) row.push_back(',');
    row += CsvField(v);
  };
  add(std::to_string(c.id));
  add(std::to_string(c.version));
  add(ToString(c.kind));
  add(c.name);
  add(c.industry);
  add(c.size ? ToString(*c.size) : "");
  add(c.province);
  add(c.city);
  add(c.source);
  add(c.owner_user_id ? std::to_string(*c.owner_user_id) : "");
  add(ToString(c.relationship));
  add(ToString(c.relationship_level));
  add(ToString(c.lifecycle_stage));
  add(tags);
  add(c.phone);
  add(c.email);
  add(c.notes);
  add(c.external_id);
  add(c.archived ? "true" : "false");
  add(FormatUtc(c.created_at));
  add(FormatUtc(c.updated_at));
  return row + "\n";
}

// Streams every customer matching `q` (all pages) to `emit`.
Status ForEachCustomer(Store& store, CustomerQuery q, const std::function<void(const Customer&)>& emit,
                       int64_t max = -1) {
  int64_t n = 0;
  for (;;) {
    GX_ASSIGN_OR_RETURN(auto page, store.ListCustomers(q));
    for (const auto& c : page.items) {
      if (max >= 0 && n >= max) return Status::Ok();
      emit(c);
      ++n;
    }
    if (!page.next) return Status::Ok();
    q.after = *page.next;
  }
}

}  // namespace

std::unique_ptr<Store> OpenCommandStore(const Args& a, std::string* error, int writer_cache_mib) {
  return OpenStore(a, error, writer_cache_mib);
}

int Serve(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "host", "port", "web-root", "threads", "sync", "pool",
                                  "scheduler-poll-seconds", "job-lease-seconds"});
      !s.ok()) {
    return Usage(s.message());
  }
  // Block the shutdown signals before any thread starts, so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  http::ServerOptions so;
  so.host = a.GetOr("host", "127.0.0.1");
  auto port = ParsePositive(a.GetOr("port", "8080"));
  if (!port || *port > 65535) return Usage("--port must be 0..65535");
  so.port = static_cast<uint16_t>(*port);
  auto threads = ParsePositive(a.GetOr("threads", std::to_string(std::max(4u, 2 * std::thread::hardware_concurrency()))));
  if (!threads || *threads < 1 || *threads > 256) return Usage("--threads must be 1..256");
  so.threads = static_cast<int>(*threads);
  SchedulerOptions sched;
  auto poll_seconds = ParsePositive(a.GetOr("scheduler-poll-seconds", "30"));
  if (!poll_seconds || *poll_seconds < 1 || *poll_seconds > 86400) return Usage("--scheduler-poll-seconds must be 1..86400");
  sched.poll = std::chrono::seconds(*poll_seconds);
  auto lease_seconds = ParsePositive(a.GetOr("job-lease-seconds", "120"));
  if (!lease_seconds || *lease_seconds < 1 || *lease_seconds > 86400) return Usage("--job-lease-seconds must be 1..86400");
  sched.lease = std::chrono::seconds(*lease_seconds);

  auto start = std::chrono::steady_clock::now();
  GX_OPEN_STORE_OR_RETURN(store, a);
  if (Status seeded = store->Sales().SeedPlaybook(DefaultPlaybook()); !seeded.ok()) {
    store->Close();
    return Fail("cannot seed the playbook: " + seeded.message());
  }
  SystemClock clock;
  AuthService auth(*store, clock);
  CustomerService customers(*store, clock);
  UserService users(*store, clock);
  OrderService orders(*store, clock);
  PipelineService pipeline(*store, clock);
  AnalyticsService analytics(*store, clock);
  TaskService tasks(*store, clock);
  RelationshipServices relationship(*store, clock, tasks);
  // The example care journey (disabled), once per database like the playbook.
  if (Status seeded = relationship.journeys.SeedExamples(); !seeded.ok()) {
    store->Close();
    return Fail("cannot seed the example journeys: " + seeded.message());
  }
  // Background work (nightly analytics, forecast snapshots, relationship jobs)
  // runs from the persisted job table; see service/scheduler.h.
  Scheduler scheduler(*store, clock, sched);
  RegisterServerJobs(scheduler, analytics, pipeline, relationship);
  relationship.scheduler = &scheduler;
  http::ApiOptions ao;
  ao.web_root = a.GetOr("web-root", "web/dist");
  http::Api api(*store, clock, auth, customers, users, orders, pipeline, analytics, tasks, relationship, ao);
  http::HttpServer server(so, [&api](const http::HttpRequest& r) { return api.Handle(r); });
  api.SetGaugeSource([&server]() {
    std::map<std::string, double> g;
    g["guanxi_http_open_connections"] = static_cast<double>(server.OpenConnections());
    g["guanxi_http_in_flight_requests"] = static_cast<double>(server.InFlight());
    long rss_pages = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      long size = 0;
      if (std::fscanf(f, "%ld %ld", &size, &rss_pages) != 2) rss_pages = 0;
      std::fclose(f);
    }
    g["process_resident_memory_bytes"] = static_cast<double>(rss_pages) * 4096.0;
    return g;
  });
  std::string error;
  uint16_t bound = server.Start(&error);
  if (bound == 0) {
    store->Close();
    return Fail("cannot listen on " + so.host + ":" + std::to_string(so.port) + ": " + error);
  }
  api.SetReady(true);
  // A database with orders and no analytics run yet (demo data) gets one at
  // start so the dashboards have figures.
  if (Status queued = EnqueueStartupJobs(scheduler, analytics, clock); !queued.ok()) {
    std::fprintf(stderr, "guanxi: cannot queue the start-up jobs: %s\n", queued.message().c_str());
  }
  scheduler.Start();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("guanxi %s listening on http://%s:%u (started in %.0f ms)\n", GUANXI_VERSION,
              so.host.c_str(), bound, ms);
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "guanxi: %s received, draining\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  api.SetReady(false);
  server.Shutdown(std::chrono::seconds(10));
  server.Wait();
  scheduler.Stop();
  store->Close();
  std::fprintf(stderr, "guanxi: stopped\n");
  return 0;
}

int DbMigrate(const Args& a) {
  if (Status s = CheckAllowed(a, {"db"}); !s.ok()) return Usage(s.message());
  GX_OPEN_STORE_OR_RETURN(store, a);
  store->Close();
  std::printf("schema at version %d\n", LatestSchemaVersion());
  return 0;
}

int DbCopy(const Args& a) {
  if (Status s = CheckAllowed(a, {"from", "to", "format"}); !s.ok()) return Usage(s.message());
  auto from = a.Get("from");
  auto to = a.Get("to");
  if (!from || from->empty() || !to || to->empty()) return Usage("--from and --to are required");
  std::string format = a.GetOr("format", "text");
  if (format != "text" && format != "json") return Usage("--format must be text or json");
  if (*from == *to) return Usage("--from and --to name the same database");
  if (!IsPostgresUrl(*to) && std::filesystem::exists(*to)) {
    return Fail(*to + " exists; copy into a new file (or an empty PostgreSQL database)");
  }
  if (!IsPostgresUrl(*from) && !std::filesystem::exists(*from)) return Fail(*from + " does not exist");
  std::string error;
  auto source = OpenDatabase(*from, a, &error);
  if (!source) return Fail(error);
  auto dest = OpenDatabase(*to, a, &error, 512);
  if (!dest) {
    source->Close();
    return Fail(error);
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<TableCopyReport> report;
  Status s = CopyStore(*source, *dest, &report);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  source->Close();
  dest->Close();
  if (!s.ok() && report.empty()) {
    // Nothing landed (the destination's transaction rolled back). A new SQLite
    // file holding only the empty schema is removed so a retry can use the name.
    if (!IsPostgresUrl(*to)) {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(*to + suffix, ec);
    }
    return Fail("copy failed, nothing was written: " + s.message());
  }
  if (format == "json") {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("ok");
    w.Bool(s.ok());
    w.Key("seconds");
    w.Double(seconds);
    w.Key("tables");
    w.StartArray();
    for (const auto& t : report) {
      w.StartObject();
      w.Key("table");
      WriteString(w, t.table);
      w.Key("source_rows");
      w.Int64(t.source_rows);
      w.Key("destination_rows");
      w.Int64(t.destination_rows);
      w.Key("source_sha256");
      WriteString(w, t.source_checksum);
      w.Key("destination_sha256");
      WriteString(w, t.destination_checksum);
      w.Key("matches");
      w.Bool(t.matches());
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::printf("%s\n", buf.GetString());
  } else {
    std::printf("%-18s %12s %12s  %-16s %s\n", "table", "source", "copied", "sha256", "");
    for (const auto& t : report) {
      std::printf("%-18s %12lld %12lld  %-16s %s\n", t.table.c_str(),
                  static_cast<long long>(t.source_rows), static_cast<long long>(t.destination_rows),
                  t.source_checksum.substr(0, 16).c_str(), t.matches() ? "ok" : "DIFFERS");
    }
    std::printf("copied %s to %s in %.1f s\n", Redacted(*from).c_str(), Redacted(*to).c_str(), seconds);
  }
  if (!s.ok()) return Fail(s.message());
  return 0;
}

int DbCheck(const Args& a) {
  if (Status s = CheckAllowed(a, {"db"}); !s.ok()) return Usage(s.message());
  GX_OPEN_STORE_OR_RETURN(store, a);
  auto r = store->IntegrityCheck();
  store->Close();
  if (!r.ok()) return Fail(r.status().message());
  std::printf("%s\n", r->c_str());
  return *r == "ok" ? 0 : 1;
}

int Backup(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "out"}); !s.ok()) return Usage(s.message());
  auto out = a.Get("out");
  if (!out) return Usage("--out FILE is required");
  if (std::filesystem::exists(*out)) return Fail(*out + " exists; refusing to overwrite it");
  GX_OPEN_STORE_OR_RETURN(store, a);
  Status s = store->Backup(*out);
  store->Close();
  if (!s.ok()) return Fail(s.message());
  std::fprintf(stderr, "backup written to %s\n", out->c_str());
  return 0;
}

int UserAdd(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "login", "role", "team", "display-name", "password-stdin"});
      !s.ok()) {
    return Usage(s.message());
  }
  auto login = a.Get("login");
  auto role_name = a.Get("role");
  if (!login) return Usage("--login is required");
  if (!role_name) return Usage("--role is required");
  auto role = ParseRole(*role_name);
  if (!role) return Usage("--role must be admin, manager, sales, service or analyst");
  if (!a.Flag("password-stdin")) return Usage("--password-stdin is required (the password is read from standard input)");
  std::string password = ReadPasswordFromStdin();
  GX_OPEN_STORE_OR_RETURN(store, a);
  SystemClock clock;
  UserService users(*store, clock);
  Principal system = Principal::System();
  NewUser u;
  u.login = *login;
  u.display_name = a.GetOr("display-name", "");
  u.role = *role;
  u.password = std::move(password);
  if (auto team = a.Get("team")) {
    auto t = users.TeamByName(system, *team, true);
    if (!t.ok()) {
      store->Close();
      return Fail("team: " + t.status().ToString());
    }
    u.team_id = t->id;
  }
  auto created = users.Create(system, std::move(u));
  store->Close();
  if (!created.ok()) return Fail(created.status().ToString());
  std::fprintf(stderr, "user %s (%s) created with id %lld\n", created->login.c_str(),
               std::string(ToString(created->role)).c_str(), static_cast<long long>(created->id));
  return 0;
}

int TokenCreate(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "login", "name"}); !s.ok()) return Usage(s.message());
  auto login = a.Get("login");
  if (!login) return Usage("--login is required");
  GX_OPEN_STORE_OR_RETURN(store, a);
  SystemClock clock;
  AuthService auth(*store, clock);
  std::string normalized = *login;
  auto user = NormalizeLogin(normalized).ok() ? store->GetUserByLogin(normalized)
                                              : Result<User>(Status::NotFound("no such user"));
  if (!user.ok()) {
    store->Close();
    return Fail("no user with login " + *login);
  }
  auto t = auth.CreateApiToken(Principal::System(), user->id, a.GetOr("name", "cli"));
  store->Close();
  if (!t.ok()) return Fail(t.status().ToString());
  std::printf("%s\n", t->secret.c_str());
  return 0;
}

// The sales half of `guanxi demo`: products, opportunities with their history,
// orders (into the database, or into an `orders import` CSV file), targets per
// owner/team/company for the last four quarters to the next one, and payment
// plans with receipts on a few recently won opportunities.
struct DemoSalesOptions {
  int64_t customers = 0;
  int64_t orders = 0;
  int64_t opportunities = 0;
  std::string orders_csv;  // "" = orders go into the database
  std::vector<uint16_t>* purchases = nullptr;  // filled: orders made per customer index
};

Status WriteDemoSales(Store& store, const DemoDataGenerator& gen, const DemoSalesOptions& opt,
                      const std::vector<int64_t>& customer_ids, const std::vector<User>& owners,
                      UnixSeconds now) {
  SalesStore& sales = store.Sales();
  auto audit = [now](const char* entity, const char* action) {
    AuditEntry e;
    e.at = now;
    e.user_login = "demo";
    e.entity = entity;
    e.action = action;
    return e;
  };
  auto owner_of = [&](int64_t customer_index) -> const User& {
    return owners[static_cast<size_t>(customer_index) % owners.size()];
  };

  for (Product p : DemoProducts()) {
    p.created_at = p.updated_at = now - 3 * 365 * 86400;
    auto created = sales.CreateProduct(std::move(p), audit("product", "create"));
    if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) return created.status();
  }

  // Opportunities, and each owner's funnel per quarter for the targets.
  std::map<std::pair<int64_t, std::string>, int64_t> funnel;  // (user id, quarter) -> fen
  std::map<std::string, int> win_bp;
  for (const Stage& st : DefaultStages()) win_bp[st.key] = st.win_rate_bp;
  std::vector<Opportunity> recently_won;
  const std::string today = BusinessDay(now);
  constexpr int64_t kOppChunk = 5000;
  for (int64_t first = 0; first < opt.opportunities; first += kOppChunk) {
    std::vector<Opportunity> opps;
    std::vector<std::vector<OpportunityEvent>> events;
    for (int64_t i = first; i < std::min(opt.opportunities, first + kOppChunk); ++i) {
      DemoOpportunity d = gen.MakeOpportunity(i, opt.customers, now);
      const User& owner = owner_of(d.customer_index);
      d.opportunity.customer_id = customer_ids[static_cast<size_t>(d.customer_index)];
      d.opportunity.owner_user_id = owner.id;
      for (auto& e : d.events) {
        e.user_id = owner.id;
        e.user_login = owner.login;
        e.owner_user_id = owner.id;
      }
      const Opportunity& o = d.opportunity;
      if (o.stage == kWonStage) {
        funnel[{owner.id, QuarterOf(o.closed_on).Name()}] += o.amount;
      } else if (o.stage != kLostStage) {
        funnel[{owner.id, QuarterOf(o.expected_close).Name()}] += o.amount * win_bp[o.stage] / kWinRateScale;
      }
      opps.push_back(std::move(d.opportunity));
      events.push_back(std::move(d.events));
    }
    GX_RETURN_IF_ERROR(sales.InsertOpportunitiesBulk(opps, events));
    for (const Opportunity& o : opps) {
      if (o.stage == kWonStage && recently_won.size() < 12 && DaysBetween(o.closed_on, today) <= 150) {
        recently_won.push_back(o);
      }
    }
  }
  for (const Opportunity& o : recently_won) {
    GX_RETURN_IF_ERROR(sales.ReplacePaymentPlan(o.id, std::nullopt, gen.PaymentPlan(o),
                                                audit("payment_plan", "update")));
    for (Receipt r : gen.Receipts(o, gen.PaymentPlan(o), today)) {
      r.user_id = o.owner_user_id;
      r.created_at = now;
      auto added = sales.AddReceipt(std::move(r), audit("receipt", "create"));
      if (!added.ok()) return added.status();
    }
  }

  // Orders: the customers' purchase histories until --orders are made. The plan
  // aims 4 % high (its calibration sample misses the mean by a few per cent), so
  // the count comes out exact and only the last few customers go without.
  if (opt.orders > 0) {
    const DemoOrderPlan plan =
        gen.PlanOrders(1.04 * static_cast<double>(opt.orders) / static_cast<double>(opt.customers), now);
    std::FILE* csv = nullptr;
    if (!opt.orders_csv.empty()) {
      csv = std::fopen(opt.orders_csv.c_str(), "w");
      if (!csv) return Status::InvalidArgument("cannot write " + opt.orders_csv);
      std::fputs(std::string(DemoOrderCsvHeader()).c_str(), csv);
    }
    int64_t made = 0;
    std::string buf;
    std::vector<OrderImportRow> rows;
    Status status = Status::Ok();
    auto flush = [&]() {
      if (csv) {
        if (std::fwrite(buf.data(), 1, buf.size(), csv) != buf.size()) {
          status = Status::Internal("writing " + opt.orders_csv + " failed");
        }
        buf.clear();
      } else if (!rows.empty()) {
        bool handed = false;
        auto outcome = sales.ImportOrders(
            [&]() -> Result<std::optional<std::vector<OrderImportRow>>> {
              if (handed) return std::optional<std::vector<OrderImportRow>>();
              handed = true;
              return std::optional<std::vector<OrderImportRow>>(std::move(rows));
            },
            static_cast<int64_t>(rows.size()));
        if (!outcome.ok()) {
          status = outcome.status();
        } else if (!outcome->rejected.empty()) {
          status = Status::Internal("demo order rejected: " + outcome->rejected[0].field + " " +
                                    outcome->rejected[0].message);
        }
        rows.clear();
      }
    };
    for (int64_t i = 0; i < opt.customers && made < opt.orders && status.ok(); ++i) {
      const std::string external_id = DemoCustomerExternalId(i);
      for (DemoOrder& d : gen.Orders(i, gen.CreatedAt(i, now), now, plan)) {
        if (made == opt.orders) break;
        ++made;
        if (opt.purchases) {
          uint16_t& p = (*opt.purchases)[static_cast<size_t>(i)];
          p = static_cast<uint16_t>(std::min<int>(p + 1, 65535));
        }
        if (csv) {
          AppendDemoOrderCsv(buf, external_id, d);
          continue;
        }
        OrderImportRow row;
        row.line_no = made;
        row.customer_external_id = external_id;
        d.order.created_at = d.order.updated_at = d.order.ordered_at;
        for (size_t p : d.line_products) row.line_product_codes.push_back(DemoProducts()[p].code);
        row.order = std::move(d.order);
        rows.push_back(std::move(row));
      }
      if (buf.size() > (8 << 20) || rows.size() >= 20000) flush();
    }
    if (status.ok()) flush();
    if (csv && std::fclose(csv) != 0 && status.ok()) status = Status::Internal("writing " + opt.orders_csv + " failed");
    GX_RETURN_IF_ERROR(status);
    std::fprintf(stderr, "demo: %lld orders %s\n", static_cast<long long>(made),
                 csv ? ("written to " + opt.orders_csv).c_str() : "written");
  }

  // Targets: per owner from their funnel, per team and for the company as sums.
  const Quarter current = QuarterOf(today);
  std::vector<std::string> quarters;
  std::string first_day = current.first_day;
  for (int k = 0; k < 4; ++k) first_day = QuarterOf(AddDays(first_day, -1)).first_day;
  for (int k = 0; k < 6; ++k) {
    const Quarter q = QuarterOf(first_day);
    quarters.push_back(q.Name());
    first_day = AddDays(q.last_day, 1);
  }
  for (const std::string& q : quarters) {
    std::map<int64_t, int64_t> team_sum;
    int64_t company = 0;
    for (const User& u : owners) {
      SalesTarget t;
      t.quarter = q;
      t.scope = TargetScope::kUser;
      t.subject_id = u.id;
      t.amount = gen.TargetFor(u.id, q, funnel[{u.id, q}]);
      t.updated_at = now;
      if (u.team_id) team_sum[*u.team_id] += t.amount;
      company += t.amount;
      auto put = sales.PutTarget(std::move(t), audit("target", "update"));
      if (!put.ok()) return put.status();
    }
    for (const auto& [team, amount] : team_sum) {
      auto put = sales.PutTarget(SalesTarget{0, q, TargetScope::kTeam, team, amount, now}, audit("target", "update"));
      if (!put.ok()) return put.status();
    }
    auto put = sales.PutTarget(SalesTarget{0, q, TargetScope::kCompany, std::nullopt, company, now},
                               audit("target", "update"));
    if (!put.ok()) return put.status();
  }
  return Status::Ok();
}

int Demo(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "customers", "seed", "password-stdin", "sync", "orders",
                                  "opportunities", "reps", "orders-csv"});
      !s.ok()) {
    return Usage(s.message());
  }
  auto count = ParsePositive(a.GetOr("customers", "2000"));
  if (!count || *count > 10'000'000) return Usage("--customers must be 0..10000000");
  // By default ten orders per customer, and an opportunity for every tenth
  // customer but at least 150 (a pipeline worth looking at).
  auto order_count = ParsePositive(a.GetOr("orders", std::to_string(*count * 10)));
  if (!order_count || *order_count > 100'000'000) return Usage("--orders must be 0..100000000");
  auto opportunity_count = ParsePositive(
      a.GetOr("opportunities", std::to_string(*count == 0 ? 0 : std::max<int64_t>(150, *count / 10))));
  if (!opportunity_count || *opportunity_count > 10'000'000) return Usage("--opportunities must be 0..10000000");
  if ((*order_count > 0 || *opportunity_count > 0) && *count == 0) {
    return Usage("--orders and --opportunities need --customers");
  }
  auto rep_count = ParsePositive(a.GetOr("reps", "0"));
  if (!rep_count || *rep_count > 9999) return Usage("--reps must be 0..9999");
  auto seed = ParsePositive(a.GetOr("seed", std::to_string(DemoDataGenerator::kDefaultSeed)));
  if (!seed) return Usage("--seed must be a non-negative integer");
  std::string password = a.Flag("password-stdin") ? ReadPasswordFromStdin() : "guanxi-demo";
  // A large load inserts into big indexes at random places: give the writer room.
  GX_OPEN_STORE_OR_RETURN(store, a, *count > 100000 ? 1024 : 64);
  SystemClock clock;
  UserService users(*store, clock);
  Principal system = Principal::System();

  struct DemoUser {
    const char* login;
    const char* name;
    Role role;
    const char* team;
  };
  const DemoUser kUsers[] = {
      {"admin", "系统管理员", Role::kAdmin, nullptr},
      {"wang.jianlin", "王建林", Role::kManager, "华东销售部"},
      {"li.na", "李娜", Role::kSales, "华东销售部"},
      {"zhang.wei", "张伟", Role::kSales, "华东销售部"},
      {"chen.jing", "陈静", Role::kSales, "华南销售部"},
      {"zhao.min", "赵敏", Role::kService, nullptr},
      {"sun.yang", "孙阳", Role::kAnalyst, nullptr},
  };
  std::vector<int64_t> owners;
  for (const auto& du : kUsers) {
    auto existing = store->GetUserByLogin(du.login);
    int64_t id = 0;
    if (existing.ok()) {
      id = existing->id;
    } else {
      NewUser u{du.login, du.name, du.role, std::nullopt, password};
      if (du.team) {
        auto t = users.TeamByName(system, du.team, true);
        if (!t.ok()) return Fail(t.status().ToString());
        u.team_id = t->id;
      }
      auto created = users.Create(system, std::move(u));
      if (!created.ok()) return Fail(std::string(du.login) + ": " + created.status().ToString());
      id = created->id;
      std::printf("user %-14s %-6s role %-8s password %s\n", du.login, du.name,
                  std::string(ToString(du.role)).c_str(), password.c_str());
    }
    if (du.role == Role::kSales || du.role == Role::kManager) owners.push_back(id);
  }
  // Make the manager head of the team he is in.
  if (auto mgr = store->GetUserByLogin("wang.jianlin"); mgr.ok() && mgr->team_id) {
    auto team = store->GetTeam(*mgr->team_id);
    if (team.ok() && !team->manager_user_id) {
      Team t = *team;
      t.manager_user_id = mgr->id;
      (void)users.UpdateTeam(system, t);
    }
  }

  DemoDataGenerator gen(static_cast<uint64_t>(*seed));
  // Extra reps (rep.0001 ...) in regional teams, for data sets with many owners.
  for (int64_t k = 0; k < *rep_count; ++k) {
    const DemoRep rep = gen.MakeRep(k);
    if (auto existing = store->GetUserByLogin(rep.login); existing.ok()) {
      owners.push_back(existing->id);
      continue;
    }
    auto team = users.TeamByName(system, rep.team, true);
    if (!team.ok()) return Fail(team.status().ToString());
    auto created = users.Create(system, NewUser{rep.login, rep.display_name, Role::kSales, team->id, password});
    if (!created.ok()) return Fail(rep.login + ": " + created.status().ToString());
    owners.push_back(created->id);
  }
  std::vector<User> owner_users;
  for (int64_t id : owners) {
    auto u = store->GetUser(id);
    if (!u.ok()) return Fail(u.status().ToString());
    owner_users.push_back(*u);
  }
  std::vector<int64_t> customer_ids(static_cast<size_t>(*count));
  UnixSeconds now = clock.Now();
  constexpr int64_t kChunk = 5000;
  auto started = std::chrono::steady_clock::now();
  struct Chunk {
    int64_t first = 0;
    std::vector<Customer> customers;
    std::vector<std::vector<Contact>> contacts;
  };
  auto make_chunk = [&](int64_t first) {
    Chunk chunk;
    chunk.first = first;
    int64_t n = std::min(kChunk, *count - first);
    chunk.customers.reserve(n);
    for (int64_t i = first; i < first + n; ++i) {
      DemoCustomer d = gen.Make(i);
      d.customer.created_at = gen.CreatedAt(i, now);
      d.customer.updated_at = std::min(now, d.customer.created_at + (i % 90) * 86400);
      d.customer.owner_user_id = owners[static_cast<size_t>(i) % owners.size()];
      for (auto& c : d.contacts) c.created_at = c.updated_at = d.customer.created_at;
      chunk.customers.push_back(std::move(d.customer));
      chunk.contacts.push_back(std::move(d.contacts));
    }
    return chunk;
  };
  auto write_chunk = [&store, &customer_ids](Chunk chunk) -> Status {
    GX_RETURN_IF_ERROR(store->InsertCustomersBulk(chunk.customers));
    for (size_t k = 0; k < chunk.customers.size(); ++k) {
      customer_ids[static_cast<size_t>(chunk.first) + k] = chunk.customers[k].id;
    }
    std::vector<Contact> flat;
    for (size_t k = 0; k < chunk.customers.size(); ++k) {
      for (auto& c : chunk.contacts[k]) {
        c.customer_id = chunk.customers[k].id;
        flat.push_back(std::move(c));
      }
    }
    return store->InsertContactsBulk(flat);
  };
  // Generate the next chunk while the previous one is written.
  std::future<Status> writing;
  for (int64_t first = 0; first < *count; first += kChunk) {
    Chunk chunk = make_chunk(first);
    if (writing.valid()) {
      Status s = writing.get();
      if (s.code() == StatusCode::kAlreadyExists) {
        return Fail("demo customers are already present (external ids DEMO-…); use a new --db");
      }
      if (!s.ok()) return Fail(s.ToString());
    }
    writing = std::async(std::launch::async, write_chunk, std::move(chunk));
    if (*count >= 100000 && ((first / kChunk) % 20 == 19)) {
      std::fprintf(stderr, "  %lld customers...\n", static_cast<long long>(first + kChunk));
    }
  }
  if (writing.valid()) {
    Status s = writing.get();
    if (s.code() == StatusCode::kAlreadyExists) {
      return Fail("demo customers are already present (external ids DEMO-…); use a new --db");
    }
    if (!s.ok()) return Fail(s.ToString());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "demo: %lld customers written in %.1f s\n", static_cast<long long>(*count), secs);
  started = std::chrono::steady_clock::now();
  std::vector<uint16_t> purchases(static_cast<size_t>(*count));
  DemoSalesOptions sales{*count, *order_count, *opportunity_count, a.GetOr("orders-csv", ""), &purchases};
  Status s = WriteDemoSales(*store, gen, sales, customer_ids, owner_users, now);
  if (!s.ok()) {
    store->Close();
    return Fail("demo sales data: " + s.ToString());
  }
  secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "demo: %lld opportunities and %s written in %.1f s\n",
               static_cast<long long>(*opportunity_count),
               sales.orders_csv.empty() ? "the orders" : "the sales data besides orders", secs);
  started = std::chrono::steady_clock::now();
  auto relationship = WriteDemoRelationship(*store, gen, DemoRelationshipInput{customer_ids, owners, purchases, now});
  store->Close();
  if (!relationship.ok()) return Fail("demo relationship data: " + relationship.status().ToString());
  secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "demo: %lld interactions, %lld open and %lld done tasks, %lld return-visit plans written in %.1f s\n",
               static_cast<long long>(relationship->interactions), static_cast<long long>(relationship->open_tasks),
               static_cast<long long>(relationship->done_tasks), static_cast<long long>(relationship->plans_created),
               secs);
  return 0;
}

int CustomersList(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "q", "limit", "format"}); !s.ok()) return Usage(s.message());
  auto limit = ParsePositive(a.GetOr("limit", "50"));
  if (!limit || *limit < 1) return Usage("--limit must be a positive integer");
  std::string format = a.GetOr("format", "json");
  if (format != "json" && format != "csv") return Usage("--format must be json or csv");
  GX_OPEN_STORE_OR_RETURN(store, a);
  CustomerQuery q;
  q.search = FoldForSearch(a.GetOr("q", ""));
  q.limit = static_cast<int>(std::min<int64_t>(*limit, 200));
  std::string out = format == "csv" ? kCsvHeader : "[";
  bool first = true;
  Status s = ForEachCustomer(*store, q, [&](const Customer& c) {
    if (format == "csv") {
      out += CsvRow(c);
    } else {
      out += (first ? "\n" : ",\n") + CustomerToJson(c);
    }
    first = false;
  }, *limit);
  store->Close();
  if (!s.ok()) return Fail(s.ToString());
  if (format == "json") out += first ? "]\n" : "\n]\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int CustomersShow(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "id"}); !s.ok()) return Usage(s.message());
  auto id = ParsePositive(a.GetOr("id", ""));
  if (!id) return Usage("--id must be a customer id");
  GX_OPEN_STORE_OR_RETURN(store, a);
  auto c = store->GetCustomer(*id);
  auto contacts = c.ok() ? store->ListContacts(*id) : Result<std::vector<Contact>>(c.status());
  store->Close();
  if (!c.ok()) return Fail(c.status().message());
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteCustomerFields(w, *c);
  w.Key("phone_region");
  WriteString(w, c->phone.empty() ? "" : PhoneRegion(c->phone));
  w.Key("contacts");
  w.StartArray();
  if (contacts.ok()) {
    for (const auto& ct : *contacts) {
      w.StartObject();
      WriteContactFields(w, ct);
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  std::printf("%s\n", buf.GetString());
  return 0;
}

int CustomersExport(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "format", "out"}); !s.ok()) return Usage(s.message());
  std::string format = a.GetOr("format", "json");
  if (format != "json" && format != "csv") return Usage("--format must be json or csv");
  GX_OPEN_STORE_OR_RETURN(store, a);
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (auto path = a.Get("out")) {
    file.open(*path, std::ios::binary | std::ios::trunc);
    if (!file) {
      store->Close();
      return Fail("cannot write " + *path);
    }
    out = &file;
  }
  CustomerQuery q;
  q.archived = CustomerQuery::Archived::kAll;
  q.sort = CustomerSort::kCreatedAsc;
  q.limit = 200;
  int64_t n = 0;
  if (format == "csv") *out << kCsvHeader; else *out << "[";
  Status s = ForEachCustomer(*store, q, [&](const Customer& c) {
    if (format == "csv") *out << CsvRow(c);
    else *out << (n ? ",\n" : "\n") << CustomerToJson(c);
    ++n;
  });
  if (format == "json") *out << (n ? "\n]\n" : "]\n");
  out->flush();
  store->Close();
  if (!s.ok()) return Fail(s.ToString());
  if (!*out) return Fail("write failed");
  std::fprintf(stderr, "exported %lld customers\n", static_cast<long long>(n));
  return 0;
}

}  // namespace guanxi::cli
