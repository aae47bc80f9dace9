// An npm `zeromq` 6.x draft socket (its prebuilt libzmq 4.3.5 with the draft API), driven
// line by line by a Rust test, as pyzmq/peer.py is.
//
// Each stdin line is a JSON command; each gets exactly one JSON line back on stdout:
// {"ok": true, ...} or {"ok": false, "error": "..."}. Bodies travel as hex strings.
//
//   {"op": "socket", "type": "Server"}   Server, Client, Radio, Dish, Scatter, Gather, or a
//                                        classic class: Push, Pull, Request, Reply, Publisher...
//   {"op": "bind", "endpoint": "tcp://127.0.0.1:*"}  -> {"endpoint": "tcp://127.0.0.1:40001"}
//   {"op": "connect", "endpoint": "..."}
//   {"op": "join", "group": "movies"}    (Dish)
//   {"op": "subscribe", "topic": "news"} (Subscriber)
//   {"op": "send", "body": "<hex>", "routingId": 7, "group": "movies", "address": "ip:port"}
//       routingId for a Server, group for a Radio, address for a Datagram, none otherwise
//   {"op": "recv", "timeout": 5000}  -> {"body": "<hex>", "routingId": n, "group": "...",
//       "address": "ip:port"} (address: a Datagram's first frame), or ok=false on timeout
//   {"op": "close"}
"use strict"

process.removeAllListeners("warning") // draft.js warns that drafts are experimental
const readline = require("readline")
const draft = require("zeromq/draft")
const classic = require("zeromq")

let sock = null

async function run(cmd) {
  switch (cmd.op) {
    case "socket":
      // Receive-only and send-only classes lack the other direction's timeout option.
      sock = new (draft[cmd.type] || classic[cmd.type])({ linger: 1000 })
      if ("sendTimeout" in sock) sock.sendTimeout = 5000
      return {}
    case "bind":
      await sock.bind(cmd.endpoint)
      return { endpoint: sock.lastEndpoint }
    case "connect":
      sock.connect(cmd.endpoint)
      return {}
    case "subscribe":
      sock.subscribe(cmd.topic)
      return {}
    case "join":
      sock.join(cmd.group)
      return {}
    case "send": {
      const body = Buffer.from(cmd.body, "hex")
      if (cmd.address !== undefined) await sock.send([cmd.address, body])
      else if (cmd.routingId !== undefined) await sock.send(body, { routingId: cmd.routingId })
      else if (cmd.group !== undefined) await sock.send(body, { group: cmd.group })
      else await sock.send(body)
      return {}
    }
    case "recv": {
      sock.receiveTimeout = cmd.timeout
      const [msg, options] = await sock.receive()
      if (sock instanceof draft.Datagram) {
        // [address, body]: the second element is the body frame, not options.
        return { address: msg.toString(), body: options.toString("hex") }
      }
      const reply = { body: msg.toString("hex") }
      if (options && options.routingId !== undefined) reply.routingId = options.routingId
      if (options && options.group !== undefined) reply.group = options.group.toString()
      return reply
    }
    case "close":
      sock.close()
      return {}
    default:
      throw new Error(`unknown op ${cmd.op}`)
  }
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin })
  for await (const line of lines) {
    let reply
    try {
      reply = { ok: true, ...(await run(JSON.parse(line))) }
    } catch (e) {
      reply = { ok: false, error: String(e && e.message ? e.message : e) }
    }
    process.stdout.write(JSON.stringify(reply) + "\n")
  }
  if (sock) sock.close()
}

main()
