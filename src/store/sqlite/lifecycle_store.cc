// The SQLite LifecycleStore. Facts are read page by page (customers by id, then
// one grouped query per source over the page's id range); a batch of derived
// changes is one writer job whose statements re-check the value read and the
// override flags, so a change made meanwhile is never overwritten.
#include "store/sqlite/lifecycle_store.h"

#include "store/lifecycle_rows.h"
#include "store/sqlite/store_internal.h"

namespace guanxi {
namespace sqlite {
namespace {

using namespace store_rows;

Status InsertHistory(Connection& db, const LifecycleHistoryEntry& h) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO lifecycle_history(customer_id, at, field, from_value, to_value, source, user_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(h.customer_id).Bind(h.at).Bind(h.field).Bind(h.from_value).Bind(h.to_value).Bind(h.source)
      .Bind(h.user_id);
  return st.Run();
}

LifecycleHistoryEntry Derived(int64_t customer_id, UnixSeconds at, const char* field, std::string_view from,
                              std::string_view to) {
  LifecycleHistoryEntry h;
  h.customer_id = customer_id;
  h.at = at;
  h.field = field;
  h.from_value = std::string(from);
  h.to_value = std::string(to);
  h.source = "derived";
  return h;
}

Result<LifecycleState> SelectState(Connection& db, int64_t customer_id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT c.version, c.lifecycle_stage, l.ladder, l.stage_overridden, l.ladder_overridden, l.derived_at "
      "FROM customer c LEFT JOIN customer_lifecycle l ON l.customer_id = c.id WHERE c.id = ?"));
  st.Bind(customer_id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("customer " + std::to_string(customer_id) + " not found");
  LifecycleState s;
  s.customer_id = customer_id;
  s.version = st.Int(0);
  s.stage = ParseLifecycleStage(st.Text(1)).value_or(LifecycleStage::kExploration);
  if (!st.IsNull(2)) {
    s.ladder = ParseLadderRung(st.Text(2));
    s.stage_overridden = st.Int(3) != 0;
    s.ladder_overridden = st.Int(4) != 0;
    s.derived_at = st.OptInt(5);
  }
  return s;
}

class SqliteLifecycleStore final : public LifecycleStore {
 public:
  SqliteLifecycleStore(WriteQueue& writer, ConnectionPool<Connection>& readers)
      : writer_(writer), readers_(readers) {}

