// The JourneyStore over the journey_sql seam: every statement is shared by
// both backends except the day arithmetic. Writes check versions and states in
// the UPDATE itself (WHERE version = ? / status = 'active'), so concurrent
// writers on either backend cannot both win.
#include <charconv>
#include <map>

#include "domain/customer_json.h"
#include "store/journey_json.h"
#include "store/journey_sql.h"
#include "store/task_rows.h"

namespace guanxi::journey_sql {

int64_t Row::Int(int i) const {
  const std::string s = Text(i);
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

namespace {

constexpr char kJourneySelect[] =
    "SELECT j.id, j.version, j.name, j.trigger, j.enabled, j.created_at, j.updated_at, "
    "(SELECT COUNT(*) FROM journey_enrollment e WHERE e.journey_id = j.id AND e.status = 'active') "
    "FROM journey j";

constexpr char kEnrollmentSelect[] =
    "SELECT e.id, e.journey_id, e.customer_id, e.start_day, e.status, e.next_position, e.left_reason, "
    "e.enrolled_at, e.ended_at, j.name, (SELECT COUNT(*) FROM journey_step s WHERE s.journey_id = e.journey_id) "
    "FROM journey_enrollment e JOIN journey j ON j.id = e.journey_id";

// Open step tasks of one enrollment (journey tasks are kind care; the
// customer and kind let the open-task index find them).
constexpr char kOpenStepTasks[] =
    "FROM task t WHERE t.customer_id = ? AND t.kind = 'care' AND t.status = 'open' AND t.origin = 'journey' "
    "AND t.origin_id = ?";

Journey ReadJourney(const Row& r) {
  Journey j;
  j.id = r.Int(0);
  j.version = r.Int(1);
  j.name = r.Text(2);
  j.trigger = r.Text(3);
  j.enabled = r.Int(4) != 0;
  j.created_at = r.Int(5);
  j.updated_at = r.Int(6);
  j.active_enrollments = r.Int(7);
  return j;
}

JourneyEnrollment ReadEnrollment(const Row& r) {
  JourneyEnrollment e;
  e.id = r.Int(0);
  e.journey_id = r.Int(1);
  e.customer_id = r.Int(2);
  e.start_day = r.Text(3);
  e.status = r.Text(4);
  e.next_position = static_cast<int>(r.Int(5));
  e.left_reason = r.Text(6);
  e.enrolled_at = r.Int(7);
  e.ended_at = r.OptInt(8);
  e.journey_name = r.Text(9);
  e.step_count = static_cast<int>(r.Int(10));
  return e;
}

Status InsertAudit(Sql& db, const AuditEntry& a) {
  return db.Exec("INSERT INTO audit_log(at, user_id, user_login, entity, entity_id, action, before_json, after_json) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 {a.at, OptInt(a.user_id), a.user_login, a.entity, a.entity_id, a.action, a.before, a.after})
      .status();
}

Result<std::vector<JourneyStep>> SelectSteps(Sql& db, int64_t journey_id) {
  GX_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT position, day_offset, channel, title, note FROM journey_step "
                                          "WHERE journey_id = ? ORDER BY position",
                                          {journey_id}));
  std::vector<JourneyStep> out;
  for (const Row& r : rows) {
    out.push_back({static_cast<int>(r.Int(0)), static_cast<int>(r.Int(1)), r.Text(2), r.Text(3), r.Text(4)});
  }
  return out;
}

Result<Journey> SelectJourney(Sql& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto rows, db.Query(std::string(kJourneySelect) + " WHERE j.id = ?", {id}));
  if (rows.empty()) return Status::NotFound("journey " + std::to_string(id) + " not found");
  Journey j = ReadJourney(rows[0]);
  GX_ASSIGN_OR_RETURN(j.steps, SelectSteps(db, id));
  return j;
}

Result<JourneyEnrollment> SelectEnrollment(Sql& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto rows, db.Query(std::string(kEnrollmentSelect) + " WHERE e.id = ?", {id}));
  if (rows.empty()) return Status::NotFound("journey enrollment " + std::to_string(id) + " not found");
  return ReadEnrollment(rows[0]);
}

