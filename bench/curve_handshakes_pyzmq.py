"""libzmq's side of `ferrozmq curve-handshakes`, through pyzmq (whose bundled libzmq has CURVE).

usage: python3 bench/curve_handshakes_pyzmq.py <server|client> <endpoint> <count>

Same keys, same exchange (one CURVE connection per request, one byte echoed) and same output
line as the ferrozmq subcommand, so either side can be swapped for the other.
"""
import sys
import time

import zmq

SERVER_SECRET = b"{X}#>t#jRGaQ}gMhv=30r(Mw+87YGs+5%kh=i@f8"
SERVER_PUBLIC = b"DX4nh=yUn{-9ugra0X3Src4SU-4xTgqxcYY.+<SH"
CLIENT_PUBLIC = b"<n^oA}I:66W+*ds3tAmi1+KJzv-}k&fC2aA5Bj0K"
CLIENT_SECRET = b"9R9bV}[6z6DC-%$!jTVTKvWc=LEL{4i4gzUe$@Zx"


def serve(ctx, endpoint, count):
    rep = ctx.socket(zmq.REP)
    rep.curve_secretkey = SERVER_SECRET
    rep.curve_server = True
    rep.bind(endpoint)
    for _ in range(count):
        rep.send(rep.recv())
    rep.close()


def connect_many(ctx, endpoint, count):
    start = time.perf_counter()
    for _ in range(count):
        req = ctx.socket(zmq.REQ)
        req.linger = 0
        req.curve_serverkey = SERVER_PUBLIC
        req.curve_publickey = CLIENT_PUBLIC
        req.curve_secretkey = CLIENT_SECRET
        req.connect(endpoint)
        req.send(b"x")
        req.recv()
        req.close()
    print("handshakes: %d" % count)
    print("mean rate: %.0f [handshakes/s]" % (count / (time.perf_counter() - start)))


def main():
    role, endpoint, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ctx = zmq.Context()
    if role == "server":
        serve(ctx, endpoint, count)
    else:
        connect_many(ctx, endpoint, count)
    ctx.term()


main()
