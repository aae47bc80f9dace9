// An npm `jszmq` socket (a pure JavaScript ZWS 2.0 peer: the bare `ZWS2.0` subprotocol, no
// ZMTP handshake, routing ids exchanged as first messages) for the Rust interop tests. One
// run, arguments in, each received message out as one line (frames as UTF-8, TAB-separated):
//
//   node jszmq_peer.js req ENDPOINT TEXT                sends TEXT, prints the reply
//   node jszmq_peer.js dealer ENDPOINT ROUTING_ID TEXT  the same from a Dealer with that id
//   node jszmq_peer.js sub ENDPOINT TOPIC COUNT         prints COUNT messages matching TOPIC
//   node jszmq_peer.js push ENDPOINT TEXT...            sends each TEXT, then waits for EOF on stdin
//
// It exits 0 once it has printed what it was asked for (push: when stdin closes).
"use strict"

const zmq = require("jszmq")

const [kind, endpoint, ...args] = process.argv.slice(2)
const print = (frames) => console.log(frames.map((f) => f.toString("utf8")).join("\t"))

function run() {
  switch (kind) {
    case "req":
    case "dealer": {
      const sock = kind === "req" ? new zmq.Req() : new zmq.Dealer()
      if (kind === "dealer") sock.options.routingId = args.shift()
      sock.connect(endpoint)
      sock.once("message", (...frames) => {
        print(frames)
        sock.close()
        process.exit(0)
      })
      sock.send(args[0])
      return
    }
    case "sub": {
      const [topic, count] = args
      const sock = new zmq.Sub()
      let left = Number(count)
      sock.subscribe(topic)
      sock.connect(endpoint)
      sock.on("message", (...frames) => {
        print(frames)
        if (--left === 0) {
          sock.close()
          process.exit(0)
        }
      })
      return
    }
    case "push": {
      const sock = new zmq.Push()
      sock.connect(endpoint)
      for (const text of args) sock.send(text)
      process.stdin.resume()
      process.stdin.on("end", () => process.exit(0))
      return
    }
    default:
      console.error(`unknown kind ${kind}`)
      process.exit(2)
  }
}

run()
