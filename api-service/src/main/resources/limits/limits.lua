-- A tenant's limits in one step per call. Every key carries the tenant's hash tag, so the script is Cluster-safe.
-- KEYS: 1 requests bucket, 2 tokens bucket (hashes: level, at), 3 slots of the call's kind (sorted set: id -> expiry ms)
-- ARGV[1] is the operation:
--   admit   rpm tpm tokens slot-limit slot-id('' for none) ttl-ms -> {refused('' if admitted), requests, tokens, held}
--   release tpm refund slot-id   (frees the slot; refund = estimate - actual tokens, negative charges more)
--   renew   ttl-ms slot-id...    (extends slots still held; a released one stays released)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local minute = 60000

-- a bucket holds up to a minute's limit and refills continuously; an absent bucket is full
local function level(key, limit)
  local state = redis.call('HMGET', key, 'level', 'at')
  local value = tonumber(state[1])
  if value == nil then
    return limit
  end
  return math.min(limit, value + (now - tonumber(state[2])) * limit / minute)
end

local function save(key, value, limit)
  redis.call('HSET', key, 'level', tostring(value), 'at', now)
  -- once refilled, a bucket is as good as absent
  redis.call('PEXPIRE', key, math.ceil((limit - value) * minute / limit) + 1000)
end

local operation = ARGV[1]
if operation == 'admit' then
  local rpm, tpm, asked, slot = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[6]
  local requests, tokens = level(KEYS[1], rpm), level(KEYS[2], tpm)
  local held, refused = 0, ''
  if requests < 1 then
    refused = 'requests'
  elseif asked > 0 and tokens < asked then
    refused = 'tokens'
  end
  if slot ~= '' then
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
    held = redis.call('ZCARD', KEYS[3])
    if refused == '' and held >= tonumber(ARGV[5]) then
      refused = 'slots'
    end
  end
  if refused == '' then
    requests, tokens = requests - 1, tokens - asked
    if slot ~= '' then
      redis.call('ZADD', KEYS[3], now + tonumber(ARGV[7]), slot)
      redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[7]))
      held = held + 1
    end
  end
  save(KEYS[1], requests, rpm)
  save(KEYS[2], tokens, tpm)
  return {refused, tostring(requests), tostring(tokens), held}
elseif operation == 'release' then
  local tpm, refund = tonumber(ARGV[2]), tonumber(ARGV[3])
  redis.call('ZREM', KEYS[3], ARGV[4])
  if refund ~= 0 then
    -- a debt is at most a minute's worth, so one huge response cannot lock a tenant out for longer
    save(KEYS[2], math.max(-tpm, math.min(tpm, level(KEYS[2], tpm) + refund)), tpm)
  end
  return {}
elseif operation == 'renew' then
  local ttl = tonumber(ARGV[2])
  for i = 3, #ARGV do
    redis.call('ZADD', KEYS[3], 'XX', now + ttl, ARGV[i])
  end
  redis.call('PEXPIRE', KEYS[3], ttl)
  return {}
end
return redis.error_reply('unknown operation ' .. tostring(operation))
