"""A Clustered Hashmap Protocol (ZeroMQ RFC 12) peer written from the spec with pyzmq, to
show that a guide Python clone program could be swapped with ours.

    chp_peer.py client SNAPSHOT PUBLISHER COLLECTOR COUNT
        syncs by ICANHAZ?/KTHXBAI, sends COUNT KVSETs to the collector (a PUB, as CHP
        says; an XPUB underneath, to wait until the server's SUB has subscribed), and reads
        its updates back, checking that sequence numbers only grow.
    chp_peer.py server
        binds ROUTER, PUB and SUB on free loopback ports, prints them on one line, and
        serves snapshots (with subtrees) and KVSETs until its stdin closes.
"""
import struct
import sys
import time
import uuid

import zmq

TIMEOUT_MS = 10000


def kvmsg(key, seq, body, props=b"", uid=b""):
    return [key, struct.pack("!q", seq), uid, props, body]


def recv(sock):
    if not sock.poll(TIMEOUT_MS):
        sys.exit("timed out")
    return sock.recv_multipart()


def client(snapshot_ep, publisher_ep, collector_ep, count):
    ctx = zmq.Context()
    snapshot = ctx.socket(zmq.DEALER)
    snapshot.connect(snapshot_ep)
    subscriber = ctx.socket(zmq.SUB)
    subscriber.setsockopt(zmq.SUBSCRIBE, b"")
    subscriber.connect(publisher_ep)
    publisher = ctx.socket(zmq.XPUB)
    publisher.connect(collector_ep)

    snapshot.send_multipart([b"ICANHAZ?", b""])
    entries = 0
    while True:
        frames = recv(snapshot)
        assert len(frames) == 5, frames
        if frames[0] == b"KTHXBAI":
            sequence = struct.unpack("!q", frames[1])[0]
            break
        entries += 1
    print("snapshot %d at %d" % (entries, sequence))

    assert recv(publisher)[0][0] == 1  # the server's collector subscribed
    for i in range(count):
        publisher.send_multipart(
            kvmsg(b"/py/%d" % i, 0, b"v%d" % i, b"ttl=0\n", uuid.uuid4().bytes))

    seen = 0
    while seen < count:
        key, seq, _uid, _props, _body = recv(subscriber)
        seq = struct.unpack("!q", seq)[0]
        if key == b"HUGZ" or seq <= sequence:
            continue
        assert seq == sequence + 1, (seq, sequence)
        sequence = seq
        if key.startswith(b"/py/"):
            seen += 1
    print("updates %d in sequence" % seen)


def server():
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    pub = ctx.socket(zmq.PUB)
    collector = ctx.socket(zmq.SUB)
    collector.setsockopt(zmq.SUBSCRIBE, b"")
    ports = [s.bind_to_random_port("tcp://127.0.0.1") for s in (router, pub, collector)]
    print(" ".join("tcp://127.0.0.1:%d" % p for p in ports), flush=True)
    kvmap = {}
    sequence = 0
    poller = zmq.Poller()
    poller.register(router, zmq.POLLIN)
    poller.register(collector, zmq.POLLIN)
    poller.register(sys.stdin, zmq.POLLIN)
    next_hugz = time.time() + 1
    while True:
        ready = dict(poller.poll(100))
        if sys.stdin.fileno() in ready and not sys.stdin.read(1):
            break
        if collector in ready:
            frames = collector.recv_multipart()
            if len(frames) != 5:
                print("E: bad KVSET", file=sys.stderr)
                continue
            sequence += 1
            frames[1] = struct.pack("!q", sequence)
            if frames[4]:
                kvmap[frames[0]] = frames
            else:
                kvmap.pop(frames[0], None)
            pub.send_multipart(frames)
        if router in ready:
            identity, command, *rest = router.recv_multipart()
            if command != b"ICANHAZ?":
                continue
            subtree = rest[0] if rest else b""
            for key, frames in kvmap.items():
                if key.startswith(subtree):
                    router.send_multipart([identity] + frames)
            router.send_multipart([identity] + kvmsg(b"KTHXBAI", sequence, subtree))
        if time.time() >= next_hugz:
            pub.send_multipart(kvmsg(b"HUGZ", 0, b""))
            next_hugz = time.time() + 1
    print("served %d updates" % sequence)


if __name__ == "__main__":
    if sys.argv[1] == "client":
        client(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        server()
