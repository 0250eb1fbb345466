#!/usr/bin/env bash
# System test of `xm info` (issue 6, "Information"): every Xen field is
# there with a sane value (host facts agree with uname / nproc / sysfs,
# nr_cpus = xend's pCPU pool, memory as xend accounts it from xend.conf,
# credit scheduler, Domus version fields), and free_memory drops by a
# created guest's size and comes back after xm destroy; the top-sample
# snapshot agrees. Own mktemp -d DOMUS_STATE; the guest case skips without
# $B/guest images.
set -u
T_PREFIX="info: "
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
[ -x "$XEND" ] && [ -x "$XM" ] && [ -x "$B/bin/xenstored" ] || {
  for n in fields host cpus memory hypervisor build xend-summary top-sample free-drops free-returns; do
    echo "ok - info: $n # SKIP no xend/xm/xenstored in $B"; done; exit 0; }

state_init
printf 'dom0-memory 256\nguest-memory 1024\n' >"$DOMUS_STATE/xend.conf"
$XEND start || { t "xend start" 1; exit 1; }
INFO=$($XM info); rc=$?
f() { awk -F' *: ' -v k="$1" '$1==k{print substr($0, index($0, ": ") + 2); exit}' <<<"$INFO"; }
num() { [[ "$1" =~ ^[0-9]+$ ]]; }

# -- every field, in Xen's "name<pad>: value" layout ---------------------------
fields="host release version machine nr_cpus nr_nodes cores_per_socket threads_per_core
cpu_mhz hw_caps virt_caps total_memory free_memory free_cpus xen_major xen_minor xen_extra
xen_caps xen_scheduler xen_pagesize platform_params xen_changeset cc_compiler cc_compile_by
cc_compile_date xend_config_format"
e=""
for k in $fields; do
  grep -Eq "^$k +: .+" <<<"$INFO" || e="$e $k"
done
bad=$(grep -vE '^[a-z_0-9]{1,23} *: ' <<<"$INFO" | head -3)
t "fields: every Xen field present, non-empty, 'name : value' layout" \
  "$([ $rc = 0 ] && [ -z "$e" ] && [ -z "$bad" ]; echo $?)" "missing:$e bad lines: $bad"

# -- host facts -----------------------------------------------------------------
t "host: host/release/version/machine are uname's" \
  "$([ "$(f host)" = "$(uname -n)" ] && [ "$(f release)" = "$(uname -r)" ] &&
     [ "$(f version)" = "$(uname -v)" ] && [ "$(f machine)" = "$(uname -m)" ]; echo $?)" \
  "$(f host) $(f release) $(f machine) vs $(uname -n) $(uname -r) $(uname -m)"
nc=$(f nr_cpus); cps=$(f cores_per_socket); tpc=$(f threads_per_core); mhz=$(f cpu_mhz)
nn=$(f nr_nodes)
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l); [ "$nodes" = 0 ] && nodes=1
t "cpus: nr_cpus = pool size (online CPUs), topology and cpu_mhz sane" \
  "$(num "$nc" && num "$cps" && num "$tpc" && num "$mhz" && [ "$nc" = "$(f xend_pcpus)" ] &&
     [ "$nc" = "$(nproc)" ] && [ "$cps" -ge 1 ] && [ "$tpc" -ge 1 ] &&
     [ $((cps * tpc)) -le "$(nproc --all)" ] && [ "$mhz" -gt 0 ] && [ "$mhz" -lt 100000 ] &&
     [ "$nn" = "$nodes" ] && [ "$(f free_cpus)" = 0 ] &&
     [[ "$(f hw_caps)" =~ ^[0-9a-f]{8}(:[0-9a-f]{8})+$ ]]; echo $?)" \
  "nr_cpus $nc (nproc $(nproc)) cores/socket $cps threads/core $tpc mhz $mhz nodes $nn hw_caps $(f hw_caps)"

