// The PostgreSQL implementation of Store. Layout of the work:
//  - a pool of libpq connections; each write is one READ COMMITTED transaction
//    that locks the row it changes (SELECT … FOR UPDATE) and checks its version,
//    so concurrent edits from any number of processes end in a 409, never a lost
//    update; deadlocks and serialization failures are retried;
//  - search runs on a pg_trgm GIN index (three or more characters) and a GIN
//    index over each row's short grams (one or two non-ASCII characters), giving
//    the same rows as the SQLite backend;
//  - one extra connection LISTENs on guanxi_changes and tells OnChange
//    subscribers what other replicas (and this one) changed.
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "domain/customer_json.h"
#include "domain/encoding.h"
#include "domain/search_text.h"
#include "store/cursor.h"
#include "store/list_query.h"
#include "store/portable.h"
#include "store/postgres/sql_values.h"
#include "store/postgres/analytics_store.h"
#include "store/postgres/interaction_store.h"
#include "store/postgres/ownership_store.h"
#include "store/postgres/lifecycle_store.h"
#include "store/postgres/task_store.h"
#include "store/postgres/journey_store.h"
#include "store/postgres/dedup_store.h"
#include "store/postgres/plan_store.h"
#include "store/postgres/job_store.h"
#include "store/postgres/bulk_load.h"
#include "store/postgres/connection.h"
#include "store/postgres/migrations.h"
#include "store/postgres/sales_impl.h"
#include "store/postgres/sales_store.h"
#include "store/rows.h"
#include "store/store.h"

namespace guanxi {
namespace {

using postgres::Connection;
using postgres::Params;
using postgres::Pool;
using postgres::AddAll;
using namespace store_rows;

// The planner's positional `?` parameter markers as PostgreSQL's $1, $2, ….
std::string NumberParameters(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (char ch : sql) {
    if (ch == '?') out += "$" + std::to_string(++n);
    else out.push_back(ch);
  }
  return out;
}

// A text[] literal for COPY and parameters: {"a","b"} with quotes and
// backslashes escaped.
std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (char ch : items[i]) {
      if (ch == '"' || ch == '\\') out.push_back('\\');
      out.push_back(ch);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

// LIKE pattern matching `term` anywhere, with LIKE's wildcards escaped.
std::string ContainsPattern(const std::string& term) {
  std::string out = "%";
  for (char ch : term) {
    if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  out.push_back('%');
  return out;
}

// How PostgreSQL matches search terms (see the file comment): the driving term
// through an index, the others as substring filters. strpos keeps 1–2 character
// ASCII terms an id-ordered scan, as on SQLite.
SearchSql PostgresSearch(const std::vector<std::string>& terms, size_t drive) {
  SearchSql s;
  const std::string& term = terms[drive];
  bool has_non_ascii = false;
  for (unsigned char ch : term) has_non_ascii |= ch >= 0x80;
  if (CodePointCount(term) >= 3) {
    s.where += " AND c.search_text LIKE ?";
    s.args.emplace_back(ContainsPattern(term));
  } else if (has_non_ascii) {
    s.where += " AND c.short_grams @> ARRAY[?]::text[]";
    s.args.emplace_back(term);
  } else {
    s.where += " AND strpos(c.search_text, ?) > 0";
    s.args.emplace_back(term);
  }
  for (size_t i = 0; i < terms.size(); ++i) {
    if (i == drive) continue;
    s.where += " AND strpos(c.search_text, ?) > 0";
    s.args.emplace_back(terms[i]);
  }
  return s;
}

void AddCustomerFields(Params& p, const Customer& c, const CustomerIndexKeys& keys) {
  p.Add(std::string(ToString(c.kind))).Add(c.name).AddBytes(keys.name_sort).Add(c.industry);
  if (c.size) p.Add(std::string(ToString(*c.size))); else p.AddNull();
  p.Add(c.province).Add(c.city).Add(c.source).Add(c.owner_user_id)
      .Add(std::string(ToString(c.relationship))).Add(std::string(ToString(c.relationship_level)))
      .Add(std::string(ToString(c.lifecycle_stage))).Add(StringListToJson(c.tags))
      .Add(CareDatesToJson(c.care_dates)).Add(c.phone).Add(c.email).Add(c.notes)
      .AddTextOrNull(c.external_id).Add(int64_t{c.archived ? 1 : 0}).Add(keys.search_text)
      .Add(ArrayLiteral(keys.grams)).Add(c.purchase_potential);
}

void AddContactFields(Params& p, const Contact& c) {
  p.Add(c.customer_id).Add(c.name).Add(c.title).Add(c.phone).Add(c.email).Add(c.wechat);
  if (c.personality) p.Add(std::string(ToString(*c.personality))); else p.AddNull();
  p.Add(c.birthday).Add(c.notes);
}

Status InsertAudit(Connection& db, const AuditEntry& a) {
  return db.Query("INSERT INTO audit_log(at, user_id, user_login, entity, entity_id, action, "
                  "before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                  Params().Add(a.at).Add(a.user_id).Add(a.user_login).Add(a.entity)
                      .Add(a.entity_id).Add(a.action).Add(a.before).Add(a.after))
      .status();
}

Status WriteTags(Connection& db, int64_t customer_id, const std::vector<std::string>& tags,
                 bool replace) {
  if (replace) {
    GX_RETURN_IF_ERROR(db.Query("DELETE FROM customer_tag WHERE customer_id = $1",
                                Params().Add(customer_id)).status());
  }
  if (tags.empty()) return Status::Ok();
  return db.Query("INSERT INTO customer_tag(tag, customer_id) SELECT DISTINCT unnest($1::text[]), $2::bigint "
                  "ON CONFLICT DO NOTHING",
                  Params().Add(ArrayLiteral(tags)).Add(customer_id))
      .status();
}

const std::string kSelectCustomer = std::string("SELECT ") + kCustomerColumns + " FROM customer c WHERE c.id = $1";

Result<Customer> SelectCustomer(Connection& db, int64_t id, bool for_update) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(for_update ? kSelectCustomer + " FOR UPDATE" : kSelectCustomer,
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound("customer " + std::to_string(id) + " not found");
  return ReadCustomer(r.row(0));
}

Result<Contact> SelectContact(Connection& db, int64_t id, bool for_update) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kContactColumns +
                                           " FROM contact WHERE id = $1" + (for_update ? " FOR UPDATE" : ""),
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound("contact " + std::to_string(id) + " not found");
  return ReadContact(r.row(0));
}

Result<User> SelectUser(Connection& db, const std::string& where, Params p, const std::string& missing,
                        bool for_update = false) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kUserColumns + " FROM app_user WHERE " +
                                           where + (for_update ? " FOR UPDATE" : ""),
                                       p));
  if (r.rows() == 0) return Status::NotFound(missing);
  return ReadUser(r.row(0));
}

