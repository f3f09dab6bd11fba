-- Fixed-rate pacing for scripts/bench (BENCH_RATE=N). wrk is closed-loop; this makes every connection
-- wait connections*1000/N ms before each request, so the offered load is about N requests/s while the
-- latency stays well below that pause. The scenario's own script (BENCH_SCENARIO_LUA) is loaded first.
-- Latency is measured from the actual send: queueing behind a slow answer is not counted.
local scenario = os.getenv("BENCH_SCENARIO_LUA")
if scenario ~= nil and scenario ~= "" then
    dofile(scenario)
end

local rate = tonumber(os.getenv("BENCH_RATE"))
local connections = tonumber(os.getenv("BENCH_RATE_CONNECTIONS"))
if rate == nil or rate <= 0 or connections == nil or connections <= 0 then
    error("fixed-rate.lua needs BENCH_RATE > 0 and BENCH_RATE_CONNECTIONS > 0")
end
local pause_ms = math.max(1, math.floor(connections * 1000 / rate))

function delay()
    return pause_ms
end
