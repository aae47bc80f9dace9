"""Pirate peers written from the guide's chapter 4 and RFC 6 with pyzmq, for the interop tests.

    pirate_peer.py lpclient ENDPOINT COUNT   Lazy Pirate client: COUNT numbered requests, each
                                             retried on a new REQ socket (3 tries, 2.5 s)
    pirate_peer.py ppworker ENDPOINT COUNT   PPP worker: READY, heartbeats every 100 ms, echoes
                                             COUNT requests, then exits

A request that is never answered exits with status 1.
"""
import sys
import time

import zmq

PPP_READY = b"\x01"
PPP_HEARTBEAT = b"\x02"


def lpclient(ctx, endpoint, count):
    def connect():
        sock = ctx.socket(zmq.REQ)
        sock.linger = 0
        sock.connect(endpoint)
        return sock

    sock = connect()
    for sequence in range(1, count + 1):
        request = str(sequence).encode()
        for _ in range(3):
            sock.send(request)
            if sock.poll(2500) and sock.recv() == request:
                print("I: server replied OK (%d)" % sequence, flush=True)
                break
            sock.close()
            sock = connect()
        else:
            sys.exit("E: server seems to be offline, abandoning")


def ppworker(ctx, endpoint, count):
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 1000
    sock.connect(endpoint)
    sock.send(PPP_READY)
    served = 0
    heartbeat_at = time.monotonic() + 0.1
    deadline = time.monotonic() + 10
    while served < count:
        if time.monotonic() > deadline:
            sys.exit("ppworker: no request in time")
        if sock.poll(max(0, int((heartbeat_at - time.monotonic()) * 1000))):
            frames = sock.recv_multipart()
            if len(frames) == 1 and frames[0] == PPP_HEARTBEAT:
                pass
            elif len(frames) >= 3 and frames[1] == b"":
                sock.send_multipart(frames)
                served += 1
            else:
                sys.exit("ppworker: invalid message %r" % frames)
        if time.monotonic() >= heartbeat_at:
            sock.send(PPP_HEARTBEAT)
            heartbeat_at = time.monotonic() + 0.1
    print("served %d" % served, flush=True)


def main():
    mode, endpoint, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ctx = zmq.Context()
    {"lpclient": lpclient, "ppworker": ppworker}[mode](ctx, endpoint, count)
    ctx.term()


if __name__ == "__main__":
    main()
