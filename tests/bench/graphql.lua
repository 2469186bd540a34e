-- wrk: PostGraphile's equivalent of GET /items?id=eq.N ($BENCH_EMBED=1: with reviews(id)).
math.randomseed(os.time())
local embed = os.getenv("BENCH_EMBED") == "1"
request = function()
  local id = math.random(1, 10000)
  local q
  if embed then
    q = '{"query":"{ itemById(id: ' .. id .. ') { id name reviewsByItemId { nodes { id } } } }"}'
  else
    q = '{"query":"{ itemById(id: ' .. id .. ') { id name price } }"}'
  end
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, q)
end
