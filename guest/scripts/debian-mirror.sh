#!/usr/bin/env bash
# debian-mirror.sh: prints the Debian archive URL this machine's apt uses, read
# at run time from /etc/apt/sources.list and /etc/apt/sources.list.d/*.list
# (one-line format) and *.sources (deb822). The first `deb` source whose URI
# path ends in /debian wins (so -security, ports and third-party repositories
# are skipped). $DOMUS_DEBIAN_MIRROR overrides; APT_ETC changes the directory
# (for tests). No host name is ever stored in the repository.
set -euo pipefail
if [ -n "${DOMUS_DEBIAN_MIRROR:-}" ]; then echo "$DOMUS_DEBIAN_MIRROR"; exit 0; fi
etc=${APT_ETC:-/etc/apt}
files=()
[ -f "$etc/sources.list" ] && files+=("$etc/sources.list")
for f in "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
	[ -f "$f" ] && files+=("$f")
done

is_archive() { [[ $1 =~ ^(https?|ftp|file):.*/debian/?$ ]]; }

for f in "${files[@]}"; do
	case $f in
	*.sources)
		# deb822: print "TYPES<TAB>URIS<TAB>ENABLED" for each stanza.
		cand=$(awk '
			function flush() { if (types != "") print types "\t" uris "\t" en; types = uris = ""; en = "yes"; field = "" }
			BEGIN { en = "yes" }
			/^#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]/ { if (field == "types") types = types " " $0; else if (field == "uris") uris = uris " " $0; next }
			{ split($0, kv, ":"); k = tolower(kv[1]); v = substr($0, length(kv[1]) + 2)
			  field = k
			  if (k == "types") types = v; else if (k == "uris") uris = v; else if (k == "enabled") en = v }
			END { flush() }' "$f")
		while IFS=$'\t' read -r types uris en; do
			[[ " $types " == *" deb "* ]] || continue
			[[ ${en// /} == [nN]* ]] && continue
			for u in $uris; do
				if is_archive "$u"; then echo "${u%/}"; exit 0; fi
			done
		done <<<"$cand" ;;
	*)
		while read -r type rest; do
			[ "$type" = deb ] || continue
			# skip an [option=...] block
			if [[ $rest == \[* ]]; then rest=${rest#*]}; fi
			read -r u _ <<<"$rest"
			if is_archive "$u"; then echo "${u%/}"; exit 0; fi
		done < <(sed 's/#.*//' "$f") ;;
	esac
done
echo "debian-mirror: no Debian archive found in $etc sources" >&2
exit 1
