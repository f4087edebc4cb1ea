// The PostgreSQL OwnershipStore. Each change is one READ COMMITTED transaction
// that locks the customers it changes (FOR UPDATE) before looking at their
// owner, so of two concurrent claims of one customer the second sees the first's
// owner and fails; a claim with a holding limit first locks the claimer's user
// row, so two claims by one user count their holdings one after the other.
// Callers pass ids sorted, so two multi-customer changes lock in one order.
#include "store/postgres/ownership_store.h"

#include <functional>

#include "domain/customer_json.h"
#include "store/ownership_rows.h"
#include "store/postgres/sales_impl.h"

namespace guanxi {
namespace pg_ownership {
namespace {

using postgres::Connection;
using postgres::Params;
using namespace ownership_rows;

struct Moved {
  int64_t tasks = 0;
  int64_t opportunities = 0;
};

struct Owned {
  std::optional<int64_t> owner;
  bool archived = false;
};

Result<std::optional<Owned>> LockOwner(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query("SELECT owner_user_id, archived FROM customer WHERE id = $1 FOR UPDATE",
                                       Params().Add(id)));
  if (r.rows() == 0) return std::optional<Owned>();
  return std::optional<Owned>(Owned{r.row(0).OptInt(0), r.row(0).Int(1) != 0});
}

Status InsertHistory(Connection& db, const OwnerHistoryEntry& e) {
  return db.Query("INSERT INTO owner_history(customer_id, at, from_user_id, to_user_id, reason, user_id, note, "
                  "tasks_moved, opportunities_moved) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                  Params().Add(e.customer_id).Add(e.at).Add(e.from_user_id).Add(e.to_user_id).Add(e.reason)
                      .Add(e.user_id).Add(e.note).Add(e.tasks_moved).Add(e.opportunities_moved))
      .status();
}

// Sets the owner and moves the open work (see ownership_store.h), writes the
// history row and the audit row. The customer's row is locked by the caller.
Result<Moved> ChangeOwner(Connection& db, int64_t id, std::optional<int64_t> from, std::optional<int64_t> to,
                          const std::string& reason, const OwnerChange& change) {
  Moved moved;
  GX_RETURN_IF_ERROR(db.Query("UPDATE customer SET owner_user_id = $1, version = version + 1, "
                              "updated_at = GREATEST(updated_at, $2) WHERE id = $3",
                              Params().Add(to).Add(change.at).Add(id))
                         .status());
  if (!to) {
    // Into the pool: a warning about the return means nothing any more.
    GX_ASSIGN_OR_RETURN(auto r, db.Query(
        "UPDATE task SET status = 'cancelled', version = version + 1, updated_at = GREATEST(updated_at, $1), "
        "completion_note = 'returned to the public pool' "
        "WHERE customer_id = $2 AND status = 'open' AND origin = 'pool_warning'",
        Params().Add(change.at).Add(id)));
    moved.tasks += r.affected();
  }
  {
    GX_ASSIGN_OR_RETURN(auto r, db.Query(
        "UPDATE task SET assignee_user_id = $1, version = version + 1, updated_at = GREATEST(updated_at, $2) "
        "WHERE customer_id = $3 AND status = 'open' AND assignee_user_id IS NOT DISTINCT FROM $4",
        Params().Add(to).Add(change.at).Add(id).Add(from)));
    moved.tasks += r.affected();
  }
  if (to) {
    GX_ASSIGN_OR_RETURN(auto r, db.Query(
        "UPDATE opportunity SET owner_user_id = $1, version = version + 1, updated_at = GREATEST(updated_at, $2) "
        "WHERE customer_id = $3 AND status = 'open' AND owner_user_id IS NOT DISTINCT FROM $4 "
        "RETURNING id, stage, amount, expected_close",
        Params().Add(to).Add(change.at).Add(id).Add(from)));
    for (int i = 0; i < r.rows(); ++i) {
      auto row = r.row(i);
      GX_RETURN_IF_ERROR(db.Query("INSERT INTO opportunity_event(opportunity_id, at, user_id, user_login, kind, "
                                  "from_stage, to_stage, amount, expected_close, owner_user_id) "
                                  "VALUES ($1, $2, $3, $4, 'update', '', $5, $6, $7, $8)",
                                  Params().Add(row.Int(0)).Add(change.at).Add(change.by_user_id)
                                      .Add(change.by_login).Add(row.Text(1)).Add(row.Int(2)).Add(row.Text(3))
                                      .Add(to))
                             .status());
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
  GX_RETURN_IF_ERROR(pg_sales::InsertAudit(db, OwnerAudit(change, id, reason, from, to, moved.tasks,
                                                          moved.opportunities)));
  return moved;
}

// Locks the user's row (against a concurrent claim by the same user); an
// unknown user is the to_user_id field's error.
Status LockUser(Connection& db, int64_t user_id) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query("SELECT 1 FROM app_user WHERE id = $1 FOR NO KEY UPDATE",
                                       Params().Add(user_id)));
  if (r.rows() == 0) return Status::InvalidField("to_user_id", "no such user");
  return Status::Ok();
}

Result<int64_t> CountOwnedOn(Connection& db, int64_t user_id) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query("SELECT COUNT(*) FROM customer WHERE owner_user_id = $1 AND archived = 0",
                                       Params().Add(user_id)));
  return r.row(0).Int(0);
}

