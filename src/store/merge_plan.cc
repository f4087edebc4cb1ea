#include "store/merge_plan.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>

#include "domain/customer_json.h"

namespace guanxi::merge_plan {
namespace {

// Every table whose rows belong to one customer and follow it into the
// survivor. journey_enrollment is handled apart (one enrollment per journey);
// customer_metric is deleted (the next analytics run recomputes the survivor);
// customer_lifecycle stays (the survivor keeps its own stage and ladder);
// customer_tag follows the tag union; customer_gram is the merged customer's
// own search index; audit_log, customer_merge and duplicate_dismissal are
// history about the customer, not its data.
constexpr const char* kMovedTables[] = {"contact", "interaction", "task", "sales_order", "opportunity",
                                        "lifecycle_history", "owner_history"};

int64_t ToInt(const std::optional<std::string>& s) {
  int64_t v = 0;
  if (s) std::from_chars(s->data(), s->data() + s->size(), v);
  return v;
}

std::optional<int64_t> ToOptInt(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return ToInt(s);
}

std::vector<int64_t> Ids(const std::vector<TextRow>& rows) {
  std::vector<int64_t> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(ToInt(r.at(0)));
  std::sort(out.begin(), out.end());
  return out;
}

struct Filled {
  std::vector<std::pair<std::string, std::string>> text;  // field → value the merge wrote
  std::optional<int64_t> purchase_potential;
};

// Copies into `s` the fields it lacks; records each.
Filled FillEmptyFields(Customer& s, const Customer& m) {
  Filled f;
  auto fill = [&](const char* name, std::string& mine, const std::string& theirs) {
    if (mine.empty() && !theirs.empty()) {
      mine = theirs;
      f.text.emplace_back(name, theirs);
    }
  };
  fill("phone", s.phone, m.phone);
  fill("email", s.email, m.email);
  fill("industry", s.industry, m.industry);
  fill("province", s.province, m.province);
  fill("city", s.city, m.city);
  fill("source", s.source, m.source);
  fill("notes", s.notes, m.notes);
  if (!s.size && m.size) {
    s.size = m.size;
    f.text.emplace_back("size", std::string(ToString(*m.size)));
  }
  if (!s.purchase_potential && m.purchase_potential) {
    s.purchase_potential = m.purchase_potential;
    f.purchase_potential = m.purchase_potential;
  }
  return f;
}

void WriteIds(JsonWriter& w, const char* key, const std::vector<int64_t>& ids) {
  w.Key(key);
  w.StartArray();
  for (int64_t id : ids) w.Int64(id);
  w.EndArray();
}

Status MergedAlready(MergeTx& tx, int64_t merged_id) {
  GX_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT survivor_id FROM customer_merge WHERE merged_id = ? AND "
                                          "undone_at IS NULL ORDER BY id DESC LIMIT 1",
                                          {merged_id}, 1));
  if (rows.empty()) return Status::Ok();
  const std::string msg = "customer " + std::to_string(merged_id) + " was merged into customer " +
                          rows[0].at(0).value_or("") + " already";
  return Status(StatusCode::kFailedPrecondition, msg, {{"merged_id", msg}});
}

Status WriteAudits(MergeTx& tx, const AuditEntry& audit, const Customer& before, const Customer& after) {
  AuditEntry a = audit;
  a.entity = "customer";
  a.entity_id = after.id;
  a.before = CustomerToJson(before);
  a.after = CustomerToJson(after);
  return tx.Audit(a);
}

}  // namespace

const char kMergeColumns[] =
    "id, survivor_id, merged_id, at, user_id, score, moved, survivor_before, undo_until, undone_at, undone_by";

CustomerMerge ReadMerge(const TextRow& row) {
  CustomerMerge m;
  m.id = ToInt(row.at(0));
  m.survivor_id = ToInt(row.at(1));
  m.merged_id = ToInt(row.at(2));
  m.at = ToInt(row.at(3));
  m.user_id = ToOptInt(row.at(4));
  if (row.at(5)) m.score = std::strtod(row.at(5)->c_str(), nullptr);
  m.moved = row.at(6).value_or("{}");
  m.survivor_before = row.at(7).value_or("{}");
  m.undo_until = ToInt(row.at(8));
  m.undone_at = ToOptInt(row.at(9));
  m.undone_by = ToOptInt(row.at(10));
  return m;
}

