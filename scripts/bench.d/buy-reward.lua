-- wrk script for scripts/bench: an admin buys the bench reward campaign (CMP-17) for one of the seeded
-- customers at random, as a store's many customers would: BENCH_CAMPAIGN_ID, and BENCH_BUYERS_FILE with one
-- customer id per line.
local campaign = os.getenv("BENCH_CAMPAIGN_ID")
local buyers = {}
for line in io.lines(os.getenv("BENCH_BUYERS_FILE")) do buyers[#buyers + 1] = line end

function init(args)
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000000007)
end

wrk.method = "POST"

function request()
    local buyer = buyers[math.random(1, #buyers)]
    -- nil headers: wrk.format then sends wrk.headers, which carry the -H Authorization of scripts/bench.
    return wrk.format(nil, "/api/DEFAULT/admin/customer/" .. buyer .. "/campaign/" .. campaign .. "/buy?withoutPoints=true")
end
