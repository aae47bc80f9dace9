"""MDP/0.1 peers written from RFC 7 with pyzmq (libzmq 4.3.5), for the interop tests.

    mdp_peer.py worker ENDPOINT SERVICE COUNT   echo COUNT requests, then DISCONNECT
    mdp_peer.py client ENDPOINT SERVICE COUNT   COUNT requests on a REQ socket, each checked
    mdp_peer.py mmi ENDPOINT SERVICE            print the mmi.service answer for SERVICE

Every wait is bounded (5 s); a missing or wrong reply exits with status 1.
"""
import sys
import time

import zmq

TIMEOUT_MS = 5000
HEARTBEAT_MS = 100


def worker(ctx, endpoint, service, count):
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 1000
    sock.connect(endpoint)
    sock.send_multipart([b"", b"MDPW01", b"\x01", service])
    print("ready", flush=True)
    served = 0
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while served < count:
        if time.monotonic() > deadline:
            sys.exit("worker: no request in time")
        if not sock.poll(HEARTBEAT_MS):
            sock.send_multipart([b"", b"MDPW01", b"\x04"])
            continue
        frames = sock.recv_multipart()
        assert frames[0] == b"" and frames[1] == b"MDPW01", frames
        command = frames[2]
        if command == b"\x04":
            continue
        if command == b"\x05":
            sys.exit("worker: broker sent DISCONNECT")
        assert command == b"\x02", frames
        client, empty, body = frames[3], frames[4], frames[5:]
        assert empty == b"", frames
        sock.send_multipart([b"", b"MDPW01", b"\x03", client, b""] + body)
        served += 1
        deadline = time.monotonic() + TIMEOUT_MS / 1000
    sock.send_multipart([b"", b"MDPW01", b"\x05"])
    print("served %d" % served, flush=True)


def call(ctx, endpoint, service, body):
    sock = ctx.socket(zmq.REQ)
    sock.linger = 0
    sock.connect(endpoint)
    sock.send_multipart([b"MDPC01", service] + body)
    if not sock.poll(TIMEOUT_MS):
        sys.exit("client: no reply in time")
    reply = sock.recv_multipart()
    sock.close()
    assert reply[0] == b"MDPC01" and reply[1] == service, reply
    return reply[2:]


def client(ctx, endpoint, service, count):
    sock = ctx.socket(zmq.REQ)
    sock.linger = 0
    sock.connect(endpoint)
    for i in range(count):
        body = [b"request", str(i).encode()]
        sock.send_multipart([b"MDPC01", service] + body)
        if not sock.poll(TIMEOUT_MS):
            sys.exit("client: no reply to request %d" % i)
        reply = sock.recv_multipart()
        if reply != [b"MDPC01", service] + body:
            sys.exit("client: wrong reply %r" % reply)
    print("%d requests/replies processed" % count, flush=True)


def main():
    mode, endpoint, service = sys.argv[1], sys.argv[2], sys.argv[3].encode()
    ctx = zmq.Context()
    if mode == "worker":
        worker(ctx, endpoint, service, int(sys.argv[4]))
    elif mode == "client":
        client(ctx, endpoint, service, int(sys.argv[4]))
    elif mode == "mmi":
        print(call(ctx, endpoint, b"mmi.service", [service])[0].decode(), flush=True)
    else:
        sys.exit("unknown mode " + mode)
    ctx.term()


if __name__ == "__main__":
    main()
