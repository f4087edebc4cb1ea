// The PostgreSQL SalesStore: opportunities, their history and buying centre.
#include <map>
#include <set>

#include "store/cursor.h"
#include "store/list_query.h"
#include "store/postgres/sales_impl.h"

namespace guanxi::pg_sales {
namespace {

Result<Opportunity> SelectOpportunity(Connection& db, int64_t id, bool for_update) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kOpportunityColumns +
                                           " FROM opportunity WHERE id = $1" + (for_update ? " FOR UPDATE" : ""),
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound("opportunity " + std::to_string(id) + " not found");
  return ReadOpportunity(r.row(0));
}

// The stage's kind ("open", "won", "lost"); InvalidArgument for an unknown
// stage, customer, contact (of another customer) or owner.
Result<std::string> CheckOpportunityReferences(Connection& db, const Opportunity& o) {
  GX_ASSIGN_OR_RETURN(auto c, db.Query("SELECT 1 FROM customer WHERE id = $1", Params().Add(o.customer_id)));
  if (c.rows() == 0) return Status::InvalidField("customer_id", "no such customer");
  if (o.contact_id) {
    GX_ASSIGN_OR_RETURN(auto r, db.Query("SELECT customer_id FROM contact WHERE id = $1", Params().Add(*o.contact_id)));
    if (r.rows() == 0 || r.row(0).Int(0) != o.customer_id) {
      return Status::InvalidField("contact_id", "no such contact of this customer");
    }
  }
  if (o.owner_user_id) {
    GX_ASSIGN_OR_RETURN(auto u, db.Query("SELECT 1 FROM app_user WHERE id = $1", Params().Add(*o.owner_user_id)));
    if (u.rows() == 0) return Status::InvalidField("owner_user_id", "no such user");
  }
  GX_ASSIGN_OR_RETURN(auto s, db.Query("SELECT kind FROM stage WHERE key = $1", Params().Add(o.stage)));
  if (s.rows() == 0) return Status::InvalidField("stage", "no such stage");
  return s.row(0).Text(0);
}

void AddOpportunityFields(Params& p, const Opportunity& o, const std::string& status) {
  p.Add(o.customer_id).Add(o.contact_id).Add(o.title).Add(o.amount).Add(o.owner_user_id).Add(o.expected_close)
      .Add(o.stage).Add(status).Add(o.closed_on).Add(int64_t{o.money}).Add(int64_t{o.authority})
      .Add(int64_t{o.need}).Add(o.competitor).Add(o.loss_reason).Add(o.next_step).Add(o.notes)
      .Add(o.stage_entered_at);
}

Status InsertEvent(Connection& db, const OpportunityEvent& e) {
  return db.Query("INSERT INTO opportunity_event(opportunity_id, at, user_id, user_login, kind, from_stage, "
                  "to_stage, amount, expected_close, owner_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                  Params().Add(e.opportunity_id).Add(e.at).Add(e.user_id).Add(e.user_login).Add(e.kind)
                      .Add(e.from_stage).Add(e.to_stage).Add(e.amount).Add(e.expected_close).Add(e.owner_user_id))
      .status();
}

}  // namespace

Result<Opportunity> PgSalesStore::CreateOpportunity(Opportunity o, OpportunityEvent event, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(std::string status, CheckOpportunityReferences(db, o));
    Params p;
    AddOpportunityFields(p, o, status);
    p.Add(o.created_at).Add(o.updated_at);
    GX_ASSIGN_OR_RETURN(auto r, db.Query(
        "INSERT INTO opportunity(version, customer_id, contact_id, title, amount, owner_user_id, expected_close, "
        "stage, status, closed_on, money, authority, need, competitor, loss_reason, next_step, notes, "
        "stage_entered_at, created_at, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
        "$13, $14, $15, $16, $17, $18, $19) RETURNING id",
        p));
    o.id = r.row(0).Int(0);
    o.version = 1;
    event.opportunity_id = o.id;
    GX_RETURN_IF_ERROR(InsertEvent(db, event));
    audit.entity_id = o.id;
    audit.after = OpportunityToJson(o);
    return InsertAudit(db, audit);
  }));
  return o;
}

Result<Opportunity> PgSalesStore::GetOpportunity(int64_t id) {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return SelectOpportunity(*db, id, false);
}