Result<CustomerMerge> Merge(MergeTx& tx, const MergeRequest& r, const AuditEntry& audit) {
  if (r.survivor_id == r.merged_id) {
    return Status::InvalidField("merged_id", "a customer cannot be merged into itself");
  }
  // Lock in id order so that two merges of the same pair cannot deadlock.
  const int64_t first = std::min(r.survivor_id, r.merged_id);
  const int64_t second = std::max(r.survivor_id, r.merged_id);
  GX_ASSIGN_OR_RETURN(Customer c1, tx.LockCustomer(first));
  GX_ASSIGN_OR_RETURN(Customer c2, tx.LockCustomer(second));
  const Customer survivor_before = first == r.survivor_id ? c1 : c2;
  const Customer merged_before = first == r.survivor_id ? c2 : c1;
  if (survivor_before.archived) {
    const std::string msg = "customer " + std::to_string(r.survivor_id) + " is archived and cannot take a merge";
    return Status(StatusCode::kFailedPrecondition, msg, {{"id", msg}});
  }
  GX_RETURN_IF_ERROR(MergedAlready(tx, r.merged_id));
  if (merged_before.archived) {
    const std::string msg = "customer " + std::to_string(r.merged_id) + " is archived and cannot be merged";
    return Status(StatusCode::kFailedPrecondition, msg, {{"merged_id", msg}});
  }

  const int64_t s = r.survivor_id, m = r.merged_id;
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  for (const char* table : kMovedTables) {
    GX_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("UPDATE ") + table +
                                                " SET customer_id = ? WHERE customer_id = ? RETURNING id",
                                            {s, m}, 1));
    WriteIds(w, table, Ids(rows));
  }
  // One enrollment per journey: where both are enrolled the survivor's stays
  // and the merged customer's ends (kept on the merged customer, as it was).
  GX_ASSIGN_OR_RETURN(auto clashing, tx.Query(
      "SELECT id, status, ended_at, left_reason FROM journey_enrollment e WHERE customer_id = ? AND EXISTS "
      "(SELECT 1 FROM journey_enrollment o WHERE o.customer_id = ? AND o.journey_id = e.journey_id) ORDER BY id",
      {m, s}, 4));
  w.Key("journey_ended");
  w.StartArray();
  for (const auto& row : clashing) {
    w.StartObject();
    w.Key("id");
    w.Int64(ToInt(row.at(0)));
    w.Key("status");
    WriteString(w, row.at(1).value_or(""));
    w.Key("ended_at");
    if (row.at(2)) w.Int64(ToInt(row.at(2))); else w.Null();
    w.Key("left_reason");
    WriteString(w, row.at(3).value_or(""));
    w.EndObject();
    GX_RETURN_IF_ERROR(tx.Query("UPDATE journey_enrollment SET status = 'left', left_reason = 'merged', "
                                "ended_at = ? WHERE id = ? AND status = 'active'",
                                {r.at, ToInt(row.at(0))}, 0).status());
  }
  w.EndArray();
  GX_ASSIGN_OR_RETURN(auto enrollments, tx.Query(
      "UPDATE journey_enrollment SET customer_id = ? WHERE customer_id = ? AND journey_id NOT IN "
      "(SELECT journey_id FROM journey_enrollment WHERE customer_id = ?) RETURNING id",
      {s, m, s}, 1));
  WriteIds(w, "journey_enrollment", Ids(enrollments));
  GX_RETURN_IF_ERROR(tx.Query("DELETE FROM customer_metric WHERE customer_id = ?", {m}, 0).status());

  Customer survivor = survivor_before;
  Filled filled = FillEmptyFields(survivor, merged_before);
  w.Key("filled");
  w.StartObject();
  for (const auto& [field, value] : filled.text) {
    w.Key(field.c_str());
    WriteString(w, value);
  }
  if (filled.purchase_potential) {
    w.Key("purchase_potential");
    w.Int64(*filled.purchase_potential);
  }
  w.EndObject();
  w.Key("tags_added");
  w.StartArray();
  for (const auto& tag : merged_before.tags) {
    if (std::find(survivor.tags.begin(), survivor.tags.end(), tag) != survivor.tags.end()) continue;
    survivor.tags.push_back(tag);
    WriteString(w, tag);
  }
  w.EndArray();
  w.Key("care_dates_added");
  w.StartArray();
  for (const auto& d : merged_before.care_dates) {
    if (std::find(survivor.care_dates.begin(), survivor.care_dates.end(), d) != survivor.care_dates.end()) continue;
    survivor.care_dates.push_back(d);
    w.StartObject();
    w.Key("kind");
    WriteString(w, d.kind);
    w.Key("label");
    WriteString(w, d.label);
    w.Key("date");
    WriteString(w, d.date);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  survivor.updated_at = r.at;
  GX_RETURN_IF_ERROR(tx.WriteCustomer(survivor_before, survivor));
  survivor.version = survivor_before.version + 1;
  Customer merged = merged_before;
  merged.archived = true;
  merged.updated_at = r.at;
  GX_RETURN_IF_ERROR(tx.WriteCustomer(merged_before, merged));
  merged.version = merged_before.version + 1;

  CustomerMerge out;
  out.survivor_id = s;
  out.merged_id = m;
  out.at = r.at;
  out.user_id = r.user_id;
  out.score = r.score;
  out.moved = buf.GetString();
  out.survivor_before = CustomerToJson(survivor_before);
  out.undo_until = r.undo_until;
  GX_ASSIGN_OR_RETURN(auto inserted, tx.Query(
      "INSERT INTO customer_merge(survivor_id, merged_id, at, user_id, score, moved, survivor_before, undo_until) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {s, m, r.at, r.user_id ? Arg(*r.user_id) : Arg(), r.score ? Arg(*r.score) : Arg(), out.moved,
       out.survivor_before, r.undo_until}, 1));
  out.id = ToInt(inserted.at(0).at(0));
  GX_RETURN_IF_ERROR(WriteAudits(tx, audit, survivor_before, survivor));
  GX_RETURN_IF_ERROR(WriteAudits(tx, audit, merged_before, merged));
  return out;
}

