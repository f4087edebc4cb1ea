// The SQLite implementation of Store. Layout of the work:
//  - writes go through WriteQueue (one writer thread, group commit);
//  - reads take a connection from a small pool of read-only connections;
//  - the search indexes (FTS5 trigram and the short-gram table) and the tag
//    table are kept in step with each customer write, in the same transaction.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <iterator>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <variant>

#include "domain/collation.h"
#include "domain/customer_json.h"
#include "domain/encoding.h"
#include "domain/search_text.h"
#include "store/sqlite/connection.h"
#include "store/cursor.h"
#include "store/list_query.h"
#include "store/pool.h"
#include "store/portable.h"
#include "store/rows.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/analytics_store.h"
#include "store/sqlite/interaction_store.h"
#include "store/sqlite/ownership_store.h"
#include "store/sqlite/lifecycle_store.h"
#include "store/sqlite/task_store.h"
#include "store/sqlite/journey_store.h"
#include "store/sqlite/dedup_store.h"
#include "store/sqlite/plan_store.h"
#include "store/sqlite/job_store.h"
#include "store/sqlite/sales_internal.h"
#include "store/sqlite/sales_store.h"
#include "store/sqlite/store_internal.h"
#include "store/sqlite/write_queue.h"
#include "store/store.h"

namespace guanxi {
namespace {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::BindAll;
using sqlite::InsertAudit;
using namespace store_rows;

// The FTS5 index, written explicitly and last in each change (see 0001_init.sql).
Status FtsInsert(Connection& db, int64_t id, const std::string& search_text) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare("INSERT INTO customer_fts(rowid, search_text) VALUES (?, ?)"));
  st.Bind(id).Bind(search_text);
  return st.Run();
}

Status FtsDelete(Connection& db, int64_t id, const std::string& search_text) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO customer_fts(customer_fts, rowid, search_text) VALUES ('delete', ?, ?)"));
  st.Bind(id).Bind(search_text);
  return st.Run();
}

Result<std::string> SelectSearchText(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT search_text FROM customer WHERE id = ?"));
  st.Bind(id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("customer " + std::to_string(id) + " not found");
  return st.Text(0);
}

// Grams and tags travel as one JSON array per statement: one statement per
// customer instead of one per gram keeps the writer thread's per-row cost low.
Status DeleteGrams(Connection& db, int64_t id, const std::vector<std::string>& grams) {
  if (grams.empty()) return Status::Ok();
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "DELETE FROM customer_gram WHERE customer_id = ? AND gram IN (SELECT value FROM json_each(?))"));
  st.Bind(id).Bind(StringListToJson(grams));
  return st.Run();
}

Status InsertGrams(Connection& db, int64_t id, const std::vector<std::string>& grams) {
  if (grams.empty()) return Status::Ok();
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT OR IGNORE INTO customer_gram(gram, customer_id) SELECT value, ? FROM json_each(?)"));
  st.Bind(id).Bind(StringListToJson(grams));
  return st.Run();
}

// Writes a customer's tag rows and short grams. `old_grams` are the grams of the
// stored row being replaced (empty for a new row); only the difference is written.
Status WriteCustomerIndexes(Connection& db, const Customer& c, const CustomerIndexKeys& keys,
                            const std::vector<std::string>* old_grams) {
  if (old_grams) {
    GX_ASSIGN_OR_RETURN(auto del_tags, db.Prepare("DELETE FROM customer_tag WHERE customer_id = ?"));
    del_tags.Bind(c.id);
    GX_RETURN_IF_ERROR(del_tags.Run());
  }
  if (!c.tags.empty()) {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "INSERT OR IGNORE INTO customer_tag(tag, customer_id) SELECT value, ? FROM json_each(?)"));
    st.Bind(c.id).Bind(StringListToJson(c.tags));
    GX_RETURN_IF_ERROR(st.Run());
  }
  if (!old_grams) return InsertGrams(db, c.id, keys.grams);
  // Both lists are sorted (ShortGrams' contract).
  std::vector<std::string> gone, added;
  std::set_difference(old_grams->begin(), old_grams->end(), keys.grams.begin(), keys.grams.end(),
                      std::back_inserter(gone));
  std::set_difference(keys.grams.begin(), keys.grams.end(), old_grams->begin(), old_grams->end(),
                      std::back_inserter(added));
  GX_RETURN_IF_ERROR(DeleteGrams(db, c.id, gone));
  return InsertGrams(db, c.id, added);
}

Result<Customer> SelectCustomer(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kCustomerColumns +
                                          " FROM customer c WHERE c.id = ?"));
  st.Bind(id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("customer " + std::to_string(id) + " not found");
  return ReadCustomer(st);
}