Result<Opportunity> PgSalesStore::UpdateOpportunity(Opportunity o, std::optional<OpportunityEvent> event,
                                                    AuditEntry audit) {
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(Opportunity old, SelectOpportunity(db, o.id, true));
    if (old.version != o.version) {
      return Status::Conflict("opportunity " + std::to_string(o.id) + " is at version " +
                              std::to_string(old.version) + ", not " + std::to_string(o.version));
    }
    GX_ASSIGN_OR_RETURN(std::string status, CheckOpportunityReferences(db, o));
    Params p;
    AddOpportunityFields(p, o, status);
    p.Add(o.updated_at).Add(o.id);
    GX_RETURN_IF_ERROR(db.Query(
        "UPDATE opportunity SET version = version + 1, customer_id = $1, contact_id = $2, title = $3, amount = $4, "
        "owner_user_id = $5, expected_close = $6, stage = $7, status = $8, closed_on = $9, money = $10, "
        "authority = $11, need = $12, competitor = $13, loss_reason = $14, next_step = $15, notes = $16, "
        "stage_entered_at = $17, updated_at = $18 WHERE id = $19",
        p).status());
    o.version = old.version + 1;
    o.created_at = old.created_at;
    if (event) {
      event->opportunity_id = o.id;
      GX_RETURN_IF_ERROR(InsertEvent(db, *event));
    }
    audit.entity_id = o.id;
    audit.before = OpportunityToJson(old);
    audit.after = OpportunityToJson(o);
    return InsertAudit(db, audit);
  }));
  return o;
}

Status PgSalesStore::DeleteOpportunity(int64_t id, AuditEntry audit) {
  return Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(int64_t threshold, LockedThreshold(db, false));
    GX_ASSIGN_OR_RETURN(Opportunity old, SelectOpportunity(db, id, true));
    // Its orders lose the link (ON DELETE SET NULL) and may become out-of-funnel sales.
    GX_ASSIGN_OR_RETURN(auto orders, db.Query(std::string("SELECT ") + kOrderColumns +
                                                  " FROM sales_order WHERE opportunity_id = $1 FOR UPDATE",
                                              Params().Add(id)));
    GX_RETURN_IF_ERROR(db.Query("DELETE FROM opportunity WHERE id = $1", Params().Add(id)).status());
    for (int i = 0; i < orders.rows(); ++i) {
      Order o = ReadOrder(orders.row(i));
      o.opportunity_id.reset();
      GX_RETURN_IF_ERROR(ApplySalesDay(db, o, threshold, +1));
    }
    audit.entity_id = id;
    audit.before = OpportunityToJson(old);
    return InsertAudit(db, audit);
  });
}

Result<Page<Opportunity>> PgSalesStore::ListOpportunities(const OpportunityQuery& q) {
  Sql s;
  s += std::string("SELECT ") + kOpportunityColumns + " FROM opportunity WHERE true";
  AddScope(s, q.scope, "owner_user_id");
  if (q.customer_id) { s += " AND customer_id = ?"; s.params.Add(*q.customer_id); }
  if (q.owner_user_id) { s += " AND owner_user_id = ?"; s.params.Add(*q.owner_user_id); }
  if (!q.stage.empty()) { s += " AND stage = ?"; s.params.Add(q.stage); }
  if (q.status) {
    s += " AND status = ?";
    s.params.Add(q.status == OpportunityStatus::kOpen ? "open" : q.status == OpportunityStatus::kWon ? "won" : "lost");
  }
  const std::string close_day = "(CASE WHEN status = 'open' THEN expected_close ELSE closed_on END)";
  if (!q.close_from.empty()) { s += " AND " + close_day + " >= ?"; s.params.Add(q.close_from); }
  if (!q.close_to.empty()) { s += " AND " + close_day + " <= ?"; s.params.Add(q.close_to); }
  if (!q.search.empty()) {
    s += " AND strpos(" + AsciiLowerSql("title") + ", ?) > 0";
    s.params.Add(AsciiLower(q.search));
  }
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 2);
    auto at = parts ? ParseInt64((*parts)[0]) : std::nullopt;
    auto id = parts ? ParseInt64((*parts)[1]) : std::nullopt;
    if (!at || !id) return Status::InvalidField("cursor", "not a cursor of this list");
    s += " AND (updated_at, id) < (?, ?)";
    s.params.Add(*at).Add(*id);
  }
  s += " ORDER BY updated_at DESC, id DESC LIMIT ?";
  s.params.Add(int64_t{q.limit + 1});
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query(s.Numbered(), s.params));
  Page<Opportunity> page;
  for (int i = 0; i < r.rows(); ++i) page.items.push_back(ReadOpportunity(r.row(i)));
  FinishPage(page, q.limit, OpportunityCursor);
  return page;
}

