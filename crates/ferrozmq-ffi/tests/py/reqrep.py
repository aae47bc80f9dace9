"""pyzmq's side of tests/c/reqrep.c: `server COUNT` or `client ENDPOINT COUNT`, same protocol.
With EXPECT_LIBZMQ set, first checks that the libzmq loaded is that file."""
import os
import sys

import zmq

expected = os.environ.get("EXPECT_LIBZMQ")
if expected:
    maps = open("/proc/self/maps").read()
    assert expected in maps, f"{expected} is not the libzmq loaded"

role, count = sys.argv[1], int(sys.argv[-1])
ctx = zmq.Context()
sock = ctx.socket(zmq.REP if role == "server" else zmq.REQ)
sock.rcvtimeo = sock.sndtimeo = 10000
if role == "server":
    sock.bind("tcp://127.0.0.1:*")
    print(sock.last_endpoint.decode(), flush=True)
    for i in range(count):
        assert sock.recv() == b"Hello %d" % i
        sock.send(b"World %d" % i)
else:
    sock.connect(sys.argv[2])
    for i in range(count):
        sock.send(b"Hello %d" % i)
        assert sock.recv() == b"World %d" % i
sock.close()
ctx.term()
print("ok", count)
