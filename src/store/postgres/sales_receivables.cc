// The PostgreSQL SalesStore: payment plans, receipts, receivable accounts and
// the playbook.
#include <algorithm>
#include <map>

#include "store/postgres/sales_impl.h"

namespace guanxi::pg_sales {
namespace {

// Locks the document a plan or receipt belongs to; NotFound when it is gone.
Status LockDocument(Connection& db, std::optional<int64_t> opportunity_id, std::optional<int64_t> order_id) {
  if (opportunity_id.has_value() == order_id.has_value()) {
    return Status::InvalidArgument("name exactly one of opportunity_id and order_id",
                                   {{"opportunity_id", "exactly one of opportunity_id and order_id"}});
  }
  const bool opp = opportunity_id.has_value();
  const int64_t id = opp ? *opportunity_id : *order_id;
  GX_ASSIGN_OR_RETURN(auto r, db.Query(opp ? "SELECT 1 FROM opportunity WHERE id = $1 FOR UPDATE"
                                           : "SELECT 1 FROM sales_order WHERE id = $1 FOR UPDATE",
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound((opp ? "opportunity " : "order ") + std::to_string(id) + " not found");
  return Status::Ok();
}

}  // namespace

Status PgSalesStore::ReplacePaymentPlan(std::optional<int64_t> opportunity_id, std::optional<int64_t> order_id,
                                        std::vector<Instalment> plan, AuditEntry audit) {
  return Tx([&](Connection& db) -> Status {
    GX_RETURN_IF_ERROR(LockDocument(db, opportunity_id, order_id));
    const char* column = opportunity_id ? "opportunity_id" : "order_id";
    const int64_t doc = opportunity_id ? *opportunity_id : *order_id;
    GX_ASSIGN_OR_RETURN(auto old, db.Query(std::string("DELETE FROM instalment WHERE ") + column +
                                               " = $1 RETURNING due_on, amount",
                                           Params().Add(doc)));
    std::vector<Instalment> before;
    for (int i = 0; i < old.rows(); ++i) {
      Instalment x;
      x.due_on = old.row(i).Text(0);
      x.amount = old.row(i).Int(1);
      before.push_back(x);
    }
    for (auto& i : plan) {
      GX_ASSIGN_OR_RETURN(auto r, db.Query("INSERT INTO instalment(opportunity_id, order_id, due_on, amount, note) "
                                           "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                                           Params().Add(opportunity_id).Add(order_id).Add(i.due_on).Add(i.amount)
                                               .Add(i.note)));
      i.id = r.row(0).Int(0);
    }
    audit.entity_id = doc;
    audit.before = InstalmentsToJson(before);
    audit.after = InstalmentsToJson(plan);
    return InsertAudit(db, audit);
  });
}

Result<Receipt> PgSalesStore::AddReceipt(Receipt r, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    GX_RETURN_IF_ERROR(LockDocument(db, r.opportunity_id, r.order_id));
    GX_ASSIGN_OR_RETURN(auto ins, db.Query(
        "INSERT INTO receipt(opportunity_id, order_id, received_on, amount, method, note, user_id, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        Params().Add(r.opportunity_id).Add(r.order_id).Add(r.received_on).Add(r.amount).Add(r.method).Add(r.note)
            .Add(r.user_id).Add(r.created_at)));
    r.id = ins.row(0).Int(0);
    audit.entity_id = r.id;
    audit.after = ReceiptToJson(r);
    return InsertAudit(db, audit);
  }));
  return r;
}

Status PgSalesStore::DeleteReceipt(int64_t id, AuditEntry audit) {
  return Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("DELETE FROM receipt WHERE id = $1 RETURNING ") + kReceiptColumns,
                                         Params().Add(id)));
    if (r.rows() == 0) return Status::NotFound("receipt " + std::to_string(id) + " not found");
    audit.entity_id = id;
    audit.before = ReceiptToJson(ReadReceipt(r.row(0)));
    return InsertAudit(db, audit);
  });
}

