// The SQLite InteractionStore. Reads use the Store's reader pool; each write is
// one job of the single writer, so an interaction, its follow-up task and their
// audit rows commit together or not at all.
#include "store/sqlite/interaction_store.h"

#include "store/interaction_rows.h"
#include "store/sqlite/store_internal.h"
#include "store/task_rows.h"
#include "store/timeline_sources.h"

namespace guanxi {
namespace sqlite {
namespace {

using namespace store_rows;

Result<Interaction> SelectInteraction(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kInteractionColumns +
                                          " FROM interaction i WHERE i.id = ?"));
  st.Bind(id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("interaction " + std::to_string(id) + " not found");
  return ReadInteraction(st);
}

Status CheckReferences(Connection& db, const Interaction& i, const std::optional<Task>& follow_up) {
  for (const auto& check : InteractionReferenceChecks(i, follow_up)) {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(check.sql));
    for (int64_t v : check.args) st.Bind(v);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::InvalidField(check.field, "no such record");
  }
  return Status::Ok();
}

void BindValues(Statement& st, const Interaction& i) {
  BindInteractionValues(
      i, [&](const std::optional<int64_t>& v) { st.Bind(v); }, [&](const std::string& v) { st.Bind(v); });
}

class SqliteInteractionStore final : public InteractionStore {
 public:
  SqliteInteractionStore(WriteQueue& writer, ConnectionPool<Connection>& readers)
      : writer_(writer), readers_(readers) {}

  Result<LoggedInteraction> CreateInteraction(Interaction i, std::optional<Task> follow_up,
                                              AuditEntry audit) override {
    if (follow_up) GX_RETURN_IF_ERROR(CheckTask(FollowUpTask(*follow_up, i)));
    LoggedInteraction out;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_RETURN_IF_ERROR(CheckReferences(db, i, follow_up));
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kInteractionInsertSql));
      BindValues(st, i);
      st.Bind(i.customer_id).Bind(i.created_at).Bind(i.created_at);
      GX_RETURN_IF_ERROR(st.Run());
      out.interaction = i;
      out.interaction.id = db.LastInsertRowId();
      out.interaction.version = 1;
      out.interaction.updated_at = i.created_at;
      AuditEntry a = audit;
      a.entity_id = out.interaction.id;
      a.after = InteractionToJson(out.interaction);
      GX_RETURN_IF_ERROR(InsertAudit(db, a));
      out.follow_up.reset();
      if (!follow_up) return Status::Ok();
      Task t = FollowUpTask(*follow_up, out.interaction);
      GX_ASSIGN_OR_RETURN(auto ins, db.Prepare(kTaskInsertSql));
      BindTaskInsert(
          t, [&](const std::optional<int64_t>& v) { ins.Bind(v); },
          [&](const std::optional<std::string>& v) {
            if (v) ins.Bind(*v); else ins.BindNull();
          });
      GX_RETURN_IF_ERROR(ins.Run());
      t.id = db.LastInsertRowId();
      t.version = 1;
      AuditEntry ta = audit;
      ta.entity = "task";
      ta.entity_id = t.id;
      ta.after = TaskToJson(t);
      GX_RETURN_IF_ERROR(InsertAudit(db, ta));
      out.follow_up = std::move(t);
      return Status::Ok();
    }));
    return out;
  }

  Status InsertInteractionsBulk(std::vector<Interaction>& rows) override {
    if (rows.empty()) return Status::Ok();
    return writer_.Run([&](Connection& db) -> Status {
      for (Interaction& i : rows) {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kInteractionInsertSql));
        BindValues(st, i);
        st.Bind(i.customer_id).Bind(i.created_at).Bind(i.updated_at);
        GX_RETURN_IF_ERROR(st.Run());
        i.id = db.LastInsertRowId();
        i.version = 1;
      }
      return Status::Ok();
    });
  }

  Result<Interaction> GetInteraction(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    return SelectInteraction(*db, id);
  }

  Result<Interaction> UpdateInteraction(Interaction i, AuditEntry audit) override {
    Interaction updated;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Interaction old, SelectInteraction(db, i.id));
      if (old.version != i.version) {
        return Status::Conflict("interaction " + std::to_string(i.id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(i.version));
      }
      i.customer_id = old.customer_id;
      GX_RETURN_IF_ERROR(CheckReferences(db, i, std::nullopt));
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kInteractionUpdateSql));
      BindValues(st, i);
      st.Bind(i.updated_at).Bind(i.id).Bind(i.version);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() != 1) return Status::Conflict("interaction changed concurrently");
      updated = i;
      updated.version = old.version + 1;
      updated.created_at = old.created_at;
      audit.entity_id = i.id;
      audit.before = InteractionToJson(old);
      audit.after = InteractionToJson(updated);
      return InsertAudit(db, audit);
    }));
    return updated;
  }

  Status DeleteInteraction(int64_t id, int64_t expected_version, AuditEntry audit) override {
    return writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Interaction old, SelectInteraction(db, id));
      if (old.version != expected_version) {
        return Status::Conflict("interaction " + std::to_string(id) + " is at version " +
                                std::to_string(old.version) + ", not " + std::to_string(expected_version));
      }
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM interaction WHERE id = ? AND version = ?"));
      st.Bind(id).Bind(expected_version);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() != 1) return Status::Conflict("interaction changed concurrently");
      audit.entity_id = id;
      audit.before = InteractionToJson(old);
      return InsertAudit(db, audit);
    });
  }

  Result<Page<Interaction>> ListInteractions(const InteractionQuery& q) override {
    GX_ASSIGN_OR_RETURN(InteractionListSql plan, PlanInteractionList(q));
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(plan.sql));
    BindAll(st, plan.args);
    Page<Interaction> page;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      page.items.push_back(ReadInteraction(st));
    }
    FinishInteractionPage(page, q.limit);
    return page;
  }

  Result<Page<TimelineEntry>> Timeline(const TimelineQuery& q) override {
    GX_ASSIGN_OR_RETURN(auto statements, PlanTimeline(q));
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    // One read transaction, so every source sees the same snapshot.
    GX_RETURN_IF_ERROR(db->Exec("BEGIN"));
    std::vector<std::vector<TimelineRow>> rows(statements.size());
    Status s = Status::Ok();
    for (size_t i = 0; i < statements.size() && s.ok(); ++i) {
      s = ReadRows(*db, statements[i], rows[i]);
    }
    Status end = db->Exec(s.ok() ? "COMMIT" : "ROLLBACK");
    GX_RETURN_IF_ERROR(s);
    GX_RETURN_IF_ERROR(end);
    return MergeTimeline(statements, rows, q.limit);
  }

 private:
  static Status ReadRows(Connection& db, const TimelineStatement& statement, std::vector<TimelineRow>& out) {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(statement.sql));
    BindAll(st, statement.args);
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadTimelineRow(st));
    }
    return Status::Ok();
  }

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

std::unique_ptr<InteractionStore> NewSqliteInteractionStore(sqlite::WriteQueue& writer,
                                                            ConnectionPool<sqlite::Connection>& readers) {
  return std::make_unique<sqlite::SqliteInteractionStore>(writer, readers);
}

}  // namespace guanxi