Status InsertSteps(Sql& db, int64_t journey_id, std::vector<JourneyStep>& steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    JourneyStep& s = steps[i];
    s.position = static_cast<int>(i);
    GX_RETURN_IF_ERROR(db.Exec("INSERT INTO journey_step(journey_id, position, day_offset, channel, title, note) "
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               {journey_id, int64_t{s.position}, int64_t{s.day_offset}, s.channel, s.title, s.note})
                           .status());
  }
  return Status::Ok();
}

// Cancels the open step tasks of one enrollment, an audit row each.
Result<int64_t> CancelStepTasks(Sql& db, int64_t customer_id, int64_t enrollment_id, UnixSeconds at,
                                std::optional<int64_t> user, const AuditEntry& audit) {
  GX_RETURN_IF_ERROR(db.Exec("INSERT INTO audit_log(at, user_id, user_login, entity, entity_id, action, "
                             "before_json, after_json) SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), 'task', t.id, "
                             "'cancel', "
                             "'{\"status\":\"open\"}', '{\"status\":\"cancelled\"}' " +
                                 std::string(kOpenStepTasks),
                             {at, OptInt(audit.user_id), audit.user_login, customer_id, enrollment_id})
                         .status());
  return db.Exec("UPDATE task SET status = 'cancelled', version = version + 1, updated_at = ?, completed_at = ?, "
                 "completed_by = ? WHERE customer_id = ? AND kind = 'care' AND status = 'open' AND origin = 'journey' "
                 "AND origin_id = ?",
                 {at, at, OptInt(user), customer_id, enrollment_id});
}

