// Funnel arithmetic of METHODOLOGY.md §5 over plain figures. No I/O.
#pragma once
