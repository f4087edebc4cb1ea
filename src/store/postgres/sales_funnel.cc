// The PostgreSQL SalesStore: funnel figures (live and as of a past instant),
// forecast snapshots, opportunity tracks and activity counts.
#include <map>

#include "store/postgres/sales_impl.h"

namespace guanxi::pg_sales {
namespace {

// Funnels by owner key (-1 = no owner), in owner order with "no owner" first.
using FunnelMap = std::map<int64_t, OwnerFunnel>;

OwnerFunnel& FunnelOf(FunnelMap& m, std::optional<int64_t> owner) {
  auto [it, added] = m.try_emplace(owner.value_or(-1));
  if (added) it->second.owner_user_id = owner;
  return it->second;
}

std::vector<OwnerFunnel> Flatten(FunnelMap& m) {
  std::vector<OwnerFunnel> out;
  for (auto& [k, f] : m) out.push_back(std::move(f));
  return out;
}

// Adds rows of (owner, status or stage, amount, count) from `sql`.
Status AddFunnelRows(Connection& db, const Sql& s, FunnelMap& m) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(s.Numbered(), s.params));
  for (int i = 0; i < r.rows(); ++i) {
    auto row = r.row(i);
    OwnerFunnel& f = FunnelOf(m, row.OptInt(0));
    const std::string status = row.Text(1), stage = row.Text(2);
    if (status == "won") {
      f.closed += row.Int(3);
      f.closed_count += row.Int(4);
    } else if (status == "lost") {
      f.lost += row.Int(3);
      f.lost_count += row.Int(4);
    } else if (status == "open") {
      auto& sum = f.open[stage];
      sum.amount += row.Int(3);
      sum.count += row.Int(4);
    } else {
      f.out_of_funnel += row.Int(3);
      f.out_of_funnel_count += row.Int(4);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<OwnerFunnel>> PgSalesStore::FunnelByOwner(const VisibilityScope& scope,
                                                             const std::string& first_day,
                                                             const std::string& last_day) {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  // One snapshot for the three reads.
  GX_RETURN_IF_ERROR(db->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  FunnelMap m;
  Status s = [&]() -> Status {
    Sql open;
    open += "SELECT owner_user_id, 'open', stage, sum(amount), count(*) FROM opportunity "
            "WHERE status = 'open' AND expected_close BETWEEN ? AND ?";
    open.params.Add(first_day).Add(last_day);
    AddScope(open, scope, "owner_user_id");
    open += " GROUP BY owner_user_id, stage";
    GX_RETURN_IF_ERROR(AddFunnelRows(*db, open, m));
    Sql closed;
    closed += "SELECT owner_user_id, status, '', sum(amount), count(*) FROM opportunity "
              "WHERE status IN ('won', 'lost') AND closed_on BETWEEN ? AND ?";
    closed.params.Add(first_day).Add(last_day);
    AddScope(closed, scope, "owner_user_id");
    closed += " GROUP BY owner_user_id, status";
    GX_RETURN_IF_ERROR(AddFunnelRows(*db, closed, m));
    Sql days;
    days += "SELECT NULLIF(owner_user_id, 0), 'out', '', sum(out_of_funnel), sum(out_of_funnel_count) "
            "FROM sales_day WHERE day BETWEEN ? AND ?";
    days.params.Add(first_day).Add(last_day);
    AddScope(days, scope, "owner_user_id");
    days += " GROUP BY owner_user_id HAVING sum(out_of_funnel_count) > 0";
    return AddFunnelRows(*db, days, m);
  }();
  (void)db->Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  GX_RETURN_IF_ERROR(s);
  return Flatten(m);
}

Result<std::vector<OwnerFunnel>> PgSalesStore::FunnelAsOf(const VisibilityScope& scope,
                                                          const std::string& first_day,
                                                          const std::string& last_day, UnixSeconds as_of) {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_RETURN_IF_ERROR(db->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  FunnelMap m;
  Status s = [&]() -> Status {
    // The last event of each opportunity at or before as_of is its state then.
    Sql opp;
    opp += "WITH last AS (SELECT DISTINCT ON (e.opportunity_id) e.owner_user_id, e.to_stage, e.amount, "
           " e.expected_close, " + BusinessDaySql("e.at") + " AS closed_on FROM opportunity_event e "
           " WHERE e.at <= ? ORDER BY e.opportunity_id, e.at DESC, e.id DESC) "
           "SELECT l.owner_user_id, CASE WHEN l.to_stage IN ('won', 'lost') THEN l.to_stage ELSE 'open' END, "
           " l.to_stage, sum(l.amount), count(*) FROM last l "
           "WHERE ((l.to_stage NOT IN ('won', 'lost') AND l.expected_close BETWEEN ? AND ?) OR "
           " (l.to_stage IN ('won', 'lost') AND l.closed_on BETWEEN ? AND ?))";
    opp.params.Add(as_of).Add(first_day).Add(last_day).Add(first_day).Add(last_day);
    AddScope(opp, scope, "l.owner_user_id");
    opp += " GROUP BY 1, 2, 3";
    GX_RETURN_IF_ERROR(AddFunnelRows(*db, opp, m));
    Sql orders;
    orders += "SELECT owner_user_id, 'out', '', sum(total), count(*) FROM sales_order "
              "WHERE ordered_at < ? AND ordered_at >= ? AND ordered_at < ? AND opportunity_id IS NULL "
              "AND status IN ('placed', 'paid') AND total < (SELECT value::bigint FROM sales_setting "
              "WHERE key = 'out_of_funnel_threshold')";
    orders.params.Add(as_of).Add(StartOfBusinessDay(first_day)).Add(StartOfBusinessDay(AddDays(last_day, 1)));
    AddScope(orders, scope, "owner_user_id");
    orders += " GROUP BY owner_user_id";
    return AddFunnelRows(*db, orders, m);
  }();
  (void)db->Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  GX_RETURN_IF_ERROR(s);
  return Flatten(m);
}


Status PgSalesStore::SaveSnapshots(const std::vector<ForecastSnapshot>& snapshots) {
  if (snapshots.empty()) return Status::Ok();
  return Tx([&](Connection& db) -> Status {
    for (const auto& s : snapshots) {
      const OwnerFunnel& f = s.funnel;
      GX_RETURN_IF_ERROR(db.Query(
          "INSERT INTO forecast_snapshot(quarter, week_start, owner_user_id, taken_at, closed, closed_count, lost, "
          "lost_count, out_of_funnel, out_of_funnel_count, open_by_stage) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
          "$9, $10, $11) ON CONFLICT DO NOTHING",
          Params().Add(s.quarter).Add(s.week_start).Add(f.owner_user_id.value_or(0)).Add(s.taken_at).Add(f.closed)
              .Add(f.closed_count).Add(f.lost).Add(f.lost_count).Add(f.out_of_funnel).Add(f.out_of_funnel_count)
              .Add(OpenByStageToJson(f.open))).status());
    }
    return Status::Ok();
  });
}

Result<std::vector<ForecastSnapshot>> PgSalesStore::Snapshots(const VisibilityScope& scope,
                                                              const std::string& quarter,
                                                              const std::string& week_start) {
  Sql q;
  q += std::string("SELECT ") + kSnapshotColumns + " FROM forecast_snapshot WHERE quarter = ?";
  q.params.Add(quarter);
  if (!week_start.empty()) {
    q += " AND week_start = ?";
    q.params.Add(week_start);
  }
  AddScope(q, scope, "owner_user_id");
  q += " ORDER BY week_start, owner_user_id";
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query(q.Numbered(), q.params));
  std::vector<ForecastSnapshot> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadSnapshot(r.row(i)));
  return out;
}

Result<std::vector<OpportunityTrack>> PgSalesStore::Tracks(const VisibilityScope& scope,
                                                           const std::string& first_day,
                                                           const std::string& last_day) {
  Sql q;
  q += "SELECT o.id, o.owner_user_id, o.amount, o.stage, o.closed_on, e.id, e.opportunity_id, e.at, e.user_id, "
       "e.user_login, e.kind, e.from_stage, e.to_stage, e.amount, e.expected_close, e.owner_user_id "
       "FROM opportunity o LEFT JOIN opportunity_event e ON e.opportunity_id = o.id "
       "WHERE o.created_at < ? AND (o.status = 'open' OR o.closed_on >= ?)";
  q.params.Add(StartOfBusinessDay(AddDays(last_day, 1))).Add(first_day);
  AddScope(q, scope, "o.owner_user_id");
  q += " ORDER BY o.id, e.at, e.id";
  const std::string sql = q.Numbered();
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query(sql, q.params));
  std::vector<OpportunityTrack> out;
  for (int i = 0; i < r.rows(); ++i) {
    auto row = r.row(i);
    const int64_t id = row.Int(0);
    if (out.empty() || out.back().opportunity_id != id) {
      OpportunityTrack t;
      t.opportunity_id = id;
      t.owner_user_id = row.OptInt(1);
      t.amount = row.Int(2);
      t.stage = row.Text(3);
      t.closed_on = row.Text(4);
      out.push_back(std::move(t));
    }
    if (row.IsNull(5)) continue;  // no events
    OpportunityEvent e;
    e.id = row.Int(5);
    e.opportunity_id = row.Int(6);
    e.at = row.Int(7);
    e.user_id = row.OptInt(8);
    e.user_login = row.Text(9);
    e.kind = row.Text(10);
    e.from_stage = row.Text(11);
    e.to_stage = row.Text(12);
    e.amount = row.Int(13);
    e.expected_close = row.Text(14);
    e.owner_user_id = row.OptInt(15);
    out.back().events.push_back(std::move(e));
  }
  return out;
}

Result<std::map<int64_t, int64_t>> PgSalesStore::ActivityByUser(const VisibilityScope& scope, UnixSeconds from,
                                                                UnixSeconds to) {
  Sql q;
  q += "SELECT user_id, count(*) FROM opportunity_event WHERE at >= ? AND at < ? AND user_id IS NOT NULL";
  q.params.Add(from).Add(to);
  AddScope(q, scope, "user_id");
  q += " GROUP BY user_id";
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query(q.Numbered(), q.params));
  std::map<int64_t, int64_t> out;
  for (int i = 0; i < r.rows(); ++i) out[r.row(i).Int(0)] = r.row(i).Int(1);
  return out;
}

}  // namespace guanxi::pg_sales