Result<Team> SelectTeam(Connection& db, const std::string& where, Params p, const std::string& missing,
                        bool for_update = false) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query("SELECT id, name, manager_user_id, created_at FROM team WHERE " +
                                           where + (for_update ? " FOR UPDATE" : ""),
                                       p));
  if (r.rows() == 0) return Status::NotFound(missing);
  return ReadTeam(r.row(0));
}

// What a broken unique or foreign key means for each entity: the same answers
// the SQLite backend gives.
struct KeyErrors {
  const char* unique_field;    // nullptr: no unique key a caller can break
  const char* unique_detail;   // the problem's detail
  const char* unique_message;  // the field's message
  const char* fk_field;
  const char* fk_message;
};
constexpr KeyErrors kCustomerKeys{"external_id", "external_id is already used by another customer",
                                  "already used by another customer", "owner_user_id", "no such user"};
constexpr KeyErrors kContactKeys{nullptr, nullptr, nullptr, "customer_id", "no such customer"};
constexpr KeyErrors kUserKeys{"login", "login is taken", "is already taken", "team_id", "no such team"};
constexpr KeyErrors kTeamKeys{"name", "team name is taken", "is already taken", "manager_user_id",
                              "no such user"};
constexpr KeyErrors kTokenKeys{nullptr, nullptr, nullptr, "user_id", "no such user"};

Status Explain(Status s, const KeyErrors& k) {
  if (s.code() == StatusCode::kAlreadyExists && k.unique_field) {
    return Status::AlreadyExists(k.unique_detail, {{k.unique_field, k.unique_message}});
  }
  if (s.code() == StatusCode::kFailedPrecondition) return Status::InvalidField(k.fk_field, k.fk_message);
  return s;
}

class PostgresStore final : public Store {
 public:
  PostgresStore(std::unique_ptr<Pool> pool, std::unique_ptr<Connection> listener)
      : pool_(std::move(pool)), listener_(std::move(listener)) {
    if (listener_) listen_thread_ = std::thread([this] { ListenLoop(); });
    sales_ = NewPostgresSalesStore(*pool_);
    analytics_ = NewPostgresAnalyticsStore(*pool_);
    interactions_ = NewPostgresInteractionStore(*pool_);
    tasks_ = NewPostgresTaskStore(*pool_);
    plans_ = NewPostgresPlanStore(*pool_);
    ownership_ = NewPostgresOwnershipStore(*pool_);
    lifecycle_ = NewPostgresLifecycleStore(*pool_);
    jobs_ = NewPostgresJobStore(*pool_);
    journeys_ = NewPostgresJourneyStore(*pool_);
    dedup_ = NewPostgresDedupStore(*pool_);
  }
  ~PostgresStore() override { Close(); }

  // --- customers ---
  // One statement (atomic on its own, so no BEGIN/COMMIT round trips): the row,
  // its tag rows and its audit row. The audit document is written with id 0 and
  // the database puts the new id in its place.
  Result<Customer> CreateCustomer(Customer c, AuditEntry audit) override {
    CustomerIndexKeys keys = DeriveIndexKeys(c);
    c.id = 0;
    c.version = 1;
    const std::string after = CustomerToJson(c);
    static constexpr std::string_view kIdPrefix = "{\"id\":0,";
    if (after.rfind(kIdPrefix, 0) != 0) return Status::Internal("customer JSON does not start with its id");
    Params p;
    AddCustomerFields(p, c, keys);
    p.Add(c.created_at).Add(c.updated_at).Add(ArrayLiteral(c.tags)).Add(audit.at).Add(audit.user_id)
        .Add(audit.user_login).Add(audit.entity).Add(audit.action).Add(after.substr(kIdPrefix.size()));
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    auto r = db->Query(
        "WITH c AS (INSERT INTO customer(version, kind, name, name_sort, industry, size, province, "
        "city, source, owner_user_id, relationship, relationship_level, lifecycle_stage, tags, "
        "care_dates, phone, email, notes, external_id, archived, search_text, short_grams, "
        "purchase_potential, created_at, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24) RETURNING id), "
        "t AS (INSERT INTO customer_tag(tag, customer_id) "
        "      SELECT DISTINCT unnest($25::text[]), c.id FROM c), "
        "a AS (INSERT INTO audit_log(at, user_id, user_login, entity, entity_id, action, "
        "      before_json, after_json) "
        "      SELECT $26, $27, $28, $29, c.id, $30, '', '{\"id\":' || c.id || ',' || $31 FROM c) "
        "SELECT id FROM c",
        p);
    if (!r.ok()) {
      return Explain(r.status(), kCustomerKeys);
    }
    c.id = r->row(0).Int(0);
    return c;
  }

  Result<Customer> GetCustomer(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    return SelectCustomer(*db, id, false);
  }

