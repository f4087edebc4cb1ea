// The PostgreSQL SalesStore: shared helpers, products, stages, settings, targets.
#include "store/postgres/sales_store.h"

#include "store/cursor.h"
#include "store/list_query.h"
#include "store/postgres/sales_impl.h"

namespace guanxi {
namespace pg_sales {

std::string Sql::Numbered() const {
  std::string out;
  out.reserve(text.size() + 16);
  int n = 0;
  for (char ch : text) {
    if (ch == '?') out += "$" + std::to_string(++n);
    else out.push_back(ch);
  }
  return out;
}

void AddScope(Sql& q, const VisibilityScope& scope, const std::string& column) {
  switch (scope.kind) {
    case VisibilityScope::Kind::kAll: break;
    case VisibilityScope::Kind::kOwner:
      q += " AND " + column + " = ?";
      q.params.Add(scope.id);
      break;
    case VisibilityScope::Kind::kTeam:
      q += " AND " + column + " IN (SELECT id FROM app_user WHERE team_id = ?)";
      q.params.Add(scope.id);
      break;
  }
}

std::string AsciiLowerSql(const std::string& expr) {
  return "translate(" + expr + ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
}

std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string BusinessDaySql(const std::string& seconds) {
  return "to_char(date '1970-01-01' + floor((" + seconds + " + 28800) / 86400.0)::int, 'YYYY-MM-DD')";
}

Status InsertAudit(Connection& db, const AuditEntry& a) {
  return db.Query("INSERT INTO audit_log(at, user_id, user_login, entity, entity_id, action, "
                  "before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                  Params().Add(a.at).Add(a.user_id).Add(a.user_login).Add(a.entity)
                      .Add(a.entity_id).Add(a.action).Add(a.before).Add(a.after))
      .status();
}

Status FieldPrecondition(const std::string& field, const std::string& message) {
  return Status(StatusCode::kFailedPrecondition, message, {{field, message}});
}

Status PgSalesStore::Tx(const std::function<Status(Connection&)>& fn) { return pool_.InTransaction(fn); }

// --- products ------------------------------------------------------------------

namespace {

Status ExplainProduct(Status s) {
  if (s.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("product code is taken", {{"code", "is already taken"}});
  }
  return s;
}

Result<Product> SelectProduct(Connection& db, int64_t id, bool for_update) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kProductColumns + " FROM product WHERE id = $1" +
                                           (for_update ? " FOR UPDATE" : ""),
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound("product " + std::to_string(id) + " not found");
  return ReadProduct(r.row(0));
}

}  // namespace

Result<Product> PgSalesStore::CreateProduct(Product p, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    auto r = db.Query("INSERT INTO product(version, code, name, category, list_price, active, created_at, "
                      "updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7) RETURNING id",
                      Params().Add(p.code).Add(p.name).Add(p.category).Add(p.list_price)
                          .Add(int64_t{p.active ? 1 : 0}).Add(p.created_at).Add(p.updated_at));
    if (!r.ok()) return ExplainProduct(r.status());
    p.id = r->row(0).Int(0);
    p.version = 1;
    audit.entity_id = p.id;
    audit.after = ProductToJson(p);
    return InsertAudit(db, audit);
  }));
  return p;
}

Result<Product> PgSalesStore::GetProduct(int64_t id) {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return SelectProduct(*db, id, false);
}

Result<Product> PgSalesStore::UpdateProduct(Product p, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(Product old, SelectProduct(db, p.id, true));
    if (old.version != p.version) {
      return Status::Conflict("product " + std::to_string(p.id) + " is at version " +
                              std::to_string(old.version) + ", not " + std::to_string(p.version));
    }
    auto r = db.Query("UPDATE product SET version = version + 1, code = $1, name = $2, category = $3, "
                      "list_price = $4, active = $5, updated_at = $6 WHERE id = $7",
                      Params().Add(p.code).Add(p.name).Add(p.category).Add(p.list_price)
                          .Add(int64_t{p.active ? 1 : 0}).Add(p.updated_at).Add(p.id));
    if (!r.ok()) return ExplainProduct(r.status());
    p.version = old.version + 1;
    p.created_at = old.created_at;
    audit.entity_id = p.id;
    audit.before = ProductToJson(old);
    audit.after = ProductToJson(p);
    return InsertAudit(db, audit);
  }));
  return p;
}

