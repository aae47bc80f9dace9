"""A pyre node driven by lines on stdin, printing its events as tab-separated lines.

Run only inside a loopback-only network namespace (pyre beacons on the first interface
it finds, whatever it is told). Arguments: NAME [KEY=VALUE ...] (headers).
stdin: JOIN group | LEAVE group | SHOUT group text | WHISPER uuidhex text | QUIT
stdout: READY uuidhex, then ENTER uuid name headers-json endpoint, JOIN/LEAVE uuid name
group, SHOUT uuid name group text..., WHISPER uuid name text..., EXIT uuid name.
"""
import json
import sys
import threading
import uuid

import zmq
from pyre import Pyre


def say(*fields):
    print("\t".join(fields), flush=True)


def main():
    node = Pyre(sys.argv[1])
    for header in sys.argv[2:]:
        key, value = header.split("=", 1)
        node.set_header(key, value)
    node.set_interface("lo")
    node.start()
    say("READY", node.uuid().hex)
    poller = zmq.Poller()
    poller.register(node.socket(), zmq.POLLIN)
    lines = []
    lock = threading.Lock()
    wake = threading.Event()

    def read_stdin():
        for line in sys.stdin:
            with lock:
                lines.append(line.rstrip("\n"))
        with lock:
            lines.append("QUIT")

    threading.Thread(target=read_stdin, daemon=True).start()
    while True:
        with lock:
            pending, lines[:] = list(lines), []
        for line in pending:
            parts = line.split(" ", 2)
            if parts[0] == "QUIT":
                node.stop()
                return
            if parts[0] == "JOIN":
                node.join(parts[1])
            elif parts[0] == "LEAVE":
                node.leave(parts[1])
            elif parts[0] == "SHOUT":
                node.shouts(parts[1], parts[2])
            elif parts[0] == "WHISPER":
                node.whispers(uuid.UUID(parts[1]), parts[2])
        if dict(poller.poll(50)):
            frames = node.recv()
            kind = frames.pop(0).decode()
            peer = uuid.UUID(bytes=frames.pop(0)).hex
            name = frames.pop(0).decode()
            rest = [f.decode("utf-8", "replace") for f in frames]
            if kind == "ENTER":
                headers = json.dumps(json.loads(rest[0]), sort_keys=True)
                say(kind, peer, name, headers, rest[1])
            else:
                say(kind, peer, name, *rest)


if __name__ == "__main__":
    main()