  Result<Customer> UpdateCustomer(Customer c, AuditEntry audit) override {
    CustomerIndexKeys keys = DeriveIndexKeys(c);
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Customer old, SelectCustomer(db, c.id, true));
      if (old.version != c.version) {
        return Status::Conflict("customer " + std::to_string(c.id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(c.version));
      }
      Params p;
      AddCustomerFields(p, c, keys);
      p.Add(c.updated_at).Add(c.id).Add(c.version);
      auto r = db.Query(
          "UPDATE customer SET version = version + 1, kind = $1, name = $2, name_sort = $3, "
          "industry = $4, size = $5, province = $6, city = $7, source = $8, owner_user_id = $9, "
          "relationship = $10, relationship_level = $11, lifecycle_stage = $12, tags = $13, "
          "care_dates = $14, phone = $15, email = $16, notes = $17, external_id = $18, archived = $19, "
          "search_text = $20, short_grams = $21, purchase_potential = $22, updated_at = $23 "
          "WHERE id = $24 AND version = $25",
          p);
      if (!r.ok()) {
        return Explain(r.status(), kCustomerKeys);
      }
      if (r->affected() != 1) return Status::Conflict("customer changed concurrently");
      c.version = old.version + 1;
      c.created_at = old.created_at;
      if (c.tags != old.tags) GX_RETURN_IF_ERROR(WriteTags(db, c.id, c.tags, true));
      if (old.owner_user_id != c.owner_user_id) {
        // An owner changed by editing the customer is part of the owner history too.
        GX_RETURN_IF_ERROR(db.Query("INSERT INTO owner_history(customer_id, at, from_user_id, to_user_id, reason, "
                                    "user_id) VALUES ($1, $2, $3, $4, 'edit', $5)",
                                    Params().Add(c.id).Add(c.updated_at).Add(old.owner_user_id)
                                        .Add(c.owner_user_id).Add(audit.user_id))
                               .status());
      }
      audit.entity_id = c.id;
      audit.before = CustomerToJson(old);
      audit.after = CustomerToJson(c);
      return InsertAudit(db, audit);
    }));
    return c;
  }

  Status DeleteCustomer(int64_t id, AuditEntry audit) override {
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Customer old, SelectCustomer(db, id, true));
      // Its orders go with it (ON DELETE CASCADE), and their out-of-funnel sums.
      GX_RETURN_IF_ERROR(RemoveCustomerSalesDay(db, id));
      GX_RETURN_IF_ERROR(db.Query("DELETE FROM customer WHERE id = $1", Params().Add(id)).status());
      audit.entity_id = id;
      audit.before = CustomerToJson(old);
      return InsertAudit(db, audit);
    });
  }

  Result<Page<Customer>> ListCustomers(const CustomerQuery& q) override {
    GX_ASSIGN_OR_RETURN(CustomerListPlan plan, PlanCustomerList(q, PostgresSearch));
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    Page<Customer> page;
    std::optional<std::string> last_sort_value;
    bool more = false;
    for (const auto& seg : plan.segments) {
      if (more) break;
      Params p;
      AddAll(p, seg.args);
      p.Add(static_cast<int64_t>(q.limit + 1 - static_cast<int>(page.items.size())));
      // A search's best plan depends on how common its term is; other lists keep
      // one cached plan.
      const std::string sql = NumberParameters(seg.sql + " LIMIT ?");
      GX_ASSIGN_OR_RETURN(auto r, q.search.empty() ? db->Query(sql, p) : db->QueryPlannedForValues(sql, p));
      for (int i = 0; i < r.rows(); ++i) {
        if (static_cast<int>(page.items.size()) == q.limit) {
          more = true;
          break;
        }
        page.items.push_back(ReadCustomer(r.row(i)));
        if (plan.key == CustomerListPlan::Key::kName) last_sort_value = r.row(i).Blob(kCustomerNameSortColumn);
        if (plan.key == CustomerListPlan::Key::kMetric) {
          std::optional<std::string> v;
          if (!r.row(i).IsNull(kCustomerSortValueColumn)) v = r.row(i).Text(kCustomerSortValueColumn);
          last_sort_value = plan.metric_real ? CanonicalReal(v) : v;
        }
      }
    }
    if (more) page.next = CustomerListCursor(plan, page.items.back(), last_sort_value);
    return page;
  }

  Result<int64_t> CountCustomers() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT count(*) FROM customer"));
    return r.row(0).Int(0);
  }

  Result<std::map<int64_t, std::string>> CustomerNames(const std::vector<int64_t>& ids) override {
    std::map<int64_t, std::string> names;
    if (ids.empty()) return names;
    std::string array = "{";
    for (int64_t id : ids) array += (array.size() > 1 ? "," : "") + std::to_string(id);
    array += "}";
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT id, name FROM customer WHERE id = ANY($1::bigint[])",
                                          Params().Add(array)));
    for (int i = 0; i < r.rows(); ++i) names[r.row(i).Int(0)] = r.row(i).Text(1);
    return names;
  }

  Status InsertCustomersBulk(std::vector<Customer>& customers) override {
    if (customers.empty()) return Status::Ok();
    std::vector<CustomerIndexKeys> keys;
    keys.reserve(customers.size());
    for (const auto& c : customers) keys.push_back(DeriveIndexKeys(c));
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto ids, db.Query(
          "SELECT nextval(pg_get_serial_sequence('customer', 'id')) FROM generate_series(1, $1)",
          Params().Add(static_cast<int64_t>(customers.size()))));
      for (size_t i = 0; i < customers.size(); ++i) {
        customers[i].id = ids.row(static_cast<int>(i)).Int(0);
        customers[i].version = 1;
      }
      GX_RETURN_IF_ERROR(CopyCustomers(db, customers, keys));
      TagRows tags;
      for (const auto& c : customers) AddTagRows(tags, c);
      return CopyTagRows(db, tags);
    });
  }

  // --- contacts ---
  Result<Contact> CreateContact(Contact c, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      Params p;
      AddContactFields(p, c);
      p.Add(c.created_at).Add(c.updated_at);
      auto r = db.Query(
          "INSERT INTO contact(version, customer_id, name, title, phone, email, wechat, personality, "
          "birthday, notes, created_at, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, "
          "$10, $11) RETURNING id",
          p);
      if (!r.ok()) return Explain(r.status(), kContactKeys);
      c.id = r->row(0).Int(0);
      c.version = 1;
      audit.entity_id = c.id;
      audit.after = ContactToJson(c);
      return InsertAudit(db, audit);
    }));
    return c;
  }

  Result<Contact> GetContact(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    return SelectContact(*db, id, false);
  }

  Result<Contact> UpdateContact(Contact c, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Contact old, SelectContact(db, c.id, true));
      if (old.version != c.version) {
        return Status::Conflict("contact " + std::to_string(c.id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(c.version));
      }
      Params p;
      AddContactFields(p, c);
      p.Add(c.updated_at).Add(c.id).Add(c.version);
      auto r = db.Query(
          "UPDATE contact SET version = version + 1, customer_id = $1, name = $2, title = $3, "
          "phone = $4, email = $5, wechat = $6, personality = $7, birthday = $8, notes = $9, "
          "updated_at = $10 WHERE id = $11 AND version = $12",
          p);
      if (!r.ok()) return Explain(r.status(), kContactKeys);
      if (r->affected() != 1) return Status::Conflict("contact changed concurrently");
      c.version = old.version + 1;
      c.created_at = old.created_at;
      audit.entity_id = c.id;
      audit.before = ContactToJson(old);
      audit.after = ContactToJson(c);
      return InsertAudit(db, audit);
    }));
    return c;
  }

  Status DeleteContact(int64_t id, AuditEntry audit) override {
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Contact old, SelectContact(db, id, true));
      GX_RETURN_IF_ERROR(db.Query("DELETE FROM contact WHERE id = $1", Params().Add(id)).status());
      audit.entity_id = id;
      audit.before = ContactToJson(old);
      return InsertAudit(db, audit);
    });
  }

  Result<std::vector<Contact>> ListContacts(int64_t customer_id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kContactColumns +
                                              " FROM contact WHERE customer_id = $1 ORDER BY id",
                                          Params().Add(customer_id)));
    std::vector<Contact> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadContact(r.row(i)));
    return out;
  }

  Status InsertContactsBulk(std::vector<Contact>& contacts) override {
    if (contacts.empty()) return Status::Ok();
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto ids, db.Query(
          "SELECT nextval(pg_get_serial_sequence('contact', 'id')) FROM generate_series(1, $1)",
          Params().Add(static_cast<int64_t>(contacts.size()))));
      size_t next = 0;
      for (auto& c : contacts) {
        c.id = ids.row(static_cast<int>(next++)).Int(0);
        c.version = 1;
      }
      next = 0;
      return db.CopyIn(
          "COPY contact(id, version, customer_id, name, title, phone, email, wechat, personality, "
          "birthday, notes, created_at, updated_at) FROM STDIN",
          [&](std::string& buf) {
            for (; next < contacts.size() && buf.size() < (1 << 20); ++next) {
              const Contact& c = contacts[next];
              std::vector<std::optional<std::string>> v = {
                  std::to_string(c.id), "1", std::to_string(c.customer_id), c.name, c.title,
                  c.phone, c.email, c.wechat,
                  c.personality ? std::optional<std::string>(ToString(*c.personality)) : std::nullopt,
                  c.birthday, c.notes, std::to_string(c.created_at), std::to_string(c.updated_at)};
              AppendCopyRow(buf, v);
            }
            return next < contacts.size();
          });
    });
  }

  // --- users and teams ---
  Result<User> CreateUser(User u, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      auto r = db.Query(
          "INSERT INTO app_user(version, login, display_name, role, team_id, password_hash, disabled, "
          "created_at, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
          Params().Add(u.login).Add(u.display_name).Add(std::string(ToString(u.role))).Add(u.team_id)
              .Add(u.password_hash).Add(int64_t{u.disabled ? 1 : 0}).Add(u.created_at).Add(u.updated_at));
      if (!r.ok()) return Explain(r.status(), kUserKeys);
      u.id = r->row(0).Int(0);
      u.version = 1;
      audit.entity_id = u.id;
      audit.after = UserToJson(u);
      return InsertAudit(db, audit);
    }));
    return u;
  }

  Result<User> GetUser(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    return SelectUser(*db, "id = $1", Params().Add(id), "user " + std::to_string(id) + " not found");
  }

  Result<User> GetUserByLogin(const std::string& login) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    return SelectUser(*db, "login = $1", Params().Add(login), "no user with login " + login);
  }

  Result<User> UpdateUser(User u, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(User old, SelectUser(db, "id = $1", Params().Add(u.id),
                                               "user " + std::to_string(u.id) + " not found", true));
      if (old.version != u.version) {
        return Status::Conflict("user " + std::to_string(u.id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(u.version));
      }
      auto r = db.Query(
          "UPDATE app_user SET version = version + 1, display_name = $1, role = $2, team_id = $3, "
          "password_hash = $4, disabled = $5, updated_at = $6 WHERE id = $7 AND version = $8",
          Params().Add(u.display_name).Add(std::string(ToString(u.role))).Add(u.team_id)
              .Add(u.password_hash).Add(int64_t{u.disabled ? 1 : 0}).Add(u.updated_at).Add(u.id)
              .Add(u.version));
      if (!r.ok()) return Explain(r.status(), kUserKeys);
      if (u.disabled || u.password_hash != old.password_hash) {
        // A disabled user or a new password ends every open session of that user.
        GX_RETURN_IF_ERROR(db.Query("DELETE FROM session WHERE user_id = $1", Params().Add(u.id)).status());
      }
      u.version = old.version + 1;
      u.created_at = old.created_at;
      audit.entity_id = u.id;
      audit.before = UserToJson(old);
      audit.after = UserToJson(u);
      return InsertAudit(db, audit);
    }));
    NotifyLocal("user", u.id);
    return u;
  }

  Result<std::vector<User>> ListUsers() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kUserColumns + " FROM app_user ORDER BY id"));
    std::vector<User> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadUser(r.row(i)));
    return out;
  }

  Result<Team> CreateTeam(Team t, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      auto r = db.Query("INSERT INTO team(name, manager_user_id, created_at) VALUES ($1, $2, $3) RETURNING id",
                        Params().Add(t.name).Add(t.manager_user_id).Add(t.created_at));
      if (!r.ok()) return Explain(r.status(), kTeamKeys);
      t.id = r->row(0).Int(0);
      audit.entity_id = t.id;
      audit.after = TeamToJson(t);
      return InsertAudit(db, audit);
    }));
    return t;
  }

  Result<Team> GetTeam(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    return SelectTeam(*db, "id = $1", Params().Add(id), "team " + std::to_string(id) + " not found");
  }

  Result<Team> GetTeamByName(const std::string& name) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    return SelectTeam(*db, "name = $1", Params().Add(name), "no team named " + name);
  }

  Result<Team> UpdateTeam(Team t, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Team old, SelectTeam(db, "id = $1", Params().Add(t.id),
                                               "team " + std::to_string(t.id) + " not found", true));
      auto r = db.Query("UPDATE team SET name = $1, manager_user_id = $2 WHERE id = $3",
                        Params().Add(t.name).Add(t.manager_user_id).Add(t.id));
      if (!r.ok()) return Explain(r.status(), kTeamKeys);
      t.created_at = old.created_at;
      audit.entity_id = t.id;
      audit.before = TeamToJson(old);
      audit.after = TeamToJson(t);
      return InsertAudit(db, audit);
    }));
    NotifyLocal("team", t.id);
    return t;
  }

  Result<std::vector<Team>> ListTeams() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT id, name, manager_user_id, created_at FROM team "
                                          "ORDER BY name COLLATE \"C\""));
    std::vector<Team> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadTeam(r.row(i)));
    return out;
  }

  // --- sessions and tokens ---
  Status CreateSession(const Session& s) override {
    return Tx([&](Connection& db) -> Status {
      GX_RETURN_IF_ERROR(db.Query("DELETE FROM session WHERE expires_at <= $1", Params().Add(s.created_at)).status());
      return db.Query("INSERT INTO session(id_hash, user_id, csrf_token, created_at, expires_at) "
                      "VALUES ($1, $2, $3, $4, $5)",
                      Params().Add(s.id_hash).Add(s.user_id).Add(s.csrf_token).Add(s.created_at)
                          .Add(s.expires_at))
          .status();
    });
  }

  Result<Session> GetSession(const std::string& id_hash, UnixSeconds now) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT id_hash, user_id, csrf_token, created_at, expires_at "
                                          "FROM session WHERE id_hash = $1 AND expires_at > $2",
                                          Params().Add(id_hash).Add(now)));
    if (r.rows() == 0) return Status::NotFound("no such session");
    auto row = r.row(0);
    return Session{row.Text(0), row.Int(1), row.Text(2), row.Int(3), row.Int(4)};
  }

  Status DeleteSession(const std::string& id_hash) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    return db->Query("DELETE FROM session WHERE id_hash = $1", Params().Add(id_hash)).status();
  }

  Result<ApiToken> CreateApiToken(ApiToken t, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      auto r = db.Query("INSERT INTO api_token(user_id, name, token_hash, created_at) "
                        "VALUES ($1, $2, $3, $4) RETURNING id",
                        Params().Add(t.user_id).Add(t.name).Add(t.token_hash).Add(t.created_at));
      if (!r.ok()) return Explain(r.status(), kTokenKeys);
      t.id = r->row(0).Int(0);
      audit.entity_id = t.id;
      audit.after = JsonObjectWithName(t.name);
      return InsertAudit(db, audit);
    }));
    return t;
  }

  Result<User> UseApiToken(const std::string& token_hash, UnixSeconds now) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(
        "SELECT u.id, u.version, u.login, u.display_name, u.role, u.team_id, u.password_hash, "
        "u.disabled, u.created_at, u.updated_at, t.id, t.last_used_at "
        "FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = $1",
        Params().Add(token_hash)));
    if (r.rows() == 0) return Status::NotFound("no such token");
    auto row = r.row(0);
    User u = ReadUser(row);
    std::optional<int64_t> last_used = row.OptInt(11);
    if (!last_used || *last_used < now - 60) {
      // At most once a minute; the condition keeps replicas from all writing it.
      GX_RETURN_IF_ERROR(db->Query("UPDATE api_token SET last_used_at = $1 WHERE id = $2 AND "
                                   "(last_used_at IS NULL OR last_used_at < $3)",
                                   Params().Add(now).Add(row.Int(10)).Add(now - 60))
                             .status());
    }
    return u;
  }

  Result<std::vector<ApiToken>> ListApiTokens(int64_t user_id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT id, user_id, name, created_at, last_used_at FROM api_token "
                                          "WHERE user_id = $1 ORDER BY id",
                                          Params().Add(user_id)));
    std::vector<ApiToken> out;
    for (int i = 0; i < r.rows(); ++i) {
      auto row = r.row(i);
      out.push_back(ApiToken{row.Int(0), row.Int(1), row.Text(2), "", row.Int(3), row.OptInt(4)});
    }
    return out;
  }

  Status DeleteApiToken(int64_t user_id, int64_t token_id, AuditEntry audit) override {
    Status s = Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto r, db.Query("DELETE FROM api_token WHERE id = $1 AND user_id = $2",
                                           Params().Add(token_id).Add(user_id)));
      if (r.affected() != 1) return Status::NotFound("token " + std::to_string(token_id) + " not found");
      audit.entity_id = token_id;
      return InsertAudit(db, audit);
    });
    if (s.ok()) NotifyLocal("token", token_id);
    return s;
  }

  // --- audit ---
  Result<Page<AuditEntry>> ListAudit(const AuditQuery& q) override {
    GX_ASSIGN_OR_RETURN(AuditListPlan plan, PlanAuditList(q));
    Params p;
    AddAll(p, plan.args);
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(NumberParameters(plan.sql), p));
    Page<AuditEntry> page;
    for (int i = 0; i < r.rows(); ++i) page.items.push_back(ReadAudit(r.row(i)));
    FinishAuditPage(page, q.limit);
    return page;
  }

  Status AppendAudit(AuditEntry audit) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    return InsertAudit(*db, audit);
  }

  // --- shared state ---
  Status RecordRateEvent(const std::string& key, UnixSeconds at) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    return db->Query("INSERT INTO rate_limit_event(key, at) VALUES ($1, $2)", Params().Add(key).Add(at))
        .status();
  }

  Result<std::vector<UnixSeconds>> RateEvents(const std::string& key, UnixSeconds since) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT at FROM rate_limit_event WHERE key = $1 AND at > $2 "
                                          "ORDER BY at",
                                          Params().Add(key).Add(since)));
    std::vector<UnixSeconds> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.row(i).Int(0));
    return out;
  }

  Status ClearRateEvents(const std::string& key, UnixSeconds before) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    return db->Query("DELETE FROM rate_limit_event WHERE key = $1 OR at <= $2", Params().Add(key).Add(before))
        .status();
  }

  SalesStore& Sales() override { return *sales_; }
  AnalyticsStore& Analytics() override { return *analytics_; }
  InteractionStore& Interactions() override { return *interactions_; }
  TaskStore& Tasks() override { return *tasks_; }
  PlanStore& Plans() override { return *plans_; }
  OwnershipStore& Ownership() override { return *ownership_; }
  LifecycleStore& Lifecycle() override { return *lifecycle_; }
  JobStore& Jobs() override { return *jobs_; }
  JourneyStore& Journeys() override { return *journeys_; }
  DedupStore& Dedup() override { return *dedup_; }

  void OnChange(std::function<void(const std::string&, int64_t)> fn) override {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    listeners_.push_back(std::move(fn));
  }

  // --- copy ---
  Status ExportTables(int chunk_rows, const std::function<Status(const TableRows&)>& sink) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    GX_RETURN_IF_ERROR(db->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Status s = [&]() -> Status {
      for (const PortableTable& t : PortableTableDefs()) {
        std::string order;
        for (const auto& key : t.order_by) {
          if (!order.empty()) order += ", ";
          order += key.column + (key.text ? " COLLATE \"C\"" : "");  // byte order, as SQLite's BINARY
        }
        TableRows chunk{t.name, t.columns, {}};
        const std::vector<bool> real = RealColumnMask(t);
        GX_RETURN_IF_ERROR(db->CopyOut(
            "COPY (SELECT " + JoinColumns(t.columns) + " FROM " + t.name + " ORDER BY " + order +
                ") TO STDOUT",
            [&](std::string_view line) -> Status {
              chunk.rows.push_back(postgres::ParseCopyLine(line));
              auto& values = chunk.rows.back();
              for (size_t i = 0; i < values.size() && i < real.size(); ++i) {
                if (real[i]) values[i] = CanonicalReal(values[i]);
              }
              if (static_cast<int>(chunk.rows.size()) < chunk_rows) return Status::Ok();
              Status out = sink(chunk);
              chunk.rows.clear();
              return out;
            }));
        if (!chunk.rows.empty()) GX_RETURN_IF_ERROR(sink(chunk));
      }
      return Status::Ok();
    }();
    (void)db->Exec("COMMIT");
    return s;
  }

  Status ImportTables(const std::function<Result<std::optional<TableRows>>()>& next) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto probe, db.Query(
          "SELECT (SELECT count(*) FROM customer) + (SELECT count(*) FROM app_user) + "
          "(SELECT count(*) FROM audit_log)"));
      if (probe.row(0).Int(0) != 0) {
        return Status::FailedPrecondition("the destination already holds data; copy into an empty database");
      }
      // Foreign keys are dropped for the load and added back at the end: adding
      // one checks every row in a single join, where a kept (even deferred) key
      // checks each row on its own, 20 s for a million customers and contacts.
      GX_ASSIGN_OR_RETURN(auto foreign_keys, postgres::DropForeignKeys(db, {}));
      // Emptied in this transaction (they hold nothing), so COPY may write the
      // rows frozen: no hint-bit writes on first read, no freezing vacuum later.
      {
        std::string all;
        for (const PortableTable& t : PortableTableDefs()) all += (all.empty() ? "" : ", ") + t.name;
        GX_RETURN_IF_ERROR(db.Exec("TRUNCATE " + all + ", customer_tag"));
      }
      // Indexes that back no constraint are dropped for the load and built once
      // at the end: far cheaper than keeping them up to date row by row.
      GX_ASSIGN_OR_RETURN(auto deferred, postgres::DropPlainIndexes(db, {}));
      // One COPY per table, fed chunk after chunk as they arrive, so deriving the
      // next customers' search keys here overlaps with the server storing the
      // previous ones.
      TagRows tag_rows;
      GX_ASSIGN_OR_RETURN(std::optional<TableRows> chunk, next());
      while (chunk) {
        const std::string table = chunk->table;
        GX_RETURN_IF_ERROR(CheckPortableChunk(table, chunk->columns));
        const bool is_customer = table == "customer";
        std::string copy_sql = "COPY " + table + "(" + JoinColumns(chunk->columns) + ") FROM STDIN";
        if (is_customer) copy_sql = kCopyCustomersSql;
        copy_sql += " WITH (FREEZE)";
        size_t row = 0;
        Status pulled;
        GX_RETURN_IF_ERROR(db.CopyIn(copy_sql, [&](std::string& buf) {
          while (buf.size() < (1 << 20)) {
            if (row == chunk->rows.size()) {
              auto more = next();
              if (!more.ok()) {
                pulled = more.status();
                chunk.reset();
                return false;
              }
              chunk = std::move(more).value();
              row = 0;
              if (!chunk) return false;
              if (chunk->table != table) return false;  // the next table's first chunk waits
              pulled = CheckPortableChunk(table, chunk->columns);
              if (!pulled.ok()) return false;
              continue;
            }
            if (is_customer) {
              Customer c = ReadCustomer(TextRow(chunk->rows[row]));
              AppendCustomerCopyRow(buf, c, DeriveIndexKeys(c));
              AddTagRows(tag_rows, c);
            } else {
              AppendCopyRow(buf, chunk->rows[row]);
            }
            ++row;
          }
          return true;
        }));
        GX_RETURN_IF_ERROR(pulled);
      }
      // The tag rows were gathered while the customers streamed by.
      GX_RETURN_IF_ERROR(CopyTagRows(db, tag_rows, /*frozen=*/true));
      GX_RETURN_IF_ERROR(postgres::AddForeignKeys(db, foreign_keys));
      // B-trees are built now, in this transaction (a unique one re-checks its
      // rows); GIN indexes take a core each for tens of seconds per million customers,
      // so they are recorded and built side by side once the rows are committed.
      for (const auto& [name, definition] : deferred) {
        if (definition.find(" USING gin ") == std::string::npos) {
          GX_RETURN_IF_ERROR(db.Exec(definition));
          continue;
        }
        GX_RETURN_IF_ERROR(db.Query("INSERT INTO pending_index(name, definition) VALUES ($1, $2)",
                                    Params().Add(name).Add(definition)).status());
      }
      // Identity columns continue after the copied ids.
      for (const char* table : {"team", "app_user", "api_token", "customer", "contact", "audit_log", "product",
                                "opportunity", "opportunity_event", "sales_order", "sales_target", "instalment",
                                "receipt", "playbook_entry", "buying_centre_member", "analytics_run",
                                "task", "job", "interaction", "visit_plan", "event_rule", "journey",
                                "journey_enrollment", "lifecycle_history", "owner_history", "pool_rule",
                                "customer_merge"}) {
        GX_RETURN_IF_ERROR(db.Exec(std::string("SELECT setval(pg_get_serial_sequence('") + table +
                                   "', 'id'), GREATEST((SELECT max(id) FROM " + table + "), 1), "
                                   "(SELECT max(id) IS NOT NULL FROM " + table + "))"));
      }
      return Status::Ok();
    }));
    // Fresh tables have no statistics: the planner would guess until autovacuum
    // came by, so ANALYZE runs beside the index builds.
    return BuildPendingIndexes(/*analyze=*/true);
  }

  // Builds every index listed in pending_index (and, if asked, gathers planner
  // statistics), at most three jobs at a time, each on its own connection.
  // Idempotent; safe when replicas run it together.
  Status BuildPendingIndexes(bool analyze = false) {
    std::vector<std::pair<std::string, std::string>> pending;
    {
      GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
      GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT name, definition FROM pending_index ORDER BY name"));
      for (int i = 0; i < r.rows(); ++i) pending.emplace_back(r.row(i).Text(0), r.row(i).Text(1));
    }
    if (analyze) pending.emplace_back("", "ANALYZE");
    std::mutex mu;
    size_t next = 0;
    Status first_error;
    auto worker = [&] {
      for (;;) {
        std::pair<std::string, std::string> job;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (next == pending.size() || !first_error.ok()) return;
          job = pending[next++];
        }
        Status s = [&]() -> Status {
          GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
          GX_RETURN_IF_ERROR(db->Exec("SET maintenance_work_mem = '512MB'"));
          std::string sql = job.second;
          const std::string plain = "CREATE INDEX ";
          if (sql.rfind(plain, 0) == 0) sql.insert(plain.size(), "IF NOT EXISTS ");
          GX_RETURN_IF_ERROR(db->Exec(sql));
          if (job.first.empty()) return Status::Ok();
          return db->Query("DELETE FROM pending_index WHERE name = $1", Params().Add(job.first)).status();
        }();
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.ok()) first_error = Status::Internal("running " + job.second + ": " + s.message());
        }
      }
    };
    std::vector<std::thread> threads;
    for (size_t i = 0; i < std::min<size_t>(3, pending.size()); ++i) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    return first_error;
  }

  // --- maintenance ---
  Result<std::string> IntegrityCheck() override {
    // PostgreSQL checks its own pages (checksums, WAL); what can drift is what
    // this code keeps in step: tag rows, the search columns and sales_day.
    GX_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
    std::vector<std::string> problems;
    GX_ASSIGN_OR_RETURN(auto tags, db->Query(
        "SELECT count(*) FROM ("
        " (SELECT DISTINCT t.tag, c.id FROM customer c, "
        "   LATERAL jsonb_array_elements_text(c.tags::jsonb) AS t(tag)"
        "  EXCEPT SELECT tag, customer_id FROM customer_tag)"
        " UNION ALL"
        " (SELECT tag, customer_id FROM customer_tag EXCEPT"
        "  SELECT DISTINCT t.tag, c.id FROM customer c, "
        "   LATERAL jsonb_array_elements_text(c.tags::jsonb) AS t(tag))) d"));
    if (tags.row(0).Int(0) != 0) {
      problems.push_back("customer_tag: " + std::to_string(tags.row(0).Int(0)) +
                         " rows disagree with customer.tags");
    }
    // sales_day is kept with every order write: derive it afresh and compare.
    GX_ASSIGN_OR_RETURN(auto days, db->Query(
        "WITH t AS (SELECT COALESCE((SELECT value::bigint FROM sales_setting "
        "  WHERE key = 'out_of_funnel_threshold'), 0) AS v), "
        "d AS (SELECT COALESCE(owner_user_id, 0) AS owner_user_id, " + pg_sales::BusinessDaySql("ordered_at") +
        "  AS day, sum(total) AS s, count(*) AS n FROM sales_order, t WHERE opportunity_id IS NULL "
        "  AND status IN ('placed', 'paid') AND total < t.v GROUP BY 1, 2), "
        "k AS (SELECT owner_user_id, day, out_of_funnel AS s, out_of_funnel_count AS n FROM sales_day) "
        "SELECT count(*) FROM ((SELECT * FROM d EXCEPT SELECT * FROM k) UNION ALL "
        " (SELECT * FROM k EXCEPT SELECT * FROM d)) x"));
    if (days.row(0).Int(0) != 0) {
      problems.push_back("sales_day: " + std::to_string(days.row(0).Int(0)) +
                         " rows disagree with the orders");
    }
    // Re-derive the search columns of every customer and compare, in batches.
    int64_t after = 0;
    int64_t stale = 0;
    for (;;) {
      GX_ASSIGN_OR_RETURN(auto r, db->Query(
          std::string("SELECT ") + kCustomerColumns + ", c.search_text, c.short_grams::text "
          "FROM customer c WHERE c.id > $1 ORDER BY c.id LIMIT 5000",
          Params().Add(after)));
      if (r.rows() == 0) break;
      for (int i = 0; i < r.rows(); ++i) {
        auto row = r.row(i);
        Customer c = ReadCustomer(row);
        CustomerIndexKeys k = DeriveIndexKeys(c);
        constexpr int kSearchText = kCustomerNameSortColumn + 1;
        if (row.Text(kSearchText) != k.search_text || row.Text(kSearchText + 1) != ArrayLiteralAsPrinted(k.grams) ||
            row.Blob(kCustomerNameSortColumn) != k.name_sort) {
          ++stale;
        }
        after = c.id;
      }
    }
    if (stale) problems.push_back("customer: " + std::to_string(stale) + " rows with stale search columns");
    if (problems.empty()) return std::string("ok");
    std::string out;
    for (const auto& p : problems) out += (out.empty() ? "" : "\n") + p;
    return out;
  }

  Status Backup(const std::string& path) override {
    // A consistent copy in the embedded format: one file a user can open with
    // `--db FILE`, or copy back with `guanxi db copy`.
    SqliteOptions o;
    o.path = path;
    o.synchronous = "normal";
    o.writer_cache_mib = 256;
    GX_ASSIGN_OR_RETURN(auto dest, OpenSqliteStore(o));
    Status s = CopyStore(*this, *dest, nullptr);
    dest->Close();
    return s;
  }

  void Close() override {
    {
      std::lock_guard<std::mutex> lock(close_mu_);
      if (closed_) return;
      closed_ = true;
    }
    stop_listening_ = true;
    if (listen_thread_.joinable()) listen_thread_.join();
    listener_.reset();
    pool_->Close();
  }

 private:
  // Runs `fn` in a transaction on one pooled connection. A deadlock or a
  // serialization failure is retried (the transaction had no effect).
  Status Tx(const std::function<Status(Connection&)>& fn) {
    return pool_->InTransaction(fn);
  }


  // How PostgreSQL prints a text[] value (for comparison in IntegrityCheck).
  static std::string ArrayLiteralAsPrinted(const std::vector<std::string>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out.push_back(',');
      const std::string& s = items[i];
      bool quote = s.empty() || s == "NULL" || s.find_first_of("{}\",\\ \t\n") != std::string::npos;
      if (!quote) {
        out += s;
        continue;
      }
      out.push_back('"');
      for (char ch : s) {
        if (ch == '"' || ch == '\\') out.push_back('\\');
        out.push_back(ch);
      }
      out.push_back('"');
    }
    out.push_back('}');
    return out;
  }

  using TagRows = std::vector<std::pair<std::string, int64_t>>;

  // A customer's tag rows (each distinct tag once).
  static void AddTagRows(TagRows& rows, const Customer& c) {
    std::vector<std::string> tags = c.tags;
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    for (auto& t : tags) rows.emplace_back(std::move(t), c.id);
  }

  // `frozen`: the table was emptied in this transaction (see ImportTables).
  static Status CopyTagRows(Connection& db, const TagRows& rows, bool frozen = false) {
    if (rows.empty()) return Status::Ok();
    size_t next = 0;
    std::string sql = "COPY customer_tag(tag, customer_id) FROM STDIN";
    if (frozen) sql += " WITH (FREEZE)";
    return db.CopyIn(sql, [&](std::string& buf) {
      for (; next < rows.size() && buf.size() < (1 << 20); ++next) {
        AppendCopyRow(buf, {rows[next].first, std::to_string(rows[next].second)});
      }
      return next < rows.size();
    });
  }


  static void AppendCopyRow(std::string& buf, const std::vector<std::optional<std::string>>& values) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) buf.push_back('\t');
      postgres::AppendCopyField(buf, values[i]);
    }
    buf.push_back('\n');
  }

  static constexpr char kCopyCustomersSql[] =
      "COPY customer(id, version, kind, name, name_sort, industry, size, province, city, source, "
      "owner_user_id, relationship, relationship_level, lifecycle_stage, tags, care_dates, phone, "
      "email, notes, external_id, archived, search_text, short_grams, created_at, updated_at, "
      "purchase_potential) FROM STDIN";

  // One customer (id and version set) with its derived columns, as a COPY line.
  static void AppendCustomerCopyRow(std::string& buf, const Customer& c, const CustomerIndexKeys& k) {
    auto opt = [](std::string_view s) { return std::optional<std::string>(std::string(s)); };
    std::vector<std::optional<std::string>> v = {
        std::to_string(c.id), std::to_string(c.version), opt(ToString(c.kind)), c.name,
        "\\x" + HexEncode(k.name_sort), c.industry,
        c.size ? opt(ToString(*c.size)) : std::nullopt, c.province, c.city, c.source,
        c.owner_user_id ? opt(std::to_string(*c.owner_user_id)) : std::nullopt,
        opt(ToString(c.relationship)), opt(ToString(c.relationship_level)),
        opt(ToString(c.lifecycle_stage)), StringListToJson(c.tags), CareDatesToJson(c.care_dates),
        c.phone, c.email, c.notes, c.external_id.empty() ? std::nullopt : opt(c.external_id),
        c.archived ? "1" : "0", k.search_text, ArrayLiteral(k.grams), std::to_string(c.created_at),
        std::to_string(c.updated_at),
        c.purchase_potential ? opt(std::to_string(*c.purchase_potential)) : std::nullopt};
    AppendCopyRow(buf, v);
  }

  // COPYs customers (ids and versions set) with their derived columns.
  static Status CopyCustomers(Connection& db, const std::vector<Customer>& rows,
                              const std::vector<CustomerIndexKeys>& keys) {
    size_t next = 0;
    return db.CopyIn(kCopyCustomersSql, [&](std::string& buf) {
      for (; next < rows.size() && buf.size() < (1 << 20); ++next) {
        AppendCustomerCopyRow(buf, rows[next], keys[next]);
      }
      return next < rows.size();
    });
  }

  // This process's own changes reach its subscribers before the call returns
  // (the NOTIFY, meant for other replicas, arrives a moment later, twice is harmless).
  void NotifyLocal(const std::string& entity, int64_t id) {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    for (const auto& fn : listeners_) fn(entity, id);
  }

  // Waits for notifications on the listening connection and hands them to the
  // subscribers. Polls with a timeout so Close() is noticed.
  void ListenLoop() {
    PGconn* conn = listener_->raw();
    while (!stop_listening_) {
      pollfd pfd{PQsocket(conn), POLLIN, 0};
      int ready = poll(&pfd, 1, 200);
      if (ready <= 0) continue;
      if (!PQconsumeInput(conn)) {
        // The connection dropped: reconnect and listen again. Changes missed in
        // between are covered by the caches' time limits.
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        PQreset(conn);
        if (PQstatus(conn) == CONNECTION_OK && listener_->Exec("LISTEN guanxi_changes").ok()) {
          // Changes made while the connection was down were not heard: every
          // cache starts over ("*").
          std::lock_guard<std::mutex> lock(listeners_mu_);
          for (const auto& fn : listeners_) fn("*", 0);
        }
        continue;
      }
      while (PGnotify* n = PQnotifies(conn)) {
        std::string payload = n->extra ? n->extra : "";
        PQfreemem(n);
        size_t colon = payload.find(':');
        if (colon == std::string::npos) continue;
        auto id = ParseInt64(payload.substr(colon + 1));
        if (!id) continue;
        std::string entity = payload.substr(0, colon);
        std::lock_guard<std::mutex> lock(listeners_mu_);
        for (const auto& fn : listeners_) fn(entity, *id);
      }
    }
  }

  std::unique_ptr<Pool> pool_;
  std::unique_ptr<SalesStore> sales_;
  std::unique_ptr<AnalyticsStore> analytics_;
  std::unique_ptr<InteractionStore> interactions_;
  std::unique_ptr<TaskStore> tasks_;
  std::unique_ptr<PlanStore> plans_;
  std::unique_ptr<OwnershipStore> ownership_;
  std::unique_ptr<LifecycleStore> lifecycle_;
  std::unique_ptr<JobStore> jobs_;
  std::unique_ptr<JourneyStore> journeys_;
  std::unique_ptr<DedupStore> dedup_;
  std::unique_ptr<Connection> listener_;
  std::thread listen_thread_;
  std::atomic<bool> stop_listening_{false};
  std::mutex listeners_mu_;
  std::vector<std::function<void(const std::string&, int64_t)>> listeners_;
  std::mutex close_mu_;
  bool closed_ = false;
};

}  // namespace

