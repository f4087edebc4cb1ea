// The SQLite OwnershipStore. Every change runs as one job of the Store's single
// writer, so a claim's "still in the pool" check and the holding limit are
// decided with no other write in between (other processes wait on BEGIN
// IMMEDIATE); reads use the reader pool.
#include "store/sqlite/ownership_store.h"

#include <algorithm>
#include <iterator>

#include "domain/customer_json.h"
#include "store/ownership_rows.h"
#include "store/sqlite/store_internal.h"

namespace guanxi {
namespace sqlite {
namespace {

using namespace ownership_rows;

struct Moved {
  int64_t tasks = 0;
  int64_t opportunities = 0;
};

struct Owned {
  std::optional<int64_t> owner;
  bool archived = false;
};

Result<std::optional<Owned>> SelectOwner(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT owner_user_id, archived FROM customer WHERE id = ?"));
  st.Bind(id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Owned>();
  return std::optional<Owned>(Owned{st.OptInt(0), st.Int(1) != 0});
}

Status InsertHistory(Connection& db, const OwnerHistoryEntry& e) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO owner_history(customer_id, at, from_user_id, to_user_id, reason, user_id, note, "
      "tasks_moved, opportunities_moved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(e.customer_id).Bind(e.at).Bind(e.from_user_id).Bind(e.to_user_id).Bind(e.reason)
      .Bind(e.user_id).Bind(e.note).Bind(e.tasks_moved).Bind(e.opportunities_moved);
  return st.Run();
}

// Sets the owner and moves the open work (see ownership_store.h), writes the
// history row and the audit row.
Result<Moved> ChangeOwner(Connection& db, int64_t id, std::optional<int64_t> from, std::optional<int64_t> to,
                          const std::string& reason, const OwnerChange& change) {
  Moved moved;
  {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "UPDATE customer SET owner_user_id = ?, version = version + 1, updated_at = MAX(updated_at, ?) "
        "WHERE id = ?"));
    st.Bind(to).Bind(change.at).Bind(id);
    GX_RETURN_IF_ERROR(st.Run());
  }
  if (!to) {
    // Into the pool: a warning about the return means nothing any more.
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "UPDATE task SET status = 'cancelled', version = version + 1, updated_at = MAX(updated_at, ?), "
        "completion_note = 'returned to the public pool' "
        "WHERE customer_id = ? AND status = 'open' AND origin = 'pool_warning'"));
    st.Bind(change.at).Bind(id);
    GX_RETURN_IF_ERROR(st.Run());
    moved.tasks += db.Changes();
  }
  {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "UPDATE task SET assignee_user_id = ?, version = version + 1, updated_at = MAX(updated_at, ?) "
        "WHERE customer_id = ? AND status = 'open' AND assignee_user_id IS ?"));
    st.Bind(to).Bind(change.at).Bind(id).Bind(from);
    GX_RETURN_IF_ERROR(st.Run());
    moved.tasks += db.Changes();
  }
  if (to) {
    struct Opp {
      int64_t id;
      std::string stage;
      int64_t amount;
      std::string expected_close;
    };
    std::vector<Opp> opps;
    {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "SELECT id, stage, amount, expected_close FROM opportunity "
          "WHERE customer_id = ? AND status = 'open' AND owner_user_id IS ? ORDER BY id"));
      st.Bind(id).Bind(from);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        opps.push_back({st.Int(0), st.Text(1), st.Int(2), st.Text(3)});
      }
    }
    for (const Opp& o : opps) {
      {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
            "UPDATE opportunity SET owner_user_id = ?, version = version + 1, updated_at = MAX(updated_at, ?) "
            "WHERE id = ?"));
        st.Bind(to).Bind(change.at).Bind(o.id);
        GX_RETURN_IF_ERROR(st.Run());
      }
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO opportunity_event(opportunity_id, at, user_id, user_login, kind, from_stage, "
          "to_stage, amount, expected_close, owner_user_id) VALUES (?, ?, ?, ?, 'update', '', ?, ?, ?, ?)"));
      st.Bind(o.id).Bind(change.at).Bind(change.by_user_id).Bind(change.by_login).Bind(o.stage)
          .Bind(o.amount).Bind(o.expected_close).Bind(to);
      GX_RETURN_IF_ERROR(st.Run());
      ++moved.opportunities;
    }
  }
  OwnerHistoryEntry h;
  h.customer_id = id;
  h.at = change.at;
  h.from_user_id = from;
  h.to_user_id = to;
  h.reason = reason;
  h.user_id = change.by_user_id;
  h.note = change.note;
  h.tasks_moved = moved.tasks;
  h.opportunities_moved = moved.opportunities;
  GX_RETURN_IF_ERROR(InsertHistory(db, h));
  GX_RETURN_IF_ERROR(InsertAudit(db, OwnerAudit(change, id, reason, from, to, moved.tasks, moved.opportunities)));
  return moved;
}

