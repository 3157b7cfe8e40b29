-- wrk script for http_pipelined16_c256: every write carries 16 GET / requests, so 16 are in
-- flight per connection; wrk counts each response (the TechEmpower plaintext way of loading).
-- The depth is wrk's script argument: wrk ... -s pipeline.lua URL -- 16
local depth = 16

function init(args)
  depth = tonumber(args[1]) or depth
  local batch = {}
  for i = 1, depth do
    batch[i] = wrk.format(nil, "/")
  end
  requests = table.concat(batch)
end

function request()
  return requests
end
