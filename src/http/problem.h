// RFC 9457 problem+json answers, and the one table from Status codes to HTTP.
#pragma once

#include <string>
#include <vector>

#include "domain/status.h"
#include "http/server.h"

namespace guanxi::http {

int HttpStatusFor(StatusCode code);

// {"type","title","status","detail","errors":[{"field","message"}]}
HttpResponse Problem(int status, const std::string& detail,
                     const std::vector<FieldError>& errors = {});
// Maps a failed Status through HttpStatusFor. InvalidArgument becomes 422.
HttpResponse ProblemFrom(const Status& s);

}  // namespace guanxi::http
