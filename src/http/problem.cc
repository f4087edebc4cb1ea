#include "http/problem.h"

#include "domain/customer_json.h"

namespace guanxi::http {
namespace {

const char* TitleFor(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

}  // namespace

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 422;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kConflict: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

HttpResponse Problem(int status, const std::string& detail, const std::vector<FieldError>& errors) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("type");
  w.String("about:blank");
  w.Key("title");
  w.String(TitleFor(status));
  w.Key("status");
  w.Int(status);
  w.Key("detail");
  WriteString(w, detail);
  if (!errors.empty()) {
    w.Key("errors");
    w.StartArray();
    for (const auto& e : errors) {
      w.StartObject();
      w.Key("field");
      WriteString(w, e.field);
      w.Key("message");
      WriteString(w, e.message);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  HttpResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body.assign(buf.GetString(), buf.GetSize());
  return r;
}

HttpResponse ProblemFrom(const Status& s) {
  int status = HttpStatusFor(s.code());
  // Internal details stay in the server log, not in the answer.
  std::string detail = status == 500 ? "internal error" : s.message();
  return Problem(status, detail, s.fields());
}

}  // namespace guanxi::http
