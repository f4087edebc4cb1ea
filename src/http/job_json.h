// The JSON form of a scheduler job (docs/relationship-api.md, "Scheduler"),
// shared by the API (api_jobs.cc) and `guanxi jobs list`, so both answer the
// same document.
#pragma once

#include "domain/customer_json.h"
#include "store/job_store.h"

namespace guanxi::http {

// {id, kind, key, status, attempts, max_attempts, run_after, created_at,
//  started_at, finished_at, lease_owner, lease_until, error, result, payload}.
void WriteJob(JsonWriter& w, const Job& j);

}  // namespace guanxi::http
