#include "service/journey_service.h"

#include <array>
#include <map>

#include "domain/sales.h"
#include "domain/search_text.h"
#include "service/sales_access.h"

namespace guanxi {

namespace {

constexpr std::array<const char*, 8> kChannels = {"face_to_face", "phone", "web", "email",
                                                  "fax", "wechat", "sms", "other"};
constexpr size_t kMaxName = 100;
constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxNote = 1000;
constexpr size_t kMaxReason = 200;
constexpr char kLeadDaysKey[] = "care.lead_days";
// Rows per read of the passes: big enough that 1,000,000 customers take a few
// hundred round trips, small enough to keep memory flat.
constexpr int kCustomerBatch = 5000;
constexpr int kEnrollmentBatch = 2000;

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool IsChannel(const std::string& s) {
  for (const char* c : kChannels) {
    if (s == c) return true;
  }
  return false;
}

bool CanEditJourneys(const Principal& p) { return p.role == Role::kAdmin || p.role == Role::kManager; }

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::string Pad2(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// The day `month_day` ("MM-DD") falls on in `year`; 02-29 is 02-28 in other years.
std::string Occurrence(int year, int month, int day) {
  if (month == 2 && day == 29 && !IsLeapYear(year)) day = 28;
  return std::to_string(year) + "-" + Pad2(month) + "-" + Pad2(day);
}

// Month and day of a care date ("MM-DD" or "YYYY-MM-DD"); false when malformed.
bool ParseMonthDay(const std::string& date, int& month, int& day) {
  if (date.size() != 5 && date.size() != 10) return false;
  const std::string md = date.substr(date.size() - 5);
  if (md[2] != '-') return false;
  for (int i : {0, 1, 3, 4}) {
    if (md[static_cast<size_t>(i)] < '0' || md[static_cast<size_t>(i)] > '9') return false;
  }
  month = (md[0] - '0') * 10 + (md[1] - '0');
  day = (md[3] - '0') * 10 + (md[4] - '0');
  return IsValidDate(Occurrence(2000, month, day));  // 2000 is a leap year: 02-29 passes
}

const char* KindName(const std::string& kind) {
  if (kind == "birthday") return "生日";
  if (kind == "anniversary") return "纪念日";
  return "关怀日";
}

// Cuts a title to kMaxTitle code points (UTF-8), as the task table's readers expect.
std::string CapTitle(const std::string& s) {
  size_t points = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++points > kMaxTitle) return s.substr(0, i);
  }
  return s;
}

}  // namespace

AuditEntry JourneyService::Audit(const Principal& p, const char* entity, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = entity;
  a.action = action;
  return a;
}

AuditEntry JourneyService::SystemAudit(const char* entity, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  a.user_login = "scheduler";
  a.entity = entity;
  a.action = action;
  return a;
}

std::string JourneyService::Today(const JobContext& ctx) const {
  return IsValidDate(ctx.day) ? ctx.day : BusinessDay(clock_.Now());
}