Result<std::vector<ReceivableAccount>> PgSalesStore::Receivables(const VisibilityScope& scope,
                                                                 std::optional<int64_t> opportunity_id,
                                                                 std::optional<int64_t> order_id) {
  // Opportunities first, then orders, each by id.
  Sql docs;
  docs += "SELECT * FROM (SELECT 0 AS k, o.id, o.customer_id, o.title, o.owner_user_id FROM opportunity o "
          "WHERE (EXISTS (SELECT 1 FROM instalment i WHERE i.opportunity_id = o.id) OR "
          "EXISTS (SELECT 1 FROM receipt r WHERE r.opportunity_id = o.id))";
  AddScope(docs, scope, "o.owner_user_id");
  if (order_id) docs += " AND false";
  if (opportunity_id) { docs += " AND o.id = ?"; docs.params.Add(*opportunity_id); }
  docs += " UNION ALL SELECT 1, s.id, s.customer_id, COALESCE(s.external_id, '#' || s.id), s.owner_user_id "
          "FROM sales_order s WHERE (EXISTS (SELECT 1 FROM instalment i WHERE i.order_id = s.id) OR "
          "EXISTS (SELECT 1 FROM receipt r WHERE r.order_id = s.id))";
  AddScope(docs, scope, "s.owner_user_id");
  if (opportunity_id) docs += " AND false";
  if (order_id) { docs += " AND s.id = ?"; docs.params.Add(*order_id); }
  docs += ") d ORDER BY k, id";
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_RETURN_IF_ERROR(db->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  std::vector<ReceivableAccount> out;
  Status s = [&]() -> Status {
    GX_ASSIGN_OR_RETURN(auto r, db->Query(docs.Numbered(), docs.params));
    std::map<std::pair<int, int64_t>, size_t> index;
    std::string opp_ids = "{", order_ids = "{";
    for (int i = 0; i < r.rows(); ++i) {
      auto row = r.row(i);
      ReceivableAccount a;
      const bool is_opp = row.Int(0) == 0;
      if (is_opp) a.opportunity_id = row.Int(1); else a.order_id = row.Int(1);
      a.customer_id = row.Int(2);
      a.title = row.Text(3);
      a.owner_user_id = row.OptInt(4);
      index[{is_opp ? 0 : 1, row.Int(1)}] = out.size();
      std::string& ids = is_opp ? opp_ids : order_ids;
      ids += (ids.size() > 1 ? "," : "") + std::to_string(row.Int(1));
      out.push_back(std::move(a));
    }
    if (out.empty()) return Status::Ok();
    opp_ids += "}";
    order_ids += "}";
    GX_ASSIGN_OR_RETURN(auto plan, db->Query(
        "SELECT id, opportunity_id, order_id, due_on, amount, note FROM instalment "
        "WHERE opportunity_id = ANY($1::bigint[]) OR order_id = ANY($2::bigint[]) ORDER BY due_on, id",
        Params().Add(opp_ids).Add(order_ids)));
    for (int i = 0; i < plan.rows(); ++i) {
      auto row = plan.row(i);
      Instalment x;
      x.id = row.Int(0);
      x.opportunity_id = row.OptInt(1);
      x.order_id = row.OptInt(2);
      x.due_on = row.Text(3);
      x.amount = row.Int(4);
      x.note = row.Text(5);
      auto key = x.opportunity_id ? std::make_pair(0, *x.opportunity_id) : std::make_pair(1, *x.order_id);
      out[index[key]].instalments.push_back(std::move(x));
    }
    GX_ASSIGN_OR_RETURN(auto receipts, db->Query(
        std::string("SELECT ") + kReceiptColumns + " FROM receipt "
        "WHERE opportunity_id = ANY($1::bigint[]) OR order_id = ANY($2::bigint[]) ORDER BY received_on, id",
        Params().Add(opp_ids).Add(order_ids)));
    for (int i = 0; i < receipts.rows(); ++i) {
      Receipt x = ReadReceipt(receipts.row(i));
      auto key = x.opportunity_id ? std::make_pair(0, *x.opportunity_id) : std::make_pair(1, *x.order_id);
      out[index[key]].receipts.push_back(std::move(x));
    }
    return Status::Ok();
  }();
  (void)db->Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  GX_RETURN_IF_ERROR(s);
  return out;
}

// --- playbook ------------------------------------------------------------------------

namespace {

void AddEntryFields(Params& p, const PlaybookEntry& e) {
  p.Add(e.stage).Add(e.situation).Add(e.kind).Add(e.locale).Add(e.title).Add(e.body).Add(int64_t{e.position})
      .Add(e.updated_at);
}

Status InsertEntry(Connection& db, PlaybookEntry& e) {
  Params p;
  AddEntryFields(p, e);
  GX_ASSIGN_OR_RETURN(auto r, db.Query("INSERT INTO playbook_entry(version, stage, situation, kind, locale, title, "
                                       "body, position, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8) "
                                       "RETURNING id",
                                       p));
  e.id = r.row(0).Int(0);
  e.version = 1;
  return Status::Ok();
}

}  // namespace

Result<std::vector<PlaybookEntry>> PgSalesStore::ListPlaybook() {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kPlaybookColumns +
                                        " FROM playbook_entry ORDER BY position, id"));
  std::vector<PlaybookEntry> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadPlaybookEntry(r.row(i)));
  return out;
}

