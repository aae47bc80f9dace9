"""Binary Star and Freelance peers written from the guide's chapter 4 with pyzmq, standing in
for the guide's Python programs in the interop tests.

    ha_peer.py bstarcli                  Binary Star client: a numbered request a second to
                                         tcp://localhost:5001, failing over to 5002 (and
                                         back) after 1 s without a reply and a 2 s settle
    ha_peer.py bstarsrv -p|-b            Binary Star server (echo) with the guide's FSM,
                                         endpoints 5001-5004 and 1 s heartbeats
    ha_peer.py flserver1 ENDPOINT        model 1 REP echo server
    ha_peer.py flserver2 ENDPOINT        model 2 REP server: [sequence, body] -> [sequence, OK]
    ha_peer.py flserver3 BIND            model 3 ROUTER server, routing id = BIND with * ->
                                         localhost; PING -> PONG, [seq, body] -> [seq, OK]
    ha_peer.py flclient2 COUNT EP...     model 2 shotgun client, COUNT requests
    ha_peer.py flclient3 COUNT EP...     model 3 FLP client (ROUTER, pings, first server
                                         that answered), COUNT requests

Clients print "Average round trip cost: N usec" and exit 1 when a request goes unanswered.
Every mode ends itself after 60 s, so a peer its test failed to kill does not linger.
"""
import os
import sys
import threading
import time

import zmq

HEARTBEAT = 1.0


def bstarcli(ctx):
    servers = ["tcp://localhost:5001", "tcp://localhost:5002"]
    nbr = 0

    def connect():
        print("I: connecting to server at %s..." % servers[nbr], flush=True)
        sock = ctx.socket(zmq.REQ)
        sock.linger = 0
        sock.connect(servers[nbr])
        return sock

    client = connect()
    sequence = 0
    while True:
        sequence += 1
        client.send_string(str(sequence))
        while True:
            if client.poll(1000):
                reply = client.recv_string()
                if reply == str(sequence):
                    print("I: server replied OK (%s)" % reply, flush=True)
                    time.sleep(1)
                    break
                print("E: bad reply from server: %s" % reply, flush=True)
            else:
                print("W: no response from server, failing over", flush=True)
                client.close()
                nbr = (nbr + 1) % 2
                time.sleep(2)
                client = connect()
                client.send_string(str(sequence))


PRIMARY, BACKUP, ACTIVE, PASSIVE, CLIENT_REQUEST = 1, 2, 3, 4, 5


def fsm(state, event, expired):
    """The guide's Binary Star table: (new state, line, serve) or raises on split brain."""
    if state == PRIMARY:
        if event == BACKUP:
            return ACTIVE, "I: connected to backup (passive), ready as active", True
        if event == ACTIVE:
            return PASSIVE, "I: connected to backup (active), ready as passive", True
        if event == CLIENT_REQUEST:
            if expired:
                return ACTIVE, "I: request from client, ready as active", True
            return state, None, False
    elif state == BACKUP:
        if event == ACTIVE:
            return PASSIVE, "I: connected to primary (active), ready as passive", True
        if event == CLIENT_REQUEST:
            return state, None, False
    elif state == ACTIVE:
        if event == ACTIVE:
            raise SystemExit("E: fatal error - dual actives, aborting")
    elif state == PASSIVE:
        if event == PRIMARY:
            return ACTIVE, "I: primary (passive) is restarting, ready as active", True
        if event == BACKUP:
            return ACTIVE, "I: backup (passive) is restarting, ready as active", True
        if event == PASSIVE:
            raise SystemExit("E: fatal error - dual passives, aborting")
        if event == CLIENT_REQUEST:
            if expired:
                return ACTIVE, "I: failover successful, ready as active", True
            return state, None, False
    return state, None, True