Result<Page<Product>> PgSalesStore::ListProducts(const ProductQuery& q) {
  Sql s;
  s += std::string("SELECT ") + kProductColumns + " FROM product WHERE true";
  if (!q.search.empty()) {
    s += " AND (strpos(" + AsciiLowerSql("code") + ", ?) > 0 OR strpos(" + AsciiLowerSql("name") + ", ?) > 0)";
    s.params.Add(AsciiLower(q.search)).Add(AsciiLower(q.search));
  }
  if (q.active_only) s += " AND active = 1";
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 1);
    if (!parts) return Status::InvalidField("cursor", "not a cursor of this list");
    s += " AND code COLLATE \"C\" > ?";
    s.params.Add((*parts)[0]);
  }
  s += " ORDER BY code COLLATE \"C\" LIMIT ?";
  s.params.Add(int64_t{q.limit + 1});
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query(s.Numbered(), s.params));
  Page<Product> page;
  for (int i = 0; i < r.rows(); ++i) page.items.push_back(ReadProduct(r.row(i)));
  FinishPage(page, q.limit, ProductCursor);
  return page;
}

// --- stages and settings ------------------------------------------------------------

namespace {

Result<std::vector<Stage>> SelectStages(Connection& db) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kStageColumns + " FROM stage ORDER BY position, key"));
  std::vector<Stage> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadStage(r.row(i)));
  return out;
}

}  // namespace

Result<std::vector<Stage>> PgSalesStore::GetStages() {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return SelectStages(*db);
}

Status PgSalesStore::ReplaceStages(const std::vector<Stage>& stages, AuditEntry audit) {
  std::vector<std::string> keys;
  for (const auto& s : stages) keys.push_back(s.key);
  std::string key_array = "{";
  for (size_t i = 0; i < keys.size(); ++i) key_array += (i ? ",\"" : "\"") + keys[i] + "\"";
  key_array += "}";  // keys are [a-z0-9_]: nothing to escape
  return Tx([&](Connection& db) -> Status {
    // Every stage row locked: concurrent replacements run one after the other.
    GX_RETURN_IF_ERROR(db.Query("SELECT key FROM stage ORDER BY key FOR UPDATE").status());
    GX_ASSIGN_OR_RETURN(std::vector<Stage> old, SelectStages(db));
    GX_ASSIGN_OR_RETURN(auto used, db.Query("SELECT stage, count(*) FROM opportunity WHERE stage <> ALL($1::text[]) "
                                            "GROUP BY stage ORDER BY stage LIMIT 1",
                                            Params().Add(key_array)));
    if (used.rows() > 0) {
      return FieldPrecondition("stages", "stage " + used.row(0).Text(0) + " still has " +
                                             std::to_string(used.row(0).Int(1)) + " opportunities; move them first");
    }
    GX_RETURN_IF_ERROR(db.Query("DELETE FROM stage WHERE key <> ALL($1::text[])", Params().Add(key_array)).status());
    for (const auto& s : stages) {
      GX_RETURN_IF_ERROR(db.Query(
          "INSERT INTO stage(key, name_zh, name_en, win_rate_bp, position, kind) VALUES ($1, $2, $3, $4, $5, $6) "
          "ON CONFLICT (key) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, "
          "win_rate_bp = EXCLUDED.win_rate_bp, position = EXCLUDED.position, kind = EXCLUDED.kind",
          Params().Add(s.key).Add(s.name_zh).Add(s.name_en).Add(int64_t{s.win_rate_bp})
              .Add(int64_t{s.position}).Add(std::string(ToString(s.kind))))
          .status());
    }
    // opportunity.status mirrors its stage's kind.
    GX_RETURN_IF_ERROR(db.Exec("UPDATE opportunity o SET status = s.kind FROM stage s "
                               "WHERE s.key = o.stage AND o.status <> s.kind"));
    audit.before = StagesToJson(old);
    audit.after = StagesToJson(stages);
    return InsertAudit(db, audit);
  });
}

Result<int64_t> LockedThreshold(Connection& db, bool for_update) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT value FROM sales_setting WHERE key = "
                                                   "'out_of_funnel_threshold'") +
                                       (for_update ? " FOR UPDATE" : " FOR SHARE")));
  if (r.rows() == 0) return int64_t{0};
  return ParseInt64(r.row(0).Text(0)).value_or(0);
}

