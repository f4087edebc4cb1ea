-- wrk script for a fixed URL (nginx ceiling, search, keyset pages): the URL and
-- any -H headers come from the command line; this only adds the result line.
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/lib.lua")
