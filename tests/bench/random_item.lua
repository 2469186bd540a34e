-- wrk: GET /items?id=eq.<random id> (ids 1..10000)
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/items?id=eq." .. math.random(1, 10000))
end
