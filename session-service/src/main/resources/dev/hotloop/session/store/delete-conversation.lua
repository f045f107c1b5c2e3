-- Deletes a conversation with all its items.
-- KEYS: [1] conversation record, [2] its items, [3] its order
-- Returns 1 when deleted, 0 when absent.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1