PoolRule ReadRule(const postgres::Row& row) {
  PoolRule r;
  r.id = row.Int(0);
  r.version = row.Int(1);
  r.name = row.Text(2);
  r.class_kind = row.Text(3);
  r.class_value = row.Text(4);
  r.no_follow_up_days = row.OptInt(5);
  r.no_deal_days = row.OptInt(6);
  r.warn_days = row.Int(7);
  r.position = row.Int(8);
  r.enabled = row.Int(9) != 0;
  r.created_at = row.Int(10);
  r.updated_at = row.Int(11);
  return r;
}

Result<PoolRule> SelectRule(Connection& db, int64_t id, bool for_update) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kPoolRuleColumns + " FROM pool_rule WHERE id = $1" +
                                           (for_update ? " FOR UPDATE" : ""),
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound("pool rule " + std::to_string(id) + " not found");
  return ReadRule(r.row(0));
}

Status RuleWriteStatus(Status s) {
  if (s.code() == StatusCode::kFailedPrecondition || s.code() == StatusCode::kInvalidArgument) {
    return Status::InvalidArgument("the pool rule is not valid: " + s.message());
  }
  return s;
}

class PgOwnershipStore final : public OwnershipStore {
 public:
  explicit PgOwnershipStore(postgres::Pool& pool) : pool_(pool) {}

