// JSON of journeys and enrollments: the API's answer bodies and the audit
// rows' before/after documents are the same objects.
#pragma once

#include <string>

#include "domain/customer_json.h"
#include "store/journey_store.h"

namespace guanxi {

// {id, version, name, trigger, enabled, created_at, updated_at,
//  steps:[{position, day_offset, channel, title, note}], active_enrollments}
void WriteJourney(JsonWriter& w, const Journey& j);
// {id, journey_id, journey_name, customer_id, start_day, status, next_position,
//  step_count, left_reason, enrolled_at, ended_at}
void WriteEnrollment(JsonWriter& w, const JourneyEnrollment& e);
std::string JourneyToJson(const Journey& j);
std::string EnrollmentToJson(const JourneyEnrollment& e);

}  // namespace guanxi