Status JourneyService::Validate(Journey& j) const {
  std::vector<FieldError> errors;
  j.name = Trim(j.name);
  const size_t name_length = CodePointCount(j.name);
  if (name_length < 1 || name_length > kMaxName) errors.push_back({"name", "must be 1 to 100 characters"});
  if (j.trigger != "first_purchase" && j.trigger != "customer_created" && j.trigger != "manual") {
    errors.push_back({"trigger", "must be first_purchase, customer_created or manual"});
  }
  if (j.steps.empty() || j.steps.size() > kMaxSteps) errors.push_back({"steps", "must have 1 to 20 steps"});
  for (size_t i = 0; i < j.steps.size(); ++i) {
    JourneyStep& s = j.steps[i];
    const std::string at = "steps/" + std::to_string(i) + "/";
    if (s.day_offset < 0 || s.day_offset > kMaxDayOffset) {
      errors.push_back({at + "day_offset", "must be 0 to 3650"});
    } else if (i > 0 && s.day_offset <= j.steps[i - 1].day_offset) {
      errors.push_back({at + "day_offset", "overlapping steps: step " + std::to_string(i) + " (day " +
                                               std::to_string(s.day_offset) + ") must come after step " +
                                               std::to_string(i - 1) + " (day " +
                                               std::to_string(j.steps[i - 1].day_offset) + ")"});
    }
    if (!IsChannel(s.channel)) {
      errors.push_back({at + "channel", "must be one of face_to_face, phone, web, email, fax, wechat, sms, other"});
    }
    s.title = Trim(s.title);
    const size_t title_length = CodePointCount(s.title);
    if (title_length < 1 || title_length > kMaxTitle) errors.push_back({at + "title", "must be 1 to 200 characters"});
    if (CodePointCount(s.note) > kMaxNote) errors.push_back({at + "note", "must be at most 1000 characters"});
    s.position = static_cast<int>(i);
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid journey", std::move(errors));
  return Status::Ok();
}

Result<std::vector<Journey>> JourneyService::List(const Principal&) { return store_.Journeys().ListJourneys(); }

Result<Journey> JourneyService::Get(const Principal&, int64_t id) { return store_.Journeys().GetJourney(id); }

Result<Journey> JourneyService::Create(const Principal& p, Journey j) {
  if (!CanEditJourneys(p)) return Status::PermissionDenied("only admins and managers edit journeys");
  GX_RETURN_IF_ERROR(Validate(j));
  j.created_at = clock_.Now();
  return store_.Journeys().CreateJourney(std::move(j), Audit(p, "journey", "create"));
}

Result<Journey> JourneyService::Update(const Principal& p, Journey j) {
  if (!CanEditJourneys(p)) return Status::PermissionDenied("only admins and managers edit journeys");
  GX_RETURN_IF_ERROR(Validate(j));
  j.updated_at = clock_.Now();
  return store_.Journeys().UpdateJourney(std::move(j), Audit(p, "journey", "update"));
}

Status JourneyService::Delete(const Principal& p, int64_t id, int64_t expected_version) {
  if (!CanEditJourneys(p)) return Status::PermissionDenied("only admins and managers edit journeys");
  return store_.Journeys().DeleteJourney(id, expected_version, Audit(p, "journey", "delete"));
}

Result<Customer> JourneyService::VisibleCustomer(const Principal& p, int64_t customer_id) {
  auto c = store_.GetCustomer(customer_id);
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("customer " + std::to_string(customer_id) + " not found");
    }
    return c.status();
  }
  if (!CanSeeOwner(store_, p, c->owner_user_id)) {
    return Status::NotFound("customer " + std::to_string(customer_id) + " not found");
  }
  return c;
}

Result<JourneyEnrollment> JourneyService::Enroll(const Principal& p, int64_t journey_id, int64_t customer_id) {
  if (!CanWriteArchive(p)) return Status::PermissionDenied("this role may not enroll customers");
  if (customer_id <= 0) return Status::InvalidField("customer_id", "is required");
  auto customer = store_.GetCustomer(customer_id);
  if (!customer.ok()) {
    if (customer.status().code() == StatusCode::kNotFound) {
      return Status::InvalidField("customer_id", "no such customer");
    }
    return customer.status();
  }
  if (customer->archived || !CanSeeOwner(store_, p, customer->owner_user_id)) {
    return Status::InvalidField("customer_id", "no such customer");
  }
  JourneyEnrollment e;
  e.journey_id = journey_id;
  e.customer_id = customer_id;
  e.enrolled_at = clock_.Now();
  e.start_day = BusinessDay(e.enrolled_at);
  return store_.Journeys().Enroll(std::move(e), Audit(p, "journey_enrollment", "enroll"));
}

Result<std::vector<JourneyEnrollment>> JourneyService::CustomerJourneys(const Principal& p, int64_t customer_id) {
  GX_RETURN_IF_ERROR(VisibleCustomer(p, customer_id).status());
  return store_.Journeys().ListEnrollments(customer_id);
}

