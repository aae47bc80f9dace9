"""pyzmq's side of tests/c/pubsub.c: `pub COUNT` or `sub ENDPOINT COUNT`, same protocol."""
import sys

import zmq

role, count = sys.argv[1], int(sys.argv[-1])
ctx = zmq.Context()
sock = ctx.socket(zmq.XPUB if role == "pub" else zmq.SUB)
sock.rcvtimeo = sock.sndtimeo = 10000
if role == "pub":
    sock.bind("tcp://127.0.0.1:*")
    print(sock.last_endpoint.decode(), flush=True)
    assert sock.recv() == b"\x01weather"
    for i in range(count):
        sock.send_multipart([b"weather", b"%d" % i])
    sock.send_multipart([b"weather", b"END"])
else:
    sock.setsockopt(zmq.SUBSCRIBE, b"weather")
    sock.connect(sys.argv[2])
    for i in range(count + 1):
        topic, body = sock.recv_multipart()
        assert topic == b"weather"
        if body == b"END":
            assert i == count, (i, count)
            break
        assert int(body) == i
    else:
        raise AssertionError("no END")
sock.close()
ctx.term()
print("ok", count)
