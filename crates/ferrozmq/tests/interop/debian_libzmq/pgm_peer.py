"""A PUB or SUB on Debian's libzmq (built with OpenPGM) over pgm:// or epgm://, for
crates/ferrozmq/tests/interop/pgm.rs. It loads the system's libzmq.so.5 through ctypes:
pyzmq's wheel bundles a libzmq without PGM.

    pgm_peer.py pub ENDPOINT SIZE RATE         # prints "ready"; on each stdin line K sends
                                               # the next K messages [b"topic", b"NNNNNN..."
                                               # of SIZE bytes] and prints "sent"; lingers
                                               # (its window repairing) until stdin closes
    pgm_peer.py sub ENDPOINT TIMEOUT_MS RATE   # prints "ready", then one line per message
                                               # received ("TOPIC NNNNNN SIZE"), then "done"
                                               # once none came for TIMEOUT_MS

Each message body starts with its index, six digits.
"""

import ctypes
import glob
import sys

paths = sorted(glob.glob("/usr/lib/*/libzmq.so.5"))
if not paths:
    sys.exit("no system libzmq.so.5 (Debian's libzmq5)")
z = ctypes.CDLL(paths[0], use_errno=True)
z.zmq_ctx_new.restype = ctypes.c_void_p
z.zmq_socket.restype = ctypes.c_void_p
z.zmq_socket.argtypes = [ctypes.c_void_p, ctypes.c_int]
z.zmq_connect.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
z.zmq_setsockopt.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t]
z.zmq_getsockopt.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
z.zmq_send.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
z.zmq_recv.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
z.zmq_close.argtypes = [ctypes.c_void_p]
z.zmq_ctx_term.argtypes = [ctypes.c_void_p]
z.zmq_strerror.restype = ctypes.c_char_p

PUB, SUB = 1, 2
SUBSCRIBE, RATE, RCVMORE, LINGER, RCVTIMEO = 6, 8, 13, 17, 27
SNDMORE = 2


def check(rc, what):
    if rc < 0:
        sys.exit("%s: %s" % (what, z.zmq_strerror(ctypes.get_errno()).decode()))
    return rc


def set_int(socket, option, value):
    v = ctypes.c_int(value)
    check(z.zmq_setsockopt(socket, option, ctypes.byref(v), 4), "setsockopt")


role, endpoint = sys.argv[1], sys.argv[2].encode()
ctx = z.zmq_ctx_new()
socket = z.zmq_socket(ctx, PUB if role == "pub" else SUB)
if role == "pub":
    size, rate = int(sys.argv[3]), int(sys.argv[4])
    set_int(socket, RATE, rate)
    set_int(socket, LINGER, 0)
    check(z.zmq_connect(socket, endpoint), "connect")
    print("ready", flush=True)
    sent = 0
    for line in sys.stdin:
        for _ in range(int(line)):
            body = (b"%06d" % sent).ljust(size, b".")
            check(z.zmq_send(socket, b"topic", 5, SNDMORE), "send")
            check(z.zmq_send(socket, body, len(body), 0), "send")
            sent += 1
        print("sent", flush=True)
else:
    timeout, rate = int(sys.argv[3]), int(sys.argv[4])
    set_int(socket, RATE, rate)
    set_int(socket, RCVTIMEO, timeout)
    set_int(socket, LINGER, 0)
    check(z.zmq_setsockopt(socket, SUBSCRIBE, b"", 0), "subscribe")
    check(z.zmq_connect(socket, endpoint), "connect")
    print("ready", flush=True)
    buf = ctypes.create_string_buffer(1 << 20)
    more = ctypes.c_int(0)
    more_size = ctypes.c_size_t(4)
    while True:
        frames = []
        while True:
            n = z.zmq_recv(socket, buf, len(buf), 0)
            if n < 0:
                break
            frames.append(buf.raw[:n])
            check(z.zmq_getsockopt(socket, RCVMORE, ctypes.byref(more), ctypes.byref(more_size)), "getsockopt")
            if not more.value:
                break
        if not frames:
            break
        if len(frames) == 2:
            print(frames[0].decode(), frames[1][:6].decode(), len(frames[1]), flush=True)
        else:
            print("bad", len(frames), flush=True)
    print("done", flush=True)
z.zmq_close(socket)
z.zmq_ctx_term(ctx)