Result<std::pair<JourneyEnrollment, int64_t>> JourneyService::Leave(const Principal& p, int64_t enrollment_id,
                                                                     std::string reason) {
  GX_ASSIGN_OR_RETURN(JourneyEnrollment e, store_.Journeys().GetEnrollment(enrollment_id));
  GX_RETURN_IF_ERROR(VisibleCustomer(p, e.customer_id).status());
  if (!CanWriteArchive(p)) return Status::PermissionDenied("this role may not change enrollments");
  reason = Trim(reason);
  const size_t length = CodePointCount(reason);
  if (length < 1 || length > kMaxReason) return Status::InvalidField("reason", "must be 1 to 200 characters");
  return store_.Journeys().Leave(enrollment_id, reason, clock_.Now(), p.user_id ? std::optional<int64_t>(p.user_id)
                                                                                 : std::nullopt,
                                 Audit(p, "journey_enrollment", "leave"));
}

Result<CareSettings> JourneyService::GetCareSettings() {
  CareSettings s;
  GX_ASSIGN_OR_RETURN(auto stored, store_.Journeys().GetSetting(kLeadDaysKey));
  if (stored) {
    // A value outside the range (written by hand) falls back to the default.
    int v = -1;
    try {
      v = std::stoi(*stored);
    } catch (const std::exception&) {
      v = -1;
    }
    if (v >= 0 && v <= kMaxLeadDays) s.lead_days = v;
  }
  return s;
}

Result<CareSettings> JourneyService::PutCareSettings(const Principal& p, CareSettings s) {
  if (!CanEditJourneys(p)) return Status::PermissionDenied("only admins and managers change care settings");
  if (s.lead_days < 0 || s.lead_days > kMaxLeadDays) {
    return Status::InvalidField("lead_days", "must be 0 to 60");
  }
  GX_RETURN_IF_ERROR(store_.Journeys().PutSetting(kLeadDaysKey, std::to_string(s.lead_days),
                                                  Audit(p, "relationship_setting", "update")));
  return s;
}

Result<std::string> JourneyService::RunCareDates(const JobContext& ctx) {
  const std::string today = Today(ctx);
  GX_ASSIGN_OR_RETURN(CareSettings settings, GetCareSettings());
  const std::string last_day = AddDays(today, settings.lead_days);
  const int year = std::stoi(today.substr(0, 4));
  const UnixSeconds now = clock_.Now();
  GeneratedTasks total;
  int64_t after = 0;
  int64_t dates = 0;
  for (;;) {
    if (ctx.stopping && ctx.stopping()) {
      return Status::Unavailable("the server is stopping; the care_dates run will resume");
    }
    GX_ASSIGN_OR_RETURN(CareDateBatch batch, store_.Journeys().CareDates(after, kCustomerBatch));
    std::vector<Task> tasks;
    for (const CareDateRow& r : batch.rows) {
      int month = 0, day = 0;
      if (!ParseMonthDay(r.date, month, day)) continue;
      ++dates;
      // This year's occurrence, or next year's when the window crosses New Year.
      for (int y : {year, year + 1}) {
        const std::string occurs = Occurrence(y, month, day);
        if (occurs < today || occurs > last_day) continue;
        const std::string md = Pad2(month) + "-" + Pad2(day);
        Task t;
        t.customer_id = r.customer_id;
        t.assignee_user_id = r.owner_user_id;
        t.kind = "care";
        t.origin = "care_date";
        if (r.contact_id) t.origin_id = r.contact_id;
        t.due_day = occurs;
        t.dedupe_key = "care:" + std::to_string(r.customer_id) + ":" + std::to_string(r.contact_id) + ":" + r.kind +
                       ":" + md + ":" + std::to_string(y);
        const std::string what = r.label.empty() ? KindName(r.kind) : r.label + " " + KindName(r.kind);
        t.title = CapTitle("关怀：" + r.customer_name + " · " + what + " (" + md + ")");
        t.created_at = now;
        tasks.push_back(std::move(t));
      }
    }
    if (!tasks.empty()) {
      GX_ASSIGN_OR_RETURN(GeneratedTasks g,
                          store_.Journeys().InsertTasksIfAbsent(tasks, SystemAudit("task", "create")));
      total.created += g.created;
      total.existing += g.existing;
    }
    after = batch.last_customer_id;
    if (batch.done) break;
  }
  return "{\"day\":\"" + today + "\",\"lead_days\":" + std::to_string(settings.lead_days) +
         ",\"dates\":" + std::to_string(dates) + ",\"created\":" + std::to_string(total.created) +
         ",\"existing\":" + std::to_string(total.existing) + "}";
}

