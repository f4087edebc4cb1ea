// The SQLite SalesStore: opportunities with their history, the funnel (live
// and rebuilt as of an instant), snapshots, tracks and activity.
#include <map>

#include "domain/customer_json.h"
#include "store/cursor.h"
#include "store/rows.h"
#include "store/sales_rows.h"
#include "store/sqlite/sales_internal.h"
#include "store/sqlite/store_internal.h"

namespace guanxi::sqlite {

using namespace store_rows;

namespace {

Result<Opportunity> SelectOpportunity(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kOpportunityColumns +
                                          " FROM opportunity WHERE id = ?"));
  st.Bind(id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("opportunity " + std::to_string(id) + " not found");
  return ReadOpportunity(st);
}

// Checks customer, contact, owner and stage; answers the stage's kind.
Result<std::string> CheckOpportunityReferences(Connection& db, const Opportunity& o) {
  {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT 1 FROM customer WHERE id = ?"));
    st.Bind(o.customer_id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::InvalidField("customer_id", "no such customer");
  }
  if (o.contact_id) {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT customer_id FROM contact WHERE id = ?"));
    st.Bind(*o.contact_id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.Int(0) != o.customer_id) {
      return Status::InvalidField("contact_id", "no such contact of this customer");
    }
  }
  if (o.owner_user_id) {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT 1 FROM app_user WHERE id = ?"));
    st.Bind(*o.owner_user_id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::InvalidField("owner_user_id", "no such user");
  }
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT kind FROM stage WHERE key = ?"));
  st.Bind(o.stage);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::InvalidField("stage", "no such stage");
  return st.Text(0);
}

Status InsertOpportunityRow(Connection& db, Opportunity& o) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO opportunity(version, customer_id, contact_id, title, amount, owner_user_id, "
      "expected_close, stage, status, closed_on, money, authority, need, competitor, loss_reason, "
      "next_step, notes, stage_entered_at, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, "
      "(SELECT kind FROM stage WHERE key = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(o.customer_id).Bind(o.contact_id).Bind(o.title).Bind(o.amount).Bind(o.owner_user_id)
      .Bind(o.expected_close).Bind(o.stage).Bind(o.stage).Bind(o.closed_on)
      .Bind(int64_t{o.money}).Bind(int64_t{o.authority}).Bind(int64_t{o.need}).Bind(o.competitor)
      .Bind(o.loss_reason).Bind(o.next_step).Bind(o.notes).Bind(o.stage_entered_at)
      .Bind(o.created_at).Bind(o.updated_at);
  GX_RETURN_IF_ERROR(st.Run());
  o.id = db.LastInsertRowId();
  o.version = 1;
  return Status::Ok();
}

Status InsertEvent(Connection& db, OpportunityEvent& e) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO opportunity_event(opportunity_id, at, user_id, user_login, kind, from_stage, "
      "to_stage, amount, expected_close, owner_user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(e.opportunity_id).Bind(e.at).Bind(e.user_id).Bind(e.user_login).Bind(e.kind)
      .Bind(e.from_stage).Bind(e.to_stage).Bind(e.amount).Bind(e.expected_close).Bind(e.owner_user_id);
  GX_RETURN_IF_ERROR(st.Run());
  e.id = db.LastInsertRowId();
  return Status::Ok();
}

// Funnels keyed by owner id, 0 for none.
using FunnelMap = std::map<int64_t, OwnerFunnel>;

OwnerFunnel& FunnelOf(FunnelMap& m, int64_t owner) {
  OwnerFunnel& f = m[owner];
  if (owner != 0) f.owner_user_id = owner;
  return f;
}

std::vector<OwnerFunnel> Flatten(FunnelMap& m) {
  std::vector<OwnerFunnel> out;
  out.reserve(m.size());
  for (auto& [owner, f] : m) out.push_back(std::move(f));
  return out;
}

// Out-of-funnel sums of the orders placed before `before` in [first, last],
// straight from sales_order (the as-of funnel; the live one reads sales_day).
Status AddOrdersAsOf(Connection& db, const VisibilityScope& scope, const std::string& first_day,
                     const std::string& last_day, UnixSeconds before, FunnelMap& out) {
  std::vector<int64_t> args;
  const std::string scope_sql = ScopeSql(scope, "owner_user_id", args);
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT coalesce(owner_user_id, 0), sum(total), count(*) FROM sales_order "
      "WHERE ordered_at >= ? AND ordered_at < ? AND ordered_at < ? AND opportunity_id IS NULL "
      "AND status IN ('placed', 'paid') AND total < (SELECT CAST(value AS INTEGER) FROM sales_setting "
      "WHERE key = 'out_of_funnel_threshold')" + scope_sql + " GROUP BY 1"));
  st.Bind(StartOfBusinessDay(first_day)).Bind(StartOfBusinessDay(AddDays(last_day, 1))).Bind(before);
  for (int64_t a : args) st.Bind(a);
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    OwnerFunnel& f = FunnelOf(out, st.Int(0));
    f.out_of_funnel += st.Int(1);
    f.out_of_funnel_count += st.Int(2);
  }
  return Status::Ok();
}

}  // namespace

