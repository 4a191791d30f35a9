-- GET /api/v1/verify/{code}, cycling over the codes in $CODES (one per line).
local codes = {}
for line in io.lines(os.getenv("CODES")) do
  if #line > 0 then codes[#codes + 1] = line end
end
local i = 0
request = function()
  i = i % #codes + 1
  return wrk.format("GET", "/api/v1/verify/" .. codes[i])
end
