-- Shared wrk helpers for bench/*.lua (loaded with dofile; see BENCH_LUA_DIR).
--
-- Every script ends with done(), which prints one machine-readable line that
-- bench/run.sh parses:
--   BENCH_RESULT requests=N duration_s=S rps=R p50_ms=.. p90_ms=.. p99_ms=..
--                p999_ms=.. max_ms=.. mean_ms=.. connect=.. read=.. write=..
--                timeout=.. http_errors=.. unexpected=..
-- http_errors is wrk's own count of responses with status >= 400;
-- unexpected is the count from a response() hook (only scripts that install
-- one, via bench_count_status(expected)); -1 when not counted.

local threads = {}
local next_thread_id = 0

function setup(thread)
  next_thread_id = next_thread_id + 1
  thread:set("thread_id", next_thread_id)
  table.insert(threads, thread)
end

-- Installs a response() hook that counts statuses other than `expected`
-- (per thread; summed in done()). Costs wrk some client CPU, so only the
-- POST test uses it.
function bench_count_status(expected)
  unexpected = 0
  statuses = {}
  response = function(status, headers, body)
    if status ~= expected then
      unexpected = unexpected + 1
      statuses[status] = (statuses[status] or 0) + 1
    end
  end
end

local function ms(us) return us / 1000.0 end

function done(summary, latency, requests)
  local unexpected_total = -1
  local detail = ""
  local by_status = {}
  for _, t in ipairs(threads) do
    local u = t:get("unexpected")
    if u ~= nil then
      if unexpected_total < 0 then unexpected_total = 0 end
      unexpected_total = unexpected_total + u
      for status, n in pairs(t:get("statuses") or {}) do
        by_status[status] = (by_status[status] or 0) + n
      end
    end
  end
  for status, n in pairs(by_status) do
    detail = detail .. string.format(" status_%d=%d", status, n)
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f " ..
    "p999_ms=%.3f max_ms=%.3f mean_ms=%.3f connect=%d read=%d write=%d timeout=%d " ..
    "http_errors=%d unexpected=%d%s\n",
    summary.requests, secs, summary.requests / secs,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency:percentile(99.9)), ms(latency.max), ms(latency.mean),
    e.connect, e.read, e.write, e.timeout, e.status, unexpected_total, detail))
end
