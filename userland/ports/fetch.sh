# Debian's source packages for the ports, kept in a cache outside the tree
# (sourced by userland/ports/build.sh and suites.sh).
# PORTS_CACHE: the cache (default ${XDG_CACHE_HOME:-~/.cache}/tabkernel-ports).
PORTS_CACHE=${PORTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tabkernel-ports}

# deb_src: make sure APT knows Debian's source packages (a fresh machine has
# only binary ones): one sources file beside the binary entries', then a
# refresh of the lists.
deb_src() {
  if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then return; fi
  [ -w /etc/apt/sources.list.d ] || { echo "ports: APT has no deb-src entry and /etc/apt/sources.list.d is not writable: add one (docs/PORTS.md)" >&2; return 1; }
  echo "ports: adding Debian's deb-src entry (/etc/apt/sources.list.d/tabkernel-deb-src.sources)" >&2
  cat >/etc/apt/sources.list.d/tabkernel-deb-src.sources <<'EOS'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
  apt-get update -q >&2
}

# fetch_dsc PACKAGE VERSION: the .dsc in the cache, fetched with
# `apt-get source --download-only` unless already there; prints its path.
fetch_dsc() {
  local pkg=$1 ver=$2 dsc
  dsc="$PORTS_CACHE/${pkg}_${ver#*:}.dsc"
  if [ ! -f "$dsc" ]; then
    deb_src || return 1
    mkdir -p "$PORTS_CACHE"
    (cd "$PORTS_CACHE" && apt-get source --download-only -qq "$pkg=$ver" >&2) || { echo "ports: apt-get source $pkg=$ver failed" >&2; return 1; }
    [ -f "$dsc" ] || { echo "ports: apt-get source did not leave $dsc" >&2; return 1; }
  fi
  echo "$dsc"
}
