#include "service/pipeline_service.h"

namespace guanxi {}  // namespace guanxi
