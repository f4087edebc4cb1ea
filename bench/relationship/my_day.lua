-- wrk script: GET /api/v1/tasks/my-day for the token's user (wrk -H Authorization).
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/lib.lua")

function request()
  return wrk.format("GET", "/api/v1/tasks/my-day")
end