Status InsertCustomerRow(Connection& db, Customer& c, const CustomerIndexKeys& keys) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO customer(id, version, kind, name, name_sort, industry, size, province, city, "
      "source, owner_user_id, relationship, relationship_level, lifecycle_stage, tags, care_dates, "
      "phone, email, notes, external_id, archived, search_text, created_at, updated_at, "
      "purchase_potential) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  // A copy keeps ids and versions; everything else gets a new id at version 1.
  const int64_t version = c.id > 0 ? c.version : 1;
  st.Bind(c.id > 0 ? std::optional<int64_t>(c.id) : std::nullopt).Bind(version);
  st.Bind(ToString(c.kind)).Bind(c.name).BindBlob(keys.name_sort).Bind(c.industry);
  if (c.size) st.Bind(ToString(*c.size)); else st.BindNull();
  st.Bind(c.province).Bind(c.city).Bind(c.source).Bind(c.owner_user_id)
      .Bind(ToString(c.relationship)).Bind(ToString(c.relationship_level))
      .Bind(ToString(c.lifecycle_stage)).Bind(StringListToJson(c.tags))
      .Bind(CareDatesToJson(c.care_dates)).Bind(c.phone).Bind(c.email).Bind(c.notes)
      .BindTextOrNull(c.external_id).Bind(int64_t{c.archived ? 1 : 0}).Bind(keys.search_text)
      .Bind(c.created_at).Bind(c.updated_at).Bind(c.purchase_potential);
  Status s = st.Run();
  if (s.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("external_id is already used by another customer",
                                 {{"external_id", "already used by another customer"}});
  }
  GX_RETURN_IF_ERROR(s);
  c.id = db.LastInsertRowId();
  c.version = version;
  return WriteCustomerIndexes(db, c, keys, nullptr);
}

