-- Deletes a response record and frees the items that no remaining response reads.
-- KEYS: [1] response record, [2] chain items, [3] chain meta
-- ARGV: [1] own ref (tenant:id), [2] TTL ms, [3] invalidation channel: the ref is published there, in the same
--       atomic step as the delete, so every replica's near cache drops it
-- Chain meta fields: live = live records; children:<ref> = children whose items are still kept;
-- retained:<ref> = 'own range|parent ref' of a deleted response whose items its descendants still read.
-- Returns 1 when deleted, 0 when absent.
local record, items, meta = KEYS[1], KEYS[2], KEYS[3]
local found = redis.call('HMGET', record, 'own', 'parent')
if not found[1] then
  return 0
end
redis.call('DEL', record)
redis.call('PUBLISH', ARGV[3], ARGV[1])
local live = redis.call('HINCRBY', meta, 'live', -1)
if live == 0 then
  redis.call('DEL', items, meta)
  return 1
end
redis.call('PEXPIRE', items, ARGV[2])
redis.call('PEXPIRE', meta, ARGV[2])

-- Tombstones a range in place so that other ranges keep their indices; at the list tail it trims instead.
local function release(range)
  local first, last = string.match(range, '^(%d+)-(%d+)$')
  if not first then
    return
  end
  first, last = tonumber(first), tonumber(last)
  if last == redis.call('LLEN', items) - 1 then
    if first == 0 then
      redis.call('DEL', items)
    else
      redis.call('LTRIM', items, 0, first - 1)
    end
  else
    for i = first, last do
      redis.call('LSET', items, i, '')
    end
  end
end

local ref, own, parent = ARGV[1], found[1], found[2]
if tonumber(redis.call('HGET', meta, 'children:' .. ref) or '0') > 0 then
  redis.call('HSET', meta, 'retained:' .. ref, own .. '|' .. parent)
  return 1
end
release(own)
-- walk up while the parent is a deleted response that was kept only for this branch
while parent ~= '' do
  local children = 'children:' .. parent
  if redis.call('HINCRBY', meta, children, -1) > 0 then
    return 1
  end
  redis.call('HDEL', meta, children)
  local retained = redis.call('HGET', meta, 'retained:' .. parent)
  if not retained then
    return 1
  end
  redis.call('HDEL', meta, 'retained:' .. parent)
  own, parent = string.match(retained, '^([^|]*)|(.*)$')
  release(own)
end
return 1
