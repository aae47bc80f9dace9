"""pyzmq's side of tests/c/reqrep.c: `server COUNT` or `client ENDPOINT COUNT`, same protocol."""
import sys

import zmq

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