// --- opportunities ---------------------------------------------------------------

Result<Opportunity> SqliteSalesStore::CreateOpportunity(Opportunity o, OpportunityEvent event,
                                                        AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    GX_RETURN_IF_ERROR(CheckOpportunityReferences(db, o).status());
    GX_RETURN_IF_ERROR(InsertOpportunityRow(db, o));
    event.opportunity_id = o.id;
    GX_RETURN_IF_ERROR(InsertEvent(db, event));
    audit.entity_id = o.id;
    audit.after = OpportunityToJson(o);
    return InsertAudit(db, audit);
  }));
  return o;
}

Result<Opportunity> SqliteSalesStore::GetOpportunity(int64_t id) {
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  return SelectOpportunity(*db, id);
}

Result<Opportunity> SqliteSalesStore::UpdateOpportunity(Opportunity o, std::optional<OpportunityEvent> event,
                                                        AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(Opportunity old, SelectOpportunity(db, o.id));
    if (old.version != o.version) {
      return Status::Conflict("opportunity " + std::to_string(o.id) + " is at version " +
                              std::to_string(old.version) + ", not " + std::to_string(o.version));
    }
    GX_ASSIGN_OR_RETURN(std::string kind, CheckOpportunityReferences(db, o));
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "UPDATE opportunity SET version = version + 1, customer_id = ?, contact_id = ?, title = ?, "
        "amount = ?, owner_user_id = ?, expected_close = ?, stage = ?, status = ?, closed_on = ?, "
        "money = ?, authority = ?, need = ?, competitor = ?, loss_reason = ?, next_step = ?, notes = ?, "
        "stage_entered_at = ?, updated_at = ? WHERE id = ? AND version = ?"));
    st.Bind(o.customer_id).Bind(o.contact_id).Bind(o.title).Bind(o.amount).Bind(o.owner_user_id)
        .Bind(o.expected_close).Bind(o.stage).Bind(kind).Bind(o.closed_on)
        .Bind(int64_t{o.money}).Bind(int64_t{o.authority}).Bind(int64_t{o.need}).Bind(o.competitor)
        .Bind(o.loss_reason).Bind(o.next_step).Bind(o.notes).Bind(o.stage_entered_at)
        .Bind(o.updated_at).Bind(o.id).Bind(o.version);
    GX_RETURN_IF_ERROR(st.Run());
    if (db.Changes() != 1) return Status::Conflict("opportunity changed concurrently");
    if (event) {
      event->opportunity_id = o.id;
      GX_RETURN_IF_ERROR(InsertEvent(db, *event));
    }
    o.version = old.version + 1;
    o.created_at = old.created_at;
    audit.entity_id = o.id;
    audit.before = OpportunityToJson(old);
    audit.after = OpportunityToJson(o);
    return InsertAudit(db, audit);
  }));
  return o;
}

Status SqliteSalesStore::DeleteOpportunity(int64_t id, AuditEntry audit) {
  return Write([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(Opportunity old, SelectOpportunity(db, id));
    // Its orders lose the link (ON DELETE SET NULL) and may become out-of-funnel sales.
    std::vector<std::string> order_ids;
    {
      GX_ASSIGN_OR_RETURN(auto linked, db.Prepare("SELECT id FROM sales_order WHERE opportunity_id = ?"));
      linked.Bind(id);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, linked.Step());
        if (!row) break;
        order_ids.push_back(std::to_string(linked.Int(0)));
      }
    }
    if (!order_ids.empty()) {
      GX_ASSIGN_OR_RETURN(auto unlink, db.Prepare("UPDATE sales_order SET opportunity_id = NULL WHERE opportunity_id = ?"));
      unlink.Bind(id);
      GX_RETURN_IF_ERROR(unlink.Run());
      GX_RETURN_IF_ERROR(AdjustSalesDay(db, "id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))",
                                        StringListToJson(order_ids), +1));
    }
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM opportunity WHERE id = ?"));
    st.Bind(id);
    GX_RETURN_IF_ERROR(st.Run());
    audit.entity_id = id;
    audit.before = OpportunityToJson(old);
    return InsertAudit(db, audit);
  });
}

