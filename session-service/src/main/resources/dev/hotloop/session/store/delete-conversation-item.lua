-- Deletes one item of a conversation; a change like an append, so it moves the version on.
-- KEYS: [1] conversation record, [2] its items, [3] its order; ARGV: [1] TTL ms, [2] item id
-- Returns the new version, -1 when the conversation is absent, -2 when it has no such item.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if redis.call('HDEL', KEYS[2], ARGV[2]) == 0 then
  return -2
end
redis.call('ZREM', KEYS[3], ARGV[2])
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
return redis.call('HINCRBY', KEYS[1], 'version', 1)
