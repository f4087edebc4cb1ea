// Instalment status and receivables ageing over plain figures. No I/O.
#pragma once
