#!/usr/bin/env python3
"""A FILEMQ (spec 19) peer on pyzmq, written from the spec in the guide (chapter 7), to swap
in for either end of ferrozmq-filemq: no FileMQ implementation is installable from PyPI.

  filemq_peer.py client ENDPOINT DESTDIR CREDIT
      OHAI, YARLY ANONYMOUS, ICANHAZ / with RESYNC=1, NOM CREDIT, then one NOM per chunk
      for its size; writes files under DESTDIR and prints `DELIVER NAME SHA1` when a file's
      empty end chunk arrives. Exits 1 printing `CREDIT EXCEEDED` if a chunk is larger than
      the credit left.
  filemq_peer.py server DIR
      binds a ROUTER on tcp://127.0.0.1 (a free port), prints `ENDPOINT tcp://...`, and
      sends every file under DIR (as /relative/path) to each client that subscribes to /,
      in chunks of at most 100,000 bytes and never more than its credit, then an empty end
      chunk; HUGZ once a second.
"""
import hashlib
import os
import struct
import sys
import time

import zmq

SIG = b"\xaa\xa3"


def string(s):
    b = s.encode()
    return bytes([len(b)]) + b


def dictionary(d):
    out = bytes([len(d)])
    for k, v in d:
        out += string(f"{k}={v}")
    return out


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("truncated")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def octet(self):
        return self.take(1)[0]

    def number(self):
        return struct.unpack(">Q", self.take(8))[0]

    def string(self):
        return self.take(self.octet()).decode()

    def dictionary(self):
        return [self.string().split("=", 1) for _ in range(self.octet())]


def command(frames):
    head = frames[0]
    if head[:2] != SIG or len(head) < 3:
        raise ValueError("bad signature")
    return head[2], Reader(head[3:])


def client(endpoint, dest, credit):
    ctx = zmq.Context()
    s = ctx.socket(zmq.DEALER)
    s.rcvtimeo = 30000
    s.connect(endpoint)
    s.send(SIG + b"\x01" + string("FILEMQ") + b"\x01")
    available = 0
    files = {}
    while True:
        frames = s.recv_multipart()
        cid, r = command(frames)
        if cid == 0x02:  # ORLY
            s.send_multipart([SIG + b"\x03" + string("ANONYMOUS"), b""])
        elif cid == 0x04:  # OHAI-OK
            s.send(SIG + b"\x05" + string("/") + dictionary([("RESYNC", "1")]) + dictionary([]))
            s.send(SIG + b"\x07" + struct.pack(">QQ", credit, 0))
            available = credit
        elif cid == 0x08:  # CHEEZBURGER
            r.number()
            r.octet()
            name = r.string()
            offset = r.number()
            r.dictionary()
            chunk = frames[1]
            if len(chunk) > available:
                print("CREDIT EXCEEDED", flush=True)
                sys.exit(1)
            path = os.path.join(dest, name.lstrip("/"))
            if not chunk:
                data = files.pop(name, b"")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(data)
                print(f"DELIVER {name} {hashlib.sha1(data).hexdigest().upper()}", flush=True)
                continue
            data = files.get(name, b"")
            files[name] = data[:offset] + chunk
            s.send(SIG + b"\x07" + struct.pack(">QQ", len(chunk), 0))
        elif cid == 0x09:  # HUGZ
            s.send(SIG + b"\x0a")


def server(root):
    ctx = zmq.Context()
    s = ctx.socket(zmq.ROUTER)
    port = s.bind_to_random_port("tcp://127.0.0.1")
    print(f"ENDPOINT tcp://127.0.0.1:{port}", flush=True)
    names = []
    for base, _, found in os.walk(root):
        for f in sorted(found):
            full = os.path.join(base, f)
            names.append(("/" + os.path.relpath(full, root), full))
    peers = {}  # id -> [credit, queue of [name, path, offset], sequence]
    next_hugz = time.time() + 1
    while True:
        busy = False
        for pid, peer in peers.items():
            while peer[1]:
                name, path, offset = peer[1][0]
                with open(path, "rb") as f:
                    f.seek(offset)
                    chunk = f.read(min(100000, peer[0]))
                size = os.path.getsize(path)
                if not chunk and offset < size:
                    break  # no credit
                head = SIG + b"\x08" + struct.pack(">Q", peer[2]) + b"\x01" + string(name)
                head += struct.pack(">Q", offset) + dictionary([])
                s.send_multipart([pid, head, chunk])
                peer[2] += 1
                peer[0] -= len(chunk)
                busy = True
                if chunk:
                    peer[1][0][2] += len(chunk)
                else:
                    peer[1].pop(0)
        if s.poll(0 if busy else 100):
            frames = s.recv_multipart()
            pid, rest = frames[0], frames[1:]
            try:
                cid, r = command(rest)
            except ValueError:
                s.send_multipart([pid, SIG + b"\x81" + string("bad command")])
                continue
            if cid == 0x01:
                peers[pid] = [0, [], 0]
                s.send_multipart([pid, SIG + b"\x02" + b"\x01" + string("ANONYMOUS"), b""])
            elif cid == 0x03:
                s.send_multipart([pid, SIG + b"\x04"])
            elif cid == 0x05 and pid in peers:
                if r.string() == "/":
                    peers[pid][1] = [[n, p, 0] for n, p in names]
                s.send_multipart([pid, SIG + b"\x06"])
            elif cid == 0x07 and pid in peers:
                peers[pid][0] += r.number()
            elif cid == 0x09:
                s.send_multipart([pid, SIG + b"\x0a"])
        if time.time() >= next_hugz:
            next_hugz = time.time() + 1
            for pid in peers:
                s.send_multipart([pid, SIG + b"\x09"])


if __name__ == "__main__":
    if sys.argv[1] == "client":
        client(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        server(sys.argv[2])
