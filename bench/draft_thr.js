// npm zeromq (its prebuilt libzmq 4.3.5 with the draft API) side of bench/draft.sh: the same
// arguments and lines as crates/ferrozmq/examples/draft_thr.rs.
//
//   node bench/draft_thr.js recv server|dish|pull ENDPOINT SIZE COUNT
//   node bench/draft_thr.js send client|radio|push ENDPOINT SIZE COUNT
"use strict"
process.removeAllListeners("warning")
const path = require("path")
const modules = path.join(__dirname, "../crates/ferrozmq/tests/interop/npm/node_modules")
const zmq = require(path.join(modules, "zeromq"))
const draft = require(path.join(modules, "zeromq/draft"))

const [role, kind, endpoint, sizeArg, countArg] = process.argv.slice(2)
const size = Number(sizeArg)
const count = Number(countArg)
const classes = {
  server: draft.Server, client: draft.Client, radio: draft.Radio, dish: draft.Dish,
  push: zmq.Push, pull: zmq.Pull,
}

async function main() {
  const Class = classes[kind]
  if (role === "recv") {
    const sock = new Class({ receiveHighWaterMark: 0 })
    await sock.bind(endpoint)
    if (kind === "dish") sock.join("bench")
    console.log("ready")
    await sock.receive()
    sock.receiveTimeout = 2000
    const start = process.hrtime.bigint()
    let received = 1
    let last = start
    try {
      while (received < count) {
        await sock.receive()
        received++
        last = process.hrtime.bigint()
      }
    } catch (e) {
      // A receive timed out: udp dropped the rest.
    }
    const elapsed = Number(last - start) / 1000 // to the last arrival
    const throughput = ((received - 1) * 1000000) / Math.max(elapsed, 1)
    console.log(`message size: ${size} [B]`)
    console.log(`message count: ${count}`)
    console.log(`received: ${received}`)
    console.log(`mean throughput: ${Math.floor(throughput)} [msg/s]`)
    console.log(`mean throughput: ${((throughput * size * 8) / 1000000).toFixed(3)} [Mb/s]`)
    sock.close()
  } else {
    const sock = new Class({ sendHighWaterMark: 0, linger: -1 })
    sock.connect(endpoint)
    await new Promise((resolve) => setTimeout(resolve, 500))
    const body = Buffer.alloc(size)
    for (let i = 0; i < count; i++) {
      if (kind === "radio") await sock.send(body, { group: "bench" })
      else await sock.send(body)
    }
    sock.close()
  }
}

main()
