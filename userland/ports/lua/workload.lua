-- Lua's scripted workload (userland/ports/suites.sh lua): each case runs as
-- its own script, natively (Debian's lua5.4 5.4.4) and in tabkernel (the
-- port); a case passes when both print the same bytes. (Debian's source
-- package carries no copy of Lua's own test suite, lua-5.4.4-tests.)
-- case: tables-and-sort
local t = {}
for i = 1, 1000 do t[i] = (i * 7919) % 1009 end
table.sort(t)
print(#t, t[1], t[500], t[1000], table.concat(t, ",", 1, 8))
table.sort(t, function(a, b) return a > b end)
print(t[1], t[1000], select("#", table.unpack(t, 1, 10)))
-- case: strings-and-patterns
local s = "The quick brown fox jumps over the lazy dog"
print(s:upper(), #s, s:rep(2, "|"):len())
for w in s:gmatch("%a+") do io.write(w:sub(1, 1)) end print()
print(s:gsub("(%w+)", "<%1>", 3))
print(string.format("%5d|%-5s|%.3f|%q|%x", 42, "ab", math.pi, "a\nb", 255))
print(("x = 10, y = 20"):match("x = (%d+), y = (%d+)"))
print(string.find("hello world", "o w"), string.byte("A"), string.char(72, 105))
-- case: integers-and-floats
print(7 // 2, 7 % -3, -7 // 2, 7 / 2, 2^10, 10 // 0.0, -10 % 3)
print(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger)
print(math.type(1), math.type(1.0), math.type("1"), 1 == 1.0, math.tointeger(3.0))
print(string.format("%.14g", math.sqrt(2)), math.floor(-3.5), math.ceil(-3.5), math.abs(-0.0))
print(0x7fffffffffffffff, 1e100, -1e-100, 3 | 5, 3 & 5, 3 ~ 5, ~0, 1 << 62, 256 >> 4)
-- case: closures-and-varargs
local function counter()
  local n = 0
  return function(k) n = n + (k or 1); return n end
end
local c1, c2 = counter(), counter()
c1() c1(5) c2()
print(c1(), c2())
local function pack(...) return select("#", ...), {...} end
local n, p = pack(1, nil, 3, nil)
print(n, #p >= 1, p[3])
print(table.pack(1, 2, 3).n, table.unpack({1, 2, 3}, 2))
-- case: metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__len = function() return 2 end
V.__call = function(self, k) return self[k] end
local a = setmetatable({x = 1, y = 2}, V)
local b = setmetatable({x = 3, y = 4}, V)
print(tostring(a + b), a == b, a < b, #a, a("y"), rawequal(a, a), rawlen({1, 2, 3}))
-- case: coroutines
local gen = coroutine.wrap(function()
  for i = 1, 3 do coroutine.yield(i) end
  return "done"
end)
print(gen(), gen(), gen(), gen())
local co = coroutine.create(function(x, y)
  local z = coroutine.yield(x + y)
  error("inside: " .. z)
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, "boom"))
print(coroutine.status(co), coroutine.isyieldable())
-- case: errors-and-pcall
local ok7, e7 = pcall(error, {code = 7}) print(ok7, type(e7), e7.code)
print(select(2, pcall(error, "msg", 0)))
print(xpcall(function() local x = nil; return x.field end, function(m) return "handled: " .. m end))
print(pcall(string.rep))
local ok, e = pcall(function() error(setmetatable({}, {__tostring = function() return "custom" end})) end)
print(ok, tostring(e))
-- case: goto-and-integer-loops
for i = 3, 1, -1 do io.write(i, " ") end print()
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    io.write(i, j, " ")
    ::continue::
  end
end
print()
local i = 1
repeat i = i * 3 until i > 100
print(i)
-- case: string-pack-and-utf8
local packed = string.pack("<i4 >i2 z d", 1, 2, "hi", 1.5)
print(#packed, string.unpack("<i4 >i2 z d", packed))
print(utf8.char(72, 233, 8364, 128512), utf8.len("héllo€"), utf8.codepoint("€"))
for p, c in utf8.codes("aé€") do io.write(p, ":", c, " ") end print()
-- case: gc-and-weak-tables
local weak = setmetatable({}, {__mode = "k"})
do local key = {} weak[key] = 1 end
collectgarbage() collectgarbage()
local n = 0 for _ in pairs(weak) do n = n + 1 end
print("weak entries", n)
local big = {} for k = 1, 100000 do big[k] = {k} end big = nil
collectgarbage()
print(collectgarbage("count") < 10000)
-- case: io-files
local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("line1\n", 42, "\n", 3.5, "\nlast")
f:close()
for l in io.lines(name) do io.write("[", l, "]") end print()
f = assert(io.open(name, "r"))
print(f:read("l"), f:read("n"), f:read("n"), f:read("a"))
print(f:seek("set", 2), f:read(3), f:seek("end"))
f:close()
print(os.remove(name), io.open(name) == nil, select(2, io.open("/nonexistent/x")))
-- case: os-and-processes
print(os.execute("exit 3"))
print(os.execute("true"))
local p = io.popen("echo one; echo two")
print(p:read("a"))
print(p:close())
local w = io.popen("cat", "w") w:write("to cat\n") print(w:close())
print(type(os.time()), os.date("!%Y-%m-%d %H:%M:%S", 86400 * 365), os.getenv("NO_SUCH_VAR"))
-- case: load-and-env
local env = {print = print, x = 5}
local chunk = load("x = x * 2; return x", "chunk", "t", env)
print(chunk(), env.x, x)
print(load("return 1 +"))
local f = load(string.dump(function(a) return a * 3 end))
print(f(14))
print(require("string") == string, package.path ~= nil)
