// Routes of tasks and my day (docs/relationship-api.md, "Tasks + my day"):
// /tasks, /tasks/{id}, /tasks/{id}/complete, /tasks/{id}/cancel,
// /tasks/my-day and /tasks/reminders.
#include "http/api.h"
#include "http/api_internal.h"
#include "http/task_json.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

void WriteBucket(JsonWriter& w, const char* key, const TaskBucket& b,
                 const std::function<void(JsonWriter&, const Task&)>& write_task) {
  w.Key(key);
  w.StartArray();
  for (const Task& t : b.items) write_task(w, t);
  w.EndArray();
}

void WriteUserRef(JsonWriter& w, const User& u) {
  w.StartObject();
  w.Key("id");
  w.Int64(u.id);
  w.Key("login");
  WriteString(w, u.login);
  w.Key("display_name");
  WriteString(w, u.display_name);
  w.EndObject();
}

}  // namespace

void Api::AddTaskRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };
  // The user id a login names ("me": the caller); nullopt for an unknown login.
  auto user_of = [this](const std::string& login, const Principal& p) -> Result<std::optional<int64_t>> {
    if (login == "me") return std::optional<int64_t>(p.user_id);
    auto u = store_.GetUserByLogin(login);
    if (!u.ok()) {
      if (u.status().code() == StatusCode::kNotFound) return std::optional<int64_t>();
      return u.status();
    }
    return std::optional<int64_t>(u->id);
  };
  auto task_response = [this](int status, const Task& t) {
    CustomerNameBook names(store_);
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) {
                         WriteTask(w, t, names.Name(t.customer_id),
                                   t.assignee_user_id ? OwnerName(*t.assignee_user_id) : std::string());
                       }));
    AddETag(resp, t.version);
    return resp;
  };
  // Writes tasks with their names; the customer names of all of them are read at once.
  auto task_writer = [this](CustomerNameBook& names) {
    return [this, &names](JsonWriter& w, const Task& t) {
      WriteTask(w, t, names.Name(t.customer_id), t.assignee_user_id ? OwnerName(*t.assignee_user_id) : std::string());
    };
  };
  // {note?} of complete and cancel; an absent or empty body is no note.
  auto read_note = [](const HttpRequest& r, std::string& note) -> std::optional<HttpResponse> {
    if (r.body.empty()) return std::nullopt;
    auto in = ParseBody(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    in->NullableString("note", note);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    return std::nullopt;
  };

  router_.Add("POST", "/api/v1/tasks",
              authed([this, user_of, task_response](const HttpRequest& r, const PathParams&,
                                                    const Principal& p) {
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                TaskDraft d;
                in->Int("customer_id", d.customer_id);
                in->String("title", d.title);
                in->String("kind", d.kind);
                in->String("priority", d.priority);
                in->String("due_day", d.due_day);
                std::string due_time;
                if (!in->IsNull("due_time")) {
                  if (in->String("due_time", due_time) && !due_time.empty()) d.due_time = due_time;
                } else {
                  in->Accept("due_time");
                }
                in->NullableString("note", d.note);
                in->String("origin", d.origin);
                // An assignee given by id names that field in errors; one given
                // by login, or the default, names "assignee".
                d.assignee_field = in->Has("assignee_user_id") ? "assignee_user_id" : "assignee";
                in->OptInt("assignee_user_id", d.assignee_user_id);
                std::string assignee;
                if (in->String("assignee", assignee) && !assignee.empty()) {
                  auto id = user_of(assignee, p);
                  if (!id.ok()) return ProblemFrom(id.status());
                  if (!*id) return Problem(422, "no such user", {{"assignee", "no such user"}});
                  d.assignee_user_id = *id;
                }
                RejectReadOnly(*in, {"id", "version", "status", "origin_id", "dedupe_key", "completion_note",
                                     "created_by", "created_at", "updated_at", "completed_at", "completed_by",
                                     "customer_name", "assignee_name"});
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                auto t = tasks_.Create(p, std::move(d));
                if (!t.ok()) return ProblemFrom(t.status());
                auto resp = task_response(201, *t);
                resp.headers.emplace_back("Location", "/api/v1/tasks/" + std::to_string(t->id));
                return resp;
              }));

  router_.Add(
      "GET", "/api/v1/tasks",
      authed([this, user_of, task_writer](const HttpRequest& r, const PathParams&, const Principal& p) {
        TaskQuery q;
        std::vector<FieldError> errors;
        auto id_param = [&](const char* name, std::optional<int64_t>& out) {
          if (auto v = r.Query(name); v && !v->empty()) {
            if (auto id = ParseId(*v)) out = id;
            else errors.push_back({name, "must be an id"});
          }
        };
        id_param("customer_id", q.customer_id);
        id_param("assignee_user_id", q.assignee_user_id);
        id_param("team_id", q.assignee_team_id);
        if (auto v = r.Query("assignee"); v && !v->empty()) {
          auto id = user_of(*v, p);
          if (!id.ok()) return ProblemFrom(id.status());
          if (*id) q.assignee_user_id = **id;
          else errors.push_back({"assignee", "no such user"});
        }
        if (auto v = r.Query("status")) q.status = *v;
        if (auto v = r.Query("kind")) q.kind = *v;
        if (auto v = r.Query("due_from")) q.due_from = *v;
        if (auto v = r.Query("due_to")) q.due_to = *v;
        if (auto v = r.Query("limit")) {
          auto n = ParseId(*v);
          if (!n || *n > 200) errors.push_back({"limit", "must be between 1 and 200"});
          else q.limit = static_cast<int>(*n);
        }
        if (auto v = r.Query("after")) q.after = *v;
        if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
        auto page = tasks_.List(p, q);
        if (!page.ok()) {
          if (page.status().code() == StatusCode::kInvalidArgument) {
            return Problem(400, page.status().message(), page.status().fields());
          }
          return ProblemFrom(page.status());
        }
        CustomerNameBook names(store_);
        std::vector<int64_t> ids;
        for (const Task& t : page->items) ids.push_back(t.customer_id);
        names.Load(ids);
        return JsonOk(200, PageJson(page->items, task_writer(names), page->next));
      }),
      {"customer_id", "assignee", "assignee_user_id", "team_id", "status", "kind", "due_from", "due_to", "limit",
       "after"});

  router_.Add(
      "GET", "/api/v1/tasks/my-day",
      authed([this, task_writer](const HttpRequest& r, const PathParams&, const Principal& p) {
        std::optional<int64_t> user_id, team_id;
        std::vector<FieldError> errors;
        if (auto v = r.Query("user_id"); v && !v->empty()) {
          if (auto id = ParseId(*v)) user_id = id;
          else errors.push_back({"user_id", "must be a user id"});
        }
        if (auto v = r.Query("team_id"); v && !v->empty()) {
          if (auto id = ParseId(*v)) team_id = id;
          else errors.push_back({"team_id", "must be a team id"});
        }
        if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
        auto day = tasks_.GetMyDay(p, user_id, team_id);
        if (!day.ok()) {
          if (day.status().code() == StatusCode::kInvalidArgument) {
            return Problem(400, day.status().message(), day.status().fields());
          }
          return ProblemFrom(day.status());
        }
        CustomerNameBook names(store_);
        std::vector<int64_t> ids;
        for (const TaskBucket* b : {&day->overdue, &day->due_today, &day->upcoming}) {
          for (const Task& t : b->items) ids.push_back(t.customer_id);
        }
        names.Load(ids);
        auto write_task = task_writer(names);
        return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                        w.StartObject();
                        w.Key("today");
                        WriteString(w, day->today);
                        w.Key("now_time");
                        WriteString(w, day->now_time);
                        if (day->team) {
                          w.Key("team");
                          w.StartObject();
                          w.Key("id");
                          w.Int64(day->team->id);
                          w.Key("name");
                          WriteString(w, day->team->name);
                          w.Key("members");
                          w.StartArray();
                          for (const User& u : day->members) WriteUserRef(w, u);
                          w.EndArray();
                          w.EndObject();
                        } else {
                          w.Key("user");
                          WriteUserRef(w, *day->user);
                        }
                        WriteBucket(w, "overdue", day->overdue, write_task);
                        WriteBucket(w, "due_today", day->due_today, write_task);
                        WriteBucket(w, "upcoming", day->upcoming, write_task);
                        w.Key("counts");
                        w.StartObject();
                        w.Key("overdue");
                        w.Int64(day->overdue.total);
                        w.Key("due_today");
                        w.Int64(day->due_today.total);
                        w.Key("upcoming");
                        w.Int64(day->upcoming.total);
                        w.EndObject();
                        w.EndObject();
                      }));
      }),
      {"user_id", "team_id"});

  router_.Add("GET", "/api/v1/tasks/reminders",
              authed([this](const HttpRequest&, const PathParams&, const Principal& p) {
                auto counts = tasks_.Reminders(p);
                if (!counts.ok()) return ProblemFrom(counts.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartObject();
                                w.Key("overdue");
                                w.Int64(counts->overdue);
                                w.Key("due_today");
                                w.Int64(counts->due_today);
                                w.EndObject();
                              }));
              }));

  router_.Add("GET", "/api/v1/tasks/{id}",
              authed([this, task_response](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto t = tasks_.Get(p, *id);
                if (!t.ok()) return ProblemFrom(t.status());
                return task_response(200, *t);
              }));

  router_.Add("PATCH", "/api/v1/tasks/{id}",
              authed([this, user_of, task_response](const HttpRequest& r, const PathParams& pp,
                                                    const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                TaskPatch patch;
                auto text = [&](const char* name, std::optional<std::string>& out) {
                  std::string v;
                  if (in->String(name, v)) out = v;
                };
                text("title", patch.title);
                text("priority", patch.priority);
                text("due_day", patch.due_day);
                if (in->Has("due_time")) {
                  std::string v;
                  if (in->IsNull("due_time")) {
                    in->Accept("due_time");
                    patch.due_time = std::optional<std::string>();
                  } else if (in->String("due_time", v)) {
                    patch.due_time = v.empty() ? std::optional<std::string>() : std::optional<std::string>(v);
                  }
                }
                if (in->Has("note")) {
                  std::string v;
                  in->NullableString("note", v);
                  patch.note = v;
                }
                if (in->Has("assignee_user_id")) {
                  std::optional<int64_t> v;
                  in->OptInt("assignee_user_id", v);
                  patch.assignee_user_id = v;
                }
                std::string assignee;
                if (in->String("assignee", assignee) && !assignee.empty()) {
                  auto uid = user_of(assignee, p);
                  if (!uid.ok()) return ProblemFrom(uid.status());
                  if (!*uid) return Problem(422, "no such user", {{"assignee", "no such user"}});
                  patch.assignee_user_id = *uid;
                  patch.assignee_field = "assignee";
                }
                RejectReadOnly(*in, {"id", "version", "customer_id", "kind", "status", "origin", "origin_id",
                                     "dedupe_key", "completion_note", "created_by", "created_at", "updated_at",
                                     "completed_at", "completed_by", "customer_name", "assignee_name"});
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                auto t = tasks_.Update(p, *id, *version, std::move(patch));
                if (!t.ok()) return ProblemFrom(t.status());
                return task_response(200, *t);
              }));

  for (const char* action : {"complete", "cancel"}) {
    const bool complete = std::string(action) == "complete";
    router_.Add("POST", std::string("/api/v1/tasks/{id}/") + action,
                authed([this, complete, read_note, task_response](const HttpRequest& r, const PathParams& pp,
                                                                  const Principal& p) {
                  auto id = IdParam(pp);
                  if (!id) return BadId();
                  auto version = IfMatch(r);
                  if (!version.ok()) return IfMatchProblem(version.status());
                  std::string note;
                  if (auto bad = read_note(r, note)) return *bad;
                  auto t = complete ? tasks_.Complete(p, *id, *version, note) : tasks_.Cancel(p, *id, *version, note);
                  if (!t.ok()) return ProblemFrom(t.status());
                  return task_response(200, *t);
                }));
  }
}

}  // namespace guanxi::http
