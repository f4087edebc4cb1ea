// The PostgreSQL LifecycleStore. Facts are read page by page like the SQLite
// store's; a batch of derived changes is three set-based statements over
// unnest()ed arrays (stage updates, new ladder rows, ladder updates), each of
// which re-checks the value read and the override flags and appends the
// history rows of what it changed, in one transaction.
#include "store/postgres/lifecycle_store.h"

#include "store/lifecycle_rows.h"
#include "store/postgres/sales_impl.h"

namespace guanxi {
namespace pg_lifecycle {
namespace {

using postgres::Connection;
using postgres::Params;
using namespace store_rows;

std::string Numbered(const std::string& sql) {
  pg_sales::Sql s;
  s.text = sql;
  return s.Numbered();
}

// Array literals for unnest(); the values are ids and vocabulary keys, which
// need no quoting.
std::string IntArray(const std::vector<int64_t>& v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "}";
}
std::string TextArray(const std::vector<std::string_view>& v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) {
    out += i ? "," : "";
    out += v[i];
  }
  return out + "}";
}

Status InsertHistory(Connection& db, const LifecycleHistoryEntry& h) {
  return db.Query("INSERT INTO lifecycle_history(customer_id, at, field, from_value, to_value, source, user_id) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  Params().Add(h.customer_id).Add(h.at).Add(h.field).Add(h.from_value).Add(h.to_value)
                      .Add(h.source).Add(h.user_id)).status();
}

Result<LifecycleState> SelectState(Connection& db, int64_t customer_id, bool for_update) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(
      std::string("SELECT c.version, c.lifecycle_stage, l.ladder, l.stage_overridden, l.ladder_overridden, "
                  "l.derived_at FROM customer c LEFT JOIN customer_lifecycle l ON l.customer_id = c.id "
                  "WHERE c.id = $1") + (for_update ? " FOR UPDATE OF c" : ""),
      Params().Add(customer_id)));
  if (r.rows() == 0) return Status::NotFound("customer " + std::to_string(customer_id) + " not found");
  const auto row = r.row(0);
  LifecycleState s;
  s.customer_id = customer_id;
  s.version = row.Int(0);
  s.stage = ParseLifecycleStage(row.Text(1)).value_or(LifecycleStage::kExploration);
  if (!row.IsNull(2)) {
    s.ladder = ParseLadderRung(row.Text(2));
    s.stage_overridden = row.Int(3) != 0;
    s.ladder_overridden = row.Int(4) != 0;
    s.derived_at = row.OptInt(5);
  }
  return s;
}

class PgLifecycleStore final : public LifecycleStore {
 public:
  explicit PgLifecycleStore(postgres::Pool& pool) : pool_(pool) {}

