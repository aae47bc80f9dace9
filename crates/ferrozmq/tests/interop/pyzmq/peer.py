"""A pyzmq (real libzmq, with CURVE) socket driven line by line by a Rust test.

Each stdin line is a JSON command; each gets exactly one JSON line back on stdout:
{"ok": true, ...} or {"ok": false, "error": "..."}. Frames travel as hex strings.

Commands:
  {"op": "socket", "type": "REP", "options": {"CURVE_SERVER": 1, "CURVE_SECRETKEY": "<z85>", ...}}
      options are zmq constant names; str values are encoded, ints passed as they are.
  {"op": "auth", "plain": {"user": "password"}, "curve_any": true, "deny": ["127.0.0.1"]}
      starts pyzmq's ThreadAuthenticator (a ZAP handler) with that policy.
  {"op": "bind", "endpoint": "tcp://127.0.0.1:*"}  -> {"endpoint": "tcp://127.0.0.1:40001"}
  {"op": "connect", "endpoint": "..."}
  {"op": "subscribe", "topic": "<hex>"}
  {"op": "send", "frames": ["<hex>", ...]}
  {"op": "recv", "timeout": 5000, "properties": ["User-Id"]}
      -> {"frames": [...], "properties": {"User-Id": "..."}} or ok=false on timeout
  {"op": "keypair"} -> {"public": "<z85>", "secret": "<z85>"}
  {"op": "monitor"}  starts monitoring every event of the socket (before bind/connect)
  {"op": "handshake", "timeout": 5000}
      -> {"event": <number>, "value": <number>}: the next handshake outcome the monitor
      reports (succeeded or failed), skipping connection lifecycle events
  {"op": "close"}
"""
import json
import sys

import zmq
import zmq.auth
from zmq.utils.monitor import recv_monitor_message
from zmq.auth.thread import ThreadAuthenticator

ctx = zmq.Context()
sock = None
auth = None
monitor = None

HANDSHAKE_OUTCOMES = (
    zmq.EVENT_HANDSHAKE_SUCCEEDED,
    zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL,
    zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL,
    zmq.EVENT_HANDSHAKE_FAILED_AUTH,
)


def handle(cmd):
    global sock, auth, monitor
    op = cmd["op"]
    if op == "socket":
        sock = ctx.socket(getattr(zmq, cmd["type"]))
        sock.linger = 1000
        for name, value in cmd.get("options", {}).items():
            if isinstance(value, str):
                value = value.encode()
            sock.setsockopt(getattr(zmq, name), value)
        return {}
    if op == "auth":
        auth = ThreadAuthenticator(ctx)
        auth.start()
        for address in cmd.get("deny", []):
            auth.deny(address)
        if "plain" in cmd:
            auth.configure_plain(domain="*", passwords=cmd["plain"])
        if cmd.get("curve_any"):
            auth.configure_curve(domain="*", location=zmq.auth.CURVE_ALLOW_ANY)
        return {}
    if op == "bind":
        sock.bind(cmd["endpoint"])
        return {"endpoint": sock.getsockopt_string(zmq.LAST_ENDPOINT)}
    if op == "connect":
        sock.connect(cmd["endpoint"])
        return {}
    if op == "subscribe":
        sock.setsockopt(zmq.SUBSCRIBE, bytes.fromhex(cmd["topic"]))
        return {}
    if op == "send":
        sock.send_multipart([bytes.fromhex(f) for f in cmd["frames"]])
        return {}
    if op == "recv":
        sock.rcvtimeo = cmd.get("timeout", 5000)
        frames = sock.recv_multipart(copy=False)
        props = {}
        for name in cmd.get("properties", []):
            try:
                props[name] = frames[-1].get(name)
            except zmq.ZMQError:
                props[name] = None
        return {"frames": [f.bytes.hex() for f in frames], "properties": props}
    if op == "keypair":
        public, secret = zmq.curve_keypair()
        return {"public": public.decode(), "secret": secret.decode()}
    if op == "monitor":
        monitor = sock.get_monitor_socket()
        return {}
    if op == "handshake":
        monitor.rcvtimeo = cmd.get("timeout", 5000)
        while True:
            event = recv_monitor_message(monitor)
            if event["event"] in HANDSHAKE_OUTCOMES:
                return {"event": int(event["event"]), "value": event["value"]}
    if op == "close":
        if sock is not None:
            sock.close()
            sock = None
        return {}
    raise ValueError("unknown op " + op)


for line in sys.stdin:
    try:
        reply = handle(json.loads(line))
        reply["ok"] = True
    except Exception as e:  # every failure is an answer, never a hang
        reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    print(json.dumps(reply), flush=True)

if auth is not None:
    auth.stop()
if monitor is not None:
    sock.disable_monitor()
    monitor.close()
if sock is not None:
    sock.close()
ctx.term()
