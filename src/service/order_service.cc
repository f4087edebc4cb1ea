#include "service/order_service.h"

namespace guanxi {}  // namespace guanxi
