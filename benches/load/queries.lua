-- wrk script: a mixed stream of reader queries against /api/search, counting
-- non-2xx answers as errors. Written for healthdex's load bench (run.sh).
local queries = {
  "leaky+gut", "eczema", "symptoms+of+diabetes", "high+blood+pressure", "heart+attack+signs+in+women",
  "probiotics+for+eczema", "%22intestinal+permeability%22", "psorisis+treatment", "alzhiemers+symptoms",
  "water+on+the+brain", "pink+eye", "acne+-dairy", "title%3Adiabetes+treatment",
  "why+does+my+skin+break+out+when+I+am+stressed",
  "my+father+keeps+forgetting+names+and+getting+lost+is+this+alzheimers+or+just+old+age",
  "gut&group=1", "migraine&tag=symptoms", "shingles+vaccine&limit=20", "%28%28%28%22unbalanced", "sdafadsf",
}
-- With HX_QUERIES set (run.sh --stream distinct), the queries are that file's
-- lines (URL-encoded, one per line) instead, each thread starting at its own place.
local path = os.getenv("HX_QUERIES")
if path then
  local file = io.open(path, "r")
  if file then
    queries = {}
    for line in file:lines() do
      if line ~= "" then queries[#queries + 1] = line end
    end
    file:close()
  end
end
local counter = 0
-- Each thread starts at its own share of the list (wrk sets `id` from setup).
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  counter = (id or 0) * math.floor(#queries / 2)
end
-- The URL's path is a prefix to the API ("/search/" behind the README's proxy).
local prefix = nil
request = function()
  if prefix == nil then
    prefix = string.gsub(wrk.path or "/", "/$", "")
  end
  counter = counter + 1
  local q = queries[(counter % #queries) + 1]
  return wrk.format("GET", prefix .. "/api/search?q=" .. q)
end

local errors = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then
    errors = errors + 1
  end
end

done = function(summary, latency, requests)
  local s = summary
  io.write(string.format("requests %d, bad statuses %d, socket errors connect %d read %d write %d timeout %d\n",
    s.requests, s.errors.status, s.errors.connect, s.errors.read, s.errors.write, s.errors.timeout))
  io.write(string.format("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
