-- Reads a conversation's own fields; refreshes the TTL of all its keys.
-- KEYS: [1] conversation record, [2] its items, [3] its order; ARGV: [1] TTL ms
-- Returns {} when absent, else {created_at, metadata JSON, version}.
local found = redis.call('HMGET', KEYS[1], 'created_at', 'metadata', 'version')
if not found[1] then
  return {}
end
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
return found
