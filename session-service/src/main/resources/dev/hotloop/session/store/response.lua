-- Reads a response record and only its own output items; refreshes the TTL of the record and its chain.
-- KEYS: [1] response record, [2] chain items, [3] chain meta; ARGV: [1] TTL ms
-- Returns {} when absent, else {response JSON without output, output items...}.
local found = redis.call('HMGET', KEYS[1], 'response', 'outputs', 'own')
if not found[1] then
  return {}
end
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
local outputs = tonumber(found[2])
if outputs == 0 then
  return {found[1]}
end
local last = tonumber(string.match(found[3], '(%d+)$'))
local reply = redis.call('LRANGE', KEYS[2], last - outputs + 1, last)
table.insert(reply, 1, found[1])
return reply
