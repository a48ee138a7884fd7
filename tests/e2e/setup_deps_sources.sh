#!/usr/bin/env bash
# scripts/setup-deps takes bookworm-backports from the mirror the system's own apt sources use
# (one-line .list and deb822 .sources, options, comments, disabled stanzas), and adds nothing when an
# enabled backports source exists. Usage: setup_deps_sources.sh SOURCE_DIR
set -euo pipefail
SETUP=$1/scripts/setup-deps
W=$(mktemp -d "${TMPDIR:-/tmp}/setup-deps-XXXXXX")
trap 'rm -rf "$W"' EXIT
fail() { echo "setup_deps_sources: FAIL: $*" >&2; exit 1; }
fixture() { rm -rf "$W/apt"; mkdir -p "$W/apt/sources.list.d"; }
stanza() { APT_ETC=$W/apt "$SETUP" --backports-source bookworm bookworm-backports 2>/dev/null; }

# Debian 12's default: deb822 with comment lines inside the stanza, security from another host.
fixture
cat > "$W/apt/sources.list.d/debian.sources" <<'S'
Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example.org/debian-security
Suites: bookworm-security
Components: main
S
out=$(stanza)
grep -qx 'URIs: http://mirror.example.org/debian' <<<"$out" || fail "deb822: $out"
grep -qx 'Suites: bookworm-backports' <<<"$out" || fail "deb822 suite: $out"
grep -qx 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' <<<"$out" || fail "deb822 signed-by: $out"

# A local apt-cacher mirror in a one-line list with options; a commented-out backports line is no source.
fixture
cat > "$W/apt/sources.list" <<'S'
# deb http://deb.debian.org/debian bookworm-backports main
deb-src http://src.example.org/debian bookworm main
deb [arch=amd64 signed-by=/etc/apt/keyrings/local.gpg] http://cache.lan:3142/deb.debian.org/debian bookworm main contrib
S
out=$(stanza)
grep -qx 'URIs: http://cache.lan:3142/deb.debian.org/debian' <<<"$out" || fail "list with options: $out"
grep -qx 'Signed-By: /etc/apt/keyrings/local.gpg' <<<"$out" || fail "list signed-by: $out"

# A disabled stanza is skipped; the enabled one after it is used.
fixture
cat > "$W/apt/sources.list.d/a.sources" <<'S'
Enabled: no
Types: deb
URIs: http://old.example.org/debian
Suites: bookworm

Types: deb deb-src
URIs: http://new.example.org/debian
Suites: bookworm
Components: main
S
out=$(stanza)
grep -qx 'URIs: http://new.example.org/debian' <<<"$out" || fail "Enabled: no: $out"
grep -q 'Signed-By' <<<"$out" && fail "a Signed-By from nowhere: $out"

# An enabled backports source already there (in either format): nothing to add.
echo 'deb http://new.example.org/debian bookworm-backports main' > "$W/apt/sources.list.d/bp.list"
out=$(stanza)
[ -z "$out" ] || fail "backports already present, still adds: $out"
fixture
printf 'Types: deb\nURIs: http://x.example.org/debian\nSuites: bookworm-backports\nComponents: main\n' > "$W/apt/sources.list.d/bp.sources"
[ -z "$(stanza)" ] || fail "deb822 backports already present, still adds"
echo "setup_deps_sources: ok"
