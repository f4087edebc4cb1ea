// Status and Result<T>: expected failures as values.
//
// Every operation that can fail for a reason the caller should handle (bad input,
// a missing record, a stale version, a permission rule) returns a Status or a
// Result<T>. Exceptions are reserved for programmer errors and are caught at the
// adapter that calls a throwing library; none crosses a module boundary.
//
// A Status carries a canonical code, a human message and, for invalid input, the
// list of fields that were wrong. The HTTP layer maps codes to statuses in one
// table (http/problem.cc). Status values are immutable and safe to copy between
// threads.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace guanxi {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the input is malformed or fails validation (HTTP 422/400)
  kNotFound,            // no such record, or not visible to the caller (HTTP 404)
  kAlreadyExists,       // a unique key is taken (HTTP 409)
  kConflict,            // optimistic concurrency: the version is stale (HTTP 409)
  kFailedPrecondition,  // the request is valid but the state forbids it (HTTP 409)
  kUnauthenticated,     // no or bad credentials (HTTP 401)
  kPermissionDenied,    // authenticated but not allowed (HTTP 403)
  kResourceExhausted,   // rate limit or size limit (HTTP 429/413)
  kUnavailable,         // shutting down, database busy (HTTP 503)
  kInternal,            // a bug or an unexpected library failure (HTTP 500)
};

const char* StatusCodeName(StatusCode code);

// One wrong input field: `field` is a JSON-pointer-like path ("phone", "tags/2").
struct FieldError {
  std::string field;
  std::string message;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::vector<FieldError> fields = {})
      : code_(code), message_(std::move(message)), fields_(std::move(fields)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string msg, std::vector<FieldError> fields = {}) {
    return {StatusCode::kInvalidArgument, std::move(msg), std::move(fields)};
  }
  static Status InvalidField(std::string field, std::string msg) {
    std::string detail = msg;
    return {StatusCode::kInvalidArgument, std::move(detail), {{std::move(field), std::move(msg)}}};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg, std::vector<FieldError> fields = {}) {
    return {StatusCode::kAlreadyExists, std::move(msg), std::move(fields)};
  }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status Unauthenticated(std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(msg)};
  }
  static Status PermissionDenied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status ResourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& fields() const { return fields_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<FieldError> fields_;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace guanxi

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define GX_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::guanxi::Status gx_status_ = (expr);        \
    if (!gx_status_.ok()) return gx_status_;     \
  } while (0)

#define GX_CONCAT_INNER(a, b) a##b
#define GX_CONCAT(a, b) GX_CONCAT_INNER(a, b)
// `GX_ASSIGN_OR_RETURN(auto x, F())` binds the value of a Result or returns its Status.
#define GX_ASSIGN_OR_RETURN(lhs, expr) \
  GX_ASSIGN_OR_RETURN_IMPL(GX_CONCAT(gx_result_, __LINE__), lhs, expr)
#define GX_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
