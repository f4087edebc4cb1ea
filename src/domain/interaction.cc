#include "domain/interaction.h"

#include <algorithm>

#include "domain/customer_json.h"
#include "domain/field_check.h"

namespace guanxi {

namespace {

using domain_internal::CheckText;
using domain_internal::FieldErrors;
using domain_internal::Lines;

constexpr std::array<InteractionChannel, 8> kChannels = {{
    {"face_to_face", "面对面", "Face to face"},
    {"phone", "电话", "Phone"},
    {"web", "网站", "Web"},
    {"email", "电子邮件", "Email"},
    {"fax", "传真", "Fax"},
    {"wechat", "微信", "WeChat"},
    {"sms", "短信", "SMS"},
    {"other", "其他", "Other"},
}};

void WriteOpt(JsonWriter& w, const char* key, const std::optional<int64_t>& v) {
  w.Key(key);
  if (v) w.Int64(*v); else w.Null();
}

}  // namespace

const std::array<InteractionChannel, 8>& InteractionChannels() { return kChannels; }

bool IsInteractionChannel(std::string_view key) {
  return std::any_of(kChannels.begin(), kChannels.end(), [&](const auto& c) { return c.key == key; });
}

bool IsInteractionDirection(std::string_view key) { return key == "inbound" || key == "outbound"; }

Status ValidateInteraction(Interaction& i, UnixSeconds now) {
  FieldErrors errors;
  if (i.customer_id <= 0) errors.Add("customer_id", "is required");
  if (!IsInteractionChannel(i.channel)) {
    errors.Add("channel", "must be one of face_to_face, phone, web, email, fax, wechat, sms, other");
  }
  if (!IsInteractionDirection(i.direction)) errors.Add("direction", "must be inbound or outbound");
  if (i.at > now + kInteractionClockSkewSeconds) {
    errors.Add("at", "must not be in the future");
  } else if (i.at < kEarliestInteraction) {
    errors.Add("at", "must not be before 1990-01-01");
  }
  CheckText(errors, "subject", i.subject, kMaxInteractionSubject, false);
  CheckText(errors, "summary", i.summary, kMaxInteractionText, false, Lines::kMulti);
  CheckText(errors, "outcome", i.outcome, kMaxInteractionText, false, Lines::kMulti);
  if (i.duration_minutes && (*i.duration_minutes < 0 || *i.duration_minutes > kMaxInteractionMinutes)) {
    errors.Add("duration_minutes", "must be between 0 and 1440");
  }
  for (auto [field, id] : {std::pair{"contact_id", i.contact_id}, std::pair{"opportunity_id", i.opportunity_id},
                           std::pair{"case_id", i.case_id}, std::pair{"user_id", i.user_id}}) {
    if (id && *id <= 0) errors.Add(field, "must be a positive id");
  }
  return std::move(errors).ToStatus("invalid interaction");
}

std::string InteractionToJson(const Interaction& i) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("id");
  w.Int64(i.id);
  w.Key("version");
  w.Int64(i.version);
  w.Key("customer_id");
  w.Int64(i.customer_id);
  WriteOpt(w, "contact_id", i.contact_id);
  WriteOpt(w, "user_id", i.user_id);
  w.Key("channel");
  WriteString(w, i.channel);
  w.Key("direction");
  WriteString(w, i.direction);
  w.Key("at");
  w.Int64(i.at);
  w.Key("subject");
  WriteString(w, i.subject);
  w.Key("summary");
  WriteString(w, i.summary);
  w.Key("outcome");
  WriteString(w, i.outcome);
  WriteOpt(w, "duration_minutes", i.duration_minutes);
  WriteOpt(w, "opportunity_id", i.opportunity_id);
  WriteOpt(w, "case_id", i.case_id);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace guanxi
