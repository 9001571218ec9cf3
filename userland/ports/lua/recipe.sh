# Lua 5.4.4, the interpreter `lua`. Debian builds it with libtool through its
# own patched src/Makefile; this compiles the same files with the flags of
# upstream's `make posix` (LUA_USE_POSIX: popen, mkstemp, _setjmp) and
# Debian's LUA_COMPAT_5_3, without dlopen (C modules) and readline. Errors
# unwind with setjmp/longjmp; os.execute and io.popen go through system and
# popen, which spawn: no fork.
PACKAGE=lua5.4
VERSION=5.4.4-3+deb12u1
FORKS=0
PROGRAMS=(src/lua)
LINKS=(lua5.4:lua)
port_build() {
  cd src
  # luaconf.h includes what Debian's rules generate: the multiarch triplet in
  # the C module path (which stays unused without dlopen).
  printf '#define DEB_HOST_MULTIARCH "wasm32-wasi"\n' >lua5.4-deb-multiarch.h
  local core=(lapi lcode lctype ldebug ldo ldump lfunc lgc llex lmem lobject lopcodes lparser
    lstate lstring ltable ltm lundump lvm lzio lauxlib lbaselib lcorolib ldblib liolib lmathlib
    loadlib loslib lstrlib ltablib lutf8lib linit lua)
  local f objs=()
  for f in "${core[@]}"; do
    quiet "lua: cc $f.c" "$CC" -DLUA_COMPAT_5_3 -DLUA_USE_POSIX "-ffile-prefix-map=$B/=" -c "$f.c" -o "$f.o"
    objs+=("$f.o")
  done
  quiet "lua: link" "$CC" -o lua "${objs[@]}" -lm
}