Result<Page<Opportunity>> SqliteSalesStore::ListOpportunities(const OpportunityQuery& q) {
  std::vector<int64_t> ints;
  std::string sql = std::string("SELECT ") + kOpportunityColumns + " FROM opportunity WHERE 1 = 1" +
                    ScopeSql(q.scope, "owner_user_id", ints);
  std::vector<std::string> texts;  // bound after the integers, in order
  if (q.customer_id) {
    sql += " AND customer_id = ?";
    ints.push_back(*q.customer_id);
  }
  if (q.owner_user_id) {
    sql += " AND owner_user_id = ?";
    ints.push_back(*q.owner_user_id);
  }
  std::optional<std::pair<int64_t, int64_t>> after;
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 2);
    auto t = parts ? ParseInt64((*parts)[0]) : std::nullopt;
    auto id = parts ? ParseInt64((*parts)[1]) : std::nullopt;
    if (!t || !id) return Status::InvalidField("cursor", "not a cursor of this list");
    sql += " AND (updated_at < ? OR (updated_at = ? AND id < ?))";
    ints.push_back(*t);
    ints.push_back(*t);
    ints.push_back(*id);
  }
  if (!q.stage.empty()) {
    sql += " AND stage = ?";
    texts.push_back(q.stage);
  }
  if (q.status) {
    sql += " AND status = ?";
    texts.push_back(q.status == OpportunityStatus::kOpen ? "open"
                    : q.status == OpportunityStatus::kWon ? "won" : "lost");
  }
  const char* close_day = " CASE WHEN status = 'open' THEN expected_close ELSE closed_on END";
  if (!q.close_from.empty()) {
    sql += std::string(" AND") + close_day + " >= ?";
    texts.push_back(q.close_from);
  }
  if (!q.close_to.empty()) {
    sql += std::string(" AND") + close_day + " <= ?";
    texts.push_back(q.close_to);
  }
  if (!q.search.empty()) {
    std::string term = q.search;
    for (char& c : term) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    sql += " AND instr(lower(title), ?) > 0";
    texts.push_back(term);
  }
  sql += " ORDER BY updated_at DESC, id DESC LIMIT ?";
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_ASSIGN_OR_RETURN(auto st, db->Prepare(sql));
  for (int64_t a : ints) st.Bind(a);
  for (const auto& t : texts) st.Bind(t);
  st.Bind(static_cast<int64_t>(q.limit + 1));
  Page<Opportunity> page;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    page.items.push_back(ReadOpportunity(st));
  }
  FinishPage(page, q.limit, OpportunityCursor);
  return page;
}

Result<std::vector<OpportunityEvent>> SqliteSalesStore::OpportunityHistory(int64_t id) {
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  {
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT 1 FROM opportunity WHERE id = ?"));
    st.Bind(id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("opportunity " + std::to_string(id) + " not found");
  }
  GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kEventColumns +
                                           " FROM opportunity_event WHERE opportunity_id = ? ORDER BY at, id"));
  st.Bind(id);
  std::vector<OpportunityEvent> out;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadEvent(st));
  }
  return out;
}

Status SqliteSalesStore::InsertOpportunitiesBulk(std::vector<Opportunity>& opps,
                                                 std::vector<std::vector<OpportunityEvent>>& events) {
  if (events.size() != opps.size()) {
    return Status::InvalidArgument("one event list per opportunity is required");
  }
  return Write([&](Connection& db) -> Status {
    for (size_t i = 0; i < opps.size(); ++i) {
      GX_RETURN_IF_ERROR(InsertOpportunityRow(db, opps[i]));
      for (auto& e : events[i]) {
        e.opportunity_id = opps[i].id;
        GX_RETURN_IF_ERROR(InsertEvent(db, e));
      }
    }
    return Status::Ok();
  });
}

// --- funnel -------------------------------------------------------------------------

