#include "analytics/forecast.h"
