-- Appends items to a conversation in one step, so the items of two appends never interleave; with an expected
-- version, only if the conversation is still at it (a response appends only to the conversation it read).
-- KEYS: [1] conversation record, [2] its items, [3] its order
-- ARGV: [1] TTL ms, [2] expected version ('' for any), [3..] pairs of item id and encoded item
-- Returns the new version, -1 when the conversation is absent, -2 when an item id is taken, -3 when the conversation
-- is no longer at the expected version. Nothing is written unless it returns a version.
local record, items, order = KEYS[1], KEYS[2], KEYS[3]
local found = redis.call('HMGET', record, 'version', 'seq')
if not found[1] then
  return -1
end
if ARGV[2] ~= '' and ARGV[2] ~= found[1] then
  return -3
end
local seen = {}
for i = 3, #ARGV, 2 do
  if seen[ARGV[i]] or redis.call('HEXISTS', items, ARGV[i]) == 1 then
    return -2
  end
  seen[ARGV[i]] = true
end
local position = tonumber(found[2])
for i = 3, #ARGV, 2 do
  position = position + 1
  redis.call('ZADD', order, position, ARGV[i])
  redis.call('HSET', items, ARGV[i], ARGV[i + 1])
end
local version = tonumber(found[1]) + 1
redis.call('HSET', record, 'version', version, 'seq', position)
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
return version