// The live funnel: open opportunities by expected_close in [first, last] per
// owner and stage, won/lost by closed_on in [first, last], and out-of-funnel
// sales from sales_day (kept with every order write).
Result<std::vector<OwnerFunnel>> SqliteSalesStore::FunnelByOwner(const VisibilityScope& scope,
                                                                 const std::string& first_day,
                                                                 const std::string& last_day) {
  std::vector<int64_t> args;
  const std::string scope_sql = ScopeSql(scope, "owner_user_id", args);
  FunnelMap m;
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_RETURN_IF_ERROR(db->Exec("BEGIN"));  // one snapshot for the three reads
  Status s = [&]() -> Status {
    {
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
          "SELECT coalesce(owner_user_id, 0), stage, sum(amount), count(*) FROM opportunity "
          "WHERE status = 'open' AND expected_close BETWEEN ? AND ?" + scope_sql + " GROUP BY 1, 2"));
      st.Bind(first_day).Bind(last_day);
      for (int64_t a : args) st.Bind(a);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        auto& sum = FunnelOf(m, st.Int(0)).open[st.Text(1)];
        sum.amount += st.Int(2);
        sum.count += st.Int(3);
      }
    }
    {
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
          "SELECT coalesce(owner_user_id, 0), status, sum(amount), count(*) FROM opportunity "
          "WHERE status IN ('won', 'lost') AND closed_on BETWEEN ? AND ?" + scope_sql + " GROUP BY 1, 2"));
      st.Bind(first_day).Bind(last_day);
      for (int64_t a : args) st.Bind(a);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        OwnerFunnel& f = FunnelOf(m, st.Int(0));
        if (st.Text(1) == "won") {
          f.closed += st.Int(2);
          f.closed_count += st.Int(3);
        } else {
          f.lost += st.Int(2);
          f.lost_count += st.Int(3);
        }
      }
    }
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT owner_user_id, sum(out_of_funnel), sum(out_of_funnel_count) FROM sales_day "
        "WHERE day BETWEEN ? AND ?" + scope_sql + " GROUP BY 1"));
    st.Bind(first_day).Bind(last_day);
    for (int64_t a : args) st.Bind(a);
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      OwnerFunnel& f = FunnelOf(m, st.Int(0));
      f.out_of_funnel += st.Int(1);
      f.out_of_funnel_count += st.Int(2);
    }
    return Status::Ok();
  }();
  (void)db->Exec("COMMIT");
  GX_RETURN_IF_ERROR(s);
  return Flatten(m);
}

// The funnel as it stood at `as_of`, rebuilt from history:
//  - each opportunity's state is its last event with at <= as_of (by at, then
//    id); opportunities without one did not exist yet;
//  - that event's to_stage, amount, expected_close and owner_user_id are the
//    state; to_stage "won"/"lost" means closed, with closed_on the business day
//    of that event, counted when in [first, last]; any other stage is open and
//    counted by expected_close in [first, last];
//  - scope applies to the event's owner;
//  - out-of-funnel sums come from sales_order rows ordered before as_of with
//    ordered_at in the period, judged by their current status, opportunity link
//    and the current threshold (orders keep no history).
Result<std::vector<OwnerFunnel>> SqliteSalesStore::FunnelAsOf(const VisibilityScope& scope,
                                                              const std::string& first_day,
                                                              const std::string& last_day,
                                                              UnixSeconds as_of) {
  std::vector<int64_t> args;
  const std::string scope_sql = ScopeSql(scope, "owner_user_id", args);
  FunnelMap m;
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_RETURN_IF_ERROR(db->Exec("BEGIN"));
  Status s = [&]() -> Status {
    {
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
          "SELECT coalesce(owner_user_id, 0), to_stage, amount, expected_close, " +
          BusinessDaySql("at") + " FROM (SELECT e.*, row_number() OVER (PARTITION BY opportunity_id "
          "ORDER BY at DESC, id DESC) AS rn FROM opportunity_event e WHERE at <= ?) WHERE rn = 1" +
          scope_sql));
      st.Bind(as_of);
      for (int64_t a : args) st.Bind(a);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        const std::string stage = st.Text(1);
        const bool won = stage == kWonStage, lost = stage == kLostStage;
        const std::string day = won || lost ? st.Text(4) : st.Text(3);
        if (day < first_day || day > last_day) continue;
        OwnerFunnel& f = FunnelOf(m, st.Int(0));
        if (won) {
          f.closed += st.Int(2);
          ++f.closed_count;
        } else if (lost) {
          f.lost += st.Int(2);
          ++f.lost_count;
        } else {
          auto& sum = f.open[stage];
          sum.amount += st.Int(2);
          ++sum.count;
        }
      }
    }
    return AddOrdersAsOf(*db, scope, first_day, last_day, as_of, m);
  }();
  (void)db->Exec("COMMIT");
  GX_RETURN_IF_ERROR(s);
  return Flatten(m);
}

