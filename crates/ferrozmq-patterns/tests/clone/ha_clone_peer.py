"""The guide's model 6 (clonesrv6, clonecli6) written from its chapter 5 and RFC 12 with
pyzmq, standing in for the guide's programs in the swap tests. The Binary Star machine is
the one of ../patterns/ha_peer.py.

    ha_clone_peer.py clonesrv6 -p|-b   a server of the pair on the guide's ports (snapshots
                                       5556/5566, +1 publisher, +2 collector, state
                                       5003/5004); the guide's log lines on stdout
    ha_clone_peer.py clonecli6 COUNT   a client of the pair (subtree /client/, servers 5556
                                       then 5566, fail-over after 5 s without HUGZ) that
                                       sets COUNT keys /client/py/N, one each 100 ms, and
                                       prints "confirmed COUNT" once a server has published
                                       every one of them

Every mode ends itself after 90 s, so a peer its test failed to kill does not linger.
"""
import os
import struct
import sys
import threading
import time
import uuid

import zmq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "patterns"))
from ha_peer import ACTIVE, BACKUP, CLIENT_REQUEST, HEARTBEAT, PASSIVE, PRIMARY, fsm  # noqa: E402


def log(line):
    print("%d %s" % (time.time(), line), flush=True)


def kvmsg(key, seq, body, uid=b"", props=b""):
    return [key, struct.pack("!q", seq), uid, props, body]


def sequence_of(frames):
    return struct.unpack("!q", frames[1])[0]


def store(kvmap, frames):
    if frames[4]:
        kvmap[frames[0]] = frames
    else:
        kvmap.pop(frames[0], None)


def clonesrv6(ctx, role):
    if role == "-p":
        log("I: primary active, waiting for backup (passive)")
        port, peer, local, remote, state = 5556, 5566, 5003, 5004, PRIMARY
    else:
        log("I: backup passive, waiting for primary (active)")
        port, peer, local, remote, state = 5566, 5556, 5004, 5003, BACKUP
    snapshot = ctx.socket(zmq.ROUTER)
    snapshot.bind("tcp://*:%d" % port)
    publisher = ctx.socket(zmq.PUB)
    publisher.bind("tcp://*:%d" % (port + 1))
    collector = ctx.socket(zmq.SUB)
    collector.setsockopt(zmq.SUBSCRIBE, b"")
    collector.bind("tcp://*:%d" % (port + 2))
    subscriber = ctx.socket(zmq.SUB)
    subscriber.setsockopt(zmq.SUBSCRIBE, b"")
    subscriber.connect("tcp://localhost:%d" % (peer + 1))
    statepub = ctx.socket(zmq.PUB)
    statepub.bind("tcp://*:%d" % local)
    statesub = ctx.socket(zmq.SUB)
    statesub.setsockopt(zmq.SUBSCRIBE, b"")
    statesub.connect("tcp://localhost:%d" % remote)
    poller = zmq.Poller()
    for sock in (snapshot, collector, subscriber, statesub):
        poller.register(sock, zmq.POLLIN)

    kvmap, pending, sequence = {}, [], 0
    synced = state == PRIMARY
    peer_expiry = 0.0
    tick = time.monotonic() + HEARTBEAT

    def active():
        return state == ACTIVE

    def change(new_state, line):
        nonlocal state, kvmap, synced, sequence
        was = state
        state = new_state
        if line:
            log(line)
        if state == ACTIVE and was != ACTIVE:
            while pending:
                frames = pending.pop(0)
                sequence += 1
                frames[1] = struct.pack("!q", sequence)
                publisher.send_multipart(frames)
                store(kvmap, frames)
                log("I: publishing pending=%d" % sequence)
        if state == PASSIVE and was != PASSIVE:
            kvmap, synced = {}, False

    def was_pending(frames):
        for i, held in enumerate(pending):
            if held[2] == frames[2]:
                del pending[i]
                return True
        return False

    while True:
        events = dict(poller.poll(max(0, tick - time.monotonic()) * 1000))
        if statesub in events:
            frames = statesub.recv_multipart()
            if len(frames) == 1 and frames[0] in (b"1", b"2", b"3", b"4"):
                peer_expiry = time.monotonic() + 2 * HEARTBEAT
                change(*fsm(state, int(frames[0]), False)[:2])
        if snapshot in events:
            request = snapshot.recv_multipart()
            new_state, line, serve = fsm(state, CLIENT_REQUEST, time.monotonic() >= peer_expiry)
            change(new_state, line)
            if serve and len(request) == 3 and request[1] == b"ICANHAZ?":
                identity, subtree = request[0], request[2]
                for key, frames in kvmap.items():
                    if key.startswith(subtree):
                        snapshot.send_multipart([identity] + frames)
                log("I: sending shapshot=%d" % sequence)
                snapshot.send_multipart([identity] + kvmsg(b"KTHXBAI", sequence, subtree))
        if collector in events:
            frames = collector.recv_multipart()
            if len(frames) == 5:
                if active():
                    sequence += 1
                    frames[1] = struct.pack("!q", sequence)
                    publisher.send_multipart(frames)
                    store(kvmap, frames)
                    log("I: publishing update=%d" % sequence)
                elif not was_pending(frames):
                    pending.append(frames)
        if subscriber in events:
            frames = subscriber.recv_multipart()
            if state == PASSIVE and len(frames) == 5 and frames[0] != b"HUGZ":
                if not synced:
                    peer_snapshot = ctx.socket(zmq.DEALER)
                    peer_snapshot.linger = 0
                    peer_snapshot.connect("tcp://localhost:%d" % peer)
                    log("I: asking for snapshot from: tcp://localhost:%d" % peer)
                    peer_snapshot.send_multipart([b"ICANHAZ?", b""])
                    while peer_snapshot.poll(10000):
                        entry = peer_snapshot.recv_multipart()
                        if entry[0] == b"KTHXBAI":
                            sequence = sequence_of(entry)
                            break
                        store(kvmap, entry)
                    peer_snapshot.close()
                    synced = True
                    log("I: received snapshot=%d" % sequence)
                if not was_pending(frames):
                    pending.append(list(frames))
                if sequence_of(frames) > sequence:
                    sequence = sequence_of(frames)
                    store(kvmap, frames)
                    log("I: received update=%d" % sequence)
        if time.monotonic() >= tick:
            statepub.send_string(str(state))
            if active():
                publisher.send_multipart(kvmsg(b"HUGZ", sequence, b""))
            tick = time.monotonic() + HEARTBEAT


