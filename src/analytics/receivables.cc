#include "analytics/receivables.h"