Result<SalesSettings> PgSalesStore::GetSalesSettings() {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT value FROM sales_setting WHERE key = 'out_of_funnel_threshold'"));
  SalesSettings s;
  if (r.rows() > 0) s.out_of_funnel_threshold = ParseInt64(r.row(0).Text(0)).value_or(0);
  return s;
}

Status PgSalesStore::UpdateSalesSettings(const SalesSettings& s, AuditEntry audit) {
  return Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(int64_t old, LockedThreshold(db, true));
    GX_RETURN_IF_ERROR(db.Query("INSERT INTO sales_setting(key, value) VALUES ('out_of_funnel_threshold', $1) "
                                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                                Params().Add(std::to_string(s.out_of_funnel_threshold)))
                           .status());
    if (old != s.out_of_funnel_threshold) {
      GX_RETURN_IF_ERROR(db.Exec("DELETE FROM sales_day"));
      GX_RETURN_IF_ERROR(db.Query(
          "INSERT INTO sales_day(owner_user_id, day, out_of_funnel, out_of_funnel_count) "
          "SELECT COALESCE(owner_user_id, 0), " + BusinessDaySql("ordered_at") + ", sum(total), count(*) "
          "FROM sales_order WHERE opportunity_id IS NULL AND status IN ('placed', 'paid') AND total < $1 "
          "AND $1 > 0 GROUP BY 1, 2",
          Params().Add(s.out_of_funnel_threshold)).status());
    }
    audit.before = SalesSettingsToJson(SalesSettings{old});
    audit.after = SalesSettingsToJson(s);
    return InsertAudit(db, audit);
  });
}

// --- targets ---------------------------------------------------------------------

Result<SalesTarget> PgSalesStore::PutTarget(SalesTarget t, AuditEntry audit) {
  if (t.scope == TargetScope::kCompany) t.subject_id.reset();
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(auto old, db.Query(std::string("SELECT ") + kTargetColumns + " FROM "
                                           "sales_target WHERE quarter = $1 AND scope = $2 AND subject_id = $3 "
                                           "FOR UPDATE",
                                           Params().Add(t.quarter).Add(std::string(ToString(t.scope)))
                                               .Add(t.subject_id.value_or(0))));
    GX_ASSIGN_OR_RETURN(auto r, db.Query(
        "INSERT INTO sales_target(quarter, scope, subject_id, amount, updated_at) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (quarter, scope, subject_id) DO UPDATE SET amount = EXCLUDED.amount, "
        "updated_at = EXCLUDED.updated_at RETURNING id",
        Params().Add(t.quarter).Add(std::string(ToString(t.scope))).Add(t.subject_id.value_or(0))
            .Add(t.amount).Add(t.updated_at)));
    t.id = r.row(0).Int(0);
    audit.entity_id = t.id;
    if (old.rows() > 0) audit.before = TargetToJson(ReadTarget(old.row(0)));
    audit.after = TargetToJson(t);
    return InsertAudit(db, audit);
  }));
  return t;
}

Status PgSalesStore::DeleteTarget(int64_t id, AuditEntry audit) {
  return Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(auto r, db.Query("DELETE FROM sales_target WHERE id = $1 "
                                         "RETURNING id, quarter, scope, subject_id, amount, updated_at",
                                         Params().Add(id)));
    if (r.rows() == 0) return Status::NotFound("target " + std::to_string(id) + " not found");
    audit.entity_id = id;
    audit.before = TargetToJson(ReadTarget(r.row(0)));
    return InsertAudit(db, audit);
  });
}

Result<std::vector<SalesTarget>> PgSalesStore::ListTargets(const std::string& quarter) {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT id, quarter, scope, subject_id, amount, updated_at FROM sales_target "
                                        "WHERE quarter = $1 ORDER BY scope, subject_id",
                                        Params().Add(quarter)));
  std::vector<SalesTarget> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadTarget(r.row(i)));
  return out;
}

}  // namespace pg_sales

std::unique_ptr<SalesStore> NewPostgresSalesStore(postgres::Pool& pool) {
  return std::make_unique<pg_sales::PgSalesStore>(pool);
}

}  // namespace guanxi