# -- memory: xend's accounting (xend.conf) ----------------------------------------
tot=$(f total_memory); fr=$(f free_memory)
t "memory: total = dom0 + guest memory (1280), free = guest memory (1024), total >= free" \
  "$([ "$tot" = 1280 ] && [ "$fr" = 1024 ] && [ "$tot" -ge "$fr" ] &&
     [ "$(f xend_dom0_memory)" = 256 ] && [ "$(f xend_guest_memory)" = 1024 ]; echo $?)" \
  "total $tot free $fr"

# -- hypervisor and build fields ---------------------------------------------------
t "hypervisor: Domus version, rv64gc caps, credit scheduler, 4 KiB pages" \
  "$(num "$(f xen_major)" && num "$(f xen_minor)" && [ "$(f xen_extra)" = -domus ] &&
     grep -qw rv64gc-pv <<<"$(f xen_caps)" && [ "$(f xen_scheduler)" = credit ] &&
     [ "$(f xen_pagesize)" = 4096 ] && [ "$(f virt_caps)" = pv ] &&
     grep -q '^ram_start=0x80000000 ' <<<"$(f platform_params)"; echo $?)" \
  "$(grep -E '^(xen|virt|platform)' <<<"$INFO")"
t "build: compiler, changeset, date, xend_config_format 4" \
  "$(grep -Eq '^(gcc|clang) version [0-9]' <<<"$(f cc_compiler)" &&
     grep -Eq 'git:[0-9a-f]{7,}|^unavailable$' <<<"$(f xen_changeset)" &&
     grep -Eq '^[A-Z][a-z]{2} [ 0-9]{2} [0-9]{4} [0-9:]{8}$' <<<"$(f cc_compile_date)" &&
     [ "$(f xend_config_format)" = 4 ]; echo $?)" \
  "$(grep -E '^(cc_|xen_changeset|xend_config)' <<<"$INFO")"
t "xend-summary: state dir, uptime, relocation port, xenstored" \
  "$([ "$(f xend_state_dir)" = "$DOMUS_STATE" ] && num "$(f xend_uptime)" &&
     [ "$(f xend_relocation_port)" = 8002 ] && [ -x "$(f xenstored)" ]; echo $?)" \
  "$(grep -E '^xen(d|store)' <<<"$INFO")"

# -- the top-sample snapshot agrees ----------------------------------------------
TS=$($XM top -b -i 1)
mem=$(awk '/^Mem:/{print $2, $6}' <<<"$TS")
t "top-sample: xm top's Mem line and CPUs agree with xm info" \
  "$([ "$mem" = "$((tot * 1024))k $((fr * 1024))k" ] && grep -q "CPUs: $nc @ ${mhz}MHz" <<<"$TS"; echo $?)" \
  "$TS"

# -- a guest takes its memory out of free_memory ----------------------------------
if have_guest; then
  cat >"$DOMUS_STATE/i1.cfg" <<EOF
name = "i1"
memory = 96
vcpus = 1
kernel = "$IMG"
ramdisk = "$INITRD"
extra = 'console=ttyS0 quiet'
EOF
  $XM create "$DOMUS_STATE/i1.cfg" >/dev/null; rc=$?
  fr1=$($XM info | awk '$1=="free_memory"{print $3}')
  t "free-drops: free_memory drops by the guest's 96 MiB" \
    "$([ $rc = 0 ] && [ "$fr1" = $((fr - 96)) ]; echo $?)" "before $fr after $fr1"
  $XM destroy i1
  gone() { ! $XM list i1 >/dev/null 2>&1; }
  wait_for 30 gone
  fr2=$($XM info | awk '$1=="free_memory"{print $3}')
  t "free-returns: free_memory back after xm destroy" "$([ "$fr2" = "$fr" ]; echo $?)" "now $fr2"
else
  echo "ok - info: free-drops # SKIP no guest image"
  echo "ok - info: free-returns # SKIP no guest image"
fi
exit $failed
