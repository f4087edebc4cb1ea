// TaskService's "my day" and reminders: the open tasks of one user or of a
// team's members in three buckets. Each bucket is read per assignee on the
// task_assignee index (assignee_user_id, status, due_day, id), so the cost
// follows the people asked about, not the millions of open tasks; a team's
// pages are merged here.
#include <algorithm>

#include "domain/sales.h"
#include "service/task_service.h"

namespace guanxi {

namespace {

// The list order of the store: due day, due time (none last), id.
bool DueBefore(const Task& a, const Task& b) {
  const std::string ta = a.due_time.value_or("99:99");
  const std::string tb = b.due_time.value_or("99:99");
  if (a.due_day != b.due_day) return a.due_day < b.due_day;
  if (ta != tb) return ta < tb;
  return a.id < b.id;
}

bool MayAskForOthers(const Principal& p) { return p.role == Role::kAdmin || p.role == Role::kManager; }

}  // namespace

Result<TaskBucket> TaskService::Bucket(const std::vector<int64_t>& assignees, TaskQuery q) {
  TaskBucket out;
  q.status = "open";
  q.limit = kMyDayCap;
  for (int64_t id : assignees) {
    q.assignee_user_id = id;
    GX_ASSIGN_OR_RETURN(Page<Task> page, store_.Tasks().ListTasks(q));
    GX_ASSIGN_OR_RETURN(int64_t n, store_.Tasks().CountTasks(q));
    out.total += n;
    for (Task& t : page.items) out.items.push_back(std::move(t));
  }
  std::sort(out.items.begin(), out.items.end(), DueBefore);
  if (out.items.size() > static_cast<size_t>(kMyDayCap)) out.items.resize(kMyDayCap);
  return out;
}

Result<MyDay> TaskService::GetMyDay(const Principal& p, std::optional<int64_t> user_id,
                                    std::optional<int64_t> team_id) {
  if (user_id && team_id) {
    return Status::InvalidArgument("invalid query parameters", {{"team_id", "give user_id or team_id, not both"}});
  }
  MyDay day;
  std::vector<int64_t> assignees;
  if (team_id) {
    if (!MayAskForOthers(p)) return Status::PermissionDenied("only managers and admins see a team's day");
    if (p.role == Role::kManager && p.team_id != team_id) {
      return Status::PermissionDenied("a manager sees their own team's day");
    }
    auto team = store_.GetTeam(*team_id);
    if (!team.ok()) {
      if (team.status().code() == StatusCode::kNotFound) return Status::NotFound("no such team");
      return team.status();
    }
    day.team = *team;
    GX_ASSIGN_OR_RETURN(std::vector<User> users, store_.ListUsers());
    for (User& u : users) {
      if (u.team_id != team_id) continue;
      u.password_hash.clear();
      assignees.push_back(u.id);
      day.members.push_back(std::move(u));
    }
  } else {
    const int64_t target = user_id.value_or(p.user_id);
    if (target != p.user_id && !MayAskForOthers(p)) {
      return Status::PermissionDenied("sales, service and analysts see only their own day");
    }
    auto user = store_.GetUser(target);
    if (!user.ok()) {
      if (user.status().code() == StatusCode::kNotFound) return Status::NotFound("no such user");
      return user.status();
    }
    if (target != p.user_id && p.role == Role::kManager && (!p.team_id || user->team_id != p.team_id)) {
      return Status::PermissionDenied("a manager sees the day of their own team's members");
    }
    user->password_hash.clear();
    day.user = *user;
    assignees.push_back(target);
  }

  const UnixSeconds now = clock_.Now();
  day.today = BusinessDay(now);
  day.now_time = LocalTime(now);
  TaskQuery base;
  base.scope = CustomerScope(p);
  TaskQuery overdue = base;
  overdue.due_before = DueMoment{day.today, day.now_time};
  GX_ASSIGN_OR_RETURN(day.overdue, Bucket(assignees, overdue));
  TaskQuery today = base;
  today.due_from = today.due_to = day.today;
  today.due_not_before = DueMoment{day.today, day.now_time};
  GX_ASSIGN_OR_RETURN(day.due_today, Bucket(assignees, today));
  TaskQuery upcoming = base;
  upcoming.due_from = AddDays(day.today, 1);
  upcoming.due_to = AddDays(day.today, 7);
  GX_ASSIGN_OR_RETURN(day.upcoming, Bucket(assignees, upcoming));
  return day;
}

Result<TaskReminders> TaskService::Reminders(const Principal& p) {
  TaskReminders out;
  if (p.user_id == 0) return out;
  const UnixSeconds now = clock_.Now();
  const DueMoment moment{BusinessDay(now), LocalTime(now)};
  TaskQuery q;
  q.scope = CustomerScope(p);
  q.status = "open";
  q.assignee_user_id = p.user_id;
  q.due_before = moment;
  GX_ASSIGN_OR_RETURN(out.overdue, store_.Tasks().CountTasks(q));
  q.due_before.reset();
  q.due_from = q.due_to = moment.day;
  q.due_not_before = moment;
  GX_ASSIGN_OR_RETURN(out.due_today, store_.Tasks().CountTasks(q));
  return out;
}

}  // namespace guanxi