  Result<std::vector<LifecycleRow>> ReadRows(int64_t after_id, int limit, std::optional<int64_t> only_id,
                                             int64_t today) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    std::vector<LifecycleRow> rows;
    {
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string(kLifecycleCustomerColumns) +
                                               (only_id ? "WHERE c.id = ?"
                                                        : "WHERE c.archived = 0 AND c.id > ? ORDER BY c.id LIMIT ?")));
      if (only_id) st.Bind(*only_id);
      else st.Bind(after_id).Bind(int64_t{limit});
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        rows.push_back(ReadLifecycleCustomer(st));
      }
    }
    if (rows.empty()) return rows;
    const int64_t lo = rows.front().facts.customer_id, hi = rows.back().facts.customer_id;
    LifecyclePage page(rows);
    auto each = [&](const char* sql, bool window, auto&& add) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare(sql));
      if (window) st.Bind(today - 364);
      st.Bind(lo).Bind(hi);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) return Status::Ok();
        add(st);
      }
    };
    GX_RETURN_IF_ERROR(each(kLifecycleOrderFacts, true, [&](const Statement& r) { page.AddOrders(r); }));
    GX_RETURN_IF_ERROR(each(kLifecycleInteractionFacts, false, [&](const Statement& r) { page.AddInteractions(r); }));
    GX_RETURN_IF_ERROR(each(kLifecycleOpportunityFacts, false, [&](const Statement& r) { page.AddOpportunities(r); }));
    GX_RETURN_IF_ERROR(each(kLifecycleMetricFacts, false, [&](const Statement& r) { page.AddMetrics(r); }));
    return rows;
  }

  Result<LifecycleApplyCount> ApplyDerived(const std::vector<LifecycleDerivedChange>& changes,
                                           UnixSeconds at) override {
    LifecycleApplyCount count;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      count = {};
      for (const auto& c : changes) {
        if (c.stage_from && c.stage_to) {
          GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
              "UPDATE customer SET lifecycle_stage = ?, version = version + 1, updated_at = MAX(updated_at, ?) "
              "WHERE id = ? AND lifecycle_stage = ? AND NOT EXISTS (SELECT 1 FROM customer_lifecycle l "
              "WHERE l.customer_id = customer.id AND l.stage_overridden = 1)"));
          st.Bind(ToString(*c.stage_to)).Bind(at).Bind(c.customer_id).Bind(ToString(*c.stage_from));
          GX_RETURN_IF_ERROR(st.Run());
          if (db.Changes() > 0) {
            ++count.stages;
            GX_RETURN_IF_ERROR(InsertHistory(db, Derived(c.customer_id, at, "stage", ToString(*c.stage_from),
                                                         ToString(*c.stage_to))));
          }
        }
        if (!c.ladder_to) continue;
        if (c.ladder_from) {
          GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
              "UPDATE customer_lifecycle SET ladder = ?, derived_at = ? "
              "WHERE customer_id = ? AND ladder = ? AND ladder_overridden = 0"));
          st.Bind(ToString(*c.ladder_to)).Bind(at).Bind(c.customer_id).Bind(ToString(*c.ladder_from));
          GX_RETURN_IF_ERROR(st.Run());
        } else {
          GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
              "INSERT INTO customer_lifecycle(customer_id, ladder, derived_at) SELECT id, ?, ? FROM customer "
              "WHERE id = ? ON CONFLICT(customer_id) DO NOTHING"));
          st.Bind(ToString(*c.ladder_to)).Bind(at).Bind(c.customer_id);
          GX_RETURN_IF_ERROR(st.Run());
        }
        if (db.Changes() > 0) {
          ++count.ladders;
          GX_RETURN_IF_ERROR(InsertHistory(db, Derived(c.customer_id, at, "ladder",
                                                       c.ladder_from ? ToString(*c.ladder_from) : "",
                                                       ToString(*c.ladder_to))));
        }
      }
      return Status::Ok();
    }));
    return count;
  }

  Result<LifecycleState> GetState(int64_t customer_id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    return SelectState(*db, customer_id);
  }

  Result<std::vector<LifecycleHistoryEntry>> History(int64_t customer_id, int limit) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(kLifecycleHistoryColumns));
    st.Bind(customer_id).Bind(int64_t{limit});
    std::vector<LifecycleHistoryEntry> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadLifecycleHistory(st));
    }
    return out;
  }

  Result<LifecycleState> Override(const LifecycleOverride& o, AuditEntry audit) override {
    LifecycleState result;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(LifecycleState before, SelectState(db, o.customer_id));
      if (o.expected_version && *o.expected_version != before.version) {
        return Status::Conflict("customer " + std::to_string(o.customer_id) + " was changed by someone else");
      }
      LifecycleOverridePlan plan = PlanLifecycleOverride(before, o);
      if (plan.stage_changed) {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
            "UPDATE customer SET lifecycle_stage = ?, version = version + 1, updated_at = MAX(updated_at, ?) "
            "WHERE id = ?"));
        st.Bind(ToString(plan.after.stage)).Bind(o.at).Bind(o.customer_id);
        GX_RETURN_IF_ERROR(st.Run());
      }
      {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
            "INSERT INTO customer_lifecycle(customer_id, ladder, stage_overridden, ladder_overridden) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(customer_id) DO UPDATE SET ladder = excluded.ladder, "
            "stage_overridden = excluded.stage_overridden, ladder_overridden = excluded.ladder_overridden"));
        st.Bind(o.customer_id).Bind(ToString(*plan.after.ladder)).Bind(int64_t{plan.after.stage_overridden})
            .Bind(int64_t{plan.after.ladder_overridden});
        GX_RETURN_IF_ERROR(st.Run());
      }
      for (const auto& h : plan.history) GX_RETURN_IF_ERROR(InsertHistory(db, h));
      audit.entity = "customer";
      audit.entity_id = o.customer_id;
      audit.before = LifecycleStateJson(before);
      audit.after = LifecycleStateJson(plan.after);
      GX_RETURN_IF_ERROR(InsertAudit(db, audit));
      result = plan.after;
      return Status::Ok();
    }));
    return result;
  }

  Status RecordStageEdit(int64_t customer_id, LifecycleStage from, LifecycleStage to, LadderRung ladder_if_new,
                         std::optional<int64_t> user_id, UnixSeconds at) override {
    return writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO customer_lifecycle(customer_id, ladder, stage_overridden) SELECT id, ?, 1 FROM customer "
          "WHERE id = ? ON CONFLICT(customer_id) DO UPDATE SET stage_overridden = 1"));
      st.Bind(ToString(ladder_if_new)).Bind(customer_id);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() == 0) return Status::NotFound("customer " + std::to_string(customer_id) + " not found");
      LifecycleHistoryEntry h = Derived(customer_id, at, "stage", ToString(from), ToString(to));
      h.source = "override";
      h.user_id = user_id;
      return InsertHistory(db, h);
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

std::unique_ptr<LifecycleStore> NewSqliteLifecycleStore(sqlite::WriteQueue& writer,
                                                        ConnectionPool<sqlite::Connection>& readers) {
  return std::make_unique<sqlite::SqliteLifecycleStore>(writer, readers);
}

}  // namespace guanxi
