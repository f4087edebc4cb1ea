// The SQLite SalesStore: targets, payment plans and receipts, playbook and
// buying centre.
#include <set>

#include "store/sales_rows.h"
#include "store/sqlite/sales_internal.h"
#include "store/sqlite/store_internal.h"

namespace guanxi::sqlite {

using namespace store_rows;

namespace {

// The document a plan or receipt belongs to: exactly one of the two ids, of a
// row that exists.
Status CheckDocument(Connection& db, const std::optional<int64_t>& opportunity_id,
                     const std::optional<int64_t>& order_id) {
  if (opportunity_id.has_value() == order_id.has_value()) {
    return Status::InvalidArgument("name exactly one of opportunity_id and order_id",
                                   {{"opportunity_id", "exactly one of opportunity_id and order_id"}});
  }
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(opportunity_id ? "SELECT 1 FROM opportunity WHERE id = ?"
                                                         : "SELECT 1 FROM sales_order WHERE id = ?"));
  st.Bind(opportunity_id ? *opportunity_id : *order_id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) return Status::Ok();
  return opportunity_id ? Status::NotFound("opportunity " + std::to_string(*opportunity_id) + " not found")
                        : Status::NotFound("order " + std::to_string(*order_id) + " not found");
}

Result<std::vector<Instalment>> SelectPlan(Connection& db, const std::optional<int64_t>& opportunity_id,
                                           const std::optional<int64_t>& order_id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kInstalmentColumns +
                                          (opportunity_id ? " FROM instalment WHERE opportunity_id = ?"
                                                          : " FROM instalment WHERE order_id = ?") +
                                          " ORDER BY due_on, id"));
  st.Bind(opportunity_id ? *opportunity_id : order_id.value_or(0));
  std::vector<Instalment> out;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadInstalment(st));
  }
  return out;
}

Result<std::vector<Receipt>> SelectReceipts(Connection& db, const std::optional<int64_t>& opportunity_id,
                                            const std::optional<int64_t>& order_id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kReceiptColumns +
                                          (opportunity_id ? " FROM receipt WHERE opportunity_id = ?"
                                                          : " FROM receipt WHERE order_id = ?") +
                                          " ORDER BY received_on, id"));
  st.Bind(opportunity_id ? *opportunity_id : order_id.value_or(0));
  std::vector<Receipt> out;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadReceipt(st));
  }
  return out;
}

Result<PlaybookEntry> SelectPlaybookEntry(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kPlaybookColumns +
                                          " FROM playbook_entry WHERE id = ?"));
  st.Bind(id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("playbook entry " + std::to_string(id) + " not found");
  return ReadPlaybookEntry(st);
}

Status InsertPlaybookRow(Connection& db, PlaybookEntry& e) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO playbook_entry(version, stage, situation, kind, locale, title, body, position, "
      "updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(e.stage).Bind(e.situation).Bind(e.kind).Bind(e.locale).Bind(e.title).Bind(e.body)
      .Bind(int64_t{e.position}).Bind(e.updated_at);
  GX_RETURN_IF_ERROR(st.Run());
  e.id = db.LastInsertRowId();
  e.version = 1;
  return Status::Ok();
}

Result<BuyingCentreMember> SelectMember(Connection& db, int64_t opportunity_id, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kBuyingCentreColumns +
                                          " FROM buying_centre_member WHERE id = ? AND opportunity_id = ?"));
  st.Bind(id).Bind(opportunity_id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("buying centre member " + std::to_string(id) + " not found");
  return ReadBuyingCentreMember(st);
}

// reports_to must name another member of the same opportunity, and following
// the chain upwards from it must not come back to `m`.
Status CheckReportsTo(Connection& db, const BuyingCentreMember& m) {
  if (!m.reports_to) return Status::Ok();
  if (*m.reports_to == m.id) return Status::InvalidField("reports_to", "a member cannot report to itself");
  std::set<int64_t> seen;
  std::optional<int64_t> cur = m.reports_to;
  bool first = true;
  while (cur) {
    if (m.id != 0 && *cur == m.id) {
      return Status::InvalidField("reports_to", "this would make a reporting cycle");
    }
    if (!seen.insert(*cur).second) break;  // a cycle above, not through m
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT reports_to FROM buying_centre_member WHERE id = ? AND opportunity_id = ?"));
    st.Bind(*cur).Bind(m.opportunity_id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      if (first) return Status::InvalidField("reports_to", "not a member of this opportunity's buying centre");
      break;
    }
    cur = st.OptInt(0);
    first = false;
  }
  return Status::Ok();
}

}  // namespace

// --- targets -------------------------------------------------------------------------

