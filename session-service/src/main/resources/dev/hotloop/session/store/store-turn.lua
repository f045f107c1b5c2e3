-- Stores one turn: appends its new items to the chain list once and records the ranges of its whole context.
-- KEYS: [1] new response record, [2] chain items, [3] chain meta, [4] parent record (continuations only)
-- ARGV: [1] response JSON without output, [2] TTL ms, [3] output item count, [4] own ref (tenant:id),
--       [5] parent ref ('' for none), [6..] encoded items: this turn's new input, then its output
-- Returns the new depth, -1 when the record exists, -2 when the parent record is absent.
local record, items, meta, parent = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local ttl = ARGV[2]
if redis.call('EXISTS', record) == 1 then
  return -1
end
local depth, checkpoint = 1, ''
if parent then
  local found = redis.call('HMGET', parent, 'depth', 'checkpoint')
  if not found[1] then
    return -2
  end
  depth, checkpoint = tonumber(found[1]) + 1, found[2]
end
local first = redis.call('LLEN', items)
local count = #ARGV - 5
local own = ''
if count > 0 then
  -- unpack is bounded by the Lua C stack, so push in batches
  for i = 6, #ARGV, 1000 do
    redis.call('RPUSH', items, unpack(ARGV, i, math.min(i + 999, #ARGV)))
  end
  local last = first + count - 1
  own = first .. '-' .. last
  local tail = string.match(checkpoint, '(%d+)$')
  if tail and tonumber(tail) == first - 1 then
    -- the parent's context ends at the list tail: extend its last range, so a linear chain keeps one range
    checkpoint = string.sub(checkpoint, 1, #checkpoint - #tail) .. last
  elseif checkpoint == '' then
    checkpoint = own
  else
    checkpoint = checkpoint .. ',' .. own
  end
end
redis.call('HSET', record, 'response', ARGV[1], 'depth', depth, 'outputs', ARGV[3], 'own', own,
  'checkpoint', checkpoint, 'parent', ARGV[5])
redis.call('HINCRBY', meta, 'live', 1)
if parent then
  redis.call('HINCRBY', meta, 'children:' .. ARGV[5], 1)
  redis.call('PEXPIRE', parent, ttl)
end
redis.call('PEXPIRE', record, ttl)
redis.call('PEXPIRE', items, ttl)
redis.call('PEXPIRE', meta, ttl)
return depth