Result<std::vector<OpportunityEvent>> PgSalesStore::OpportunityHistory(int64_t id) {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto exists, db->Query("SELECT 1 FROM opportunity WHERE id = $1", Params().Add(id)));
  if (exists.rows() == 0) return Status::NotFound("opportunity " + std::to_string(id) + " not found");
  GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kEventColumns +
                                            " FROM opportunity_event WHERE opportunity_id = $1 ORDER BY at, id",
                                        Params().Add(id)));
  std::vector<OpportunityEvent> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadEvent(r.row(i)));
  return out;
}

Status PgSalesStore::InsertOpportunitiesBulk(std::vector<Opportunity>& opps,
                                             std::vector<std::vector<OpportunityEvent>>& events) {
  if (events.size() != opps.size()) {
    return Status::InvalidArgument("one event list per opportunity is required");
  }
  if (opps.empty()) return Status::Ok();
  return Tx([&](Connection& db) -> Status {
    std::map<std::string, std::string> kinds;
    GX_ASSIGN_OR_RETURN(auto st, db.Query("SELECT key, kind FROM stage"));
    for (int i = 0; i < st.rows(); ++i) kinds[st.row(i).Text(0)] = st.row(i).Text(1);
    GX_ASSIGN_OR_RETURN(auto ids, db.Query(
        "SELECT nextval(pg_get_serial_sequence('opportunity', 'id')) FROM generate_series(1, $1)",
        Params().Add(static_cast<int64_t>(opps.size()))));
    for (size_t i = 0; i < opps.size(); ++i) {
      opps[i].id = ids.row(static_cast<int>(i)).Int(0);
      opps[i].version = 1;
      if (!kinds.count(opps[i].stage)) return Status::InvalidField("stage", "no such stage: " + opps[i].stage);
      for (auto& e : events[i]) e.opportunity_id = opps[i].id;
    }
    auto opt = [](std::optional<int64_t> v) -> std::optional<std::string> {
      if (!v) return std::nullopt;
      return std::to_string(*v);
    };
    auto row = [](std::string& buf, const std::vector<std::optional<std::string>>& v) {
      for (size_t i = 0; i < v.size(); ++i) {
        if (i) buf.push_back('\t');
        postgres::AppendCopyField(buf, v[i]);
      }
      buf.push_back('\n');
    };
    size_t next = 0;
    GX_RETURN_IF_ERROR(db.CopyIn(
        "COPY opportunity(id, version, customer_id, contact_id, title, amount, owner_user_id, expected_close, "
        "stage, status, closed_on, money, authority, need, competitor, loss_reason, next_step, notes, "
        "stage_entered_at, created_at, updated_at) FROM STDIN",
        [&](std::string& buf) {
          for (; next < opps.size() && buf.size() < (1 << 20); ++next) {
            const Opportunity& o = opps[next];
            row(buf, {std::to_string(o.id), "1", std::to_string(o.customer_id), opt(o.contact_id), o.title,
                      std::to_string(o.amount), opt(o.owner_user_id), o.expected_close, o.stage, kinds[o.stage],
                      o.closed_on, o.money ? "1" : "0", o.authority ? "1" : "0", o.need ? "1" : "0", o.competitor,
                      o.loss_reason, o.next_step, o.notes, std::to_string(o.stage_entered_at),
                      std::to_string(o.created_at), std::to_string(o.updated_at)});
          }
          return next < opps.size();
        }));
    size_t oi = 0, ei = 0;
    return db.CopyIn(
        "COPY opportunity_event(opportunity_id, at, user_id, user_login, kind, from_stage, to_stage, amount, "
        "expected_close, owner_user_id) FROM STDIN",
        [&](std::string& buf) {
          while (oi < events.size() && buf.size() < (1 << 20)) {
            if (ei >= events[oi].size()) {
              ++oi;
              ei = 0;
              continue;
            }
            const OpportunityEvent& e = events[oi][ei++];
            row(buf, {std::to_string(e.opportunity_id), std::to_string(e.at), opt(e.user_id), e.user_login, e.kind,
                      e.from_stage, e.to_stage, std::to_string(e.amount), e.expected_close, opt(e.owner_user_id)});
          }
          return oi < events.size();
        });
  });
}

// --- buying centre ----------------------------------------------------------------

