// The JSON form of a task (docs/relationship-api.md, "Tasks"): every column with
// its customer's and assignee's names. Days YYYY-MM-DD, due_time HH:MM or null,
// created_at / updated_at / completed_at RFC 3339 UTC (as the first task API
// answered them). Thread-safe.
#pragma once

#include <string>

#include "domain/customer_json.h"
#include "store/task_store.h"

namespace guanxi::http {

void WriteTask(JsonWriter& w, const Task& t, const std::string& customer_name, const std::string& assignee_name);

}  // namespace guanxi::http
