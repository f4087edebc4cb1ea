// Reading JSON request bodies strictly: the body must be one UTF-8 JSON object;
// each field read must have the expected type; fields nobody read are errors.
//
//   GX_ASSIGN_OR_RETURN(auto in, JsonObjectReader::Parse(body));  // malformed → error
//   in.String("name", customer.name);            // only assigns when present
//   in.OptInt("owner_user_id", customer.owner_user_id);  // null clears
//   GX_RETURN_IF_ERROR(in.Finish());             // type errors and unknown fields
//
// Errors name the field with its JSON path ("tags/2"). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/customer.h"
#include "domain/status.h"

namespace guanxi {

class JsonObjectReader {
 public:
  // InvalidArgument (field "") when the text is not valid UTF-8 JSON or not an object.
  static Result<JsonObjectReader> Parse(std::string_view body);
  JsonObjectReader(JsonObjectReader&&) noexcept;
  ~JsonObjectReader();

  bool Has(std::string_view name) const;
  bool IsNull(std::string_view name) const;

  // Each reader assigns `out` only when the field is present and well-typed, and
  // records an error when it is present with the wrong type.
  // Returns true when the field was present and a string (and `out` was assigned).
  bool String(std::string_view name, std::string& out);
  void Int(std::string_view name, int64_t& out);
  void OptInt(std::string_view name, std::optional<int64_t>& out);  // null → nullopt
  void Bool(std::string_view name, bool& out);
  void StringArray(std::string_view name, std::vector<std::string>& out);
  void CareDates(std::string_view name, std::vector<CareDate>& out);
  // A string that may be null (null → "").
  void NullableString(std::string_view name, std::string& out);

  // Records a domain error against a field (e.g. an unknown enum value).
  void AddError(std::string field, std::string message);
  // Marks a field as understood without reading it.
  void Accept(std::string_view name);

  // OK when every field was read with the right type and none is unknown.
  Status Finish();

 private:
  struct Doc;
  explicit JsonObjectReader(std::unique_ptr<Doc> doc);
  std::unique_ptr<Doc> doc_;
  std::set<std::string, std::less<>> seen_;
  std::vector<FieldError> errors_;
};

}  // namespace guanxi
