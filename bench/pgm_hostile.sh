#!/usr/bin/env bash
# What spoofed PGM sources cost an epgm subscriber, ferrozmq against Debian's libzmq
# (OpenPGM): bench/pgm_hostile.py floods SOURCES fake sources, each leaving a gap that
# keeps its whole receive window held; then a legit publisher of the same library sends
# 100 messages. Prints Markdown rows: the victim's peak and final RSS and whether the legit
# messages arrived. Each run is in a fresh loopback-only network namespace.
#
#   bench/pgm_hostile.sh        (SOURCES [100 1000 4000], PACKETS per source [80])
#
# PACKETS 80 is the window of RATE 100 kbit/s and RECOVERY_IVL 10 s (libzmq's defaults) at
# MULTICAST_MAXTPDU 1500: libzmq's compute_sqns, which both libraries use.
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCES="${SOURCES:-100 1000 4000}"
PACKETS="${PACKETS:-80}"
. bench/pgm_setup.sh

run() {
    local impl=$1 sources=$2 victim legit
    if [ "$impl" = libzmq ]; then
        victim="$C_TOOL local '$EP' 64 100 100"
        legit="$C_TOOL remote '$EP' 64 100 100"
    else
        victim="$BIN local-thr '$EP' 64 100"
        legit="$BIN remote-thr '$EP' 64 100"
    fi
    PGM_MIN_LOG_LEVEL=ERROR unshare -n sh -c "ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 &&
        $victim > /dev/null & victim=\$!
        until grep -q ':15B3 ' /proc/net/udp; do sleep 0.01; done
        attack=\$(python3 bench/pgm_hostile.py 239.192.1.1 5555 $sources $PACKETS)
        peak=\$(awk '/VmHWM/ { print int(\$2 / 1024) }' /proc/\$victim/status)
        now=\$(awk '/VmRSS/ { print int(\$2 / 1024) }' /proc/\$victim/status)
        drops=\$(awk 'NR > 1 && \$2 ~ /:15B3\$/ { d += \$NF } END { print d + 0 }' /proc/net/udp)
        timeout 20 sh -c \"$legit\" > /dev/null 2>&1 || true
        if timeout 20 sh -c \"while kill -0 \$victim 2>/dev/null; do sleep 0.05; done\"; then
            legit='100 of 100 legit messages'
        else
            legit='legit messages did not all arrive in 20 s'; kill \$victim
        fi
        echo \"| \$attack | $impl | \$peak | \$now | \$drops | \$legit |\""
}

echo "| attack | victim | peak RSS MiB | RSS after the attack MiB | datagrams the kernel dropped | then |"
echo "|---|---|---|---|---|---|"
for sources in $SOURCES; do
    run libzmq "$sources"
    run ferrozmq "$sources"
done