Result<SalesTarget> SqliteSalesStore::PutTarget(SalesTarget t, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    std::optional<SalesTarget> old;
    {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kTargetColumns +
                                              " FROM sales_target WHERE quarter = ? AND scope = ? AND subject_id = ?"));
      st.Bind(t.quarter).Bind(ToString(t.scope)).Bind(t.subject_id.value_or(0));
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) old = ReadTarget(st);
    }
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "INSERT INTO sales_target(quarter, scope, subject_id, amount, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(quarter, scope, subject_id) DO UPDATE SET amount = excluded.amount, "
        "updated_at = excluded.updated_at"));
    st.Bind(t.quarter).Bind(ToString(t.scope)).Bind(t.subject_id.value_or(0)).Bind(t.amount).Bind(t.updated_at);
    GX_RETURN_IF_ERROR(st.Run());
    t.id = old ? old->id : db.LastInsertRowId();
    audit.entity_id = t.id;
    if (old) audit.before = TargetToJson(*old);
    audit.after = TargetToJson(t);
    return InsertAudit(db, audit);
  }));
  return t;
}

Status SqliteSalesStore::DeleteTarget(int64_t id, AuditEntry audit) {
  return Write([&](Connection& db) -> Status {
    SalesTarget old;
    {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kTargetColumns +
                                              " FROM sales_target WHERE id = ?"));
      st.Bind(id);
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::NotFound("target " + std::to_string(id) + " not found");
      old = ReadTarget(st);
    }
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM sales_target WHERE id = ?"));
    st.Bind(id);
    GX_RETURN_IF_ERROR(st.Run());
    audit.entity_id = id;
    audit.before = TargetToJson(old);
    return InsertAudit(db, audit);
  });
}

Result<std::vector<SalesTarget>> SqliteSalesStore::ListTargets(const std::string& quarter) {
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kTargetColumns +
                                           " FROM sales_target WHERE quarter = ? ORDER BY scope, subject_id"));
  st.Bind(quarter);
  std::vector<SalesTarget> out;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadTarget(st));
  }
  return out;
}

// --- receivables -------------------------------------------------------------------

Status SqliteSalesStore::ReplacePaymentPlan(std::optional<int64_t> opportunity_id, std::optional<int64_t> order_id,
                                            std::vector<Instalment> plan, AuditEntry audit) {
  return Write([&](Connection& db) -> Status {
    GX_RETURN_IF_ERROR(CheckDocument(db, opportunity_id, order_id));
    GX_ASSIGN_OR_RETURN(std::vector<Instalment> old, SelectPlan(db, opportunity_id, order_id));
    GX_ASSIGN_OR_RETURN(auto del, db.Prepare(opportunity_id ? "DELETE FROM instalment WHERE opportunity_id = ?"
                                                            : "DELETE FROM instalment WHERE order_id = ?"));
    del.Bind(opportunity_id ? *opportunity_id : *order_id);
    GX_RETURN_IF_ERROR(del.Run());
    for (auto& i : plan) {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO instalment(opportunity_id, order_id, due_on, amount, note) VALUES (?, ?, ?, ?, ?)"));
      i.opportunity_id = opportunity_id;
      i.order_id = order_id;
      st.Bind(i.opportunity_id).Bind(i.order_id).Bind(i.due_on).Bind(i.amount).Bind(i.note);
      GX_RETURN_IF_ERROR(st.Run());
      i.id = db.LastInsertRowId();
    }
    audit.entity_id = opportunity_id ? *opportunity_id : *order_id;
    audit.before = InstalmentsToJson(old);
    audit.after = InstalmentsToJson(plan);
    return InsertAudit(db, audit);
  });
}

Result<Receipt> SqliteSalesStore::AddReceipt(Receipt r, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    GX_RETURN_IF_ERROR(CheckDocument(db, r.opportunity_id, r.order_id));
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "INSERT INTO receipt(opportunity_id, order_id, received_on, amount, method, note, user_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(r.opportunity_id).Bind(r.order_id).Bind(r.received_on).Bind(r.amount).Bind(r.method)
        .Bind(r.note).Bind(r.user_id).Bind(r.created_at);
    GX_RETURN_IF_ERROR(st.Run());
    r.id = db.LastInsertRowId();
    audit.entity_id = r.id;
    audit.after = ReceiptToJson(r);
    return InsertAudit(db, audit);
  }));
  return r;
}

Status SqliteSalesStore::DeleteReceipt(int64_t id, AuditEntry audit) {
  return Write([&](Connection& db) -> Status {
    Receipt old;
    {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kReceiptColumns +
                                              " FROM receipt WHERE id = ?"));
      st.Bind(id);
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::NotFound("receipt " + std::to_string(id) + " not found");
      old = ReadReceipt(st);
    }
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM receipt WHERE id = ?"));
    st.Bind(id);
    GX_RETURN_IF_ERROR(st.Run());
    audit.entity_id = id;
    audit.before = ReceiptToJson(old);
    return InsertAudit(db, audit);
  });
}

