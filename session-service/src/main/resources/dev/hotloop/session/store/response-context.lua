-- Reads a response's whole context in one round trip, whatever the chain's length; refreshes the TTLs.
-- KEYS: [1] response record, [2] chain items, [3] chain meta; ARGV: [1] TTL ms
-- Returns {} when absent, else {response JSON without output, depth, output item count, context items...}.
local found = redis.call('HMGET', KEYS[1], 'response', 'depth', 'outputs', 'checkpoint')
if not found[1] then
  return {}
end
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
local reply = {found[1], found[2], found[3]}
for first, last in string.gmatch(found[4], '(%d+)-(%d+)') do
  local range = redis.call('LRANGE', KEYS[2], first, last)
  for i = 1, #range do
    reply[#reply + 1] = range[i]
  end
end
return reply