Status SqliteSalesStore::SaveSnapshots(const std::vector<ForecastSnapshot>& snapshots) {
  return Write([&](Connection& db) -> Status {
    for (const auto& s : snapshots) {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          std::string("INSERT OR IGNORE INTO forecast_snapshot(") + kSnapshotColumns +
          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      const OwnerFunnel& f = s.funnel;
      st.Bind(s.quarter).Bind(s.week_start).Bind(f.owner_user_id.value_or(0)).Bind(s.taken_at)
          .Bind(f.closed).Bind(f.closed_count).Bind(f.lost).Bind(f.lost_count).Bind(f.out_of_funnel)
          .Bind(f.out_of_funnel_count).Bind(OpenByStageToJson(f.open));
      GX_RETURN_IF_ERROR(st.Run());
    }
    return Status::Ok();
  });
}

Result<std::vector<ForecastSnapshot>> SqliteSalesStore::Snapshots(const VisibilityScope& scope,
                                                                  const std::string& quarter,
                                                                  const std::string& week_start) {
  std::vector<int64_t> args;
  const std::string scope_sql = ScopeSql(scope, "owner_user_id", args);
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kSnapshotColumns +
                                           " FROM forecast_snapshot WHERE quarter = ?" +
                                           (week_start.empty() ? " AND ? = ''" : " AND week_start = ?") +
                                           scope_sql + " ORDER BY week_start, owner_user_id"));
  st.Bind(quarter).Bind(week_start);
  for (int64_t a : args) st.Bind(a);
  std::vector<ForecastSnapshot> out;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadSnapshot(st));
  }
  return out;
}

Result<std::vector<OpportunityTrack>> SqliteSalesStore::Tracks(const VisibilityScope& scope,
                                                              const std::string& first_day,
                                                              const std::string& last_day) {
  std::vector<int64_t> args;
  const std::string where =
      " FROM opportunity o WHERE " + BusinessDaySql("o.created_at") + " <= ? AND (o.status = 'open' OR "
      "o.closed_on >= ?)" + ScopeSql(scope, "o.owner_user_id", args);
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_RETURN_IF_ERROR(db->Exec("BEGIN"));
  std::vector<OpportunityTrack> out;
  Status s = [&]() -> Status {
    std::map<int64_t, size_t> index;
    {
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
          "SELECT o.id, o.owner_user_id, o.amount, o.stage, o.closed_on" + where + " ORDER BY o.id"));
      st.Bind(last_day).Bind(first_day);
      for (int64_t a : args) st.Bind(a);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        OpportunityTrack t;
        t.opportunity_id = st.Int(0);
        t.owner_user_id = st.OptInt(1);
        t.amount = st.Int(2);
        t.stage = st.Text(3);
        t.closed_on = st.Text(4);
        index[t.opportunity_id] = out.size();
        out.push_back(std::move(t));
      }
    }
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        std::string("SELECT ") + kEventColumns + " FROM opportunity_event WHERE opportunity_id IN "
        "(SELECT o.id" + where + ") ORDER BY opportunity_id, at, id"));
    st.Bind(last_day).Bind(first_day);
    for (int64_t a : args) st.Bind(a);
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      OpportunityEvent e = ReadEvent(st);
      auto it = index.find(e.opportunity_id);
      if (it != index.end()) out[it->second].events.push_back(std::move(e));
    }
    return Status::Ok();
  }();
  (void)db->Exec("COMMIT");
  GX_RETURN_IF_ERROR(s);
  return out;
}

Result<std::map<int64_t, int64_t>> SqliteSalesStore::ActivityByUser(const VisibilityScope& scope,
                                                                   UnixSeconds from, UnixSeconds to) {
  std::vector<int64_t> args;
  const std::string scope_sql = ScopeSql(scope, "user_id", args);
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
      "SELECT user_id, count(*) FROM opportunity_event WHERE at >= ? AND at < ? AND user_id IS NOT NULL" +
      scope_sql + " GROUP BY user_id"));
  st.Bind(from).Bind(to);
  for (int64_t a : args) st.Bind(a);
  std::map<int64_t, int64_t> out;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Int(0)] = st.Int(1);
  }
  return out;
}

}  // namespace guanxi::sqlite
