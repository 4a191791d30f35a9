-- POST /api/v1/verify with the 1,000-code body in $BODY and the API key in $KEY.
local f = assert(io.open(os.getenv("BODY"), "r"))
wrk.method = "POST"
wrk.path = "/api/v1/verify"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