using ReaderPool = ConnectionPool<Connection>;

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<sqlite::WriteQueue> writer, SqliteOptions options)
      : writer_(std::move(writer)), options_(std::move(options)) {
    checkpointer_ = std::thread([this] { CheckpointLoop(); });
    sales_ = NewSqliteSalesStore(*writer_, readers_);
    analytics_ = NewSqliteAnalyticsStore(*writer_, readers_);
    interactions_ = NewSqliteInteractionStore(*writer_, readers_);
    tasks_ = NewSqliteTaskStore(*writer_, readers_);
    plans_ = NewSqlitePlanStore(*writer_, readers_);
    ownership_ = NewSqliteOwnershipStore(*writer_, readers_);
    lifecycle_ = NewSqliteLifecycleStore(*writer_, readers_);
    jobs_ = NewSqliteJobStore(*writer_, readers_);
    journeys_ = NewSqliteJourneyStore(*writer_, readers_);
    dedup_ = NewSqliteDedupStore(*writer_, readers_);
  }
  ~SqliteStore() override { Close(); }

  ReaderPool& readers() { return readers_; }

  // --- customers ---
  Result<Customer> CreateCustomer(Customer c, AuditEntry audit) override {
    c.id = 0;
    CustomerIndexKeys keys = DeriveIndexKeys(c);
    GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
      GX_RETURN_IF_ERROR(InsertCustomerRow(db, c, keys));
      audit.entity_id = c.id;
      audit.after = CustomerToJson(c);
      GX_RETURN_IF_ERROR(InsertAudit(db, audit));
      writer_->DeferToBatchEnd([id = c.id, text = keys.search_text](Connection& db) {
        return FtsInsert(db, id, text);
      });
      return Status::Ok();
    }));
    return c;
  }

  Result<Customer> GetCustomer(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    return SelectCustomer(*db, id);
  }

  Result<Customer> UpdateCustomer(Customer c, AuditEntry audit) override {
    CustomerIndexKeys keys = DeriveIndexKeys(c);
    GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Customer old, SelectCustomer(db, c.id));
      GX_ASSIGN_OR_RETURN(std::string old_search_text, SelectSearchText(db, c.id));
      if (old.version != c.version) {
        return Status::Conflict("customer " + std::to_string(c.id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(c.version));
      }
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "UPDATE customer SET version = version + 1, kind = ?, name = ?, name_sort = ?, "
          "industry = ?, size = ?, province = ?, city = ?, source = ?, owner_user_id = ?, "
          "relationship = ?, relationship_level = ?, lifecycle_stage = ?, tags = ?, care_dates = ?, "
          "phone = ?, email = ?, notes = ?, external_id = ?, archived = ?, search_text = ?, "
          "purchase_potential = ?, updated_at = ? WHERE id = ? AND version = ?"));
      st.Bind(ToString(c.kind)).Bind(c.name).BindBlob(keys.name_sort).Bind(c.industry);
      if (c.size) st.Bind(ToString(*c.size)); else st.BindNull();
      st.Bind(c.province).Bind(c.city).Bind(c.source).Bind(c.owner_user_id)
          .Bind(ToString(c.relationship)).Bind(ToString(c.relationship_level))
          .Bind(ToString(c.lifecycle_stage)).Bind(StringListToJson(c.tags))
          .Bind(CareDatesToJson(c.care_dates)).Bind(c.phone).Bind(c.email).Bind(c.notes)
          .BindTextOrNull(c.external_id).Bind(int64_t{c.archived ? 1 : 0}).Bind(keys.search_text)
          .Bind(c.purchase_potential).Bind(c.updated_at).Bind(c.id).Bind(c.version);
      Status s = st.Run();
      if (s.code() == StatusCode::kAlreadyExists) {
        return Status::AlreadyExists("external_id is already used by another customer",
                                     {{"external_id", "already used by another customer"}});
      }
      GX_RETURN_IF_ERROR(s);
      if (db.Changes() != 1) return Status::Conflict("customer changed concurrently");
      c.version = old.version + 1;
      c.created_at = old.created_at;
      std::vector<std::string> old_grams = ShortGrams(old_search_text);
      GX_RETURN_IF_ERROR(WriteCustomerIndexes(db, c, keys, &old_grams));
      audit.entity_id = c.id;
      audit.before = CustomerToJson(old);
      audit.after = CustomerToJson(c);
      GX_RETURN_IF_ERROR(InsertAudit(db, audit));
      if (old.owner_user_id != c.owner_user_id) {
        // An owner changed by editing the customer is part of the owner history too.
        GX_ASSIGN_OR_RETURN(auto h, db.Prepare(
            "INSERT INTO owner_history(customer_id, at, from_user_id, to_user_id, reason, user_id) "
            "VALUES (?, ?, ?, ?, 'edit', ?)"));
        h.Bind(c.id).Bind(c.updated_at).Bind(old.owner_user_id).Bind(c.owner_user_id).Bind(audit.user_id);
        GX_RETURN_IF_ERROR(h.Run());
      }
      if (old_search_text == keys.search_text) return Status::Ok();
      writer_->DeferToBatchEnd([id = c.id, before = std::move(old_search_text),
                                after = keys.search_text](Connection& db) {
        GX_RETURN_IF_ERROR(FtsDelete(db, id, before));
        return FtsInsert(db, id, after);
      });
      return Status::Ok();
    }));
    return c;
  }

  Status DeleteCustomer(int64_t id, AuditEntry audit) override {
    return Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Customer old, SelectCustomer(db, id));
      GX_ASSIGN_OR_RETURN(std::string old_search_text, SelectSearchText(db, id));
      GX_RETURN_IF_ERROR(DeleteGrams(db, id, ShortGrams(old_search_text)));
      // Its orders go with it (ON DELETE CASCADE), and their out-of-funnel sums.
      GX_RETURN_IF_ERROR(sqlite::AdjustSalesDay(db, "customer_id = ?", id, -1));
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM customer WHERE id = ?"));
      st.Bind(id);
      GX_RETURN_IF_ERROR(st.Run());
      audit.entity_id = id;
      audit.before = CustomerToJson(old);
      GX_RETURN_IF_ERROR(InsertAudit(db, audit));
      writer_->DeferToBatchEnd([id, text = std::move(old_search_text)](Connection& db) {
        return FtsDelete(db, id, text);
      });
      return Status::Ok();
    });
  }

  Result<int64_t> CountCustomers() override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT count(*) FROM customer"));
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.Int(0) : 0;
  }

  Result<std::map<int64_t, std::string>> CustomerNames(const std::vector<int64_t>& ids) override {
    std::map<int64_t, std::string> names;
    if (ids.empty()) return names;
    std::string list = "[";
    for (int64_t id : ids) list += (list.size() > 1 ? "," : "") + std::to_string(id);
    list += "]";
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT id, name FROM customer WHERE id IN (SELECT value FROM json_each(?))"));
    st.Bind(list);
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      names[st.Int(0)] = st.Text(1);
    }
    return names;
  }

  Status InsertCustomersBulk(std::vector<Customer>& customers) override {
    std::vector<CustomerIndexKeys> keys;
    keys.reserve(customers.size());
    for (auto& c : customers) {
      c.id = 0;
      keys.push_back(DeriveIndexKeys(c));
    }
    return Write([&](Connection& db) -> Status {
      for (size_t i = 0; i < customers.size(); ++i) {
        GX_RETURN_IF_ERROR(InsertCustomerRow(db, customers[i], keys[i]));
      }
      for (size_t i = 0; i < customers.size(); ++i) {
        GX_RETURN_IF_ERROR(FtsInsert(db, customers[i].id, keys[i].search_text));
      }
      return Status::Ok();
    });
  }

  Result<Page<Customer>> ListCustomers(const CustomerQuery& q) override;

  // --- contacts ---
  Result<Contact> CreateContact(Contact c, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO contact(version, customer_id, name, title, phone, email, wechat, personality, "
          "birthday, notes, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      BindContact(st, c);
      st.Bind(c.created_at).Bind(c.updated_at);
      Status s = st.Run();
      if (s.code() == StatusCode::kFailedPrecondition) {
        return Status::InvalidField("customer_id", "no such customer");
      }
      GX_RETURN_IF_ERROR(s);
      c.id = db.LastInsertRowId();
      c.version = 1;
      audit.entity_id = c.id;
      audit.after = ContactToJson(c);
      return InsertAudit(db, audit);
    }));
    return c;
  }

  Result<Contact> GetContact(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    return SelectContact(*db, id);
  }

  Result<Contact> UpdateContact(Contact c, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Contact old, SelectContact(db, c.id));
      if (old.version != c.version) {
        return Status::Conflict("contact " + std::to_string(c.id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(c.version));
      }
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "UPDATE contact SET version = version + 1, customer_id = ?, name = ?, title = ?, phone = ?, "
          "email = ?, wechat = ?, personality = ?, birthday = ?, notes = ?, updated_at = ? "
          "WHERE id = ? AND version = ?"));
      BindContact(st, c);
      st.Bind(c.updated_at).Bind(c.id).Bind(c.version);
      Status s = st.Run();
      if (s.code() == StatusCode::kFailedPrecondition) {
        return Status::InvalidField("customer_id", "no such customer");
      }
      GX_RETURN_IF_ERROR(s);
      if (db.Changes() != 1) return Status::Conflict("contact changed concurrently");
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
    return Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Contact old, SelectContact(db, id));
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM contact WHERE id = ?"));
      st.Bind(id);
      GX_RETURN_IF_ERROR(st.Run());
      audit.entity_id = id;
      audit.before = ContactToJson(old);
      return InsertAudit(db, audit);
    });
  }

  Status InsertContactsBulk(std::vector<Contact>& contacts) override {
    return Write([&](Connection& db) -> Status {
      for (auto& c : contacts) {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
            "INSERT INTO contact(version, customer_id, name, title, phone, email, wechat, "
            "personality, birthday, notes, created_at, updated_at) "
            "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        BindContact(st, c);
        st.Bind(c.created_at).Bind(c.updated_at);
        GX_RETURN_IF_ERROR(st.Run());
        c.id = db.LastInsertRowId();
        c.version = 1;
      }
      return Status::Ok();
    });
  }

  Result<std::vector<Contact>> ListContacts(int64_t customer_id) override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kContactColumns +
                                             " FROM contact WHERE customer_id = ? ORDER BY id"));
    st.Bind(customer_id);
    std::vector<Contact> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadContact(st));
    }
    return out;
  }

  // --- users and teams ---
  Result<User> CreateUser(User u, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO app_user(version, login, display_name, role, team_id, password_hash, "
          "disabled, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)"));
      st.Bind(u.login).Bind(u.display_name).Bind(ToString(u.role)).Bind(u.team_id)
          .Bind(u.password_hash).Bind(int64_t{u.disabled ? 1 : 0}).Bind(u.created_at)
          .Bind(u.updated_at);
      Status s = st.Run();
      if (s.code() == StatusCode::kAlreadyExists) {
        return Status::AlreadyExists("login is taken", {{"login", "is already taken"}});
      }
      if (s.code() == StatusCode::kFailedPrecondition) {
        return Status::InvalidField("team_id", "no such team");
      }
      GX_RETURN_IF_ERROR(s);
      u.id = db.LastInsertRowId();
      u.version = 1;
      audit.entity_id = u.id;
      audit.after = UserToJson(u);
      return InsertAudit(db, audit);
    }));
    return u;
  }

  Result<User> GetUser(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kUserColumns +
                                             " FROM app_user WHERE id = ?"));
    st.Bind(id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("user " + std::to_string(id) + " not found");
    return ReadUser(st);
  }

  Result<User> GetUserByLogin(const std::string& login) override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kUserColumns +
                                             " FROM app_user WHERE login = ?"));
    st.Bind(login);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no user with login " + login);
    return ReadUser(st);
  }

  Result<User> UpdateUser(User u, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto sel, db.Prepare(std::string("SELECT ") + kUserColumns +
                                               " FROM app_user WHERE id = ?"));
      sel.Bind(u.id);
      GX_ASSIGN_OR_RETURN(bool found, sel.Step());
      if (!found) return Status::NotFound("user " + std::to_string(u.id) + " not found");
      User old = ReadUser(sel);
      if (old.version != u.version) {
        return Status::Conflict("user " + std::to_string(u.id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(u.version));
      }
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "UPDATE app_user SET version = version + 1, display_name = ?, role = ?, team_id = ?, "
          "password_hash = ?, disabled = ?, updated_at = ? WHERE id = ? AND version = ?"));
      st.Bind(u.display_name).Bind(ToString(u.role)).Bind(u.team_id).Bind(u.password_hash)
          .Bind(int64_t{u.disabled ? 1 : 0}).Bind(u.updated_at).Bind(u.id).Bind(u.version);
      Status s = st.Run();
      if (s.code() == StatusCode::kFailedPrecondition) {
        return Status::InvalidField("team_id", "no such team");
      }
      GX_RETURN_IF_ERROR(s);
      if (u.disabled || u.password_hash != old.password_hash) {
        // A disabled user or a new password ends every open session of that user.
        GX_ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM session WHERE user_id = ?"));
        del.Bind(u.id);
        GX_RETURN_IF_ERROR(del.Run());
      }
      u.version = old.version + 1;
      u.created_at = old.created_at;
      audit.entity_id = u.id;
      audit.before = UserToJson(old);
      audit.after = UserToJson(u);
      return InsertAudit(db, audit);
    }));
    NotifyChange("user", u.id);
    return u;
  }

  Result<std::vector<User>> ListUsers() override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kUserColumns +
                                             " FROM app_user ORDER BY id"));
    std::vector<User> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadUser(st));
    }
    return out;
  }

  Result<Team> CreateTeam(Team t, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO team(name, manager_user_id, created_at) VALUES (?, ?, ?)"));
      st.Bind(t.name).Bind(t.manager_user_id).Bind(t.created_at);
      Status s = st.Run();
      if (s.code() == StatusCode::kAlreadyExists) {
        return Status::AlreadyExists("team name is taken", {{"name", "is already taken"}});
      }
      if (s.code() == StatusCode::kFailedPrecondition) {
        return Status::InvalidField("manager_user_id", "no such user");
      }
      GX_RETURN_IF_ERROR(s);
      t.id = db.LastInsertRowId();
      audit.entity_id = t.id;
      audit.after = TeamToJson(t);
      return InsertAudit(db, audit);
    }));
    return t;
  }

  Result<Team> GetTeam(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT id, name, manager_user_id, created_at FROM team WHERE id = ?"));
    st.Bind(id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("team " + std::to_string(id) + " not found");
    return ReadTeam(st);
  }

  Result<Team> GetTeamByName(const std::string& name) override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT id, name, manager_user_id, created_at FROM team WHERE name = ?"));
    st.Bind(name);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no team named " + name);
    return ReadTeam(st);
  }

  Result<Team> UpdateTeam(Team t, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto sel, db.Prepare(
          "SELECT id, name, manager_user_id, created_at FROM team WHERE id = ?"));
      sel.Bind(t.id);
      GX_ASSIGN_OR_RETURN(bool found, sel.Step());
      if (!found) return Status::NotFound("team " + std::to_string(t.id) + " not found");
      Team old = ReadTeam(sel);
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "UPDATE team SET name = ?, manager_user_id = ? WHERE id = ?"));
      st.Bind(t.name).Bind(t.manager_user_id).Bind(t.id);
      Status s = st.Run();
      if (s.code() == StatusCode::kAlreadyExists) {
        return Status::AlreadyExists("team name is taken", {{"name", "is already taken"}});
      }
      if (s.code() == StatusCode::kFailedPrecondition) {
        return Status::InvalidField("manager_user_id", "no such user");
      }
      GX_RETURN_IF_ERROR(s);
      t.created_at = old.created_at;
      audit.entity_id = t.id;
      audit.before = TeamToJson(old);
      audit.after = TeamToJson(t);
      return InsertAudit(db, audit);
    }));
    NotifyChange("team", t.id);
    return t;
  }

  Result<std::vector<Team>> ListTeams() override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT id, name, manager_user_id, created_at FROM team ORDER BY name"));
    std::vector<Team> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadTeam(st));
    }
    return out;
  }

  // --- sessions and tokens ---
  Status CreateSession(const Session& s) override {
    return Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto purge, db.Prepare("DELETE FROM session WHERE expires_at <= ?"));
      purge.Bind(s.created_at);
      GX_RETURN_IF_ERROR(purge.Run());
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO session(id_hash, user_id, csrf_token, created_at, expires_at) "
          "VALUES (?, ?, ?, ?, ?)"));
      st.Bind(s.id_hash).Bind(s.user_id).Bind(s.csrf_token).Bind(s.created_at).Bind(s.expires_at);
      return st.Run();
    });
  }

  Result<Session> GetSession(const std::string& id_hash, UnixSeconds now) override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT id_hash, user_id, csrf_token, created_at, expires_at FROM session "
        "WHERE id_hash = ? AND expires_at > ?"));
    st.Bind(id_hash).Bind(now);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no such session");
    return Session{st.Text(0), st.Int(1), st.Text(2), st.Int(3), st.Int(4)};
  }

  Status DeleteSession(const std::string& id_hash) override {
    return Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM session WHERE id_hash = ?"));
      st.Bind(id_hash);
      return st.Run();
    });
  }

  Result<ApiToken> CreateApiToken(ApiToken t, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO api_token(user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)"));
      st.Bind(t.user_id).Bind(t.name).Bind(t.token_hash).Bind(t.created_at);
      GX_RETURN_IF_ERROR(st.Run());
      t.id = db.LastInsertRowId();
      audit.entity_id = t.id;
      audit.after = JsonObjectWithName(t.name);
      return InsertAudit(db, audit);
    }));
    return t;
  }

  Result<User> UseApiToken(const std::string& token_hash, UnixSeconds now) override {
    User u;
    int64_t token_id = 0;
    std::optional<int64_t> last_used;
    {
      GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
          "SELECT u.id, u.version, u.login, u.display_name, u.role, u.team_id, u.password_hash, "
          "u.disabled, u.created_at, u.updated_at, t.id, t.last_used_at "
          "FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = ?"));
      st.Bind(token_hash);
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::NotFound("no such token");
      u = ReadUser(st);
      token_id = st.Int(10);
      last_used = st.OptInt(11);
    }
    if (!last_used || *last_used < now - 60) {
      GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare("UPDATE api_token SET last_used_at = ? WHERE id = ?"));
        st.Bind(now).Bind(token_id);
        return st.Run();
      }));
    }
    return u;
  }

  Result<std::vector<ApiToken>> ListApiTokens(int64_t user_id) override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT id, user_id, name, '', created_at, last_used_at FROM api_token WHERE user_id = ? "
        "ORDER BY id"));
    st.Bind(user_id);
    std::vector<ApiToken> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ApiToken{st.Int(0), st.Int(1), st.Text(2), "", st.Int(4), st.OptInt(5)});
    }
    return out;
  }

  Status DeleteApiToken(int64_t user_id, int64_t token_id, AuditEntry audit) override {
    Status s = Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM api_token WHERE id = ? AND user_id = ?"));
      st.Bind(token_id).Bind(user_id);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() != 1) return Status::NotFound("token " + std::to_string(token_id) + " not found");
      audit.entity_id = token_id;
      return InsertAudit(db, audit);
    });
    if (s.ok()) NotifyChange("token", token_id);
    return s;
  }

  // --- audit ---
  Result<Page<AuditEntry>> ListAudit(const AuditQuery& q) override {
    GX_ASSIGN_OR_RETURN(AuditListPlan plan, PlanAuditList(q));
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(plan.sql));
    BindAll(st, plan.args);
    Page<AuditEntry> page;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      page.items.push_back(ReadAudit(st));
    }
    FinishAuditPage(page, q.limit);
    return page;
  }

  Status AppendAudit(AuditEntry audit) override {
    return Write([&](Connection& db) { return InsertAudit(db, audit); });
  }

  // --- shared state ---
  Status RecordRateEvent(const std::string& key, UnixSeconds at) override {
    return Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("INSERT INTO rate_limit_event(key, at) VALUES (?, ?)"));
      st.Bind(key).Bind(at);
      return st.Run();
    });
  }

  Result<std::vector<UnixSeconds>> RateEvents(const std::string& key, UnixSeconds since) override {
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT at FROM rate_limit_event WHERE key = ? AND at > ? ORDER BY at"));
    st.Bind(key).Bind(since);
    std::vector<UnixSeconds> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(st.Int(0));
    }
    return out;
  }

  Status ClearRateEvents(const std::string& key, UnixSeconds before) override {
    return Write([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM rate_limit_event WHERE key = ? OR at <= ?"));
      st.Bind(key).Bind(before);
      return st.Run();
    });
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
    GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
    GX_RETURN_IF_ERROR(db->Exec("BEGIN"));  // one snapshot for every table
    Status s = [&]() -> Status {
      for (const PortableTable& t : PortableTableDefs()) {
        GX_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT " + JoinColumns(t.columns) + " FROM " +
                                                 t.name + " ORDER BY " + OrderByColumns(t)));
        TableRows chunk{t.name, t.columns, {}};
        const std::vector<bool> real = RealColumnMask(t);
        for (;;) {
          GX_ASSIGN_OR_RETURN(bool row, st.Step());
          if (!row) break;
          std::vector<std::optional<std::string>> values;
          values.reserve(t.columns.size());
          for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) {
            if (st.IsNull(i)) values.emplace_back(std::nullopt);
            else if (real[i]) values.emplace_back(PortableReal(st.Real(i)));
            else values.emplace_back(st.Text(i));
          }
          chunk.rows.push_back(std::move(values));
          if (static_cast<int>(chunk.rows.size()) >= chunk_rows) {
            GX_RETURN_IF_ERROR(sink(chunk));
            chunk.rows.clear();
          }
        }
        if (!chunk.rows.empty()) GX_RETURN_IF_ERROR(sink(chunk));
      }
      return Status::Ok();
    }();
    (void)db->Exec("COMMIT");
    return s;
  }

  Status ImportTables(const std::function<Result<std::optional<TableRows>>()>& next) override {
    return writer_->RunExclusive([&](Connection& db) -> Status {
      GX_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
      Status s = ImportInto(db, next);
      if (s.ok()) return db.Exec("COMMIT");
      (void)db.Exec("ROLLBACK");
      return s;
    });
  }

  // --- maintenance ---
  Result<std::string> IntegrityCheck() override {
    std::string out;
    {
      GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare("PRAGMA integrity_check"));
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        if (!out.empty()) out += "\n";
        out += st.Text(0);
      }
    }
    // The search index must agree with the customer rows it indexes. FTS5's
    // check is issued as a write, so it runs as a (no-op) job of the writer.
    Status fts = Write([](Connection& db) {
      return db.Exec("INSERT INTO customer_fts(customer_fts, rank) VALUES ('integrity-check', 1)");
    });
    if (!fts.ok()) out = (out == "ok" ? "" : out + "\n") + "search index: " + fts.message();
    return out;
  }

  Status Backup(const std::string& path) override {
    GX_ASSIGN_OR_RETURN(auto src, AcquireReader());
    sqlite3* dest = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
      Status s = sqlite::StatusFromSqlite(dest, rc, "open backup " + path);
      sqlite3_close(dest);
      return s;
    }
    sqlite3_backup* b = sqlite3_backup_init(dest, "main", src->raw(), "main");
    if (!b) {
      Status s = sqlite::StatusFromSqlite(dest, sqlite3_errcode(dest), "backup");
      sqlite3_close(dest);
      return s;
    }
    rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    Status s = rc == SQLITE_DONE ? Status::Ok() : sqlite::StatusFromSqlite(dest, rc, "backup");
    sqlite3_close(dest);
    return s;
  }

  void Close() override {
    {
      std::lock_guard<std::mutex> lock(close_mu_);
      if (closed_) return;
      closed_ = true;
    }
    close_cv_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
    (void)writer_->RunExclusive(
        [](Connection& db) { return db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); });
    writer_->Stop();
    readers_.Close();
  }

 private:
  Result<ReaderPool::Lease> AcquireReader() {
    auto lease = readers_.Acquire();
    if (!lease) return Status::Unavailable("the store is closed");
    return std::move(*lease);
  }

  Status Write(const std::function<Status(Connection&)>& job) {
    ++writes_;
    return writer_->Run(job);
  }

  static Status ImportInto(Connection& db,
                           const std::function<Result<std::optional<TableRows>>()>& next) {
    GX_ASSIGN_OR_RETURN(auto probe, db.Prepare(
        "SELECT (SELECT count(*) FROM customer) + (SELECT count(*) FROM app_user) + "
        "(SELECT count(*) FROM audit_log)"));
    GX_ASSIGN_OR_RETURN(bool found, probe.Step());
    if (found && probe.Int(0) != 0) {
      return Status::FailedPrecondition("the destination already holds data; copy into an empty database");
    }
    GX_RETURN_IF_ERROR(db.Exec("PRAGMA defer_foreign_keys = ON"));
    std::set<std::string> cleared;
    for (;;) {
      GX_ASSIGN_OR_RETURN(std::optional<TableRows> chunk, next());
      if (!chunk) break;
      GX_RETURN_IF_ERROR(CheckPortableChunk(chunk->table, chunk->columns));
      if (FindPortableTable(chunk->table)->seeded && cleared.insert(chunk->table).second) {
        GX_RETURN_IF_ERROR(db.Exec("DELETE FROM " + chunk->table));
      }
      if (chunk->table == "customer") {
        for (const auto& values : chunk->rows) {
          Customer c = ReadCustomer(TextRow(values));
          CustomerIndexKeys keys = DeriveIndexKeys(c);
          GX_RETURN_IF_ERROR(InsertCustomerRow(db, c, keys));
          GX_RETURN_IF_ERROR(FtsInsert(db, c.id, keys.search_text));
        }
        continue;
      }
      const std::string marks = sqlite::BindMarks(chunk->columns.size());
      const std::string sql = "INSERT INTO " + chunk->table + "(" + JoinColumns(chunk->columns) +
                              ") VALUES (" + marks + ")";
      // Doubles bound as such: SQLite's own text conversion is not always exact.
      const std::vector<bool> real = RealColumnMask(*FindPortableTable(chunk->table));
      for (const auto& values : chunk->rows) {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
        for (size_t i = 0; i < values.size(); ++i) {
          const auto& v = values[i];
          double d = 0;
          if (v && real[i] && std::from_chars(v->data(), v->data() + v->size(), d).ec == std::errc()) {
            st.Bind(d);
          } else if (v) {
            st.Bind(*v);
          } else {
            st.BindNull();
          }
        }
        GX_RETURN_IF_ERROR(st.Run());
      }
    }
    return Status::Ok();
  }

  void NotifyChange(const std::string& entity, int64_t id) {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    for (const auto& fn : listeners_) fn(entity, id);
  }

  static void BindContact(Statement& st, const Contact& c) {
    st.Bind(c.customer_id).Bind(c.name).Bind(c.title).Bind(c.phone).Bind(c.email).Bind(c.wechat);
    if (c.personality) st.Bind(ToString(*c.personality)); else st.BindNull();
    st.Bind(c.birthday).Bind(c.notes);
  }

  static Result<Contact> SelectContact(Connection& db, int64_t id) {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kContactColumns +
                                            " FROM contact WHERE id = ?"));
    st.Bind(id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("contact " + std::to_string(id) + " not found");
    return ReadContact(st);
  }

  // Checkpoints the WAL on a schedule so it cannot grow without bound under a
  // steady read load that keeps the automatic checkpoint from finishing.
  void CheckpointLoop() {
    std::unique_lock<std::mutex> lock(close_mu_);
    while (!closed_) {
      close_cv_.wait_for(lock, std::chrono::seconds(30));
      if (closed_) break;
      lock.unlock();
      (void)writer_->RunExclusive(
          [](Connection& db) { return db.Exec("PRAGMA wal_checkpoint(PASSIVE)"); });
      lock.lock();
    }
  }

  std::unique_ptr<sqlite::WriteQueue> writer_;
  SqliteOptions options_;
  ReaderPool readers_;
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
  std::atomic<int64_t> writes_{0};
  std::mutex close_mu_;
  std::condition_variable close_cv_;
  bool closed_ = false;
  std::thread checkpointer_;
  std::mutex listeners_mu_;
  std::vector<std::function<void(const std::string&, int64_t)>> listeners_;
};

