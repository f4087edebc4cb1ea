// The PostgreSQL DedupStore. A merge or undo is one READ COMMITTED
// transaction that locks both customer rows (FOR UPDATE, in id order) before
// moving anything; deadlocks and serialization failures are retried.
#include "store/postgres/dedup_store.h"

#include <algorithm>
#include <cstdio>

#include "domain/customer_json.h"
#include "store/merge_plan.h"
#include "store/postgres/bulk_load.h"
#include "store/postgres/sales_impl.h"
#include "store/rows.h"

namespace guanxi {
namespace pg_dedup {
namespace {

using merge_plan::Arg;
using merge_plan::TextRow;
using postgres::Connection;
using postgres::Params;
using namespace store_rows;

std::string Numbered(const std::string& sql) {
  pg_sales::Sql s;
  s.text = sql;
  return s.Numbered();
}

Params ToParams(const std::vector<Arg>& args) {
  Params p;
  for (const auto& a : args) {
    if (a.kind == Arg::Kind::kInt) {
      p.Add(a.i);
    } else if (a.kind == Arg::Kind::kText) {
      p.Add(a.s);
    } else if (a.kind == Arg::Kind::kReal) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", a.d);
      p.Add(std::string(buf));
    } else {
      p.AddNull();
    }
  }
  return p;
}

Result<std::vector<TextRow>> RunQuery(Connection& db, const std::string& sql, const std::vector<Arg>& args,
                                      int columns) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(Numbered(sql), ToParams(args)));
  std::vector<TextRow> out;
  out.reserve(static_cast<size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    auto row = r.row(i);
    TextRow t;
    for (int c = 0; c < columns; ++c) {
      if (row.IsNull(c)) t.emplace_back(std::nullopt);
      else t.emplace_back(row.Text(c));
    }
    out.push_back(std::move(t));
  }
  return out;
}

class PgMergeTx final : public merge_plan::MergeTx {
 public:
  explicit PgMergeTx(Connection& db) : db_(db) {}

  Result<std::vector<TextRow>> Query(const std::string& sql, const std::vector<Arg>& args, int columns) override {
    return RunQuery(db_, sql, args, columns);
  }

  Result<Customer> LockCustomer(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto r, db_.Query(std::string("SELECT ") + kCustomerColumns +
                                              " FROM customer c WHERE c.id = $1 FOR UPDATE",
                                          Params().Add(id)));
    if (r.rows() == 0) return Status::NotFound("customer " + std::to_string(id) + " not found");
    return ReadCustomer(r.row(0));
  }

  Status WriteCustomer(const Customer& old, const Customer& c) override {
    const CustomerIndexKeys keys = DeriveIndexKeys(c);
    Params p;
    p.Add(c.industry);
    if (c.size) p.Add(std::string(ToString(*c.size))); else p.AddNull();
    p.Add(c.province).Add(c.city).Add(c.source).Add(StringListToJson(c.tags)).Add(CareDatesToJson(c.care_dates))
        .Add(c.phone).Add(c.email).Add(c.notes).Add(int64_t{c.archived ? 1 : 0}).Add(keys.search_text)
        .Add(postgres::TextArrayLiteral(keys.grams)).Add(c.purchase_potential).Add(c.updated_at).Add(c.id).Add(old.version);
    GX_ASSIGN_OR_RETURN(auto r, db_.Query(
        "UPDATE customer SET version = version + 1, industry = $1, size = $2, province = $3, city = $4, "
        "source = $5, tags = $6, care_dates = $7, phone = $8, email = $9, notes = $10, archived = $11, "
        "search_text = $12, short_grams = $13, purchase_potential = $14, updated_at = $15 "
        "WHERE id = $16 AND version = $17",
        p));
    if (r.affected() != 1) return Status::Conflict("customer " + std::to_string(c.id) + " changed concurrently");
    if (c.tags == old.tags) return Status::Ok();
    GX_RETURN_IF_ERROR(db_.Query("DELETE FROM customer_tag WHERE customer_id = $1", Params().Add(c.id)).status());
    if (c.tags.empty()) return Status::Ok();
    return db_.Query("INSERT INTO customer_tag(tag, customer_id) SELECT DISTINCT unnest($1::text[]), $2::bigint "
                     "ON CONFLICT DO NOTHING",
                     Params().Add(postgres::TextArrayLiteral(c.tags)).Add(c.id))
        .status();
  }

  Status Audit(const AuditEntry& audit) override { return pg_sales::InsertAudit(db_, audit); }

 private:
  Connection& db_;
};

std::string ScopeSql(const VisibilityScope& scope, const std::string& column, std::vector<Arg>& args) {
  switch (scope.kind) {
    case VisibilityScope::Kind::kAll: return "";
    case VisibilityScope::Kind::kOwner:
      args.emplace_back(scope.id);
      return " AND " + column + " = ?";
    case VisibilityScope::Kind::kTeam:
      args.emplace_back(scope.id);
      return " AND " + column + " IN (SELECT id FROM app_user WHERE team_id = ?)";
  }
  return "";
}

class PgDedupStore final : public DedupStore {
 public:
  explicit PgDedupStore(postgres::Pool& pool) : pool_(pool) {}

  // One REPEATABLE READ transaction: the customers and their contacts from
  // one snapshot.
  Result<DedupColumns> ReadColumns(const VisibilityScope& scope) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_RETURN_IF_ERROR(db->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    auto out = ReadColumnsIn(*db, scope);
    (void)db->Exec(out.ok() ? "COMMIT" : "ROLLBACK");
    return out;
  }