  Result<TransferOutcome> Transfer(const std::vector<int64_t>& ids, int64_t to_user_id,
                                   const OwnerChange& change) override {
    TransferOutcome out;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      out = {};
      GX_ASSIGN_OR_RETURN(auto u, db.Query("SELECT 1 FROM app_user WHERE id = $1", Params().Add(to_user_id)));
      if (u.rows() == 0) return Status::InvalidField("to_user_id", "no such user");
      for (int64_t id : ids) {
        GX_ASSIGN_OR_RETURN(auto cur, LockOwner(db, id));
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
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      out = {};
      GX_RETURN_IF_ERROR(LockUser(db, to_user_id));
      if (limit) {
        GX_ASSIGN_OR_RETURN(int64_t held, CountOwnedOn(db, to_user_id));
        if (held + static_cast<int64_t>(ids.size()) > *limit) {
          return Status::ResourceExhausted("the claim limit is " + std::to_string(*limit) + " customers; " +
                                           std::to_string(held) + " are held already");
        }
      }
      for (int64_t id : ids) {
        GX_ASSIGN_OR_RETURN(auto cur, LockOwner(db, id));
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
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      out = {};
      for (int64_t id : ids) {
        GX_ASSIGN_OR_RETURN(auto cur, LockOwner(db, id));
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
  // same effects as ChangeOwner per customer). The customer UPDATE locks and
  // re-checks each row: a customer whose owner changed meanwhile is skipped.
  Result<int64_t> ReturnToPool(const std::vector<PoolReturn>& returns, UnixSeconds at) override {
    int64_t applied = 0;
    if (returns.empty()) return applied;
    std::string ids = "{", owners = "{", notes = "{";
    for (size_t i = 0; i < returns.size(); ++i) {
      const char* sep = i ? "," : "";
      ids += sep + std::to_string(returns[i].customer_id);
      owners += sep + std::to_string(returns[i].owner_user_id);
      std::string quoted = "\"";
      for (char ch : returns[i].note) {
        if (ch == '"' || ch == '\\') quoted += '\\';
        quoted += ch;
      }
      notes += sep + quoted + "\"";
    }
    ids += "}";
    owners += "}";
    notes += "}";
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      applied = 0;
      // Created once per session (IF NOT EXISTS would print a notice each time).
      GX_ASSIGN_OR_RETURN(auto exists, db.Query("SELECT to_regclass('pg_temp.pool_return_batch') IS NOT NULL"));
      if (exists.row(0).Text(0) != "t") {
        GX_RETURN_IF_ERROR(db.Exec(
            "CREATE TEMP TABLE pool_return_batch(customer_id BIGINT PRIMARY KEY, owner BIGINT NOT NULL, "
            "note TEXT NOT NULL, tasks BIGINT NOT NULL DEFAULT 0) ON COMMIT DELETE ROWS"));
      }
      GX_RETURN_IF_ERROR(db.Exec("DELETE FROM pool_return_batch"));
      GX_RETURN_IF_ERROR(db.Query(
          "WITH input AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS u(customer_id, owner, note)), "
          "moved AS (UPDATE customer c SET owner_user_id = NULL, version = c.version + 1, "
          "          updated_at = GREATEST(c.updated_at, $4) FROM input i "
          "          WHERE c.id = i.customer_id AND c.owner_user_id = i.owner RETURNING c.id, i.owner, i.note) "
          "INSERT INTO pool_return_batch(customer_id, owner, note) SELECT id, owner, note FROM moved",
          Params().Add(ids).Add(owners).Add(notes).Add(at)).status());
      const char* statements[] = {
          "UPDATE pool_return_batch b SET tasks = (SELECT COUNT(*) FROM task t WHERE t.customer_id = b.customer_id "
          "AND t.status = 'open' AND (t.origin = 'pool_warning' OR t.assignee_user_id = b.owner)) "
          "WHERE $1::bigint IS NOT NULL",
          "UPDATE task SET status = 'cancelled', version = version + 1, updated_at = GREATEST(updated_at, $1), "
          "completion_note = 'returned to the public pool' WHERE status = 'open' AND origin = 'pool_warning' "
          "AND customer_id IN (SELECT customer_id FROM pool_return_batch)",
          "UPDATE task t SET assignee_user_id = NULL, version = t.version + 1, updated_at = GREATEST(t.updated_at, $1) "
          "FROM pool_return_batch b WHERE t.status = 'open' AND t.customer_id = b.customer_id "
          "AND t.assignee_user_id = b.owner",
          "INSERT INTO owner_history(customer_id, at, from_user_id, to_user_id, reason, user_id, note, tasks_moved, "
          "opportunities_moved) SELECT customer_id, $1, owner, NULL, 'pool_return', NULL, note, tasks, 0 "
          "FROM pool_return_batch ORDER BY customer_id",
          "INSERT INTO audit_log(at, user_id, user_login, entity, entity_id, action, before_json, after_json) "
          "SELECT $1, NULL, 'scheduler', 'customer', customer_id, 'pool_return', "
          "json_build_object('owner_user_id', owner)::text, json_build_object('owner_user_id', NULL, 'reason', "
          "'pool_return', 'tasks_moved', tasks, 'opportunities_moved', 0)::text FROM pool_return_batch ORDER BY customer_id",
      };
      for (const char* sql : statements) GX_RETURN_IF_ERROR(db.Query(sql, Params().Add(at)).status());
      GX_ASSIGN_OR_RETURN(auto r, db.Query("SELECT COUNT(*) FROM pool_return_batch"));
      applied = r.row(0).Int(0);
      return Status::Ok();
    }));
    return applied;
  }

  Result<int64_t> CreatePoolWarnings(const std::vector<PoolWarning>& warnings, UnixSeconds at) override {
    int64_t created = 0;
    if (warnings.empty()) return created;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      created = 0;
      for (const PoolWarning& w : warnings) {
        GX_ASSIGN_OR_RETURN(auto r, db.Query(
            "INSERT INTO task(version, customer_id, assignee_user_id, title, kind, priority, due_day, status, "
            "origin, origin_id, dedupe_key, created_at, updated_at) "
            "VALUES (1, $1, $2, $3, 'follow_up', 'high', $4, 'open', 'pool_warning', $5, $6, $7, $7) "
            "ON CONFLICT (dedupe_key) DO NOTHING",
            Params().Add(w.customer_id).Add(w.owner_user_id).Add(w.title).Add(w.due_day).Add(w.rule_id)
                .Add(w.dedupe_key).Add(at)));
        created += r.affected();
      }
      return Status::Ok();
    }));
    return created;
  }

  Result<std::vector<OwnedCustomerFacts>> OwnedCustomers(int64_t after_id, int limit) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(
        "SELECT c.id, c.owner_user_id, "
        "COALESCE((SELECT MAX(h.at) FROM owner_history h WHERE h.customer_id = c.id "
        "          AND h.to_user_id = c.owner_user_id), c.created_at), "
        "GREATEST(COALESCE((SELECT MAX(i.at) FROM interaction i WHERE i.customer_id = c.id), 0), "
        "         COALESCE((SELECT MAX(t.completed_at) FROM task t WHERE t.customer_id = c.id "
        "                   AND t.status = 'done'), 0)), "
        "GREATEST(COALESCE((SELECT MAX(o.ordered_at) FROM sales_order o WHERE o.customer_id = c.id "
        "                   AND o.status IN ('placed', 'paid')), 0), "
        "         COALESCE((SELECT MAX(p.stage_entered_at) FROM opportunity p WHERE p.customer_id = c.id "
        "                   AND p.status = 'won'), 0)), "
        "COALESCE(m.tier, ''), COALESCE(m.rfm_class, ''), c.relationship_level, c.tags "
        "FROM customer c LEFT JOIN customer_metric m ON m.customer_id = c.id "
        "WHERE c.id > $1 AND c.archived = 0 AND c.owner_user_id IS NOT NULL ORDER BY c.id LIMIT $2",
        Params().Add(after_id).Add(int64_t{limit})));
    std::vector<OwnedCustomerFacts> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
      auto row = r.row(i);
      OwnedCustomerFacts f;
      f.customer_id = row.Int(0);
      f.owner_user_id = row.Int(1);
      f.since = row.Int(2);
      f.last_follow_up = row.Int(3);
      f.last_deal = row.Int(4);
      f.tier = row.Text(5);
      f.rfm_class = row.Text(6);
      f.relationship_level = row.Text(7);
      f.tags = StringListFromJson(row.Text(8));
      out.push_back(std::move(f));
    }
    return out;
  }

  Result<int64_t> CountOwned(int64_t user_id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    return CountOwnedOn(*db, user_id);
  }

  Result<std::vector<OwnerHistoryEntry>> OwnerHistory(int64_t customer_id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kHistoryColumns +
                                              " FROM owner_history WHERE customer_id = $1 ORDER BY at DESC, id DESC",
                                          Params().Add(customer_id)));
    std::vector<OwnerHistoryEntry> out;
    for (int i = 0; i < r.rows(); ++i) {
      auto row = r.row(i);
      OwnerHistoryEntry e;
      e.id = row.Int(0);
      e.customer_id = row.Int(1);
      e.at = row.Int(2);
      e.from_user_id = row.OptInt(3);
      e.to_user_id = row.OptInt(4);
      e.reason = row.Text(5);
      e.user_id = row.OptInt(6);
      e.note = row.Text(7);
      e.tasks_moved = row.Int(8);
      e.opportunities_moved = row.Int(9);
      out.push_back(std::move(e));
    }
    return out;
  }

  Status AppendOwnerHistory(const OwnerHistoryEntry& e) override {
    return Tx([&](Connection& db) { return InsertHistory(db, e); });
  }

  Result<std::vector<PoolRule>> ListPoolRules() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kPoolRuleColumns +
                                          " FROM pool_rule ORDER BY position, id"));
    std::vector<PoolRule> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadRule(r.row(i)));
    return out;
  }

  Result<PoolRule> GetPoolRule(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    return SelectRule(*db, id, false);
  }

  Result<PoolRule> CreatePoolRule(PoolRule r, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      auto res = db.Query(
          "INSERT INTO pool_rule(version, name, class_kind, class_value, no_follow_up_days, no_deal_days, "
          "warn_days, position, enabled, created_at, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $9) "
          "RETURNING id",
          Params().Add(r.name).Add(r.class_kind).Add(r.class_value).Add(r.no_follow_up_days).Add(r.no_deal_days)
              .Add(r.warn_days).Add(r.position).Add(int64_t{r.enabled ? 1 : 0}).Add(r.created_at));
      GX_RETURN_IF_ERROR(RuleWriteStatus(res.status()));
      r.id = res->row(0).Int(0);
      r.version = 1;
      r.updated_at = r.created_at;
      audit.entity = "pool_rule";
      audit.entity_id = r.id;
      audit.after = PoolRuleToJson(r);
      return pg_sales::InsertAudit(db, audit);
    }));
    return r;
  }

  Result<PoolRule> UpdatePoolRule(PoolRule r, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(PoolRule old, SelectRule(db, r.id, true));
      if (old.version != r.version) {
        return Status::Conflict("pool rule " + std::to_string(r.id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(r.version));
      }
      GX_RETURN_IF_ERROR(RuleWriteStatus(
          db.Query("UPDATE pool_rule SET version = version + 1, name = $1, class_kind = $2, class_value = $3, "
                   "no_follow_up_days = $4, no_deal_days = $5, warn_days = $6, position = $7, enabled = $8, "
                   "updated_at = $9 WHERE id = $10",
                   Params().Add(r.name).Add(r.class_kind).Add(r.class_value).Add(r.no_follow_up_days)
                       .Add(r.no_deal_days).Add(r.warn_days).Add(r.position).Add(int64_t{r.enabled ? 1 : 0})
                       .Add(r.updated_at).Add(r.id))
              .status()));
      r.version = old.version + 1;
      r.created_at = old.created_at;
      audit.entity = "pool_rule";
      audit.entity_id = r.id;
      audit.before = PoolRuleToJson(old);
      audit.after = PoolRuleToJson(r);
      return pg_sales::InsertAudit(db, audit);
    }));
    return r;
  }

  Status DeletePoolRule(int64_t id, int64_t expected_version, AuditEntry audit) override {
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(PoolRule old, SelectRule(db, id, true));
      if (old.version != expected_version) {
        return Status::Conflict("pool rule " + std::to_string(id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(expected_version));
      }
      GX_RETURN_IF_ERROR(db.Query("DELETE FROM pool_rule WHERE id = $1", Params().Add(id)).status());
      audit.entity = "pool_rule";
      audit.entity_id = id;
      audit.before = PoolRuleToJson(old);
      return pg_sales::InsertAudit(db, audit);
    });
  }

  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT value FROM relationship_setting WHERE key = $1", Params().Add(key)));
    if (r.rows() == 0) return std::optional<std::string>();
    return std::optional<std::string>(r.row(0).Text(0));
  }

  Status PutSetting(const std::string& key, const std::string& value, AuditEntry audit) override {
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto old, db.Query("SELECT value FROM relationship_setting WHERE key = $1 FOR UPDATE",
                                             Params().Add(key)));
      std::string before = old.rows() ? old.row(0).Text(0) : std::string();
      GX_RETURN_IF_ERROR(db.Query("INSERT INTO relationship_setting(key, value) VALUES ($1, $2) "
                                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                  Params().Add(key).Add(value))
                             .status());
      if (audit.entity.empty()) return Status::Ok();
      audit.before = before;
      audit.after = value;
      return pg_sales::InsertAudit(db, audit);
    });
  }

 private:
  // Runs `fn` in a transaction; deadlocks and serialization failures are retried.
  Status Tx(const std::function<Status(Connection&)>& fn) {
    return pool_.InTransaction(fn);
  }


  postgres::Pool& pool_;
};

}  // namespace
}  // namespace pg_ownership

std::unique_ptr<OwnershipStore> NewPostgresOwnershipStore(postgres::Pool& pool) {
  return std::make_unique<pg_ownership::PgOwnershipStore>(pool);
}

}  // namespace guanxi