Result<std::string> JourneyService::RunJourneys(const JobContext& ctx) {
  const std::string today = Today(ctx);
  const UnixSeconds now = clock_.Now();
  // 1. Triggers, over the last few days (a missed night is caught up).
  GX_ASSIGN_OR_RETURN(auto journeys, store_.Journeys().ListJourneys());
  const TriggerWindow window{StartOfBusinessDay(AddDays(today, -(kTriggerWindowDays - 1))),
                             StartOfBusinessDay(AddDays(today, 1))};
  int64_t enrolled = 0;
  for (const Journey& j : journeys) {
    if (!j.enabled || j.trigger == "manual") continue;
    GX_ASSIGN_OR_RETURN(int64_t n, store_.Journeys().EnrollTriggered(j.id, j.trigger, window, now,
                                                                     SystemAudit("journey", "enroll")));
    enrolled += n;
  }
  // 2. Leavers and enrollments past their last step.
  GX_ASSIGN_OR_RETURN(auto closed, store_.Journeys().CloseEnrollments(now, SystemAudit("journey_enrollment", "leave")));
  // 3. Step tasks whose day has come, batch by batch.
  GeneratedTasks total;
  int64_t completed = closed.second;
  int64_t after = 0;
  for (;;) {
    if (ctx.stopping && ctx.stopping()) {
      return Status::Unavailable("the server is stopping; the journeys run will resume");
    }
    GX_ASSIGN_OR_RETURN(DueStepBatch batch, store_.Journeys().DueSteps(after, kEnrollmentBatch, today));
    std::vector<EnrollmentProgress> progress;
    for (const DueStepRow& r : batch.rows) {
      if (progress.empty() || progress.back().enrollment_id != r.enrollment_id) {
        progress.push_back({r.enrollment_id, {}, 0, false});
      }
      EnrollmentProgress& p = progress.back();
      Task t;
      t.customer_id = r.customer_id;
      t.assignee_user_id = r.owner_user_id;
      t.kind = "care";
      t.origin = "journey";
      t.origin_id = r.enrollment_id;
      t.due_day = AddDays(r.start_day, r.step.day_offset);
      t.dedupe_key = "journey:" + std::to_string(r.enrollment_id) + ":" + std::to_string(r.step.position);
      t.title = CapTitle(r.step.title);
      t.note = r.journey_name + " · " + r.step.channel + (r.step.note.empty() ? "" : "\n" + r.step.note);
      t.created_at = now;
      p.tasks.push_back(std::move(t));
      p.next_position = r.step.position + 1;
      p.completed = p.next_position > r.last_position;
      if (p.completed) ++completed;
    }
    if (!progress.empty()) {
      GX_ASSIGN_OR_RETURN(GeneratedTasks g,
                          store_.Journeys().ApplyProgress(progress, now, SystemAudit("task", "create")));
      total.created += g.created;
      total.existing += g.existing;
    }
    after = batch.last_enrollment_id;
    if (batch.done) break;
  }
  return "{\"day\":\"" + today + "\",\"enrolled\":" + std::to_string(enrolled) +
         ",\"left\":" + std::to_string(closed.first) + ",\"completed\":" + std::to_string(completed) +
         ",\"created\":" + std::to_string(total.created) + ",\"existing\":" + std::to_string(total.existing) + "}";
}

Status JourneyService::SeedExamples() {
  // The methodology's first-purchase example (METHODOLOGY.md §2), disabled so
  // that nothing is sent until someone reviews and enables it.
  Journey j;
  j.name = "首购关怀";
  j.trigger = "first_purchase";
  j.enabled = false;
  j.steps = {
      {0, 0, "face_to_face", "欢迎致谢，赠送贵宾卡", "首购当天：感谢购买，介绍会员权益"},
      {1, 7, "phone", "问候回访：使用是否顺利", ""},
      {2, 20, "wechat", "发送使用指南与保养建议", ""},
      {3, 38, "sms", "专属优惠：再次购买邀请", ""},
  };
  return store_.Journeys().SeedJourneys("journeys_v1", {j}, clock_.Now());
}

}  // namespace guanxi