Result<std::vector<ReceivableAccount>> SqliteSalesStore::Receivables(const VisibilityScope& scope,
                                                                     std::optional<int64_t> opportunity_id,
                                                                     std::optional<int64_t> order_id) {
  std::vector<int64_t> opp_args, order_args;
  std::string opp_sql =
      "SELECT o.id, NULL, o.customer_id, o.title, o.owner_user_id FROM opportunity o WHERE "
      "(EXISTS (SELECT 1 FROM instalment i WHERE i.opportunity_id = o.id) OR "
      "EXISTS (SELECT 1 FROM receipt r WHERE r.opportunity_id = o.id))" +
      ScopeSql(scope, "o.owner_user_id", opp_args);
  std::string order_sql =
      "SELECT NULL, s.id, s.customer_id, coalesce(s.external_id, '#' || s.id), s.owner_user_id "
      "FROM sales_order s WHERE (EXISTS (SELECT 1 FROM instalment i WHERE i.order_id = s.id) OR "
      "EXISTS (SELECT 1 FROM receipt r WHERE r.order_id = s.id))" +
      ScopeSql(scope, "s.owner_user_id", order_args);
  if (opportunity_id) {
    opp_sql += " AND o.id = ?";
    opp_args.push_back(*opportunity_id);
  }
  if (order_id) {
    order_sql += " AND s.id = ?";
    order_args.push_back(*order_id);
  }
  const bool with_opps = opportunity_id || !order_id;
  const bool with_orders = order_id || !opportunity_id;
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_RETURN_IF_ERROR(db->Exec("BEGIN"));
  std::vector<ReceivableAccount> out;
  Status s = [&]() -> Status {
    for (int pass = 0; pass < 2; ++pass) {
      if ((pass == 0 && !with_opps) || (pass == 1 && !with_orders)) continue;
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare(pass == 0 ? opp_sql + " ORDER BY o.id"
                                                         : order_sql + " ORDER BY s.id"));
      for (int64_t a : pass == 0 ? opp_args : order_args) st.Bind(a);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        ReceivableAccount a;
        a.opportunity_id = st.OptInt(0);
        a.order_id = st.OptInt(1);
        a.customer_id = st.Int(2);
        a.title = st.Text(3);
        a.owner_user_id = st.OptInt(4);
        out.push_back(std::move(a));
      }
    }
    for (auto& a : out) {
      GX_ASSIGN_OR_RETURN(a.instalments, SelectPlan(*db, a.opportunity_id, a.order_id));
      GX_ASSIGN_OR_RETURN(a.receipts, SelectReceipts(*db, a.opportunity_id, a.order_id));
    }
    return Status::Ok();
  }();
  (void)db->Exec("COMMIT");
  GX_RETURN_IF_ERROR(s);
  return out;
}

// --- playbook --------------------------------------------------------------------------

Result<std::vector<PlaybookEntry>> SqliteSalesStore::ListPlaybook() {
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kPlaybookColumns +
                                           " FROM playbook_entry ORDER BY position, id"));
  std::vector<PlaybookEntry> out;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadPlaybookEntry(st));
  }
  return out;
}

Result<PlaybookEntry> SqliteSalesStore::CreatePlaybookEntry(PlaybookEntry e, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    GX_RETURN_IF_ERROR(InsertPlaybookRow(db, e));
    audit.entity_id = e.id;
    audit.after = PlaybookEntryToJson(e);
    return InsertAudit(db, audit);
  }));
  return e;
}

Result<PlaybookEntry> SqliteSalesStore::UpdatePlaybookEntry(PlaybookEntry e, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(PlaybookEntry old, SelectPlaybookEntry(db, e.id));
    if (old.version != e.version) {
      return Status::Conflict("playbook entry " + std::to_string(e.id) + " is at version " +
                              std::to_string(old.version) + ", not " + std::to_string(e.version));
    }
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "UPDATE playbook_entry SET version = version + 1, stage = ?, situation = ?, kind = ?, locale = ?, "
        "title = ?, body = ?, position = ?, updated_at = ? WHERE id = ? AND version = ?"));
    st.Bind(e.stage).Bind(e.situation).Bind(e.kind).Bind(e.locale).Bind(e.title).Bind(e.body)
        .Bind(int64_t{e.position}).Bind(e.updated_at).Bind(e.id).Bind(e.version);
    GX_RETURN_IF_ERROR(st.Run());
    if (db.Changes() != 1) return Status::Conflict("playbook entry changed concurrently");
    e.version = old.version + 1;
    audit.entity_id = e.id;
    audit.before = PlaybookEntryToJson(old);
    audit.after = PlaybookEntryToJson(e);
    return InsertAudit(db, audit);
  }));
  return e;
}