// Inserts `t` unless its dedupe key exists; true when inserted (and audited).
Result<bool> InsertTaskIfAbsent(Sql& db, Task t, AuditEntry audit) {
  Args args;
  store_rows::BindTaskInsert(
      t, [&](std::optional<int64_t> v) { args.push_back(OptInt(v)); },
      [&](const std::optional<std::string>& v) { args.push_back(OptText(v)); });
  GX_ASSIGN_OR_RETURN(auto rows, db.Query(std::string(store_rows::kTaskInsertSql) +
                                              " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                                          args));
  if (rows.empty()) return false;
  t.id = rows[0].Int(0);
  t.version = 1;
  t.status = "open";
  t.updated_at = t.created_at;
  audit.entity = "task";
  audit.entity_id = t.id;
  audit.action = "create";
  audit.before.clear();
  audit.after = store_rows::TaskToJson(t);
  GX_RETURN_IF_ERROR(InsertAudit(db, audit));
  return true;
}

class JourneyStoreImpl final : public JourneyStore {
 public:
  explicit JourneyStoreImpl(std::unique_ptr<Backend> backend) : db_(std::move(backend)) {}

  Result<Journey> CreateJourney(Journey j, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(db_->Write([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto rows, db.Query("INSERT INTO journey(version, name, trigger, enabled, created_at, "
                                              "updated_at) VALUES (1, ?, ?, ?, ?, ?) RETURNING id",
                                              {j.name, j.trigger, int64_t{j.enabled ? 1 : 0}, j.created_at,
                                               j.created_at}));
      j.id = rows.at(0).Int(0);
      j.version = 1;
      j.updated_at = j.created_at;
      j.active_enrollments = 0;
      GX_RETURN_IF_ERROR(InsertSteps(db, j.id, j.steps));
      audit.entity_id = j.id;
      audit.after = JourneyToJson(j);
      return InsertAudit(db, audit);
    }));
    return j;
  }

  Result<Journey> GetJourney(int64_t id) override {
    Journey out;
    GX_RETURN_IF_ERROR(db_->Read([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(out, SelectJourney(db, id));
      return Status::Ok();
    }));
    return out;
  }

  Result<std::vector<Journey>> ListJourneys() override {
    std::vector<Journey> out;
    GX_RETURN_IF_ERROR(db_->Read([&](Sql& db) -> Status {
      out.clear();
      GX_ASSIGN_OR_RETURN(auto rows, db.Query(std::string(kJourneySelect) + " ORDER BY j.id", {}));
      std::map<int64_t, size_t> index;
      for (const Row& r : rows) {
        index[r.Int(0)] = out.size();
        out.push_back(ReadJourney(r));
      }
      GX_ASSIGN_OR_RETURN(auto steps, db.Query("SELECT journey_id, position, day_offset, channel, title, note "
                                               "FROM journey_step ORDER BY journey_id, position",
                                               {}));
      for (const Row& r : steps) {
        auto it = index.find(r.Int(0));
        if (it == index.end()) continue;  // a journey created after the first read
        out[it->second].steps.push_back(
            {static_cast<int>(r.Int(1)), static_cast<int>(r.Int(2)), r.Text(3), r.Text(4), r.Text(5)});
      }
      return Status::Ok();
    }));
    return out;
  }

  Result<Journey> UpdateJourney(Journey j, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(db_->Write([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(Journey old, SelectJourney(db, j.id));
      GX_ASSIGN_OR_RETURN(int64_t changed,
                          db.Exec("UPDATE journey SET version = version + 1, name = ?, trigger = ?, enabled = ?, "
                                  "updated_at = ? WHERE id = ? AND version = ?",
                                  {j.name, j.trigger, int64_t{j.enabled ? 1 : 0}, j.updated_at, j.id, j.version}));
      if (changed == 0) {
        return Status::Conflict("journey " + std::to_string(j.id) + " is at version " + std::to_string(old.version) +
                                ", not " + std::to_string(j.version));
      }
      GX_RETURN_IF_ERROR(db.Exec("DELETE FROM journey_step WHERE journey_id = ?", {j.id}).status());
      GX_RETURN_IF_ERROR(InsertSteps(db, j.id, j.steps));
      j.version = old.version + 1;
      j.created_at = old.created_at;
      j.active_enrollments = old.active_enrollments;
      audit.entity_id = j.id;
      audit.before = JourneyToJson(old);
      audit.after = JourneyToJson(j);
      return InsertAudit(db, audit);
    }));
    return j;
  }

  Status DeleteJourney(int64_t id, int64_t expected_version, AuditEntry audit) override {
    return db_->Write([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(Journey old, SelectJourney(db, id));
      if (old.version != expected_version) {
        return Status::Conflict("journey " + std::to_string(id) + " is at version " + std::to_string(old.version) +
                                ", not " + std::to_string(expected_version));
      }
      GX_ASSIGN_OR_RETURN(auto enrollments, db.Query("SELECT id, customer_id FROM journey_enrollment "
                                                     "WHERE journey_id = ? AND status = 'active'",
                                                     {id}));
      for (const Row& r : enrollments) {
        GX_RETURN_IF_ERROR(CancelStepTasks(db, r.Int(1), r.Int(0), audit.at, audit.user_id, audit).status());
      }
      GX_ASSIGN_OR_RETURN(int64_t deleted,
                          db.Exec("DELETE FROM journey WHERE id = ? AND version = ?", {id, expected_version}));
      if (deleted == 0) return Status::Conflict("journey " + std::to_string(id) + " changed concurrently");
      audit.entity_id = id;
      audit.before = JourneyToJson(old);
      return InsertAudit(db, audit);
    });
  }

  Status SeedJourneys(const std::string& marker, const std::vector<Journey>& journeys, UnixSeconds at) override {
    return db_->Write([&](Sql& db) -> Status {
      // A replica seeding at the same moment waits on the marker row, then finds it.
      GX_ASSIGN_OR_RETURN(auto mark, db.Query("INSERT INTO seed_marker(name, applied_at) VALUES (?, ?) "
                                              "ON CONFLICT (name) DO NOTHING RETURNING name",
                                              {marker, at}));
      if (mark.empty()) return Status::Ok();
      for (Journey j : journeys) {
        GX_ASSIGN_OR_RETURN(auto rows, db.Query("INSERT INTO journey(version, name, trigger, enabled, created_at, "
                                                "updated_at) VALUES (1, ?, ?, ?, ?, ?) RETURNING id",
                                                {j.name, j.trigger, int64_t{j.enabled ? 1 : 0}, at, at}));
        GX_RETURN_IF_ERROR(InsertSteps(db, rows.at(0).Int(0), j.steps));
      }
      return Status::Ok();
    });
  }

  Result<JourneyEnrollment> Enroll(JourneyEnrollment e, AuditEntry audit) override {
    JourneyEnrollment out;
    GX_RETURN_IF_ERROR(db_->Write([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto journey, db.Query("SELECT id FROM journey WHERE id = ?", {e.journey_id}));
      if (journey.empty()) return Status::NotFound("journey " + std::to_string(e.journey_id) + " not found");
      GX_ASSIGN_OR_RETURN(auto customer, db.Query("SELECT id FROM customer WHERE id = ?", {e.customer_id}));
      if (customer.empty()) return Status::InvalidField("customer_id", "no such customer");
      GX_ASSIGN_OR_RETURN(auto rows, db.Query("INSERT INTO journey_enrollment(journey_id, customer_id, start_day, "
                                              "status, next_position, left_reason, enrolled_at) "
                                              "VALUES (?, ?, ?, 'active', 0, '', ?) "
                                              "ON CONFLICT (journey_id, customer_id) DO NOTHING RETURNING id",
                                              {e.journey_id, e.customer_id, e.start_day, e.enrolled_at}));
      if (rows.empty()) {
        return Status::AlreadyExists("the customer is or was in this journey already",
                                     {{"customer_id", "already enrolled in this journey"}});
      }
      GX_ASSIGN_OR_RETURN(out, SelectEnrollment(db, rows[0].Int(0)));
      audit.entity_id = out.id;
      audit.after = EnrollmentToJson(out);
      return InsertAudit(db, audit);
    }));
    return out;
  }

  Result<JourneyEnrollment> GetEnrollment(int64_t id) override {
    JourneyEnrollment out;
    GX_RETURN_IF_ERROR(db_->Read([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(out, SelectEnrollment(db, id));
      return Status::Ok();
    }));
    return out;
  }

  Result<std::vector<JourneyEnrollment>> ListEnrollments(int64_t customer_id) override {
    std::vector<JourneyEnrollment> out;
    GX_RETURN_IF_ERROR(db_->Read([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto rows, db.Query(std::string(kEnrollmentSelect) +
                                                  " WHERE e.customer_id = ? ORDER BY e.id DESC",
                                              {customer_id}));
      out.clear();
      for (const Row& r : rows) out.push_back(ReadEnrollment(r));
      return Status::Ok();
    }));
    return out;
  }

  Result<std::pair<JourneyEnrollment, int64_t>> Leave(int64_t id, const std::string& reason, UnixSeconds at,
                                                       std::optional<int64_t> user, AuditEntry audit) override {
    std::pair<JourneyEnrollment, int64_t> out;
    GX_RETURN_IF_ERROR(db_->Write([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(out.second, LeaveOne(db, id, reason, at, user, audit, &out.first));
      return Status::Ok();
    }));
    return out;
  }

  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    std::optional<std::string> out;
    GX_RETURN_IF_ERROR(db_->Read([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT value FROM relationship_setting WHERE key = ?", {key}));
      if (!rows.empty()) out = rows[0].Text(0);
      return Status::Ok();
    }));
    return out;
  }

  Status PutSetting(const std::string& key, const std::string& json, AuditEntry audit) override {
    return db_->Write([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto old, db.Query("SELECT value FROM relationship_setting WHERE key = ?", {key}));
      GX_RETURN_IF_ERROR(db.Exec("INSERT INTO relationship_setting(key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                 {key, json})
                             .status());
      audit.before = old.empty() ? "" : "{\"" + key + "\":" + old[0].Text(0) + "}";
      audit.after = "{\"" + key + "\":" + json + "}";
      return InsertAudit(db, audit);
    });
  }

  Result<CareDateBatch> CareDates(int64_t after_customer_id, int limit) override {
    CareDateBatch out;
    GX_RETURN_IF_ERROR(db_->Read([&](Sql& db) -> Status {
      out = CareDateBatch{};
      out.last_customer_id = after_customer_id;
      GX_ASSIGN_OR_RETURN(auto customers, db.Query("SELECT id, owner_user_id, name, care_dates FROM customer "
                                                   "WHERE archived = 0 AND id > ? ORDER BY id LIMIT ?",
                                                   {after_customer_id, int64_t{limit}}));
      out.done = customers.size() < static_cast<size_t>(limit);
      if (customers.empty()) return Status::Ok();
      out.last_customer_id = customers.back().Int(0);
      std::map<int64_t, size_t> by_id;
      for (size_t i = 0; i < customers.size(); ++i) {
        const Row& c = customers[i];
        by_id[c.Int(0)] = i;
        const std::string json = c.Text(3);
        if (json == "[]") continue;
        for (const CareDate& d : CareDatesFromJson(json)) {
          out.rows.push_back({c.Int(0), c.OptInt(1), c.Text(2), 0, d.kind, d.label, d.date});
        }
      }
      // By the contact_customer index over the batch's id range; archived
      // customers drop out below (they are not in by_id). Joining customer here
      // lets the planner walk every active customer per batch instead.
      GX_ASSIGN_OR_RETURN(auto contacts, db.Query("SELECT ct.customer_id, ct.id, ct.name, ct.birthday FROM contact ct "
                                                  "WHERE ct.customer_id > ? AND ct.customer_id <= ? "
                                                  "AND ct.birthday <> '' ORDER BY ct.customer_id, ct.id",
                                                  {after_customer_id, out.last_customer_id}));
      for (const Row& r : contacts) {
        auto it = by_id.find(r.Int(0));
        if (it == by_id.end()) continue;
        const Row& c = customers[it->second];
        out.rows.push_back({c.Int(0), c.OptInt(1), c.Text(2), r.Int(1), "birthday", r.Text(2), r.Text(3)});
      }
      return Status::Ok();
    }));
    return out;
  }

  Result<GeneratedTasks> InsertTasksIfAbsent(const std::vector<Task>& tasks, AuditEntry audit) override {
    GeneratedTasks out;
    GX_RETURN_IF_ERROR(db_->Write([&](Sql& db) -> Status {
      out = GeneratedTasks{};
      for (const Task& t : tasks) {
        GX_ASSIGN_OR_RETURN(bool created, InsertTaskIfAbsent(db, t, audit));
        ++(created ? out.created : out.existing);
      }
      return Status::Ok();
    }));
    return out;
  }

  Result<int64_t> EnrollTriggered(int64_t journey_id, const std::string& trigger, TriggerWindow window,
                                  UnixSeconds at, AuditEntry audit) override {
    std::string sql;
    Args args;
    if (trigger == "first_purchase") {
      // The customer's first placed/paid order falls in the window: an order
      // in it, and none before it.
      sql = "INSERT INTO journey_enrollment(journey_id, customer_id, start_day, status, next_position, left_reason, "
            "enrolled_at) SELECT CAST(? AS BIGINT), f.customer_id, " + DayOf("f.first_at") +
            ", 'active', 0, '', CAST(? AS BIGINT) FROM (SELECT o.customer_id, MIN(o.ordered_at) AS first_at "
            "FROM sales_order o WHERE o.status IN ('placed', 'paid') AND o.ordered_at >= ? AND o.ordered_at < ? "
            "GROUP BY o.customer_id) f JOIN customer c ON c.id = f.customer_id "
            "WHERE c.archived = 0 AND c.relationship <> 'lost' AND NOT EXISTS (SELECT 1 FROM sales_order p "
            "WHERE p.customer_id = f.customer_id AND p.status IN ('placed', 'paid') AND p.ordered_at < ?) "
            "ON CONFLICT (journey_id, customer_id) DO NOTHING";
      args = {journey_id, at, window.from, window.to, window.from};
    } else if (trigger == "customer_created") {
      sql = "INSERT INTO journey_enrollment(journey_id, customer_id, start_day, status, next_position, left_reason, "
            "enrolled_at) SELECT CAST(? AS BIGINT), c.id, " + DayOf("c.created_at") +
            ", 'active', 0, '', CAST(? AS BIGINT) FROM customer c "
            "WHERE c.archived = 0 AND c.created_at >= ? AND c.created_at < ? "
            "ON CONFLICT (journey_id, customer_id) DO NOTHING";
      args = {journey_id, at, window.from, window.to};
    } else {
      return Status::InvalidField("trigger", "has no automatic enrollment");
    }
    int64_t enrolled = 0;
    GX_RETURN_IF_ERROR(db_->Write([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(enrolled, db.Exec(sql, args));
      if (enrolled == 0) return Status::Ok();
      audit.entity = "journey";
      audit.entity_id = journey_id;
      audit.after = "{\"trigger\":\"" + trigger + "\",\"enrolled\":" + std::to_string(enrolled) + "}";
      return InsertAudit(db, audit);
    }));
    return enrolled;
  }

  Result<std::pair<int64_t, int64_t>> CloseEnrollments(UnixSeconds at, AuditEntry audit) override {
    std::vector<Row> leavers;
    GX_RETURN_IF_ERROR(db_->Read([&](Sql& db) -> Status {
      GX_ASSIGN_OR_RETURN(leavers, db.Query("SELECT e.id, c.archived FROM journey_enrollment e "
                                            "JOIN customer c ON c.id = e.customer_id WHERE e.status = 'active' "
                                            "AND (c.archived = 1 OR c.relationship = 'lost') ORDER BY e.id",
                                            {}));
      return Status::Ok();
    }));
    std::pair<int64_t, int64_t> out{0, 0};
    constexpr size_t kBatch = 500;
    for (size_t from = 0; from < leavers.size(); from += kBatch) {
      int64_t left = 0;
      GX_RETURN_IF_ERROR(db_->Write([&](Sql& db) -> Status {
        left = 0;
        for (size_t i = from; i < std::min(leavers.size(), from + kBatch); ++i) {
          JourneyEnrollment e;
          auto cancelled = LeaveOne(db, leavers[i].Int(0), leavers[i].Int(1) != 0 ? "archived" : "churned", at,
                                    std::nullopt, audit, &e);
          // Left or deleted since the read: nothing to do for it.
          if (!cancelled.ok() && (cancelled.status().code() == StatusCode::kFailedPrecondition ||
                                  cancelled.status().code() == StatusCode::kNotFound)) {
            continue;
          }
          GX_RETURN_IF_ERROR(cancelled.status());
          ++left;
        }
        return Status::Ok();
      }));
      out.first += left;
    }
    GX_RETURN_IF_ERROR(db_->Write([&](Sql& db) -> Status {
      // Past the last step (its steps were cut after it passed them).
      GX_ASSIGN_OR_RETURN(out.second,
                          db.Exec("UPDATE journey_enrollment SET status = 'completed', ended_at = ? "
                                  "WHERE status = 'active' AND next_position > (SELECT MAX(s.position) FROM journey_step "
                                  "s WHERE s.journey_id = journey_enrollment.journey_id)",
                                  {at}));
      if (out.second == 0) return Status::Ok();
      AuditEntry a = audit;
      a.entity = "journey_enrollment";
      a.action = "complete";
      a.after = "{\"completed\":" + std::to_string(out.second) + "}";
      return InsertAudit(db, a);
    }));
    return out;
  }

  Result<DueStepBatch> DueSteps(int64_t after_enrollment_id, int limit, const std::string& today) override {
    DueStepBatch out;
    const std::string step_day_due = db_->postgres()
                                         ? "(e.start_day::date + s.day_offset::int) <= CAST(? AS date)"
                                         : "date(e.start_day, '+' || s.day_offset || ' days') <= ?";
    GX_RETURN_IF_ERROR(db_->Read([&](Sql& db) -> Status {
      out = DueStepBatch{};
      out.last_enrollment_id = after_enrollment_id;
      GX_ASSIGN_OR_RETURN(auto ids, db.Query("SELECT id FROM journey_enrollment WHERE status = 'active' AND id > ? "
                                             "ORDER BY id LIMIT ?",
                                             {after_enrollment_id, int64_t{limit}}));
      out.done = ids.size() < static_cast<size_t>(limit);
      if (ids.empty()) return Status::Ok();
      out.last_enrollment_id = ids.back().Int(0);
      GX_ASSIGN_OR_RETURN(
          auto rows,
          db.Query("SELECT e.id, e.customer_id, c.owner_user_id, e.journey_id, j.name, s.position, s.day_offset, "
                   "s.channel, s.title, s.note, e.start_day, (SELECT MAX(x.position) FROM journey_step x "
                   "WHERE x.journey_id = e.journey_id) FROM journey_enrollment e "
                   "JOIN journey j ON j.id = e.journey_id JOIN customer c ON c.id = e.customer_id "
                   "JOIN journey_step s ON s.journey_id = e.journey_id AND s.position >= e.next_position "
                   "WHERE e.status = 'active' AND j.enabled = 1 AND e.id > ? AND e.id <= ? AND " +
                       step_day_due + " ORDER BY e.id, s.position",
                   {after_enrollment_id, out.last_enrollment_id, today}));
      for (const Row& r : rows) {
        DueStepRow d;
        d.enrollment_id = r.Int(0);
        d.customer_id = r.Int(1);
        d.owner_user_id = r.OptInt(2);
        d.journey_id = r.Int(3);
        d.journey_name = r.Text(4);
        d.step = {static_cast<int>(r.Int(5)), static_cast<int>(r.Int(6)), r.Text(7), r.Text(8), r.Text(9)};
        d.start_day = r.Text(10);
        d.last_position = static_cast<int>(r.Int(11));
        out.rows.push_back(std::move(d));
      }
      return Status::Ok();
    }));
    return out;
  }

  Result<GeneratedTasks> ApplyProgress(const std::vector<EnrollmentProgress>& progress, UnixSeconds at,
                                       AuditEntry audit) override {
    GeneratedTasks out;
    GX_RETURN_IF_ERROR(db_->Write([&](Sql& db) -> Status {
      out = GeneratedTasks{};
      for (const EnrollmentProgress& p : progress) {
        // The update takes the row first: an enrollment left meanwhile gets no tasks.
        GX_ASSIGN_OR_RETURN(int64_t moved,
                            db.Exec("UPDATE journey_enrollment SET next_position = ?, status = ?, ended_at = ? "
                                    "WHERE id = ? AND status = 'active' AND next_position <= ?",
                                    {int64_t{p.next_position}, std::string(p.completed ? "completed" : "active"),
                                     p.completed ? Arg(at) : Arg(), p.enrollment_id, int64_t{p.next_position}}));
        if (moved == 0) continue;
        for (const Task& t : p.tasks) {
          GX_ASSIGN_OR_RETURN(bool created, InsertTaskIfAbsent(db, t, audit));
          ++(created ? out.created : out.existing);
        }
        if (p.completed) {
          AuditEntry a = audit;
          a.entity = "journey_enrollment";
          a.entity_id = p.enrollment_id;
          a.action = "complete";
          a.after = "{\"status\":\"completed\"}";
          GX_RETURN_IF_ERROR(InsertAudit(db, a));
        }
      }
      return Status::Ok();
    }));
    return out;
  }

 private:
  // The Asia/Shanghai day of a Unix-seconds expression (no DST: UTC+8 always).
  std::string DayOf(const std::string& seconds) const {
    if (db_->postgres()) {
      return "to_char(date '1970-01-01' + floor((" + seconds + " + 28800) / 86400.0)::int, 'YYYY-MM-DD')";
    }
    return "date(" + seconds + " + 28800, 'unixepoch')";
  }

  // Leaves one active enrollment inside the caller's transaction.
  Result<int64_t> LeaveOne(Sql& db, int64_t id, const std::string& reason, UnixSeconds at,
                           std::optional<int64_t> user, AuditEntry audit, JourneyEnrollment* out) {
    GX_ASSIGN_OR_RETURN(JourneyEnrollment old, SelectEnrollment(db, id));
    GX_ASSIGN_OR_RETURN(int64_t changed,
                        db.Exec("UPDATE journey_enrollment SET status = 'left', left_reason = ?, ended_at = ? "
                                "WHERE id = ? AND status = 'active'",
                                {reason, at, id}));
    if (changed == 0) return Status::FailedPrecondition("the enrollment is " + old.status + ", not active");
    GX_ASSIGN_OR_RETURN(int64_t cancelled, CancelStepTasks(db, old.customer_id, id, at, user, audit));
    *out = old;
    out->status = "left";
    out->left_reason = reason;
    out->ended_at = at;
    audit.entity = "journey_enrollment";
    audit.entity_id = id;
    audit.action = "leave";
    audit.before = EnrollmentToJson(old);
    audit.after = EnrollmentToJson(*out);
    GX_RETURN_IF_ERROR(InsertAudit(db, audit));
    return cancelled;
  }

  std::unique_ptr<Backend> db_;
};

}  // namespace

std::unique_ptr<JourneyStore> NewJourneyStore(std::unique_ptr<Backend> backend) {
  return std::make_unique<JourneyStoreImpl>(std::move(backend));
}

}  // namespace guanxi::journey_sql