Result<PlaybookEntry> PgSalesStore::CreatePlaybookEntry(PlaybookEntry e, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    GX_RETURN_IF_ERROR(InsertEntry(db, e));
    audit.entity_id = e.id;
    audit.after = PlaybookEntryToJson(e);
    return InsertAudit(db, audit);
  }));
  return e;
}

Result<PlaybookEntry> PgSalesStore::UpdatePlaybookEntry(PlaybookEntry e, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kPlaybookColumns +
                                             " FROM playbook_entry WHERE id = $1 FOR UPDATE",
                                         Params().Add(e.id)));
    if (r.rows() == 0) return Status::NotFound("playbook entry " + std::to_string(e.id) + " not found");
    PlaybookEntry old = ReadPlaybookEntry(r.row(0));
    if (old.version != e.version) {
      return Status::Conflict("playbook entry " + std::to_string(e.id) + " is at version " +
                              std::to_string(old.version) + ", not " + std::to_string(e.version));
    }
    Params p;
    AddEntryFields(p, e);
    p.Add(e.id);
    GX_RETURN_IF_ERROR(db.Query("UPDATE playbook_entry SET version = version + 1, stage = $1, situation = $2, "
                                "kind = $3, locale = $4, title = $5, body = $6, position = $7, updated_at = $8 "
                                "WHERE id = $9",
                                p).status());
    e.version = old.version + 1;
    audit.entity_id = e.id;
    audit.before = PlaybookEntryToJson(old);
    audit.after = PlaybookEntryToJson(e);
    return InsertAudit(db, audit);
  }));
  return e;
}

Status PgSalesStore::DeletePlaybookEntry(int64_t id, AuditEntry audit) {
  return Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("DELETE FROM playbook_entry WHERE id = $1 RETURNING ") +
                                             kPlaybookColumns,
                                         Params().Add(id)));
    if (r.rows() == 0) return Status::NotFound("playbook entry " + std::to_string(id) + " not found");
    audit.entity_id = id;
    audit.before = PlaybookEntryToJson(ReadPlaybookEntry(r.row(0)));
    return InsertAudit(db, audit);
  });
}

Status PgSalesStore::SeedPlaybook(const std::vector<PlaybookEntry>& entries) {
  return Tx([&](Connection& db) -> Status {
    // A replica seeding at the same moment waits on the marker row, then finds it.
    UnixSeconds now = 0;
    for (const auto& e : entries) now = std::max(now, e.updated_at);
    GX_ASSIGN_OR_RETURN(auto marker, db.Query("INSERT INTO seed_marker(name, applied_at) VALUES ('playbook_v1', $1) "
                                              "ON CONFLICT DO NOTHING RETURNING name",
                                              Params().Add(now)));
    if (marker.rows() == 0) return Status::Ok();
    for (PlaybookEntry e : entries) GX_RETURN_IF_ERROR(InsertEntry(db, e));
    return Status::Ok();
  });
}

}  // namespace guanxi::pg_sales