Status SqliteSalesStore::DeletePlaybookEntry(int64_t id, AuditEntry audit) {
  return Write([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(PlaybookEntry old, SelectPlaybookEntry(db, id));
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM playbook_entry WHERE id = ?"));
    st.Bind(id);
    GX_RETURN_IF_ERROR(st.Run());
    audit.entity_id = id;
    audit.before = PlaybookEntryToJson(old);
    return InsertAudit(db, audit);
  });
}

Status SqliteSalesStore::SeedPlaybook(const std::vector<PlaybookEntry>& entries) {
  return Write([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(auto mark, db.Prepare(
        "INSERT INTO seed_marker(name, applied_at) VALUES ('playbook_v1', ?) ON CONFLICT(name) DO NOTHING"));
    UnixSeconds now = 0;
    for (const auto& e : entries) now = std::max(now, e.updated_at);
    mark.Bind(now);
    GX_RETURN_IF_ERROR(mark.Run());
    if (db.Changes() == 0) return Status::Ok();  // seeded before
    for (PlaybookEntry e : entries) GX_RETURN_IF_ERROR(InsertPlaybookRow(db, e));
    return Status::Ok();
  });
}

// --- buying centre --------------------------------------------------------------------

Result<std::vector<BuyingCentreMember>> SqliteSalesStore::ListBuyingCentre(int64_t opportunity_id) {
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kBuyingCentreColumns +
                                           " FROM buying_centre_member WHERE opportunity_id = ? ORDER BY id"));
  st.Bind(opportunity_id);
  std::vector<BuyingCentreMember> out;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadBuyingCentreMember(st));
  }
  return out;
}

Result<BuyingCentreMember> SqliteSalesStore::PutBuyingCentreMember(BuyingCentreMember m, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    int64_t customer_id = 0;
    {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT customer_id FROM opportunity WHERE id = ?"));
      st.Bind(m.opportunity_id);
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::NotFound("opportunity " + std::to_string(m.opportunity_id) + " not found");
      customer_id = st.Int(0);
    }
    {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT customer_id FROM contact WHERE id = ?"));
      st.Bind(m.contact_id);
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row || st.Int(0) != customer_id) {
        return Status::InvalidField("contact_id", "not a contact of the opportunity's customer");
      }
    }
    std::optional<BuyingCentreMember> old;
    if (m.id != 0) {
      GX_ASSIGN_OR_RETURN(old, SelectMember(db, m.opportunity_id, m.id));
    }
    GX_RETURN_IF_ERROR(CheckReportsTo(db, m));
    Status s;
    if (old) {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "UPDATE buying_centre_member SET contact_id = ?, role = ?, attitude = ?, influence = ?, "
          "reports_to = ?, note = ? WHERE id = ?"));
      st.Bind(m.contact_id).Bind(ToString(m.role)).Bind(ToString(m.attitude)).Bind(int64_t{m.influence})
          .Bind(m.reports_to).Bind(m.note).Bind(m.id);
      s = st.Run();
    } else {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO buying_centre_member(opportunity_id, contact_id, role, attitude, influence, "
          "reports_to, note) VALUES (?, ?, ?, ?, ?, ?, ?)"));
      st.Bind(m.opportunity_id).Bind(m.contact_id).Bind(ToString(m.role)).Bind(ToString(m.attitude))
          .Bind(int64_t{m.influence}).Bind(m.reports_to).Bind(m.note);
      s = st.Run();
      if (s.ok()) m.id = db.LastInsertRowId();
    }
    if (s.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("the contact is already in this buying centre",
                                   {{"contact_id", "already in this buying centre"}});
    }
    GX_RETURN_IF_ERROR(s);
    audit.entity_id = m.id;
    if (old) audit.before = BuyingCentreMemberToJson(*old);
    audit.after = BuyingCentreMemberToJson(m);
    return InsertAudit(db, audit);
  }));
  return m;
}

Status SqliteSalesStore::DeleteBuyingCentreMember(int64_t opportunity_id, int64_t id, AuditEntry audit) {
  return Write([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(BuyingCentreMember old, SelectMember(db, opportunity_id, id));
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM buying_centre_member WHERE id = ?"));
    st.Bind(id);
    GX_RETURN_IF_ERROR(st.Run());
    audit.entity_id = id;
    audit.before = BuyingCentreMemberToJson(old);
    return InsertAudit(db, audit);
  });
}

}  // namespace guanxi::sqlite
