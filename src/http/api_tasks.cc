// Routes of the follow-up tasks (docs/analytics-api.md): /tasks and
// /tasks/{id}/complete.
#include "http/analytics_json.h"
#include "http/api.h"
#include "http/api_internal.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

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

  router_.Add("POST", "/api/v1/tasks",
              authed([this, user_of, task_response](const HttpRequest& r, const PathParams&,
                                                    const Principal& p) {
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                TaskDraft d;
                in->Int("customer_id", d.customer_id);
                in->String("title", d.title);
                in->String("due_day", d.due_day);
                in->String("origin", d.origin);
                in->OptInt("assignee_user_id", d.assignee_user_id);
                std::string assignee;
                if (in->String("assignee", assignee) && !assignee.empty()) {
                  auto id = user_of(assignee, p);
                  if (!id.ok()) return ProblemFrom(id.status());
                  if (!*id) return Problem(422, "no such user", {{"assignee", "no such user"}});
                  d.assignee_user_id = *id;
                }
                RejectReadOnly(*in, {"id", "version", "status", "created_by", "created_at",
                                     "completed_at", "customer_name", "assignee_name"});
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                auto t = tasks_.Create(p, std::move(d));
                if (!t.ok()) return ProblemFrom(t.status());
                auto resp = task_response(201, *t);
                resp.headers.emplace_back("Location", "/api/v1/tasks/" + std::to_string(t->id));
                return resp;
              }));
  router_.Add(
      "GET", "/api/v1/tasks",
      authed([this, user_of](const HttpRequest& r, const PathParams&, const Principal& p) {
        TaskQuery q;
        std::vector<FieldError> errors;
        if (auto v = r.Query("customer_id"); v && !v->empty()) {
          if (auto id = ParseId(*v)) q.customer_id = id;
          else errors.push_back({"customer_id", "must be a customer id"});
        }
        if (auto v = r.Query("assignee"); v && !v->empty()) {
          auto id = user_of(*v, p);
          if (!id.ok()) return ProblemFrom(id.status());
          if (*id) q.assignee_user_id = **id;
          else errors.push_back({"assignee", "no such user"});
        }
        if (auto v = r.Query("status")) q.status = *v;
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
        return JsonOk(200, PageJson(
                               page->items,
                               [&](JsonWriter& w, const Task& t) {
                                 WriteTask(w, t, names.Name(t.customer_id),
                                           t.assignee_user_id ? OwnerName(*t.assignee_user_id)
                                                              : std::string());
                               },
                               page->next));
      }),
      {"customer_id", "assignee", "status", "limit", "after"});
  router_.Add("GET", "/api/v1/tasks/{id}",
              authed([this, task_response](const HttpRequest&, const PathParams& pp,
                                           const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto t = tasks_.Get(p, *id);
                if (!t.ok()) return ProblemFrom(t.status());
                return task_response(200, *t);
              }));
  router_.Add("POST", "/api/v1/tasks/{id}/complete",
              authed([this, task_response](const HttpRequest& r, const PathParams& pp,
                                           const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                auto t = tasks_.Complete(p, *id, *version);
                if (!t.ok()) return ProblemFrom(t.status());
                return task_response(200, *t);
              }));
}

}  // namespace guanxi::http