Result<CustomerMerge> Undo(MergeTx& tx, int64_t id, UnixSeconds now, std::optional<int64_t> user_id,
                           const AuditEntry& audit) {
  GX_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("SELECT ") + kMergeColumns +
                                              " FROM customer_merge WHERE id = ?", {id}, 11));
  if (rows.empty()) return Status::NotFound("merge " + std::to_string(id) + " not found");
  CustomerMerge merge = ReadMerge(rows[0]);
  if (merge.undone_at) {
    return Status::FailedPrecondition("merge " + std::to_string(id) + " was undone already");
  }
  if (now > merge.undo_until) {
    return Status::FailedPrecondition("merge " + std::to_string(id) + " can no longer be undone: its undo window ended at " +
                                      FormatUtc(merge.undo_until));
  }
  const int64_t s = merge.survivor_id, m = merge.merged_id;
  GX_ASSIGN_OR_RETURN(Customer c1, tx.LockCustomer(std::min(s, m)));
  GX_ASSIGN_OR_RETURN(Customer c2, tx.LockCustomer(std::max(s, m)));
  const Customer survivor_before = s < m ? c1 : c2;
  const Customer merged_before = s < m ? c2 : c1;

  rapidjson::Document moved;
  moved.Parse(merge.moved.c_str());
  if (moved.HasParseError() || !moved.IsObject()) {
    return Status::Internal("merge " + std::to_string(id) + " has an unreadable record of what moved");
  }
  auto ids_of = [&](const char* key) {
    std::vector<int64_t> out;
    auto it = moved.FindMember(key);
    if (it == moved.MemberEnd() || !it->value.IsArray()) return out;
    for (const auto& v : it->value.GetArray()) if (v.IsInt64()) out.push_back(v.GetInt64());
    return out;
  };
  // Rows deleted or moved on since the merge are left where they are.
  auto move_back = [&](const std::string& table, const std::vector<int64_t>& ids) -> Status {
    for (int64_t row_id : ids) {
      GX_RETURN_IF_ERROR(tx.Query("UPDATE " + table + " SET customer_id = ? WHERE id = ? AND customer_id = ?",
                                  {m, row_id, s}, 0).status());
    }
    return Status::Ok();
  };
  for (const char* table : kMovedTables) GX_RETURN_IF_ERROR(move_back(table, ids_of(table)));
  GX_RETURN_IF_ERROR(move_back("journey_enrollment", ids_of("journey_enrollment")));
  if (auto it = moved.FindMember("journey_ended"); it != moved.MemberEnd() && it->value.IsArray()) {
    for (const auto& e : it->value.GetArray()) {
      if (!e.IsObject() || !e.HasMember("id") || !e["id"].IsInt64()) continue;
      const Arg ended = e.HasMember("ended_at") && e["ended_at"].IsInt64() ? Arg(e["ended_at"].GetInt64()) : Arg();
      GX_RETURN_IF_ERROR(tx.Query("UPDATE journey_enrollment SET status = ?, ended_at = ?, left_reason = ? "
                                  "WHERE id = ? AND customer_id = ? AND left_reason = 'merged'",
                                  {std::string(e["status"].GetString()), ended,
                                   std::string(e["left_reason"].GetString()), e["id"].GetInt64(), m}, 0)
                             .status());
    }
  }

  // The survivor's fields the merge filled go back to empty, unless a person
  // changed them since; tags and care dates the merge added are taken away.
  Customer survivor = survivor_before;
  if (auto it = moved.FindMember("filled"); it != moved.MemberEnd() && it->value.IsObject()) {
    for (const auto& f : it->value.GetObject()) {
      const std::string field = f.name.GetString();
      if (field == "purchase_potential") {
        if (f.value.IsInt64() && survivor.purchase_potential == f.value.GetInt64()) survivor.purchase_potential.reset();
        continue;
      }
      if (!f.value.IsString()) continue;
      const std::string value = f.value.GetString();
      auto clear_if = [&](std::string& current) { if (current == value) current.clear(); };
      if (field == "phone") clear_if(survivor.phone);
      else if (field == "email") clear_if(survivor.email);
      else if (field == "industry") clear_if(survivor.industry);
      else if (field == "province") clear_if(survivor.province);
      else if (field == "city") clear_if(survivor.city);
      else if (field == "source") clear_if(survivor.source);
      else if (field == "notes") clear_if(survivor.notes);
      else if (field == "size" && survivor.size && ToString(*survivor.size) == value) survivor.size.reset();
    }
  }
  if (auto it = moved.FindMember("tags_added"); it != moved.MemberEnd() && it->value.IsArray()) {
    for (const auto& t : it->value.GetArray()) {
      if (!t.IsString()) continue;
      const std::string tag = t.GetString();
      survivor.tags.erase(std::remove(survivor.tags.begin(), survivor.tags.end(), tag), survivor.tags.end());
    }
  }
  if (auto it = moved.FindMember("care_dates_added"); it != moved.MemberEnd() && it->value.IsArray()) {
    for (const auto& d : it->value.GetArray()) {
      if (!d.IsObject()) continue;
      CareDate cd{d["kind"].GetString(), d["label"].GetString(), d["date"].GetString()};
      auto pos = std::find(survivor.care_dates.begin(), survivor.care_dates.end(), cd);
      if (pos != survivor.care_dates.end()) survivor.care_dates.erase(pos);
    }
  }
  survivor.updated_at = now;
  GX_RETURN_IF_ERROR(tx.WriteCustomer(survivor_before, survivor));
  survivor.version = survivor_before.version + 1;
  Customer merged = merged_before;
  merged.archived = false;
  merged.updated_at = now;
  GX_RETURN_IF_ERROR(tx.WriteCustomer(merged_before, merged));
  merged.version = merged_before.version + 1;

  GX_RETURN_IF_ERROR(tx.Query("UPDATE customer_merge SET undone_at = ?, undone_by = ? WHERE id = ?",
                              {now, user_id ? Arg(*user_id) : Arg(), id}, 0).status());
  merge.undone_at = now;
  merge.undone_by = user_id;
  GX_RETURN_IF_ERROR(WriteAudits(tx, audit, survivor_before, survivor));
  GX_RETURN_IF_ERROR(WriteAudits(tx, audit, merged_before, merged));
  return merge;
}

}  // namespace guanxi::merge_plan
