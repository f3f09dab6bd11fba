-- wrk script for scripts/bench: POST /api/{store}/transaction (L-34), a sale of two items by the bench
-- customer, so that the store's general spending rule awards points on every request. Each request has a
-- document number of its own (a store refuses a number twice): a per-thread random prefix and a counter.
-- The buyer is one of the BENCH_CUSTOMERS seeded customers (c<n>@bench.example) at random, as in a real
-- store; BENCH_CUSTOMER_EMAIL instead makes every sale the same customer's (the worst case: one account row).
local single = os.getenv("BENCH_CUSTOMER_EMAIL")
local customers = tonumber(os.getenv("BENCH_CUSTOMERS") or "100000")
local prefix
local counter = 0

function init(args)
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000000007)
    prefix = string.format("b%08x%06x", os.time(), math.random(0, 0xffffff))
end

local function body(number)
    local email = single or ("c" .. math.random(1, customers) .. "@bench.example")
    return "transaction[transactionData][documentType]=sell"
        .. "&transaction[transactionData][documentNumber]=" .. number
        .. "&transaction[transactionData][purchaseDate]=2026-11-20+09:28"
        .. "&transaction[customerData][name]=Bench+Customer"
        .. "&transaction[customerData][email]=" .. email:gsub("@", "%%40")
        .. "&transaction[items][0][sku][code]=SKU1&transaction[items][0][name]=Shirt&transaction[items][0][quantity]=1"
        .. "&transaction[items][0][grossValue]=19.99&transaction[items][0][category]=clothes"
        .. "&transaction[items][1][sku][code]=SKU2&transaction[items][1][name]=Socks&transaction[items][1][quantity]=2"
        .. "&transaction[items][1][grossValue]=5.50&transaction[items][1][category]=clothes"
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

function request()
    counter = counter + 1
    -- nil headers: wrk.format then sends wrk.headers, which carry the -H Authorization of scripts/bench.
    return wrk.format(nil, nil, nil, body(prefix .. "-" .. counter))
end
