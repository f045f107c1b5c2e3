-- Appends a batch of one response's events to its stream, in order, and refreshes the stream's TTL.
-- KEYS[1] the stream; ARGV[1] TTL ms, ARGV[2] events kept, then per event: entry id, type, data, terminal (1|0).
local key = KEYS[1]
for i = 3, #ARGV, 4 do
  if ARGV[i + 3] == '1' then
    redis.call('XADD', key, 'MAXLEN', '~', ARGV[2], ARGV[i], 't', ARGV[i + 1], 'd', ARGV[i + 2], 'end', '1')
  else
    redis.call('XADD', key, 'MAXLEN', '~', ARGV[2], ARGV[i], 't', ARGV[i + 1], 'd', ARGV[i + 2])
  end
end
redis.call('PEXPIRE', key, ARGV[1])
return 0
