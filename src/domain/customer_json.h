// JSON forms of the archive's records, shared by the API, the audit log and
// `customers export`. Writers emit the wire names of DESIGN.md; times are RFC 3339
// UTC ("2026-11-23T10:00:00Z"). Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "domain/customer.h"
#include "domain/status.h"
#include "domain/user.h"

namespace guanxi {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// "2026-11-23T10:00:00Z"
std::string FormatUtc(UnixSeconds t);

// Write the record's fields as key/value pairs into an object the caller opened,
// so callers can add their own keys (owner_name, ...) before EndObject.
void WriteCustomerFields(JsonWriter& w, const Customer& c);
void WriteContactFields(JsonWriter& w, const Contact& c);
// A user without its password hash.
void WriteUserFields(JsonWriter& w, const User& u);

// Whole documents.
std::string CustomerToJson(const Customer& c);
std::string ContactToJson(const Contact& c);
std::string UserToJson(const User& u);
std::string TeamToJson(const Team& t);

// Storage encodings of the list fields.
std::string StringListToJson(const std::vector<std::string>& v);
std::vector<std::string> StringListFromJson(std::string_view json);
std::string CareDatesToJson(const std::vector<CareDate>& v);
std::vector<CareDate> CareDatesFromJson(std::string_view json);

// Writes a std::string as a JSON string value.
inline void WriteString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace guanxi
