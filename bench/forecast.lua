-- wrk script: GET /api/v1/pipeline/forecast?quarter=Q[&owner=LOGIN].
-- Usage: wrk ... -s forecast.lua URL -- QUARTER [LOGIN...]
-- Without logins every request asks for the whole company; with logins each
-- request asks for one of them, drawn at random. The Authorization header
-- (a bearer token) comes from wrk -H.
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/lib.lua")

local quarter = ""
local owners = {}

function init(args)
  quarter = args[1] or ""
  for i = 2, #args do owners[#owners + 1] = args[i] end
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function request()
  local path = "/api/v1/pipeline/forecast?quarter=" .. quarter
  if #owners > 0 then path = path .. "&owner=" .. owners[math.random(1, #owners)] end
  return wrk.format("GET", path)
end
