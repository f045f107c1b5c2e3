-- Background responses: queue, leases, cancels, all in the {bg} slot so each operation is one atomic call.
-- KEYS[1] queue (LIST of refs, FIFO), KEYS[2] queued per tenant (HASH), KEYS[3] leases (ZSET ref -> deadline ms),
-- KEYS[4] job prefix (a job is HASH prefix..ref: tenant, body, response, status, owner, cancel).
-- ARGV[1] the operation, then its arguments.
local queue, queued, leases, jobs = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local op = ARGV[1]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- enqueue ref tenant body response max-queued max-per-tenant retention-ms -> '' or the limit that refused it
if op == 'enqueue' then
  local ref, tenant = ARGV[2], ARGV[3]
  if redis.call('LLEN', queue) >= tonumber(ARGV[6]) then return 'queue' end
  if tonumber(redis.call('HGET', queued, tenant) or '0') >= tonumber(ARGV[7]) then return 'tenant' end
  local job = jobs .. ref
  redis.call('HSET', job, 'tenant', tenant, 'body', ARGV[4], 'response', ARGV[5], 'status', 'queued')
  redis.call('PEXPIRE', job, ARGV[8])
  redis.call('RPUSH', queue, ref)
  redis.call('HINCRBY', queued, tenant, 1)
  return ''
end

-- claim owner lease-ms may-run -> {'takeover', ref, response} for a job whose lease expired (now leased to owner, to
-- be failed), else, when may-run is 1, {'run', ref, body, response} for the next queued job, else {''}; the queue's
-- length comes last
if op == 'claim' then
  local owner, lease = ARGV[2], tonumber(ARGV[3])
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, 1)
  if #expired > 0 then
    local ref = expired[1]
    local job = jobs .. ref
    if redis.call('EXISTS', job) == 0 then
      redis.call('ZREM', leases, ref)
    else
      redis.call('ZADD', leases, now + lease, ref)
      redis.call('HSET', job, 'owner', owner)
      return {'takeover', ref, redis.call('HGET', job, 'response'), redis.call('LLEN', queue)}
    end
  end
  if ARGV[4] ~= '1' then return {'', redis.call('LLEN', queue)} end
  local ref = redis.call('LPOP', queue)
  if not ref then return {'', redis.call('LLEN', queue)} end
  local job = jobs .. ref
  local tenant = redis.call('HGET', job, 'tenant')
  if tenant then
    if tonumber(redis.call('HINCRBY', queued, tenant, -1)) <= 0 then redis.call('HDEL', queued, tenant) end
  end
  if redis.call('HGET', job, 'status') ~= 'queued' then return {'', redis.call('LLEN', queue)} end
  redis.call('HSET', job, 'status', 'in_progress', 'owner', owner)
  redis.call('ZADD', leases, now + lease, ref)
  local fields = redis.call('HMGET', job, 'body', 'response')
  return {'run', ref, fields[1], fields[2], redis.call('LLEN', queue)}
end

-- renew owner lease-ms ref... -> the refs the owner must stop: cancelled, or no longer its own
if op == 'renew' then
  local owner, lease = ARGV[2], tonumber(ARGV[3])
  local stop = {}
  for i = 4, #ARGV do
    local ref = ARGV[i]
    local job = jobs .. ref
    local fields = redis.call('HMGET', job, 'owner', 'cancel')
    if fields[1] ~= owner then
      stop[#stop + 1] = ref
    else
      redis.call('ZADD', leases, 'XX', now + lease, ref)
      if fields[2] then stop[#stop + 1] = ref end
    end
  end
  return stop
end

-- finish ref owner status response -> 1 when the owner still held the job and ended it, else 0
if op == 'finish' then
  local ref = ARGV[2]
  local job = jobs .. ref
  if redis.call('HGET', job, 'owner') ~= ARGV[3] then return 0 end
  redis.call('ZREM', leases, ref)
  redis.call('HSET', job, 'status', ARGV[4], 'response', ARGV[5])
  redis.call('HDEL', job, 'owner', 'body')
  return 1
end

-- cancel ref cancelled-response -> {status, response}: a queued job ends cancelled here, a running one is flagged for
-- its owner (status 'in_progress'), a finished one is unchanged; {} when there is no such job
if op == 'cancel' then
  local ref = ARGV[2]
  local job = jobs .. ref
  local fields = redis.call('HMGET', job, 'status', 'response', 'tenant')
  if not fields[1] then return {} end
  if fields[1] == 'queued' then
    redis.call('LREM', queue, 1, ref)
    if tonumber(redis.call('HINCRBY', queued, fields[3], -1)) <= 0 then redis.call('HDEL', queued, fields[3]) end
    redis.call('HSET', job, 'status', 'cancelled', 'response', ARGV[3])
    redis.call('HDEL', job, 'body')
    return {'cancelled', ARGV[3]}
  end
  if fields[1] == 'in_progress' then
    redis.call('HSET', job, 'cancel', '1')
  end
  return {fields[1], fields[2]}
end

-- get ref -> {status, response} or {}
if op == 'get' then
  local fields = redis.call('HMGET', jobs .. ARGV[2], 'status', 'response')
  if not fields[1] then return {} end
  return fields
end

return redis.error_reply('unknown operation ' .. tostring(op))
