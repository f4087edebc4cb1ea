// The served OpenAPI document: src/http/openapi.json with the fragments under
// src/http/openapi/ merged in. A fragment is a JSON object with any of "paths",
// "components" (schemas, parameters, responses) and "tags"; a fragment naming a
// path or component the document has already is a build mistake, caught by the
// OpenAPI unit test (the spec would silently lose one of them otherwise).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "http/api.h"

namespace guanxi::http {
namespace {

const std::vector<const char*>& Fragments() {
  static const std::vector<const char*> kFragments = {
#include "openapi_fragments.inc"
  };
  return kFragments;
}

[[noreturn]] void Broken(const std::string& what) {
  std::fprintf(stderr, "guanxi: OpenAPI fragment: %s\n", what.c_str());
  std::abort();
}

// Moves every member of `from` into `into` (both objects); a name present in
// both is a mistake.
void MergeMembers(rapidjson::Value& into, rapidjson::Value& from, rapidjson::Document::AllocatorType& a,
                  const std::string& where) {
  if (!into.IsObject() || !from.IsObject()) Broken(where + " is not an object");
  for (auto& m : from.GetObject()) {
    if (into.HasMember(m.name)) Broken(where + " has " + m.name.GetString() + " twice");
    into.AddMember(rapidjson::Value(m.name, a), rapidjson::Value(m.value, a), a);
  }
}

std::string Build() {
  rapidjson::Document doc;
  doc.Parse(
#include "openapi.json.inc"
  );
  if (doc.HasParseError() || !doc.IsObject()) Broken("openapi.json does not parse");
  auto& a = doc.GetAllocator();
  for (const char* text : Fragments()) {
    rapidjson::Document f;
    f.Parse(text);
    if (f.HasParseError() || !f.IsObject()) Broken("a fragment does not parse");
    if (f.HasMember("paths")) MergeMembers(doc["paths"], f["paths"], a, "paths");
    if (f.HasMember("components")) {
      for (auto& part : f["components"].GetObject()) {
        std::string name = part.name.GetString();
        auto& components = doc["components"];
        if (!components.HasMember(part.name)) {
          components.AddMember(rapidjson::Value(part.name, a), rapidjson::Value(rapidjson::kObjectType), a);
        }
        MergeMembers(components[name.c_str()], part.value, a, "components." + name);
      }
    }
    if (f.HasMember("tags")) {
      if (!doc.HasMember("tags")) doc.AddMember("tags", rapidjson::Value(rapidjson::kArrayType), a);
      for (auto& t : f["tags"].GetArray()) doc["tags"].PushBack(rapidjson::Value(t, a), a);
    }
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

const std::string& Api::OpenApiJson() {
  static const std::string kSpec = Build();
  return kSpec;
}

}  // namespace guanxi::http