  Result<std::vector<LifecycleRow>> ReadRows(int64_t after_id, int limit, std::optional<int64_t> only_id,
                                             int64_t today) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    std::vector<LifecycleRow> rows;
    {
      Params p;
      if (only_id) p.Add(*only_id);
      else p.Add(after_id).Add(int64_t{limit});
      GX_ASSIGN_OR_RETURN(auto r, db->Query(Numbered(std::string(kLifecycleCustomerColumns) +
                                                     (only_id ? "WHERE c.id = ?"
                                                              : "WHERE c.archived = 0 AND c.id > ? ORDER BY c.id LIMIT ?")),
                                            p));
      rows.reserve(r.rows());
      for (int i = 0; i < r.rows(); ++i) rows.push_back(ReadLifecycleCustomer(r.row(i)));
    }
    if (rows.empty()) return rows;
    const int64_t lo = rows.front().facts.customer_id, hi = rows.back().facts.customer_id;
    LifecyclePage page(rows);
    auto each = [&](const char* sql, bool window, auto&& add) -> Status {
      Params p;
      if (window) p.Add(today - 364);
      p.Add(lo).Add(hi);
      GX_ASSIGN_OR_RETURN(auto r, db->Query(Numbered(sql), p));
      for (int i = 0; i < r.rows(); ++i) add(r.row(i));
      return Status::Ok();
    };
    using postgres::Row;
    GX_RETURN_IF_ERROR(each(kLifecycleOrderFacts, true, [&](const Row& r) { page.AddOrders(r); }));
    GX_RETURN_IF_ERROR(each(kLifecycleInteractionFacts, false, [&](const Row& r) { page.AddInteractions(r); }));
    GX_RETURN_IF_ERROR(each(kLifecycleOpportunityFacts, false, [&](const Row& r) { page.AddOpportunities(r); }));
    GX_RETURN_IF_ERROR(each(kLifecycleMetricFacts, false, [&](const Row& r) { page.AddMetrics(r); }));
    return rows;
  }

  Result<LifecycleApplyCount> ApplyDerived(const std::vector<LifecycleDerivedChange>& changes,
                                           UnixSeconds at) override {
    std::vector<int64_t> stage_ids, new_ids, ladder_ids;
    std::vector<std::string_view> stage_from, stage_to, new_to, ladder_from, ladder_to;
    for (const auto& c : changes) {
      if (c.stage_from && c.stage_to) {
        stage_ids.push_back(c.customer_id);
        stage_from.push_back(ToString(*c.stage_from));
        stage_to.push_back(ToString(*c.stage_to));
      }
      if (!c.ladder_to) continue;
      if (c.ladder_from) {
        ladder_ids.push_back(c.customer_id);
        ladder_from.push_back(ToString(*c.ladder_from));
        ladder_to.push_back(ToString(*c.ladder_to));
      } else {
        new_ids.push_back(c.customer_id);
        new_to.push_back(ToString(*c.ladder_to));
      }
    }
    LifecycleApplyCount count;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      count = {};
      if (!stage_ids.empty()) {
        GX_ASSIGN_OR_RETURN(auto r, db.Query(
            "WITH u AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, f, t)), "
            "upd AS (UPDATE customer c SET lifecycle_stage = u.t, version = c.version + 1, "
            "updated_at = GREATEST(c.updated_at, $4) FROM u WHERE c.id = u.id AND c.lifecycle_stage = u.f "
            "AND NOT EXISTS (SELECT 1 FROM customer_lifecycle l WHERE l.customer_id = c.id AND l.stage_overridden = 1) "
            "RETURNING c.id, u.f, u.t) "
            "INSERT INTO lifecycle_history(customer_id, at, field, from_value, to_value, source) "
            "SELECT id, $4, 'stage', f, t, 'derived' FROM upd",
            Params().Add(IntArray(stage_ids)).Add(TextArray(stage_from)).Add(TextArray(stage_to)).Add(at)));
        count.stages = r.affected();
      }
      if (!new_ids.empty()) {
        GX_ASSIGN_OR_RETURN(auto r, db.Query(
            "WITH u AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS u(id, t)), "
            "ins AS (INSERT INTO customer_lifecycle(customer_id, ladder, derived_at) "
            "SELECT u.id, u.t, $3 FROM u JOIN customer c ON c.id = u.id "
            "ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id, ladder) "
            "INSERT INTO lifecycle_history(customer_id, at, field, from_value, to_value, source) "
            "SELECT customer_id, $3, 'ladder', '', ladder, 'derived' FROM ins",
            Params().Add(IntArray(new_ids)).Add(TextArray(new_to)).Add(at)));
        count.ladders += r.affected();
      }
      if (!ladder_ids.empty()) {
        GX_ASSIGN_OR_RETURN(auto r, db.Query(
            "WITH u AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, f, t)), "
            "upd AS (UPDATE customer_lifecycle l SET ladder = u.t, derived_at = $4 FROM u "
            "WHERE l.customer_id = u.id AND l.ladder = u.f AND l.ladder_overridden = 0 "
            "RETURNING l.customer_id, u.f, u.t) "
            "INSERT INTO lifecycle_history(customer_id, at, field, from_value, to_value, source) "
            "SELECT customer_id, $4, 'ladder', f, t, 'derived' FROM upd",
            Params().Add(IntArray(ladder_ids)).Add(TextArray(ladder_from)).Add(TextArray(ladder_to)).Add(at)));
        count.ladders += r.affected();
      }
      return Status::Ok();
    }));
    return count;
  }

  Result<LifecycleState> GetState(int64_t customer_id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    return SelectState(*db, customer_id, false);
  }

  Result<std::vector<LifecycleHistoryEntry>> History(int64_t customer_id, int limit) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(Numbered(kLifecycleHistoryColumns),
                                          Params().Add(customer_id).Add(int64_t{limit})));
    std::vector<LifecycleHistoryEntry> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadLifecycleHistory(r.row(i)));
    return out;
  }

  Result<LifecycleState> Override(const LifecycleOverride& o, AuditEntry audit) override {
    LifecycleState result;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(LifecycleState before, SelectState(db, o.customer_id, true));
      if (o.expected_version && *o.expected_version != before.version) {
        return Status::Conflict("customer " + std::to_string(o.customer_id) + " was changed by someone else");
      }
      LifecycleOverridePlan plan = PlanLifecycleOverride(before, o);
      if (plan.stage_changed) {
        GX_RETURN_IF_ERROR(db.Query("UPDATE customer SET lifecycle_stage = $1, version = version + 1, "
                                    "updated_at = GREATEST(updated_at, $2) WHERE id = $3",
                                    Params().Add(std::string(ToString(plan.after.stage))).Add(o.at)
                                        .Add(o.customer_id)).status());
      }
      GX_RETURN_IF_ERROR(db.Query(
          "INSERT INTO customer_lifecycle(customer_id, ladder, stage_overridden, ladder_overridden) "
          "VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id) DO UPDATE SET ladder = EXCLUDED.ladder, "
          "stage_overridden = EXCLUDED.stage_overridden, ladder_overridden = EXCLUDED.ladder_overridden",
          Params().Add(o.customer_id).Add(std::string(ToString(*plan.after.ladder)))
              .Add(int64_t{plan.after.stage_overridden}).Add(int64_t{plan.after.ladder_overridden})).status());
      for (const auto& h : plan.history) GX_RETURN_IF_ERROR(InsertHistory(db, h));
      audit.entity = "customer";
      audit.entity_id = o.customer_id;
      audit.before = LifecycleStateJson(before);
      audit.after = LifecycleStateJson(plan.after);
      GX_RETURN_IF_ERROR(pg_sales::InsertAudit(db, audit));
      result = plan.after;
      return Status::Ok();
    }));
    return result;
  }

  Status RecordStageEdit(int64_t customer_id, LifecycleStage from, LifecycleStage to, LadderRung ladder_if_new,
                         std::optional<int64_t> user_id, UnixSeconds at) override {
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto r, db.Query(
          "INSERT INTO customer_lifecycle(customer_id, ladder, stage_overridden) SELECT id, $1, 1 FROM customer "
          "WHERE id = $2 ON CONFLICT (customer_id) DO UPDATE SET stage_overridden = 1",
          Params().Add(std::string(ToString(ladder_if_new))).Add(customer_id)));
      if (r.affected() == 0) return Status::NotFound("customer " + std::to_string(customer_id) + " not found");
      LifecycleHistoryEntry h;
      h.customer_id = customer_id;
      h.at = at;
      h.field = "stage";
      h.from_value = std::string(ToString(from));
      h.to_value = std::string(ToString(to));
      h.source = "override";
      h.user_id = user_id;
      return InsertHistory(db, h);
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
}  // namespace pg_lifecycle

std::unique_ptr<LifecycleStore> NewPostgresLifecycleStore(postgres::Pool& pool) {
  return std::make_unique<pg_lifecycle::PgLifecycleStore>(pool);
}

}  // namespace guanxi