bool IsPostgresUrl(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options) {
  if (options.pool_size < 1 || options.pool_size > 1000) {
    return Status::InvalidField("pool_size", "must be between 1 and 1000");
  }
  {
    GX_ASSIGN_OR_RETURN(auto conn, Connection::Open(options.url));
    GX_RETURN_IF_ERROR(postgres::Migrate(*conn).status());
    // pg_trgm only indexes characters the database's locale calls letters; a
    // database created with the C locale would silently find no Chinese text.
    GX_ASSIGN_OR_RETURN(auto probe, conn->Query("SELECT array_length(show_trgm('云栖科技'), 1)"));
    if (probe.row(0).IsNull(0)) {
      return Status::FailedPrecondition(
          "the database's character classification (LC_CTYPE) does not treat Chinese characters as "
          "letters, so pg_trgm cannot index them; create the database with a UTF-8 locale, e.g. "
          "CREATE DATABASE guanxi LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' TEMPLATE template0");
    }
  }
  GX_ASSIGN_OR_RETURN(auto pool, Pool::Open(options.url, options.pool_size));
  std::unique_ptr<Connection> listener;
  if (options.listen_for_changes) {
    GX_ASSIGN_OR_RETURN(listener, Connection::Open(options.url));
    GX_RETURN_IF_ERROR(listener->Exec("LISTEN guanxi_changes"));
  }
  auto store = std::make_unique<PostgresStore>(std::move(pool), std::move(listener));
  // A copy interrupted after its rows were committed left index builds behind.
  GX_RETURN_IF_ERROR(store->BuildPendingIndexes());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace guanxi
