-- wrk script: POST /api/v1/customers with a unique organisation name per
-- request, counting every response that is not 201 Created.
-- The Authorization header comes from wrk -H.
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/lib.lua")

local counter = 0
local prefix = ""

function init(args)
  bench_count_status(201)
  -- Unique across threads (thread_id) and across runs (start time, random).
  math.randomseed(os.time() * 1000 + (thread_id or 0))
  -- wrk.format replaces wrk.headers when given a table, so extend them instead
  -- (they hold the Authorization header from -H).
  wrk.headers["Content-Type"] = "application/json"
  prefix = string.format("压测客户%d-%d-%d-", os.time(), thread_id or 0, math.random(0, 999999))
end

function request()
  counter = counter + 1
  local body = '{"kind":"organization","name":"' .. prefix .. counter .. '有限公司"}'
  return wrk.format("POST", "/api/v1/customers", nil, body)
end
