// The PostgreSQL InteractionStore. Writes are READ COMMITTED transactions that
// key-share-lock the rows they reference (a concurrent delete of the customer
// waits or makes the check fail) and lock the interaction they change; the
// timeline reads every source in one REPEATABLE READ snapshot.
#include "store/postgres/sql_values.h"
#include "store/postgres/interaction_store.h"

#include <functional>

#include "store/interaction_rows.h"
#include "store/portable.h"
#include "store/postgres/sales_impl.h"
#include "store/task_rows.h"
#include "store/timeline_sources.h"

namespace guanxi {
namespace pg_interactions {
namespace {

using postgres::Connection;
using postgres::Params;
using namespace store_rows;

std::string Numbered(const std::string& sql) {
  pg_sales::Sql s;
  s.text = sql;
  return s.Numbered();
}

Result<Interaction> SelectInteraction(Connection& db, int64_t id, bool for_update) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kInteractionColumns +
                                           " FROM interaction i WHERE i.id = $1" + (for_update ? " FOR UPDATE" : ""),
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound("interaction " + std::to_string(id) + " not found");
  return ReadInteraction(r.row(0));
}

Status CheckReferences(Connection& db, const Interaction& i, const std::optional<Task>& follow_up) {
  for (const auto& check : InteractionReferenceChecks(i, follow_up)) {
    Params p;
    for (int64_t v : check.args) p.Add(v);
    GX_ASSIGN_OR_RETURN(auto r, db.Query(Numbered(check.sql + " FOR KEY SHARE"), p));
    if (r.rows() == 0) return Status::InvalidField(check.field, "no such record");
  }
  return Status::Ok();
}

void AddValues(Params& p, const Interaction& i) {
  BindInteractionValues(
      i, [&](const std::optional<int64_t>& v) { p.Add(v); }, [&](const std::string& v) { p.Add(v); });
}

class PgInteractionStore final : public InteractionStore {
 public:
  explicit PgInteractionStore(postgres::Pool& pool) : pool_(pool) {}