Status NoSuchUser(Connection& db, int64_t user_id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT 1 FROM app_user WHERE id = ?"));
  st.Bind(user_id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::InvalidField("to_user_id", "no such user");
  return Status::Ok();
}

Result<int64_t> CountOwnedOn(Connection& db, int64_t user_id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT COUNT(*) FROM customer WHERE owner_user_id = ? AND archived = 0"));
  st.Bind(user_id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

PoolRule ReadRule(Statement& st) {
  PoolRule r;
  r.id = st.Int(0);
  r.version = st.Int(1);
  r.name = st.Text(2);
  r.class_kind = st.Text(3);
  r.class_value = st.Text(4);
  r.no_follow_up_days = st.OptInt(5);
  r.no_deal_days = st.OptInt(6);
  r.warn_days = st.Int(7);
  r.position = st.Int(8);
  r.enabled = st.Int(9) != 0;
  r.created_at = st.Int(10);
  r.updated_at = st.Int(11);
  return r;
}

Result<PoolRule> SelectRule(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kPoolRuleColumns + " FROM pool_rule WHERE id = ?"));
  st.Bind(id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("pool rule " + std::to_string(id) + " not found");
  return ReadRule(st);
}

// A CHECK failure of a rule's columns, as the field it concerns.
Status RuleWriteStatus(Status s) {
  if (s.code() == StatusCode::kFailedPrecondition || s.code() == StatusCode::kInvalidArgument) {
    return Status::InvalidArgument("the pool rule is not valid: " + s.message());
  }
  return s;
}

class SqliteOwnershipStore final : public OwnershipStore {
 public:
  SqliteOwnershipStore(WriteQueue& writer, ConnectionPool<Connection>& readers)
      : writer_(writer), readers_(readers) {}

  Result<TransferOutcome> Transfer(const std::vector<int64_t>& ids, int64_t to_user_id,
                                   const OwnerChange& change) override {
    TransferOutcome out;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      out = {};
      GX_RETURN_IF_ERROR(NoSuchUser(db, to_user_id));
      for (int64_t id : ids) {
        GX_ASSIGN_OR_RETURN(auto cur, SelectOwner(db, id));
        if (!cur) return Status::NotFound("customer " + std::to_string(id) + " not found");
        if (cur->owner == to_user_id) continue;
        GX_ASSIGN_OR_RETURN(Moved m, ChangeOwner(db, id, cur->owner, to_user_id, "transfer", change));
        ++out.transferred;
        out.tasks_moved += m.tasks;
        out.opportunities_moved += m.opportunities;
      }
      return Status::Ok();
    }));
    return out;
  }

  Result<TransferOutcome> TakeFromPool(const std::vector<int64_t>& ids, int64_t to_user_id, const std::string& reason,
                                       std::optional<int64_t> limit, const OwnerChange& change) override {
    TransferOutcome out;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      out = {};
      GX_RETURN_IF_ERROR(NoSuchUser(db, to_user_id));
      if (limit) {
        GX_ASSIGN_OR_RETURN(int64_t held, CountOwnedOn(db, to_user_id));
        if (held + static_cast<int64_t>(ids.size()) > *limit) {
          return Status::ResourceExhausted("the claim limit is " + std::to_string(*limit) + " customers; " +
                                           std::to_string(held) + " are held already");
        }
      }
      for (int64_t id : ids) {
        GX_ASSIGN_OR_RETURN(auto cur, SelectOwner(db, id));
        if (!cur) return Status::NotFound("customer " + std::to_string(id) + " not found");
        if (cur->owner || cur->archived) {
          return Status::FailedPrecondition("customer " + std::to_string(id) + " is no longer in the public pool");
        }
        GX_ASSIGN_OR_RETURN(Moved m, ChangeOwner(db, id, std::nullopt, to_user_id, reason, change));
        ++out.transferred;
        out.tasks_moved += m.tasks;
        out.opportunities_moved += m.opportunities;
      }
      return Status::Ok();
    }));
    return out;
  }

  Result<TransferOutcome> Release(const std::vector<int64_t>& ids, const OwnerChange& change) override {
    TransferOutcome out;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      out = {};
      for (int64_t id : ids) {
        GX_ASSIGN_OR_RETURN(auto cur, SelectOwner(db, id));
        if (!cur) return Status::NotFound("customer " + std::to_string(id) + " not found");
        if (!cur->owner) {
          return Status::FailedPrecondition("customer " + std::to_string(id) + " is in the public pool already");
        }
        GX_ASSIGN_OR_RETURN(Moved m, ChangeOwner(db, id, cur->owner, std::nullopt, "release", change));
        ++out.transferred;
        out.tasks_moved += m.tasks;
      }
      return Status::Ok();
    }));
    return out;
  }

  // Set-based: a nightly pass may return many thousands of customers, so a
  // batch is a handful of statements over a temporary table of the batch (the
  // same effects as ChangeOwner per customer).
  Result<int64_t> ReturnToPool(const std::vector<PoolReturn>& returns, UnixSeconds at) override {
    int64_t applied = 0;
    if (returns.empty()) return applied;
    std::string doc;
    {
      rapidjson::StringBuffer buf;
      JsonWriter w(buf);
      w.StartArray();
      for (const PoolReturn& r : returns) {
        w.StartArray();
        w.Int64(r.customer_id);
        w.Int64(r.owner_user_id);
        WriteString(w, r.note);
        w.EndArray();
      }
      w.EndArray();
      doc = buf.GetString();
    }
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      applied = 0;
      GX_RETURN_IF_ERROR(db.Exec(
          "CREATE TEMP TABLE IF NOT EXISTS pool_return_batch(customer_id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, "
          "note TEXT NOT NULL, tasks INTEGER NOT NULL DEFAULT 0)"));
      GX_RETURN_IF_ERROR(db.Exec("DELETE FROM temp.pool_return_batch"));
      {
        // Only customers still owned by the owner the pass saw.
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
            "INSERT OR IGNORE INTO temp.pool_return_batch(customer_id, owner, note) "
            "SELECT c.id, c.owner_user_id, json_extract(j.value, '$[2]') FROM json_each(?) j "
            "JOIN customer c ON c.id = json_extract(j.value, '$[0]') "
            "AND c.owner_user_id = json_extract(j.value, '$[1]')"));
        st.Bind(doc);
        GX_RETURN_IF_ERROR(st.Run());
      }
      const char* statements[] = {
          "UPDATE temp.pool_return_batch SET tasks = (SELECT COUNT(*) FROM task t WHERE t.customer_id = "
          "pool_return_batch.customer_id AND t.status = 'open' AND (t.origin = 'pool_warning' OR "
          "t.assignee_user_id = pool_return_batch.owner))",
          "UPDATE task SET status = 'cancelled', version = version + 1, updated_at = MAX(updated_at, ?1), "
          "completion_note = 'returned to the public pool' WHERE status = 'open' AND origin = 'pool_warning' "
          "AND customer_id IN (SELECT customer_id FROM temp.pool_return_batch)",
          "UPDATE task SET assignee_user_id = NULL, version = version + 1, updated_at = MAX(updated_at, ?1) "
          "WHERE status = 'open' AND customer_id IN (SELECT customer_id FROM temp.pool_return_batch) "
          "AND assignee_user_id = (SELECT b.owner FROM temp.pool_return_batch b WHERE b.customer_id = task.customer_id)",
          "UPDATE customer SET owner_user_id = NULL, version = version + 1, updated_at = MAX(updated_at, ?1) "
          "WHERE id IN (SELECT customer_id FROM temp.pool_return_batch)",
          "INSERT INTO owner_history(customer_id, at, from_user_id, to_user_id, reason, user_id, note, tasks_moved, "
          "opportunities_moved) SELECT customer_id, ?1, owner, NULL, 'pool_return', NULL, note, tasks, 0 "
          "FROM temp.pool_return_batch ORDER BY customer_id",
          "INSERT INTO audit_log(at, user_id, user_login, entity, entity_id, action, before_json, after_json) "
          "SELECT ?1, NULL, 'scheduler', 'customer', customer_id, 'pool_return', "
          "json_object('owner_user_id', owner), json_object('owner_user_id', NULL, 'reason', 'pool_return', "
          "'tasks_moved', tasks, 'opportunities_moved', 0) FROM temp.pool_return_batch ORDER BY customer_id",
      };
      for (size_t i = 0; i < std::size(statements); ++i) {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(statements[i]));
        if (i > 0) st.Bind(at);
        GX_RETURN_IF_ERROR(st.Run());
      }
      GX_ASSIGN_OR_RETURN(auto count, db.Prepare("SELECT COUNT(*) FROM temp.pool_return_batch"));
      GX_ASSIGN_OR_RETURN(bool row, count.Step());
      if (row) applied = count.Int(0);
      return Status::Ok();
    }));
    return applied;
  }

  Result<int64_t> CreatePoolWarnings(const std::vector<PoolWarning>& warnings, UnixSeconds at) override {
    int64_t created = 0;
    if (warnings.empty()) return created;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      created = 0;
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO task(version, customer_id, assignee_user_id, title, kind, priority, due_day, status, "
          "origin, origin_id, dedupe_key, created_at, updated_at) "
          "VALUES (1, ?, ?, ?, 'follow_up', 'high', ?, 'open', 'pool_warning', ?, ?, ?, ?) "
          "ON CONFLICT(dedupe_key) DO NOTHING"));
      for (const PoolWarning& w : warnings) {
        st.Bind(w.customer_id).Bind(w.owner_user_id).Bind(w.title).Bind(w.due_day).Bind(w.rule_id)
            .Bind(w.dedupe_key).Bind(at).Bind(at);
        GX_RETURN_IF_ERROR(st.Run());
        created += db.Changes();
        st.Reset();
      }
      return Status::Ok();
    }));
    return created;
  }

  Result<std::vector<OwnedCustomerFacts>> OwnedCustomers(int64_t after_id, int limit) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    // One statement per batch; every correlated read is an index range of
    // one customer (owner_history_customer, interaction_customer,
    // task_customer, sales_order_customer, opportunity_customer). The unary
    // `+` keeps SQLite on the rowid range: with an index on `archived` usable it
    // would scan every active customer and sort them, for every batch.
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT c.id, c.owner_user_id, "
        "COALESCE((SELECT MAX(h.at) FROM owner_history h WHERE h.customer_id = c.id "
        "          AND h.to_user_id = c.owner_user_id), c.created_at), "
        "MAX(COALESCE((SELECT MAX(i.at) FROM interaction i WHERE i.customer_id = c.id), 0), "
        "    COALESCE((SELECT MAX(t.completed_at) FROM task t WHERE t.customer_id = c.id "
        "              AND t.status = 'done'), 0)), "
        "MAX(COALESCE((SELECT MAX(o.ordered_at) FROM sales_order o WHERE o.customer_id = c.id "
        "              AND o.status IN ('placed', 'paid')), 0), "
        "    COALESCE((SELECT MAX(p.stage_entered_at) FROM opportunity p WHERE p.customer_id = c.id "
        "              AND p.status = 'won'), 0)), "
        "COALESCE(m.tier, ''), COALESCE(m.rfm_class, ''), c.relationship_level, c.tags "
        "FROM customer c LEFT JOIN customer_metric m ON m.customer_id = c.id "
        "WHERE c.id > ? AND +c.archived = 0 AND +c.owner_user_id IS NOT NULL ORDER BY c.id LIMIT ?"));
    st.Bind(after_id).Bind(int64_t{limit});
    std::vector<OwnedCustomerFacts> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      OwnedCustomerFacts f;
      f.customer_id = st.Int(0);
      f.owner_user_id = st.Int(1);
      f.since = st.Int(2);
      f.last_follow_up = st.Int(3);
      f.last_deal = st.Int(4);
      f.tier = st.Text(5);
      f.rfm_class = st.Text(6);
      f.relationship_level = st.Text(7);
      f.tags = StringListFromJson(st.Text(8));
      out.push_back(std::move(f));
    }
    return out;
  }

  Result<int64_t> CountOwned(int64_t user_id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    return CountOwnedOn(*db, user_id);
  }

  Result<std::vector<OwnerHistoryEntry>> OwnerHistory(int64_t customer_id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kHistoryColumns +
                                             " FROM owner_history WHERE customer_id = ? ORDER BY at DESC, id DESC"));
    st.Bind(customer_id);
    std::vector<OwnerHistoryEntry> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      OwnerHistoryEntry e;
      e.id = st.Int(0);
      e.customer_id = st.Int(1);
      e.at = st.Int(2);
      e.from_user_id = st.OptInt(3);
      e.to_user_id = st.OptInt(4);
      e.reason = st.Text(5);
      e.user_id = st.OptInt(6);
      e.note = st.Text(7);
      e.tasks_moved = st.Int(8);
      e.opportunities_moved = st.Int(9);
      out.push_back(std::move(e));
    }
    return out;
  }

  Status AppendOwnerHistory(const OwnerHistoryEntry& e) override {
    return writer_.Run([&](Connection& db) { return InsertHistory(db, e); });
  }

  Result<std::vector<PoolRule>> ListPoolRules() override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kPoolRuleColumns +
                                             " FROM pool_rule ORDER BY position, id"));
    std::vector<PoolRule> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadRule(st));
    }
    return out;
  }

  Result<PoolRule> GetPoolRule(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    return SelectRule(*db, id);
  }

  Result<PoolRule> CreatePoolRule(PoolRule r, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO pool_rule(version, name, class_kind, class_value, no_follow_up_days, no_deal_days, "
          "warn_days, position, enabled, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      st.Bind(r.name).Bind(r.class_kind).Bind(r.class_value).Bind(r.no_follow_up_days).Bind(r.no_deal_days)
          .Bind(r.warn_days).Bind(r.position).Bind(int64_t{r.enabled ? 1 : 0}).Bind(r.created_at).Bind(r.created_at);
      GX_RETURN_IF_ERROR(RuleWriteStatus(st.Run()));
      r.id = db.LastInsertRowId();
      r.version = 1;
      r.updated_at = r.created_at;
      audit.entity = "pool_rule";
      audit.entity_id = r.id;
      audit.after = PoolRuleToJson(r);
      return InsertAudit(db, audit);
    }));
    return r;
  }

  Result<PoolRule> UpdatePoolRule(PoolRule r, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(PoolRule old, SelectRule(db, r.id));
      if (old.version != r.version) {
        return Status::Conflict("pool rule " + std::to_string(r.id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(r.version));
      }
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "UPDATE pool_rule SET version = version + 1, name = ?, class_kind = ?, class_value = ?, "
          "no_follow_up_days = ?, no_deal_days = ?, warn_days = ?, position = ?, enabled = ?, updated_at = ? "
          "WHERE id = ?"));
      st.Bind(r.name).Bind(r.class_kind).Bind(r.class_value).Bind(r.no_follow_up_days).Bind(r.no_deal_days)
          .Bind(r.warn_days).Bind(r.position).Bind(int64_t{r.enabled ? 1 : 0}).Bind(r.updated_at).Bind(r.id);
      GX_RETURN_IF_ERROR(RuleWriteStatus(st.Run()));
      r.version = old.version + 1;
      r.created_at = old.created_at;
      audit.entity = "pool_rule";
      audit.entity_id = r.id;
      audit.before = PoolRuleToJson(old);
      audit.after = PoolRuleToJson(r);
      return InsertAudit(db, audit);
    }));
    return r;
  }

  Status DeletePoolRule(int64_t id, int64_t expected_version, AuditEntry audit) override {
    return writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(PoolRule old, SelectRule(db, id));
      if (old.version != expected_version) {
        return Status::Conflict("pool rule " + std::to_string(id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(expected_version));
      }
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM pool_rule WHERE id = ?"));
      st.Bind(id);
      GX_RETURN_IF_ERROR(st.Run());
      audit.entity = "pool_rule";
      audit.entity_id = id;
      audit.before = PoolRuleToJson(old);
      return InsertAudit(db, audit);
    });
  }

  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT value FROM relationship_setting WHERE key = ?"));
    st.Bind(key);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(st.Text(0));
  }

  Status PutSetting(const std::string& key, const std::string& value, AuditEntry audit) override {
    return writer_.Run([&](Connection& db) -> Status {
      std::string before;
      {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT value FROM relationship_setting WHERE key = ?"));
        st.Bind(key);
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (row) before = st.Text(0);
      }
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO relationship_setting(key, value) VALUES (?, ?) "
          "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
      st.Bind(key).Bind(value);
      GX_RETURN_IF_ERROR(st.Run());
      if (audit.entity.empty()) return Status::Ok();
      audit.before = before;
      audit.after = value;
      return InsertAudit(db, audit);
    });
  }

 private:
  Result<ConnectionPool<Connection>::Lease> Reader() {
    auto lease = readers_.Acquire();
    if (!lease) return Status::Unavailable("the store is closed");
    return std::move(*lease);
  }

  WriteQueue& writer_;
  ConnectionPool<Connection>& readers_;
};

}  // namespace
}  // namespace sqlite

std::unique_ptr<OwnershipStore> NewSqliteOwnershipStore(sqlite::WriteQueue& writer,
                                                        ConnectionPool<sqlite::Connection>& readers) {
  return std::make_unique<sqlite::SqliteOwnershipStore>(writer, readers);
}

}  // namespace guanxi
