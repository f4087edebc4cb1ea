// Interactions (互动记录): every contact with a customer on any channel — a
// visit, a call, a web enquiry, an email, a fax, a WeChat chat, a text message.
// A plain value type and its validation; storing it is store/interaction_store.h.
//
//   Interaction i;
//   i.customer_id = 7; i.channel = "phone"; i.direction = "outbound";
//   i.at = now; i.summary = "问了报价";
//   GX_RETURN_IF_ERROR(ValidateInteraction(i, now));  // names every wrong field
//
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/customer.h"
#include "domain/status.h"

namespace guanxi {

struct Interaction {
  int64_t id = 0;
  int64_t version = 0;
  int64_t customer_id = 0;
  std::optional<int64_t> contact_id;      // must belong to the customer
  std::optional<int64_t> user_id;         // who had the contact (the caller by default)
  std::string channel = "phone";          // a key of InteractionChannels()
  std::string direction = "outbound";     // "inbound" (they reached us) | "outbound"
  UnixSeconds at = 0;                     // when it happened
  std::string subject;                    // ≤ kMaxInteractionSubject characters
  std::string summary;                    // ≤ kMaxInteractionText characters, multi-line
  std::string outcome;                    // ≤ kMaxInteractionText characters, multi-line
  std::optional<int64_t> duration_minutes;  // 0 .. kMaxInteractionMinutes
  std::optional<int64_t> opportunity_id;  // must belong to the customer
  std::optional<int64_t> case_id;         // a service case (no table yet: not checked)
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;

  bool operator==(const Interaction&) const = default;
};

struct InteractionChannel {
  std::string_view key;
  std::string_view name_zh;
  std::string_view name_en;
};

// The channel vocabulary, in the order forms list it.
const std::array<InteractionChannel, 8>& InteractionChannels();
bool IsInteractionChannel(std::string_view key);
bool IsInteractionDirection(std::string_view key);

inline constexpr size_t kMaxInteractionSubject = 200;
inline constexpr size_t kMaxInteractionText = 10000;
inline constexpr int64_t kMaxInteractionMinutes = 1440;
// How far `at` may lie ahead of the server clock: client clocks drift.
inline constexpr int64_t kInteractionClockSkewSeconds = 300;
// 1990-01-01T00:00:00Z: nothing this CRM records happened earlier.
inline constexpr UnixSeconds kEarliestInteraction = 631152000;

// Trims the text fields in place and checks every field a person enters
// (channel, direction, at against `now`, subject, summary, outcome,
// duration_minutes, customer_id). InvalidArgument listing every wrong field.
// Whether the referenced records exist is the store's check.
Status ValidateInteraction(Interaction& i, UnixSeconds now);

// The compact JSON of an interaction (the audit log's before/after).
std::string InteractionToJson(const Interaction& i);

}  // namespace guanxi
