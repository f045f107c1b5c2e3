-- Reads one page of a conversation's items; refreshes the TTLs.
-- KEYS: [1] conversation record, [2] its items, [3] its order
-- ARGV: [1] TTL ms, [2] page size, [3] 'asc' or 'desc', [4] the id the page starts after ('' for the start)
-- Returns {} when the conversation is absent, {'after'} when it has no item with the id to start after, else
-- {'more' or 'last', encoded items...}.
local record, items, order = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', record) == 0 then
  return {}
end
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
local limit, ascending = tonumber(ARGV[2]), ARGV[3] == 'asc'
local ids
if ARGV[4] == '' then
  if ascending then
    ids = redis.call('ZRANGE', order, 0, limit)
  else
    ids = redis.call('ZREVRANGE', order, 0, limit)
  end
else
  local after = redis.call('ZSCORE', order, ARGV[4])
  if not after then
    return {'after'}
  end
  if ascending then
    ids = redis.call('ZRANGEBYSCORE', order, '(' .. after, '+inf', 'LIMIT', 0, limit + 1)
  else
    ids = redis.call('ZREVRANGEBYSCORE', order, '(' .. after, '-inf', 'LIMIT', 0, limit + 1)
  end
end
local reply = {#ids > limit and 'more' or 'last'}
if #ids > limit then
  ids[#ids] = nil
end
if #ids > 0 then
  local found = redis.call('HMGET', items, unpack(ids))
  for i = 1, #found do
    reply[#reply + 1] = found[i]
  end
end
return reply
