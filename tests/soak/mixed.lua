-- wrk script for `make soak` (tests/soak/run.sh): a mixed workload against the soak schema.
--
-- Run with as many threads as connections (-tN -cN): each thread then owns one connection and wrk
-- sends its next request only after the previous response, so the kind of the request in flight
-- is known when response() runs. Counts are kept per thread and printed by done() as lines
--   SOAK status <kind> <status> <count>
--   SOAK socket <connect|read|write|timeout> <count>
--   SOAK summary <requests> <duration_us> <p50_us> <p99_us> <max_us>
-- Every acknowledged insert (201 whose body carries the tag sent) is appended to
-- $SOAK_ACK_DIR/acked-<thread>.txt, so the caller can check each one is in the table exactly once.
--
-- Mix (percent): read 35, embed 15, insert 15, update 15, rpc 15, invalid 5.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Per-thread state (each thread has its own Lua state).
counts = {}      -- "kind status" -> n
local kind, tag, seq, ack_file = nil, nil, 0, nil
local prefix = os.getenv("SOAK_TAG_PREFIX") or "t"  -- tags are <prefix><thread>-<n>
local json = { ["Content-Type"] = "application/json" }
local json_repr = { ["Content-Type"] = "application/json", ["Prefer"] = "return=representation" }

function init(args)
  math.randomseed(os.time() + tid * 7919)
  local dir = os.getenv("SOAK_ACK_DIR")
  if dir then
    ack_file = assert(io.open(dir .. "/acked-" .. tid .. ".txt", "a"))
    ack_file:setvbuf("line")
  end
end

local invalid = {
  function() return wrk.format("GET", "/items?no_such_column=eq.1") end,           -- 400 42703
  function() return wrk.format("GET", "/items?id=nope.1") end,                     -- 400 PGRST100
  function() return wrk.format("POST", "/entries", json, '{"tag": "x", broken') end, -- 400 PGRST102
  function() return wrk.format("GET", "/no_such_table") end,                       -- 404 PGRST205
}

request = function()
  local r = math.random(100)
  local id = math.random(1, 1000)
  if r <= 35 then
    kind = "read"
    return wrk.format("GET", "/items?id=eq." .. id)
  elseif r <= 50 then
    kind = "embed"
    return wrk.format("GET", "/items?id=eq." .. id .. "&select=id,name,reviews(id,stars)")
  elseif r <= 65 then
    kind = "insert"
    seq = seq + 1
    tag = prefix .. tid .. "-" .. seq
    return wrk.format("POST", "/entries?select=id,tag", json_repr,
      '{"tag":"' .. tag .. '","item_id":' .. id .. ',"note":"soak"}')
  elseif r <= 80 then
    kind = "update"
    return wrk.format("PATCH", "/counters?id=eq." .. math.random(1, 16), json,
      '{"touched":"t' .. tid .. '"}')
  elseif r <= 95 then
    kind = "rpc"
    if r <= 88 then
      return wrk.format("GET", "/rpc/item_price?item_id=" .. id)
    end
    return wrk.format("POST", "/rpc/item_price", json, '{"item_id":' .. id .. '}')
  else
    kind = "invalid"
    return invalid[math.random(#invalid)]()
  end
end

response = function(status, headers, body)
  local key = kind .. " " .. status
  if kind == "insert" and status == 201 then
    local got = body:match('"tag"%s*:%s*"([^"]*)"')
    if got ~= tag then
      key = "insert 201-wrong-body"
    elseif ack_file then
      ack_file:write(tag, "\n")
    end
  end
  if kind == "invalid" and not body:find('"code"', 1, true) then
    key = key .. "-not-pgrst"  -- a refusal must be a PostgREST error body, not the web server's page
  end
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  local keys = {}
  for k in pairs(total) do table.insert(keys, k) end
  table.sort(keys)
  for _, k in ipairs(keys) do io.write("SOAK status ", k, " ", total[k], "\n") end
  for _, e in ipairs({ "connect", "read", "write", "timeout" }) do
    io.write("SOAK socket ", e, " ", summary.errors[e], "\n")
  end
  io.write(string.format("SOAK summary %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max))
end
