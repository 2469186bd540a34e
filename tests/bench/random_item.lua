-- wrk: GET $BENCH_PATH with "{id}" replaced by a random id in 1..10000 (default /items?id=eq.{id}).
math.randomseed(os.time())
local path = os.getenv("BENCH_PATH") or "/items?id=eq.{id}"
request = function()
  return wrk.format("GET", (path:gsub("{id}", tostring(math.random(1, 10000)))))
end
