#include "domain/sales.h"
