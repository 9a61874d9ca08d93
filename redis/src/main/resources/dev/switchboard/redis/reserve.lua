-- Reserve one request against all its limits, atomically. Mirrors policy's LimitMath and Admission line by line
-- (token buckets in token-milliseconds, budgets in micro-dollars per fixed window); Redis's clock is the one clock.
-- KEYS[i]: a hash {v = level or spent, a = last millisecond or window} per limit.
-- ARGV: prompt, requested, minOut, inPrice, outPrice (micro-dollars per million), then per limit:
--       kind (1 requests, 2 tokens, 3 budget), amount, period (ms), inWeight, outWeight.
-- Reply: {1, granted, 0, now, remaining..., reset...} or {0, failing (0-based), wait ms (-1 never), now, ...}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local prompt, requested, minOut = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local inP, outP = tonumber(ARGV[4]), tonumber(ARGV[5])
local n = #KEYS
local kind, amount, period, inW, outW, state, at = {}, {}, {}, {}, {}, {}, {}

for i = 1, n do
  local b = 5 + (i - 1) * 5
  kind[i], amount[i], period[i] = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  inW[i], outW[i] = tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5])
  local h = redis.call('HMGET', KEYS[i], 'v', 'a')
  local v, a = tonumber(h[1]) or 0, tonumber(h[2]) or 0
  if kind[i] == 3 then
    local w = math.floor(now / period[i])
    if a ~= w then v = 0; a = w end
  else
    local elapsed = math.max(0, now - a)
    if elapsed * amount[i] >= v then v = 0 else v = v - elapsed * amount[i] end
    a = math.max(a, now)
  end
  state[i], at[i] = v, a
end

local function available(i)
  return math.max(0, math.floor((amount[i] * period[i] - state[i]) / period[i]))
end

local function bound(i)
  if kind[i] == 1 then
    if available(i) >= 1 then return math.huge end
    return -1
  elseif kind[i] == 2 then
    local room = available(i) - inW[i] * prompt
    if room < 0 then return -1 end
    if outW[i] == 0 then return math.huge end
    return room
  end
  local room = math.max(amount[i] - state[i], 0) * 1000000 - prompt * inP
  if room < 0 then return -1 end
  if outP == 0 then return math.huge end
  return math.floor(room / outP)
end

local function charge(i, out)
  if kind[i] == 1 then return 1 end
  if kind[i] == 2 then return inW[i] * prompt + outW[i] * out end
  return math.ceil((prompt * inP + out * outP) / 1000000)
end

local function reply(head, granted, wait)
  local r = {head, granted, wait, now}
  for i = 1, n do
    if kind[i] == 3 then
      r[4 + i] = math.max(0, amount[i] - state[i])
    else
      r[4 + i] = available(i)
    end
  end
  for i = 1, n do
    if kind[i] == 3 then
      r[4 + n + i] = (math.floor(now / period[i]) + 1) * period[i] - now
    elseif amount[i] == 0 then
      r[4 + n + i] = 0
    else
      r[4 + n + i] = math.ceil(math.max(state[i], 0) / amount[i])
    end
  end
  return r
end

local granted = requested
for i = 1, n do granted = math.min(granted, bound(i)) end

if granted < minOut then
  local failing, wait = -1, 0
  for i = 1, n do
    if bound(i) < minOut then
      local need = charge(i, minOut)
      local w
      if need > amount[i] then
        w = -1
      elseif kind[i] == 3 then
        w = (math.floor(now / period[i]) + 1) * period[i] - now
      else
        local excess = state[i] + need * period[i] - amount[i] * period[i]
        if excess <= 0 then w = 0 else w = math.ceil(excess / amount[i]) end
      end
      if failing < 0 or w < 0 or (wait >= 0 and w > wait) then failing, wait = i - 1, w end
    end
  end
  return reply(0, failing, wait)
end

for i = 1, n do
  local c = charge(i, granted)
  local ttl
  if kind[i] == 3 then
    state[i] = state[i] + c
    ttl = (math.floor(now / period[i]) + 1) * period[i] - now + 60000
  else
    state[i] = state[i] + c * period[i]
    ttl = math.ceil(state[i] / math.max(amount[i], 1)) + 60000
  end
  redis.call('HSET', KEYS[i], 'v', state[i], 'a', at[i])
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return reply(1, granted, 0)
