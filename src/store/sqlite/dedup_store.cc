// The SQLite DedupStore. Reads use the Store's reader pool; a merge or undo is
// one job of the single writer (its savepoint rolls the whole job back on
// failure). The customer rows it rewrites keep the search indexes in step the
// way sqlite_store.cc does: tag rows and short grams at once, FTS5 at batch end.
#include "store/sqlite/dedup_store.h"

#include <algorithm>
#include <iterator>

#include "domain/customer_json.h"
#include "domain/search_text.h"
#include "store/merge_plan.h"
#include "store/rows.h"
#include "store/sqlite/store_internal.h"

namespace guanxi {
namespace sqlite {
namespace {

using merge_plan::Arg;
using merge_plan::TextRow;
using namespace store_rows;

void BindArgs(Statement& st, const std::vector<Arg>& args) {
  for (const auto& a : args) {
    if (a.kind == Arg::Kind::kInt) st.Bind(a.i);
    else if (a.kind == Arg::Kind::kText) st.Bind(a.s);
    else if (a.kind == Arg::Kind::kReal) st.Bind(a.d);
    else st.BindNull();
  }
}

Result<std::vector<TextRow>> RunQuery(Connection& db, const std::string& sql, const std::vector<Arg>& args,
                                      int columns) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  BindArgs(st, args);
  std::vector<TextRow> out;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    TextRow r;
    for (int c = 0; c < columns; ++c) {
      if (st.IsNull(c)) r.emplace_back(std::nullopt);
      else r.emplace_back(st.Text(c));
    }
    out.push_back(std::move(r));
  }
  return out;
}

Status GramsStatement(Connection& db, const char* sql, int64_t id, const std::vector<std::string>& grams) {
  if (grams.empty()) return Status::Ok();
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  st.Bind(id).Bind(StringListToJson(grams));
  return st.Run();
}

class SqliteMergeTx final : public merge_plan::MergeTx {
 public:
  SqliteMergeTx(Connection& db, WriteQueue& writer) : db_(db), writer_(writer) {}

  Result<std::vector<TextRow>> Query(const std::string& sql, const std::vector<Arg>& args, int columns) override {
    return RunQuery(db_, sql, args, columns);
  }

  // The single writer serialises every write: reading is locking enough.
  Result<Customer> LockCustomer(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto st, db_.Prepare(std::string("SELECT ") + kCustomerColumns + " FROM customer c WHERE c.id = ?"));
    st.Bind(id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("customer " + std::to_string(id) + " not found");
    return ReadCustomer(st);
  }

  Status WriteCustomer(const Customer& old, const Customer& c) override {
    std::string old_text;
    {
      GX_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT search_text FROM customer WHERE id = ?"));
      st.Bind(c.id);
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::NotFound("customer " + std::to_string(c.id) + " not found");
      old_text = st.Text(0);
    }
    const CustomerIndexKeys keys = DeriveIndexKeys(c);
    {
      GX_ASSIGN_OR_RETURN(auto st, db_.Prepare(
          "UPDATE customer SET version = version + 1, industry = ?, size = ?, province = ?, city = ?, "
          "source = ?, tags = ?, care_dates = ?, phone = ?, email = ?, notes = ?, archived = ?, "
          "search_text = ?, purchase_potential = ?, updated_at = ? WHERE id = ? AND version = ?"));
      st.Bind(c.industry);
      if (c.size) st.Bind(ToString(*c.size)); else st.BindNull();
      st.Bind(c.province).Bind(c.city).Bind(c.source).Bind(StringListToJson(c.tags))
          .Bind(CareDatesToJson(c.care_dates)).Bind(c.phone).Bind(c.email).Bind(c.notes)
          .Bind(int64_t{c.archived ? 1 : 0}).Bind(keys.search_text).Bind(c.purchase_potential)
          .Bind(c.updated_at).Bind(c.id).Bind(old.version);
      GX_RETURN_IF_ERROR(st.Run());
      if (db_.Changes() != 1) return Status::Conflict("customer " + std::to_string(c.id) + " changed concurrently");
    }
    if (c.tags != old.tags) {
      GX_ASSIGN_OR_RETURN(auto del, db_.Prepare("DELETE FROM customer_tag WHERE customer_id = ?"));
      del.Bind(c.id);
      GX_RETURN_IF_ERROR(del.Run());
      GX_RETURN_IF_ERROR(GramsStatement(
          db_, "INSERT OR IGNORE INTO customer_tag(tag, customer_id) SELECT value, ? FROM json_each(?)", c.id, c.tags));
    }
    if (old_text == keys.search_text) return Status::Ok();
    const std::vector<std::string> old_grams = ShortGrams(old_text);
    std::vector<std::string> gone, added;
    std::set_difference(old_grams.begin(), old_grams.end(), keys.grams.begin(), keys.grams.end(),
                        std::back_inserter(gone));
    std::set_difference(keys.grams.begin(), keys.grams.end(), old_grams.begin(), old_grams.end(),
                        std::back_inserter(added));
    GX_RETURN_IF_ERROR(GramsStatement(
        db_, "DELETE FROM customer_gram WHERE customer_id = ? AND gram IN (SELECT value FROM json_each(?))", c.id, gone));
    GX_RETURN_IF_ERROR(GramsStatement(
        db_, "INSERT OR IGNORE INTO customer_gram(gram, customer_id) SELECT value, ? FROM json_each(?)", c.id, added));
    writer_.DeferToBatchEnd([id = c.id, before = old_text, after = keys.search_text](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto del, db.Prepare(
          "INSERT INTO customer_fts(customer_fts, rowid, search_text) VALUES ('delete', ?, ?)"));
      del.Bind(id).Bind(before);
      GX_RETURN_IF_ERROR(del.Run());
      GX_ASSIGN_OR_RETURN(auto ins, db.Prepare("INSERT INTO customer_fts(rowid, search_text) VALUES (?, ?)"));
      ins.Bind(id).Bind(after);
      return ins.Run();
    });
    return Status::Ok();
  }