// How SQLite matches search terms: three or more characters through the FTS5
// trigram index, one or two non-ASCII characters through the gram table, short
// ASCII terms by scanning in id order; the other terms filter with instr().
SearchSql SqliteSearch(const std::vector<std::string>& terms, size_t drive) {
  SearchSql s;
  const std::string& term = terms[drive];
  bool has_non_ascii = false;
  for (unsigned char ch : term) has_non_ascii |= ch >= 0x80;
  if (CodePointCount(term) >= 3) {
    s.from = " FROM customer_fts f JOIN customer c ON c.id = f.rowid";
    std::string phrase = "\"";
    for (char ch : term) {
      phrase.push_back(ch);
      if (ch == '"') phrase.push_back('"');
    }
    phrase += "\"";
    s.where += " AND customer_fts MATCH ?";
    s.args.emplace_back(phrase);
    s.id_column = "f.rowid";
  } else if (has_non_ascii) {
    s.from = " FROM customer_gram g JOIN customer c ON c.id = g.customer_id";
    s.where += " AND g.gram = ?";
    s.args.emplace_back(term);
    s.id_column = "g.customer_id";
  } else {
    s.where += " AND instr(c.search_text, ?) > 0";
    s.args.emplace_back(term);
  }
  for (size_t i = 0; i < terms.size(); ++i) {
    if (i == drive) continue;
    s.where += " AND instr(c.search_text, ?) > 0";
    s.args.emplace_back(terms[i]);
  }
  return s;
}