  Result<std::vector<std::pair<int64_t, int64_t>>> ListDismissals() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT customer_a, customer_b FROM duplicate_dismissal"));
    std::vector<std::pair<int64_t, int64_t>> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.row(i).Int(0), r.row(i).Int(1));
    return out;
  }

  Status Dismiss(int64_t a, int64_t b, UnixSeconds at, std::optional<int64_t> user_id, AuditEntry audit) override {
    if (a == b) return Status::InvalidField("b", "a customer is not a duplicate of itself");
    if (a > b) std::swap(a, b);
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto found, db.Query("SELECT id FROM customer WHERE id IN ($1, $2) FOR SHARE",
                                               Params().Add(a).Add(b)));
      if (found.rows() != 2) return Status::NotFound("customer not found");
      GX_ASSIGN_OR_RETURN(auto r, db.Query(
          "INSERT INTO duplicate_dismissal(customer_a, customer_b, at, user_id) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT DO NOTHING",
          Params().Add(a).Add(b).Add(at).Add(user_id)));
      if (r.affected() == 0) return Status::Ok();
      audit.entity_id = a;
      return pg_sales::InsertAudit(db, audit);
    });
  }

  Result<CustomerMerge> Merge(const MergeRequest& request, AuditEntry audit) override {
    CustomerMerge out;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      PgMergeTx tx(db);
      GX_ASSIGN_OR_RETURN(out, merge_plan::Merge(tx, request, audit));
      return Status::Ok();
    }));
    return out;
  }

  Result<CustomerMerge> Undo(int64_t id, UnixSeconds now, std::optional<int64_t> user_id, AuditEntry audit) override {
    CustomerMerge out;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      PgMergeTx tx(db);
      // The merge row first, so two undos of one merge queue up here.
      GX_RETURN_IF_ERROR(db.Query("SELECT id FROM customer_merge WHERE id = $1 FOR UPDATE", Params().Add(id)).status());
      GX_ASSIGN_OR_RETURN(out, merge_plan::Undo(tx, id, now, user_id, audit));
      return Status::Ok();
    }));
    return out;
  }

  Result<CustomerMerge> GetMerge(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto rows, RunQuery(*db, std::string("SELECT ") + merge_plan::kMergeColumns +
                                                     " FROM customer_merge WHERE id = ?", {id}, 11));
    if (rows.empty()) return Status::NotFound("merge " + std::to_string(id) + " not found");
    return merge_plan::ReadMerge(rows[0]);
  }

  Result<std::vector<CustomerMerge>> ListMerges(const MergeQuery& q) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    std::vector<Arg> args;
    std::string sql = std::string("SELECT ") + merge_plan::kMergeColumns + " FROM customer_merge WHERE true";
    if (q.scope.kind != VisibilityScope::Kind::kAll) {
      sql += " AND survivor_id IN (SELECT id FROM customer WHERE true" + ScopeSql(q.scope, "owner_user_id", args) + ")";
    }
    if (q.customer_id) {
      sql += " AND (survivor_id = ? OR merged_id = ?)";
      args.emplace_back(*q.customer_id);
      args.emplace_back(*q.customer_id);
    }
    sql += " ORDER BY id DESC LIMIT ?";
    args.emplace_back(int64_t{q.limit});
    GX_ASSIGN_OR_RETURN(auto rows, RunQuery(*db, sql, args, 11));
    std::vector<CustomerMerge> out;
    for (const auto& r : rows) out.push_back(merge_plan::ReadMerge(r));
    return out;
  }

 private:
  Result<DedupColumns> ReadColumnsIn(Connection& db, const VisibilityScope& scope) {
    DedupColumns out;
    {
      std::vector<Arg> args;
      const std::string where = ScopeSql(scope, "owner_user_id", args);
      GX_ASSIGN_OR_RETURN(auto r, db.Query(Numbered("SELECT id, name, kind, phone, email FROM customer "
                                                    "WHERE archived = 0" + where + " ORDER BY id"),
                                           ToParams(args)));
      const auto n = static_cast<size_t>(r.rows());
      out.id.reserve(n);
      out.name.reserve(n);
      out.phone.reserve(n);
      out.email.reserve(n);
      for (int i = 0; i < r.rows(); ++i) {
        auto row = r.row(i);
        out.id.push_back(row.Int(0));
        out.name.push_back(row.Text(1));
        out.organization.push_back(row.Text(2) == "organization");
        out.phone.push_back(row.Text(3));
        out.email.push_back(row.Text(4));
      }
    }
    std::vector<Arg> args;
    const std::string where = ScopeSql(scope, "k.owner_user_id", args);
    GX_ASSIGN_OR_RETURN(auto r, db.Query(Numbered(
        "SELECT c.customer_id, c.phone, lower(c.email) FROM contact c JOIN customer k ON k.id = c.customer_id "
        "WHERE k.archived = 0 AND (c.phone <> '' OR c.email <> '')" + where), ToParams(args)));
    for (int i = 0; i < r.rows(); ++i) {
      auto row = r.row(i);
      auto it = std::lower_bound(out.id.begin(), out.id.end(), row.Int(0));
      if (it == out.id.end() || *it != row.Int(0)) continue;
      const auto index = static_cast<uint32_t>(it - out.id.begin());
      if (std::string phone = row.Text(1); !phone.empty()) out.contact_phone.emplace_back(index, std::move(phone));
      if (std::string email = row.Text(2); !email.empty()) out.contact_email.emplace_back(index, std::move(email));
    }
    return out;
  }

  // Runs `fn` in a transaction; deadlocks and serialization failures are retried.
  Status Tx(const std::function<Status(Connection&)>& fn) {
    return pool_.InTransaction(fn);
  }


  postgres::Pool& pool_;
};

}  // namespace
}  // namespace pg_dedup

std::unique_ptr<DedupStore> NewPostgresDedupStore(postgres::Pool& pool) {
  return std::make_unique<pg_dedup::PgDedupStore>(pool);
}

}  // namespace guanxi