  Status Audit(const AuditEntry& audit) override { return InsertAudit(db_, audit); }

 private:
  Connection& db_;
  WriteQueue& writer_;
};

// " AND <column> …" limiting customers to the scope, and its argument.
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

std::string AsciiLower(std::string s) {
  for (char& ch : s) if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

class SqliteDedupStore final : public DedupStore {
 public:
  SqliteDedupStore(WriteQueue& writer, ConnectionPool<Connection>& readers) : writer_(writer), readers_(readers) {}

  Result<DedupColumns> ReadColumns(const VisibilityScope& scope) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    DedupColumns out;
    {
      std::vector<Arg> args;
      const std::string where = ScopeSql(scope, "owner_user_id", args);
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT id, name, kind, phone, email FROM customer WHERE archived = 0" +
                                               where + " ORDER BY id"));
      BindArgs(st, args);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        out.id.push_back(st.Int(0));
        out.name.push_back(st.Text(1));
        out.organization.push_back(st.Text(2) == "organization");
        out.phone.push_back(st.Text(3));
        out.email.push_back(st.Text(4));
      }
    }
    std::vector<Arg> args;
    const std::string where = ScopeSql(scope, "k.owner_user_id", args);
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT c.customer_id, c.phone, c.email FROM contact c JOIN customer k ON k.id = c.customer_id "
        "WHERE k.archived = 0 AND (c.phone <> '' OR c.email <> '')" + where));
    BindArgs(st, args);
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      auto it = std::lower_bound(out.id.begin(), out.id.end(), st.Int(0));
      // A customer added between the two reads is not in the first.
      if (it == out.id.end() || *it != st.Int(0)) continue;
      const auto index = static_cast<uint32_t>(it - out.id.begin());
      if (std::string phone = st.Text(1); !phone.empty()) out.contact_phone.emplace_back(index, std::move(phone));
      if (std::string email = st.Text(2); !email.empty()) out.contact_email.emplace_back(index, AsciiLower(email));
    }
    return out;
  }

  Result<std::vector<std::pair<int64_t, int64_t>>> ListDismissals() override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto rows, RunQuery(*db, "SELECT customer_a, customer_b FROM duplicate_dismissal", {}, 2));
    std::vector<std::pair<int64_t, int64_t>> out;
    for (const auto& r : rows) out.emplace_back(std::stoll(*r.at(0)), std::stoll(*r.at(1)));
    return out;
  }

  Status Dismiss(int64_t a, int64_t b, UnixSeconds at, std::optional<int64_t> user_id, AuditEntry audit) override {
    if (a == b) return Status::InvalidField("b", "a customer is not a duplicate of itself");
    if (a > b) std::swap(a, b);
    return writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto found, RunQuery(db, "SELECT id FROM customer WHERE id IN (?, ?)", {a, b}, 1));
      if (found.size() != 2) return Status::NotFound("customer not found");
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT OR IGNORE INTO duplicate_dismissal(customer_a, customer_b, at, user_id) VALUES (?, ?, ?, ?)"));
      st.Bind(a).Bind(b).Bind(at).Bind(user_id);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() == 0) return Status::Ok();
      audit.entity_id = a;
      return InsertAudit(db, audit);
    });
  }

  Result<CustomerMerge> Merge(const MergeRequest& request, AuditEntry audit) override {
    CustomerMerge out;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      SqliteMergeTx tx(db, writer_);
      GX_ASSIGN_OR_RETURN(out, merge_plan::Merge(tx, request, audit));
      return Status::Ok();
    }));
    return out;
  }

  Result<CustomerMerge> Undo(int64_t id, UnixSeconds now, std::optional<int64_t> user_id, AuditEntry audit) override {
    CustomerMerge out;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      SqliteMergeTx tx(db, writer_);
      GX_ASSIGN_OR_RETURN(out, merge_plan::Undo(tx, id, now, user_id, audit));
      return Status::Ok();
    }));
    return out;
  }

  Result<CustomerMerge> GetMerge(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto rows, RunQuery(*db, std::string("SELECT ") + merge_plan::kMergeColumns +
                                                     " FROM customer_merge WHERE id = ?", {id}, 11));
    if (rows.empty()) return Status::NotFound("merge " + std::to_string(id) + " not found");
    return merge_plan::ReadMerge(rows[0]);
  }

  Result<std::vector<CustomerMerge>> ListMerges(const MergeQuery& q) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    std::vector<Arg> args;
    std::string sql = std::string("SELECT ") + merge_plan::kMergeColumns + " FROM customer_merge WHERE 1 = 1";
    if (q.scope.kind != VisibilityScope::Kind::kAll) {
      sql += " AND survivor_id IN (SELECT id FROM customer WHERE 1 = 1" + ScopeSql(q.scope, "owner_user_id", args) + ")";
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

std::unique_ptr<DedupStore> NewSqliteDedupStore(sqlite::WriteQueue& writer,
                                                ConnectionPool<sqlite::Connection>& readers) {
  return std::make_unique<sqlite::SqliteDedupStore>(writer, readers);
}

}  // namespace guanxi
