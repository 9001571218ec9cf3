-- 200 rows of deterministic data: id, region, product, quantity, price.
local n = tonumber(arg[1]) or 100
local seed = 12345
local function rand(m)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return (seed >> 16) % m
end
local regions = {"north", "south", "east", "west"}
local products = {"awk", "sed", "lua", "m4", "bc"}
print("id,region,product,qty,price")
for i = 1, n do
  local r = regions[rand(#regions) + 1]
  local p = products[rand(#products) + 1]
  print(string.format("%d,%s,%s,%d,%.2f", i, r, p, rand(50) + 1, (rand(10000) + 100) / 100))
end