Result<std::vector<BuyingCentreMember>> PgSalesStore::ListBuyingCentre(int64_t opportunity_id) {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kBuyingCentreColumns +
                                            " FROM buying_centre_member WHERE opportunity_id = $1 ORDER BY id",
                                        Params().Add(opportunity_id)));
  std::vector<BuyingCentreMember> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadBuyingCentreMember(r.row(i)));
  return out;
}

Result<BuyingCentreMember> PgSalesStore::PutBuyingCentreMember(BuyingCentreMember m, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    // The opportunity row locked: members of one opportunity change one at a time,
    // so the cycle check sees the chain as it will be.
    GX_ASSIGN_OR_RETURN(Opportunity opp, SelectOpportunity(db, m.opportunity_id, true));
    GX_ASSIGN_OR_RETURN(auto c, db.Query("SELECT customer_id FROM contact WHERE id = $1", Params().Add(m.contact_id)));
    if (c.rows() == 0 || c.row(0).Int(0) != opp.customer_id) {
      return Status::InvalidField("contact_id", "not a contact of the opportunity's customer");
    }
    GX_ASSIGN_OR_RETURN(auto members, db.Query(std::string("SELECT ") + kBuyingCentreColumns +
                                                   " FROM buying_centre_member WHERE opportunity_id = $1",
                                               Params().Add(m.opportunity_id)));
    std::map<int64_t, BuyingCentreMember> by_id;
    for (int i = 0; i < members.rows(); ++i) {
      BuyingCentreMember x = ReadBuyingCentreMember(members.row(i));
      by_id[x.id] = x;
    }
    std::optional<BuyingCentreMember> old;
    if (m.id != 0) {
      auto it = by_id.find(m.id);
      if (it == by_id.end()) return Status::NotFound("buying centre member " + std::to_string(m.id) + " not found");
      old = it->second;
    }
    // reports_to names another member of this opportunity, and following the
    // chain upwards from it does not come back to this member.
    if (m.reports_to) {
      if (*m.reports_to == m.id) return Status::InvalidField("reports_to", "a member cannot report to itself");
      std::set<int64_t> seen;
      bool first = true;
      for (std::optional<int64_t> at = m.reports_to; at; first = false) {
        if (m.id != 0 && *at == m.id) return Status::InvalidField("reports_to", "this would make a reporting cycle");
        if (!seen.insert(*at).second) break;  // a cycle above, not through this member
        auto it = by_id.find(*at);
        if (it == by_id.end()) {
          if (first) return Status::InvalidField("reports_to", "not a member of this opportunity's buying centre");
          break;
        }
        at = it->second.reports_to;
      }
    }
    Params p;
    p.Add(m.contact_id).Add(std::string(ToString(m.role))).Add(std::string(ToString(m.attitude)))
        .Add(int64_t{m.influence}).Add(m.reports_to).Add(m.note);
    Result<postgres::Result> r = Status::Ok();
    if (m.id == 0) {
      p.Add(m.opportunity_id);
      r = db.Query("INSERT INTO buying_centre_member(contact_id, role, attitude, influence, reports_to, note, "
                   "opportunity_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                   p);
    } else {
      p.Add(m.id);
      r = db.Query("UPDATE buying_centre_member SET contact_id = $1, role = $2, attitude = $3, influence = $4, "
                   "reports_to = $5, note = $6 WHERE id = $7 RETURNING id",
                   p);
    }
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kAlreadyExists) {
        return Status::AlreadyExists("the contact is already in this buying centre",
                                     {{"contact_id", "already in this buying centre"}});
      }
      return r.status();
    }
    m.id = r->row(0).Int(0);
    audit.entity_id = m.id;
    if (old) audit.before = BuyingCentreMemberToJson(*old);
    audit.after = BuyingCentreMemberToJson(m);
    return InsertAudit(db, audit);
  }));
  return m;
}

Status PgSalesStore::DeleteBuyingCentreMember(int64_t opportunity_id, int64_t id, AuditEntry audit) {
  return Tx([&](Connection& db) -> Status {
    GX_RETURN_IF_ERROR(SelectOpportunity(db, opportunity_id, true).status());
    GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("DELETE FROM buying_centre_member WHERE id = $1 AND "
                                                     "opportunity_id = $2 RETURNING ") + kBuyingCentreColumns,
                                         Params().Add(id).Add(opportunity_id)));
    if (r.rows() == 0) return Status::NotFound("buying centre member " + std::to_string(id) + " not found");
    audit.entity_id = id;
    audit.before = BuyingCentreMemberToJson(ReadBuyingCentreMember(r.row(0)));
    return InsertAudit(db, audit);
  });
}

}  // namespace guanxi::pg_sales
