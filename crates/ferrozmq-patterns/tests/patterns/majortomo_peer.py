"""MDP/0.2 peers from PyPI's majortomo (0.2.0), for the interop tests.

    majortomo_peer.py broker URL                 majortomo's broker, fast heartbeats
    majortomo_peer.py default-broker URL         majortomo's broker, its default heartbeats
    majortomo_peer.py worker URL SERVICE COUNT   answer COUNT requests: PARTIAL "partial",
                                                 then FINAL with the request's frames
    majortomo_peer.py client URL SERVICE COUNT   COUNT requests; prints each reply's parts

Every wait is bounded (5 s); a missing or wrong reply exits with status 1.
"""
import sys

from majortomo import Client, Worker
from majortomo.broker import Broker

HEARTBEAT = 0.25
HEARTBEAT_TIMEOUT = 1.0
TIMEOUT = 5.0


def worker(url, service, count):
    w = Worker(url, service, heartbeat_interval=HEARTBEAT, heartbeat_timeout=HEARTBEAT_TIMEOUT)
    w.connect()
    print("ready", flush=True)
    for _ in range(count):
        client, request = w.wait_for_request()
        w.send_reply_partial(client, [b"partial"])
        w.send_reply_final(client, request)
    w.close()
    print("served %d" % count, flush=True)


def client(url, service, count):
    c = Client(url)
    c.connect()
    for i in range(count):
        body = [b"request", str(i).encode()]
        c.send(service, *body)
        parts = list(c.recv_all(timeout=TIMEOUT))
        if not parts or parts[-1] != body:
            sys.exit("client: wrong reply %r to %r" % (parts, body))
        print(" ".join("|".join(f.decode() for f in part) for part in parts), flush=True)
    c.close()
    print("%d requests/replies processed" % count, flush=True)


def main():
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "broker":
        Broker(bind=url, heartbeat_interval=HEARTBEAT, heartbeat_timeout=HEARTBEAT_TIMEOUT).run()
    elif mode == "default-broker":
        Broker(bind=url).run()
    elif mode == "worker":
        worker(url, sys.argv[3], int(sys.argv[4]))
    elif mode == "client":
        client(url, sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
