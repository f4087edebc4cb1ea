#include "http/api.h"
#include "http/api_internal.h"

namespace guanxi::http {

void Api::AddOrderRoutes() {}

}  // namespace guanxi::http
