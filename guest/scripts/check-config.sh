#!/usr/bin/env bash
# check-config.sh FRAGMENT DOTCONFIG
# Verifies that every option the fragment sets is set the same way in the
# resolved .config: `CONFIG_X=v` must appear verbatim, `# CONFIG_X is not set`
# must not be =y/=m. Prints each mismatch and exits 1 if there is any.
set -euo pipefail
frag=$1 cfg=$2
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		key=${line%%=*}
		got=$(grep -E "^(# )?$key[= ]" "$cfg" || true)
		if [ "$got" != "$line" ]; then
			echo "config: wanted '$line', got '${got:-<absent>}'" >&2
			bad=1
		fi ;;
	"# CONFIG_"*" is not set")
		key=${line#\# }; key=${key%% *}
		if grep -qE "^$key=[ym]" "$cfg"; then
			echo "config: wanted '$line', got '$(grep -E "^$key=" "$cfg")'" >&2
			bad=1
		fi ;;
	esac
done < "$frag"
n=$(grep -cE '^(CONFIG_|# CONFIG_.* is not set)' "$frag")
[ $bad -eq 0 ] || { echo "config: fragment $frag not satisfied" >&2; exit 1; }
echo "config: all $n options of $(basename "$frag") set as asked" >&2