  Result<LoggedInteraction> CreateInteraction(Interaction i, std::optional<Task> follow_up,
                                              AuditEntry audit) override {
    if (follow_up) GX_RETURN_IF_ERROR(CheckTask(FollowUpTask(*follow_up, i)));
    LoggedInteraction out;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_RETURN_IF_ERROR(CheckReferences(db, i, follow_up));
      Params p;
      AddValues(p, i);
      p.Add(i.customer_id).Add(i.created_at).Add(i.created_at);
      GX_ASSIGN_OR_RETURN(auto r, db.Query(Numbered(std::string(kInteractionInsertSql) + " RETURNING id"), p));
      out.interaction = i;
      out.interaction.id = r.row(0).Int(0);
      out.interaction.version = 1;
      out.interaction.updated_at = i.created_at;
      AuditEntry a = audit;
      a.entity_id = out.interaction.id;
      a.after = InteractionToJson(out.interaction);
      GX_RETURN_IF_ERROR(pg_sales::InsertAudit(db, a));
      out.follow_up.reset();
      if (!follow_up) return Status::Ok();
      Task t = FollowUpTask(*follow_up, out.interaction);
      Params tp;
      BindTaskInsert(
          t, [&](const std::optional<int64_t>& v) { tp.Add(v); },
          [&](const std::optional<std::string>& v) {
            if (v) tp.Add(*v); else tp.AddNull();
          });
      GX_ASSIGN_OR_RETURN(auto tr, db.Query(Numbered(std::string(kTaskInsertSql) + " RETURNING id"), tp));
      t.id = tr.row(0).Int(0);
      t.version = 1;
      AuditEntry ta = audit;
      ta.entity = "task";
      ta.entity_id = t.id;
      ta.after = TaskToJson(t);
      GX_RETURN_IF_ERROR(pg_sales::InsertAudit(db, ta));
      out.follow_up = std::move(t);
      return Status::Ok();
    }));
    return out;
  }

  // Ids drawn from the sequence up front, then one COPY: a chunk of a
  // million-customer demo loads in one round trip.
  Status InsertInteractionsBulk(std::vector<Interaction>& rows) override {
    if (rows.empty()) return Status::Ok();
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto ids, db.Query(
          "SELECT nextval(pg_get_serial_sequence('interaction', 'id')) FROM generate_series(1, $1)",
          Params().Add(static_cast<int64_t>(rows.size()))));
      for (size_t k = 0; k < rows.size(); ++k) {
        rows[k].id = ids.row(static_cast<int>(k)).Int(0);
        rows[k].version = 1;
      }
      auto num = [](const std::optional<int64_t>& v) {
        return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
      };
      size_t next = 0;
      return db.CopyIn(
          "COPY interaction(id, version, customer_id, contact_id, user_id, channel, direction, at, subject, "
          "summary, outcome, duration_minutes, opportunity_id, case_id, created_at, updated_at) FROM STDIN",
          [&](std::string& buf) {
            for (; next < rows.size() && buf.size() < (1 << 20); ++next) {
              const Interaction& i = rows[next];
              const std::optional<std::string> fields[] = {
                  std::to_string(i.id), "1", std::to_string(i.customer_id), num(i.contact_id), num(i.user_id),
                  i.channel, i.direction, std::to_string(i.at), i.subject, i.summary, i.outcome,
                  num(i.duration_minutes), num(i.opportunity_id), num(i.case_id), std::to_string(i.created_at),
                  std::to_string(i.updated_at)};
              for (size_t f = 0; f < std::size(fields); ++f) {
                if (f) buf.push_back('\t');
                postgres::AppendCopyField(buf, fields[f]);
              }
              buf.push_back('\n');
            }
            return next < rows.size();
          });
    });
  }

  Result<Interaction> GetInteraction(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    return SelectInteraction(*db, id, false);
  }

  Result<Interaction> UpdateInteraction(Interaction i, AuditEntry audit) override {
    Interaction updated;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Interaction old, SelectInteraction(db, i.id, true));
      if (old.version != i.version) {
        return Status::Conflict("interaction " + std::to_string(i.id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(i.version));
      }
      i.customer_id = old.customer_id;
      GX_RETURN_IF_ERROR(CheckReferences(db, i, std::nullopt));
      Params p;
      AddValues(p, i);
      p.Add(i.updated_at).Add(i.id).Add(i.version);
      GX_ASSIGN_OR_RETURN(auto r, db.Query(Numbered(kInteractionUpdateSql), p));
      if (r.affected() != 1) return Status::Conflict("interaction changed concurrently");
      updated = i;
      updated.version = old.version + 1;
      updated.created_at = old.created_at;
      audit.entity_id = i.id;
      audit.before = InteractionToJson(old);
      audit.after = InteractionToJson(updated);
      return pg_sales::InsertAudit(db, audit);
    }));
    return updated;
  }

  Status DeleteInteraction(int64_t id, int64_t expected_version, AuditEntry audit) override {
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Interaction old, SelectInteraction(db, id, true));
      if (old.version != expected_version) {
        return Status::Conflict("interaction " + std::to_string(id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(expected_version));
      }
      GX_RETURN_IF_ERROR(db.Query("DELETE FROM interaction WHERE id = $1", Params().Add(id)).status());
      audit.entity_id = id;
      audit.before = InteractionToJson(old);
      return pg_sales::InsertAudit(db, audit);
    });
  }

  Result<Page<Interaction>> ListInteractions(const InteractionQuery& q) override {
    GX_ASSIGN_OR_RETURN(InteractionListSql plan, PlanInteractionList(q));
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(Numbered(plan.sql), postgres::ParamsOf(plan.args)));
    Page<Interaction> page;
    for (int i = 0; i < r.rows(); ++i) page.items.push_back(ReadInteraction(r.row(i)));
    FinishInteractionPage(page, q.limit);
    return page;
  }

  Result<Page<TimelineEntry>> Timeline(const TimelineQuery& q) override {
    GX_ASSIGN_OR_RETURN(auto statements, PlanTimeline(q));
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    // One snapshot for every source: an order placed between two reads would
    // otherwise show up on one page and be skipped by the cursor of another.
    GX_RETURN_IF_ERROR(db->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    std::vector<std::vector<TimelineRow>> rows(statements.size());
    Status s = Status::Ok();
    for (size_t i = 0; i < statements.size() && s.ok(); ++i) {
      auto r = db->Query(Numbered(statements[i].sql), postgres::ParamsOf(statements[i].args));
      if (!r.ok()) {
        s = r.status();
        break;
      }
      for (int k = 0; k < r->rows(); ++k) rows[i].push_back(ReadTimelineRow(r->row(k)));
    }
    Status end = db->Exec(s.ok() ? "COMMIT" : "ROLLBACK");
    GX_RETURN_IF_ERROR(s);
    GX_RETURN_IF_ERROR(end);
    return MergeTimeline(statements, rows, q.limit);
  }

 private:
  // Runs `fn` in a transaction; deadlocks and serialization failures are retried.
  Status Tx(const std::function<Status(Connection&)>& fn) {
    return pool_.InTransaction(fn);
  }


  postgres::Pool& pool_;
};

}  // namespace
}  // namespace pg_interactions

std::unique_ptr<InteractionStore> NewPostgresInteractionStore(postgres::Pool& pool) {
  return std::make_unique<pg_interactions::PgInteractionStore>(pool);
}

}  // namespace guanxi
