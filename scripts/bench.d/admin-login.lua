-- wrk script for scripts/bench: POST /api/admin/login_check with the admin credentials, as JSON.
-- Measures a full login (bcrypt verification and token signing), not the cost of an ordinary API call.
-- Environment: BENCH_ADMIN_USERNAME (default admin), BENCH_ADMIN_PASSWORD (scripts/bench sets it from
-- ADMIN_PASSWORD, default open).
local username = os.getenv("BENCH_ADMIN_USERNAME") or "admin"
local password = os.getenv("BENCH_ADMIN_PASSWORD") or "open"

local function json_string(value)
    return '"' .. value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = '{"_username":' .. json_string(username) .. ',"_password":' .. json_string(password) .. '}'
