-- Reads one item of a conversation; refreshes the TTLs.
-- KEYS: [1] conversation record, [2] its items, [3] its order; ARGV: [1] TTL ms, [2] item id
-- Returns {} when the conversation is absent, {'absent'} when it has no such item, else {'found', encoded item}.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {}
end
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
local item = redis.call('HGET', KEYS[2], ARGV[2])
if not item then
  return {'absent'}
end
return {'found', item}
