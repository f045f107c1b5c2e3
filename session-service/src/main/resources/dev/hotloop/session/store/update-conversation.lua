-- Replaces a conversation's metadata; refreshes the TTLs.
-- KEYS: [1] conversation record, [2] its items, [3] its order; ARGV: [1] TTL ms, [2] metadata JSON
-- Returns the conversation's created_at, or -1 when it is absent.
local created = redis.call('HGET', KEYS[1], 'created_at')
if not created then
  return -1
end
redis.call('HSET', KEYS[1], 'metadata', ARGV[2])
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
return tonumber(created)