def bstarsrv(ctx, role):
    if role == "-p":
        print("I: Primary active, waiting for backup (passive)", flush=True)
        front, local, remote, state = "tcp://*:5001", "tcp://*:5003", "tcp://localhost:5004", PRIMARY
    else:
        print("I: Backup passive, waiting for primary (active)", flush=True)
        front, local, remote, state = "tcp://*:5002", "tcp://*:5004", "tcp://localhost:5003", BACKUP
    frontend = ctx.socket(zmq.ROUTER)
    frontend.bind(front)
    statepub = ctx.socket(zmq.PUB)
    statepub.bind(local)
    statesub = ctx.socket(zmq.SUB)
    statesub.setsockopt(zmq.SUBSCRIBE, b"")
    statesub.connect(remote)
    poller = zmq.Poller()
    poller.register(frontend, zmq.POLLIN)
    poller.register(statesub, zmq.POLLIN)
    peer_expiry = 0.0
    send_state_at = time.monotonic() + HEARTBEAT
    while True:
        timeout = max(0, send_state_at - time.monotonic())
        events = dict(poller.poll(timeout * 1000))
        if frontend in events:
            msg = frontend.recv_multipart()
            state, line, serve = fsm(state, CLIENT_REQUEST, time.monotonic() >= peer_expiry)
            if line:
                print(line, flush=True)
            if serve:
                frontend.send_multipart(msg)
        if statesub in events:
            frames = statesub.recv_multipart()
            if len(frames) == 1 and frames[0] in (b"1", b"2", b"3", b"4"):
                peer_expiry = time.monotonic() + 2 * HEARTBEAT
                state, line, _ = fsm(state, int(frames[0]), False)
                if line:
                    print(line, flush=True)
        if time.monotonic() >= send_state_at:
            statepub.send_string(str(state))
            send_state_at = time.monotonic() + HEARTBEAT


def flserver1(ctx, endpoint):
    server = ctx.socket(zmq.REP)
    server.bind(endpoint)
    print("I: echo service is ready at %s" % endpoint, flush=True)
    while True:
        server.send_multipart(server.recv_multipart())


def flserver2(ctx, endpoint):
    server = ctx.socket(zmq.REP)
    server.bind(endpoint)
    print("I: service is ready at %s" % endpoint, flush=True)
    while True:
        request = server.recv_multipart()
        assert len(request) == 2, request
        server.send_multipart([request[0], b"OK"])


def flserver3(ctx, bind):
    server = ctx.socket(zmq.ROUTER)
    server.setsockopt(zmq.ROUTING_ID, bind.replace("*", "localhost").encode())
    server.bind(bind)
    print("I: service is ready at %s" % bind, flush=True)
    while True:
        request = server.recv_multipart()
        address, control = request[:2]
        if control == b"PING":
            server.send_multipart([address, b"PONG"])
        else:
            server.send_multipart([address, control, b"OK"])


def flclient2(ctx, count, endpoints):
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    for endpoint in endpoints:
        sock.connect(endpoint)
    start = time.monotonic()
    for sequence in range(1, count + 1):
        for _ in endpoints:
            sock.send_multipart([b"", str(sequence).encode(), b"random name"])
        deadline = time.monotonic() + 2.5
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not sock.poll(left * 1000):
                sys.exit("E: name service not available, aborting")
            reply = sock.recv_multipart()
            if len(reply) == 3 and reply[1] == str(sequence).encode() and reply[2] == b"OK":
                break
    print("Average round trip cost: %d usec" % ((time.monotonic() - start) * 1e6 / count))


def flclient3(ctx, count, endpoints):
    sock = ctx.socket(zmq.ROUTER)
    sock.linger = 0
    sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
    for endpoint in endpoints:
        sock.connect(endpoint)
    alive = []
    deadline = time.monotonic() + 10
    while not alive:
        if time.monotonic() > deadline:
            sys.exit("E: no server answered a ping")
        for endpoint in endpoints:
            try:
                sock.send_multipart([endpoint.encode(), b"PING"])
            except zmq.ZMQError:
                pass
        while sock.poll(100):
            frames = sock.recv_multipart()
            if frames[1:] == [b"PONG"] and frames[0] not in alive:
                alive.append(frames[0])
    start = time.monotonic()
    for sequence in range(1, count + 1):
        sock.send_multipart([alive[0], str(sequence).encode(), b"random name"])
        while True:
            if not sock.poll(3000):
                sys.exit("E: name service not available, aborting")
            frames = sock.recv_multipart()
            if frames[1:] == [str(sequence).encode(), b"OK"]:
                break
    print("Average round trip cost: %d usec" % ((time.monotonic() - start) * 1e6 / count))


def main():
    watchdog = threading.Timer(60, os._exit, [3])
    watchdog.daemon = True
    watchdog.start()
    ctx = zmq.Context()
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "bstarcli":
        bstarcli(ctx)
    elif mode == "bstarsrv":
        bstarsrv(ctx, args[0])
    elif mode == "flserver1":
        flserver1(ctx, args[0])
    elif mode == "flserver2":
        flserver2(ctx, args[0])
    elif mode == "flserver3":
        flserver3(ctx, args[0])
    elif mode == "flclient2":
        flclient2(ctx, int(args[0]), args[1:])
    elif mode == "flclient3":
        flclient3(ctx, int(args[0]), args[1:])
    else:
        sys.exit("unknown mode %s" % mode)


if __name__ == "__main__":
    main()
