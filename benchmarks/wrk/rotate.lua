-- wrk script: POST the JSON bodies of a file (one per line) in turn, count the answers that are not 2xx,
-- and print the run's figures as one JSON line.  wrk -s rotate.lua URL -- BODIES_FILE
local threads = {}
local requests, index = {}, 0
non2xx = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local headers = {["Content-Type"] = "application/json"}
  for body in io.lines(args[1]) do
    table.insert(requests, wrk.format("POST", wrk.path, headers, body))
  end
  index = math.random(#requests)  -- threads start at different bodies
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, _)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "non2xx": %d, "socket_errors": %d, "p50_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, bad, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