Result<Page<Customer>> SqliteStore::ListCustomers(const CustomerQuery& q) {
  GX_ASSIGN_OR_RETURN(CustomerListPlan plan, PlanCustomerList(q, SqliteSearch));
  GX_ASSIGN_OR_RETURN(auto db, AcquireReader());
  Page<Customer> page;
  std::optional<std::string> last_sort_value;
  bool more = false;
  for (const auto& seg : plan.segments) {
    if (more) break;
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(seg.sql + " LIMIT ?"));
    BindAll(st, seg.args);
    st.Bind(static_cast<int64_t>(q.limit + 1 - static_cast<int>(page.items.size())));
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      if (static_cast<int>(page.items.size()) == q.limit) {
        more = true;
        break;
      }
      page.items.push_back(ReadCustomer(st));
      if (plan.key == CustomerListPlan::Key::kName) last_sort_value = st.Blob(kCustomerNameSortColumn);
      if (plan.key == CustomerListPlan::Key::kMetric) {
        const int col = kCustomerSortValueColumn;
        if (st.IsNull(col)) last_sort_value.reset();
        else last_sort_value = plan.metric_real ? PortableReal(st.Real(col)) : std::to_string(st.Int(col));
      }
    }
  }
  if (more) page.next = CustomerListCursor(plan, page.items.back(), last_sort_value);
  return page;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  if (options.synchronous != "full" && options.synchronous != "normal") {
    return Status::InvalidField("synchronous", "must be full or normal");
  }
  GX_ASSIGN_OR_RETURN(auto writer, sqlite::Connection::Open(options.path, false, options.busy_timeout_ms));
  // Two processes opening a new file at once (say two `user add` runs) race to
  // switch it to WAL and create the schema; the loser sees "database is locked"
  // without the busy handler being asked, so it waits and tries again.
  Status prepared;
  for (int attempt = 0; attempt < 100; ++attempt) {
    prepared = writer->Exec("PRAGMA journal_mode = WAL");
    if (prepared.ok()) prepared = sqlite::Migrate(*writer).status();
    if (prepared.code() != StatusCode::kUnavailable) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + 10 * (attempt % 5)));
  }
  GX_RETURN_IF_ERROR(prepared);
  GX_RETURN_IF_ERROR(writer->Exec("PRAGMA synchronous = " + options.synchronous));
  GX_RETURN_IF_ERROR(writer->Exec("PRAGMA temp_store = MEMORY"));
  GX_RETURN_IF_ERROR(writer->Exec("PRAGMA cache_size = -" +
                                  std::to_string(std::max(1, options.writer_cache_mib) * 1024)));
  auto queue = std::make_unique<sqlite::WriteQueue>(std::move(writer), options.max_group_commit);
  auto store = std::make_unique<SqliteStore>(std::move(queue), options);
  for (int i = 0; i < std::max(1, options.reader_connections); ++i) {
    GX_ASSIGN_OR_RETURN(auto r, sqlite::Connection::Open(options.path, true, options.busy_timeout_ms));
    GX_RETURN_IF_ERROR(r->Exec("PRAGMA cache_size = -16384"));
    GX_RETURN_IF_ERROR(r->Exec("PRAGMA temp_store = MEMORY"));
    store->readers().Add(std::move(r));
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace guanxi