def clonecli6(ctx, count):
    servers = []
    for port in (5556, 5566):
        snapshot = ctx.socket(zmq.DEALER)
        snapshot.linger = 0
        snapshot.connect("tcp://localhost:%d" % port)
        subscriber = ctx.socket(zmq.SUB)
        subscriber.setsockopt(zmq.SUBSCRIBE, b"/client/")
        subscriber.setsockopt(zmq.SUBSCRIBE, b"HUGZ")
        subscriber.connect("tcp://localhost:%d" % (port + 1))
        updates = ctx.socket(zmq.XPUB)
        updates.connect("tcp://localhost:%d" % (port + 2))
        servers.append((port, snapshot, subscriber, updates))
    for server in servers:  # each collector has subscribed: no update is sent into the void
        if not server[3].poll(10000):
            sys.exit("E: collector at %d never subscribed" % (server[0] + 2))
        server[3].recv()
    current, kvmap, sequence, syncing = 0, {}, 0, True
    sent, confirmed, next_set = 0, False, time.monotonic()
    servers[0][1].send_multipart([b"ICANHAZ?", b"/client/"])
    expiry = time.monotonic() + 5
    while True:
        port, snapshot, subscriber, _ = servers[current]
        sock = snapshot if syncing else subscriber
        if sock.poll(100):
            frames = sock.recv_multipart()
            expiry = time.monotonic() + 5
            if syncing:
                if frames[0] == b"KTHXBAI":
                    sequence, syncing = sequence_of(frames), False
                    print("I: received from %d snapshot=%d" % (port, sequence), flush=True)
                else:
                    store(kvmap, frames)
            elif frames[0] != b"HUGZ" and sequence_of(frames) > sequence:
                sequence = sequence_of(frames)
                store(kvmap, frames)
        elif time.monotonic() >= expiry:
            print("I: server at %d didn't give HUGZ" % port, flush=True)
            snapshot.close()
            fresh = ctx.socket(zmq.DEALER)
            fresh.linger = 0
            fresh.connect("tcp://localhost:%d" % port)
            servers[current] = (port, fresh) + servers[current][2:]
            current, syncing = (current + 1) % 2, True
            servers[current][1].send_multipart([b"ICANHAZ?", b"/client/"])
            expiry = time.monotonic() + 5
        if sent < count and time.monotonic() >= next_set:
            update = kvmsg(b"/client/py/%d" % sent, 0, b"%d" % sent, uuid.uuid4().bytes)
            for server in servers:
                server[3].send_multipart(update)
            sent += 1
            next_set = time.monotonic() + 0.1
        mine = [b"/client/py/%d" % i for i in range(count)]
        if not confirmed and not syncing and all(
            kvmap.get(k, [b""] * 5)[4] == b"%d" % i for i, k in enumerate(mine)
        ):
            confirmed = True
            print("confirmed %d" % count, flush=True)


if __name__ == "__main__":
    threading.Timer(90, lambda: os._exit(2)).start()
    context = zmq.Context()
    if sys.argv[1] == "clonesrv6":
        clonesrv6(context, sys.argv[2])
    else:
        clonecli6(context, int(sys.argv[2]))
