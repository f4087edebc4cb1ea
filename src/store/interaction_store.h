// Interactions and the customer's 360° timeline. Reached through
// Store::Interactions(); same database and connections as the Store.
// Thread-safe. Every mutation writes its audit row(s) in the same transaction.
//
// The timeline is one newest-first page merged from every table that records
// something about a customer (store/timeline_sources.h lists them; a new kind
// of record — service cases, surveys, loyalty — is one source added there).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/interaction.h"
#include "domain/status.h"
#include "store/store.h"
#include "store/task_store.h"

namespace guanxi {

struct InteractionQuery {
  VisibilityScope scope;  // by the interaction's customer's owner
  std::optional<int64_t> customer_id;
  std::optional<int64_t> user_id;
  std::string channel;  // "" for any
  std::string after;    // cursor; pages run by at desc, id desc
  int limit = 50;
};

// An interaction together with the follow-up task logged with it, if any.
struct LoggedInteraction {
  Interaction interaction;
  std::optional<Task> follow_up;
};

// One entry of a customer's timeline.
struct TimelineEntry {
  std::string kind;   // the filter group: interaction | task | order | opportunity |
                      // lifecycle | owner | merge | journey
  std::string event;  // what happened within the kind (logged, created, completed, stage, …)
  int64_t id = 0;     // the record's id in its own table
  UnixSeconds at = 0;
  std::string title;   // the record's own words (subject, task title, order number …)
  std::string detail;  // secondary text, may be ""
  std::optional<int64_t> user_id;  // who did it; nullopt for the system
  std::string user_name;
  std::string data;  // a JSON object with the kind's own fields

  bool operator==(const TimelineEntry&) const = default;
};

struct TimelineQuery {
  int64_t customer_id = 0;
  std::vector<std::string> kinds;  // filter groups; empty for every kind
  std::string after;               // cursor of the previous page
  int limit = 50;
};

class InteractionStore {
 public:
  virtual ~InteractionStore() = default;

  // Inserts `i` (id, version 1, created/updated at i.created_at) and, when
  // given, its follow-up task (kind follow_up, origin interaction, origin_id =
  // the new interaction's id, status open) in one transaction, each with its
  // audit row (the task's audit is `audit` with entity "task"). InvalidArgument
  // naming the field when the customer, contact (of that customer), opportunity
  // (of that customer), user or the task's assignee ("follow_up/assignee_user_id")
  // does not exist: then nothing is written.
  virtual Result<LoggedInteraction> CreateInteraction(Interaction i, std::optional<Task> follow_up,
                                                      AuditEntry audit) = 0;
  virtual Result<Interaction> GetInteraction(int64_t id) = 0;
  // Replaces contact, user, channel, direction, at, subject, summary, outcome,
  // duration, opportunity and case when the stored version equals i.version
  // (Conflict otherwise); the customer does not change. Same reference checks
  // as CreateInteraction. Bumps version and updated_at (= i.updated_at).
  virtual Result<Interaction> UpdateInteraction(Interaction i, AuditEntry audit) = 0;
  // Conflict when the stored version is not expected_version.
  virtual Status DeleteInteraction(int64_t id, int64_t expected_version, AuditEntry audit) = 0;
  // Newest first (at desc, id desc). InvalidArgument ("after", "channel") for a
  // cursor this store did not issue or an unknown channel.
  virtual Result<Page<Interaction>> ListInteractions(const InteractionQuery& q) = 0;

  // Inserts demo/import rows as they are (version 1, their own at, created_at
  // and updated_at) in one transaction without audit rows, and fills their ids.
  // References are not checked beyond the database's foreign keys.
  virtual Status InsertInteractionsBulk(std::vector<Interaction>& rows) = 0;

  // One page of the customer's timeline, newest first: at desc, then the
  // entry's source (kind.event order of store/timeline_sources.h) ascending,
  // then id desc. InvalidArgument ("kinds", "after") for an unknown kind or a
  // foreign cursor. Does not check that the customer exists.
  virtual Result<Page<TimelineEntry>> Timeline(const TimelineQuery& q) = 0;
};

}  // namespace guanxi
