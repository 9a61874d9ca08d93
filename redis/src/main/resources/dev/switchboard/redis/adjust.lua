-- Apply corrections to limits: a settlement (real usage minus reservation) or a hand-over of what was spent locally
-- while Redis was down. Mirrors LocalRateLimiter.settle: levels and spends never go below zero, and a budget
-- correction for a window that is over is dropped.
-- KEYS[i]: the limit's hash. ARGV per limit: kind, amount, period, scaled delta (token-ms or micro-dollars), window.
-- Reply: the number of corrections applied.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local applied = 0
for i = 1, #KEYS do
  local b = (i - 1) * 5
  local kind, amount, period = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  local delta, window = tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5])
  local h = redis.call('HMGET', KEYS[i], 'v', 'a')
  local v, a = tonumber(h[1]) or 0, tonumber(h[2]) or 0
  local ttl
  local apply = true
  if kind == 3 then
    local w = math.floor(now / period)
    if a ~= w then v = 0; a = w end
    apply = (w == window)
    ttl = (w + 1) * period - now + 60000
  else
    local elapsed = math.max(0, now - a)
    if elapsed * amount >= v then v = 0 else v = v - elapsed * amount end
    a = math.max(a, now)
  end
  if apply then
    v = math.max(0, v + delta)
    if kind ~= 3 then ttl = math.ceil(v / math.max(amount, 1)) + 60000 end
    redis.call('HSET', KEYS[i], 'v', v, 'a', a)
    redis.call('PEXPIRE', KEYS[i], ttl)
    applied = applied + 1
  end
end
return applied
