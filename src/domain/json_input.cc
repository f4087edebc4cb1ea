#include "domain/json_input.h"

#include <rapidjson/document.h>
#include <rapidjson/encodings.h>
#include <rapidjson/error/en.h>

namespace guanxi {

struct JsonObjectReader::Doc {
  rapidjson::Document d;
  const rapidjson::Value* Find(std::string_view name) const {
    auto it = d.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
    return it == d.MemberEnd() ? nullptr : &it->value;
  }
};

JsonObjectReader::JsonObjectReader(std::unique_ptr<Doc> doc) : doc_(std::move(doc)) {}
JsonObjectReader::JsonObjectReader(JsonObjectReader&&) noexcept = default;
JsonObjectReader::~JsonObjectReader() = default;

Result<JsonObjectReader> JsonObjectReader::Parse(std::string_view body) {
  auto doc = std::make_unique<Doc>();
  // Iterative parsing: deeply nested input cannot exhaust the stack.
  doc->d.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
      body.data(), body.size());
  if (doc->d.HasParseError()) {
    return Status::InvalidField(
        "", std::string("malformed JSON at byte ") + std::to_string(doc->d.GetErrorOffset()) +
                ": " + rapidjson::GetParseError_En(doc->d.GetParseError()));
  }
  if (!doc->d.IsObject()) return Status::InvalidField("", "the body must be a JSON object");
  // Duplicate keys are ambiguous: reject them.
  std::set<std::string_view> keys;
  for (auto& m : doc->d.GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    if (!keys.insert(k).second) return Status::InvalidField(std::string(k), "duplicate field");
  }
  return JsonObjectReader(std::move(doc));
}

bool JsonObjectReader::Has(std::string_view name) const { return doc_->Find(name) != nullptr; }

bool JsonObjectReader::IsNull(std::string_view name) const {
  const auto* v = doc_->Find(name);
  return v && v->IsNull();
}

void JsonObjectReader::Accept(std::string_view name) { seen_.emplace(name); }

void JsonObjectReader::AddError(std::string field, std::string message) {
  errors_.push_back({std::move(field), std::move(message)});
}

bool JsonObjectReader::String(std::string_view name, std::string& out) {
  const auto* v = doc_->Find(name);
  if (!v) return false;
  seen_.emplace(name);
  if (!v->IsString()) {
    AddError(std::string(name), "must be a string");
    return false;
  }
  out.assign(v->GetString(), v->GetStringLength());
  return true;
}

void JsonObjectReader::NullableString(std::string_view name, std::string& out) {
  const auto* v = doc_->Find(name);
  if (!v) return;
  seen_.emplace(name);
  if (v->IsNull()) {
    out.clear();
    return;
  }
  if (!v->IsString()) return AddError(std::string(name), "must be a string or null");
  out.assign(v->GetString(), v->GetStringLength());
}

void JsonObjectReader::Int(std::string_view name, int64_t& out) {
  const auto* v = doc_->Find(name);
  if (!v) return;
  seen_.emplace(name);
  if (!v->IsInt64()) return AddError(std::string(name), "must be an integer");
  out = v->GetInt64();
}

void JsonObjectReader::OptInt(std::string_view name, std::optional<int64_t>& out) {
  const auto* v = doc_->Find(name);
  if (!v) return;
  seen_.emplace(name);
  if (v->IsNull()) {
    out.reset();
    return;
  }
  if (!v->IsInt64()) return AddError(std::string(name), "must be an integer or null");
  out = v->GetInt64();
}

void JsonObjectReader::Bool(std::string_view name, bool& out) {
  const auto* v = doc_->Find(name);
  if (!v) return;
  seen_.emplace(name);
  if (!v->IsBool()) return AddError(std::string(name), "must be true or false");
  out = v->GetBool();
}

void JsonObjectReader::StringArray(std::string_view name, std::vector<std::string>& out) {
  const auto* v = doc_->Find(name);
  if (!v) return;
  seen_.emplace(name);
  if (!v->IsArray()) return AddError(std::string(name), "must be an array of strings");
  std::vector<std::string> items;
  bool ok = true;
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const auto& e = (*v)[i];
    if (!e.IsString()) {
      AddError(std::string(name) + "/" + std::to_string(i), "must be a string");
      ok = false;
      continue;
    }
    items.emplace_back(e.GetString(), e.GetStringLength());
  }
  if (ok) out = std::move(items);
}

void JsonObjectReader::CareDates(std::string_view name, std::vector<CareDate>& out) {
  const auto* v = doc_->Find(name);
  if (!v) return;
  seen_.emplace(name);
  if (!v->IsArray()) return AddError(std::string(name), "must be an array of objects");
  std::vector<CareDate> items;
  bool ok = true;
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const auto& e = (*v)[i];
    std::string path = std::string(name) + "/" + std::to_string(i);
    if (!e.IsObject()) {
      AddError(path, "must be an object with kind, label and date");
      ok = false;
      continue;
    }
    CareDate cd;
    for (auto& m : e.GetObject()) {
      std::string_view key(m.name.GetString(), m.name.GetStringLength());
      std::string* target = key == "kind" ? &cd.kind : key == "label" ? &cd.label
                            : key == "date" ? &cd.date : nullptr;
      if (!target) {
        AddError(path + "/" + std::string(key), "unknown field");
        ok = false;
      } else if (!m.value.IsString()) {
        AddError(path + "/" + std::string(key), "must be a string");
        ok = false;
      } else {
        target->assign(m.value.GetString(), m.value.GetStringLength());
      }
    }
    items.push_back(std::move(cd));
  }
  if (ok) out = std::move(items);
}

Status JsonObjectReader::Finish() {
  std::vector<FieldError> errors = errors_;
  for (auto& m : doc_->d.GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    if (!seen_.count(k)) errors.push_back({std::string(k), "unknown field"});
  }
  if (errors.empty()) return Status::Ok();
  std::string detail = errors.size() == 1 ? errors[0].field + ": " + errors[0].message
                                          : std::to_string(errors.size()) + " fields are invalid";
  return Status::InvalidArgument(detail, std::move(errors));
}

}  // namespace guanxi
