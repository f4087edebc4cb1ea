-- wrk script: GET /api/v1/customers/{id}/timeline (first page) for a random id in 1..N.
-- Usage: wrk ... -s timeline.lua URL -- N ; Authorization from wrk -H.
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/lib.lua")

local n = 1

function init(args)
  n = tonumber(args[1]) or 1
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function request()
  return wrk.format("GET", "/api/v1/customers/" .. math.random(1, n) .. "/timeline?limit=20")
end
