#!/usr/bin/env bash
# Checks of the guest-image helper scripts that need neither network nor a
# kernel build: mirror discovery from apt sources in both formats, and the
# kernel-config verifier (which must catch a dropped option).
set -u
cd "$(dirname "$0")/.."
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0
check() { # check NAME EXPECTED ACTUAL
	n=$((n + 1))
	if [ "$2" = "$3" ]; then echo "ok - $1"; else
		echo "not ok - $1 (expected '$2', got '$3')"; fi
}

mkdir -p "$t/apt/sources.list.d"
cat > "$t/apt/sources.list" <<'L'
# deb http://commented.invalid/debian bookworm main
deb [arch=amd64 signed-by=/k.gpg] http://sec.invalid/debian-security bookworm-security main
deb-src http://src.invalid/debian bookworm main
deb [signed-by=/k.gpg] https://one.invalid/debian/ bookworm main
L
check "mirror: one-line format, options and security skipped" \
	https://one.invalid/debian "$(APT_ETC=$t/apt scripts/debian-mirror.sh 2>&1)"

rm "$t/apt/sources.list"
cat > "$t/apt/sources.list.d/a.sources" <<'L'
Types: deb
URIs: https://deb.nodesource.invalid/node_20.x
Suites: nodistro

Types: deb deb-src
URIs: http://off.invalid/debian
Suites: bookworm
Enabled: no

# comment
Types: deb
URIs:
 http://sec.invalid/debian-security
 http://two.invalid/pub/debian
Suites: bookworm
Components: main
L
check "mirror: deb822 format, disabled stanza and folded URIs" \
	http://two.invalid/pub/debian "$(APT_ETC=$t/apt scripts/debian-mirror.sh 2>&1)"

rm "$t/apt/sources.list.d/a.sources"
APT_ETC=$t/apt scripts/debian-mirror.sh >/dev/null 2>&1
check "mirror: no source is an error" 1 $?
check "mirror: DOMUS_DEBIAN_MIRROR overrides" http://x.invalid/debian \
	"$(DOMUS_DEBIAN_MIRROR=http://x.invalid/debian APT_ETC=$t/apt scripts/debian-mirror.sh)"

printf 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_N=64\nCONFIG_S=""\n' > "$t/frag"
printf 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_N=64\nCONFIG_S=""\nCONFIG_C=y\n' > "$t/good"
scripts/check-config.sh "$t/frag" "$t/good" 2>/dev/null
check "check-config: satisfied fragment passes" 0 $?
sed 's/^CONFIG_A=y/# CONFIG_A is not set/' "$t/good" > "$t/bad1"
scripts/check-config.sh "$t/frag" "$t/bad1" 2>/dev/null
check "check-config: dropped option fails" 1 $?
sed 's/^# CONFIG_B is not set/CONFIG_B=y/' "$t/good" > "$t/bad2"
scripts/check-config.sh "$t/frag" "$t/bad2" 2>/dev/null
check "check-config: option meant off but on fails" 1 $?
sed 's/^CONFIG_N=64/CONFIG_N=8/' "$t/good" > "$t/bad3"
scripts/check-config.sh "$t/frag" "$t/bad3" 2>/dev/null
check "check-config: changed value fails" 1 $?
grep -v CONFIG_S "$t/good" > "$t/bad4"
scripts/check-config.sh "$t/frag" "$t/bad4" 2>/dev/null
check "check-config: absent option fails" 1 $?
# Every option line of the real fragment is one the verifier understands.
bad=$(grep -vE '^(#|$|CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set$)' kernel.config | head -1)
check "kernel.config: every line is an option, a comment or blank" "" "$bad"
