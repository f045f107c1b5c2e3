-- Reads a conversation with all its items in one round trip, whatever its length; refreshes the TTLs.
-- KEYS: [1] conversation record, [2] its items, [3] its order; ARGV: [1] TTL ms
-- Returns {} when absent, else {created_at, metadata JSON, version, encoded items in order...}.
local reply = redis.call('HMGET', KEYS[1], 'created_at', 'metadata', 'version')
if not reply[1] then
  return {}
end
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
local ids = redis.call('ZRANGE', KEYS[3], 0, -1)
-- unpack is bounded by the Lua C stack, so read in batches
for first = 1, #ids, 1000 do
  local batch = redis.call('HMGET', KEYS[2], unpack(ids, first, math.min(first + 999, #ids)))
  for i = 1, #batch do
    reply[#reply + 1] = batch[i]
  end
end
return reply
