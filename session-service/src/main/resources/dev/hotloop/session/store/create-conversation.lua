-- Creates a conversation with its initial items.
-- KEYS: [1] conversation record, [2] its items, [3] its order
-- ARGV: [1] TTL ms, [2] created_at, [3] metadata JSON, [4..] pairs of item id and encoded item
-- Returns 0 (the new conversation's version), -1 when the conversation exists, -2 when two items share an id.
local record, items, order = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', record) == 1 then
  return -1
end
local seen = {}
for i = 4, #ARGV, 2 do
  if seen[ARGV[i]] then
    return -2
  end
  seen[ARGV[i]] = true
end
local position = 0
for i = 4, #ARGV, 2 do
  position = position + 1
  redis.call('ZADD', order, position, ARGV[i])
  redis.call('HSET', items, ARGV[i], ARGV[i + 1])
end
redis.call('HSET', record, 'created_at', ARGV[2], 'metadata', ARGV[3], 'version', 0, 'seq', position)
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
return 0
