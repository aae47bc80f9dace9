//! The guide's `track` tool: `track <send-dir> <recv-dir>` mirrors a directory with FileMQ —
//! a server publishes `<send-dir>` as `/` on tcp port 5670 (anonymous access), a client in
//! the same process subscribes to `/` with resync and receives into `<recv-dir>`, printing
//! `I: received FILENAME (FULLNAME)` for each file. Runs until interrupted.

use ferrozmq_filemq::{Client, ClientOptions, Event, Mount, Server, ServerConfig};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [send, recv] = &args[..] else {
        eprintln!("usage: track <send-dir> <recv-dir>");
        std::process::exit(2);
    };
    let ctx = ferrozmq::Context::new();
    let mut config = ServerConfig {
        anonymous: true,
        ..ServerConfig::default()
    };
    config.mounts.push(Mount {
        location: send.into(),
        alias: "/".into(),
    });
    let _server = Server::bind(&ctx, config, "tcp://*:5670").unwrap_or_else(|e| {
        eprintln!("E: cannot bind tcp://*:5670: {e}");
        std::process::exit(1)
    });
    let client = Client::connect(&ctx, "tcp://localhost:5670", recv, ClientOptions::default())
        .and_then(|c| c.subscribe("/").map(|()| c))
        .unwrap_or_else(|e| {
            eprintln!("E: cannot start the client into {recv}: {e}");
            std::process::exit(1)
        });
    loop {
        if let Some(Event::Deliver { filename, fullname }) =
            client.recv_timeout(std::time::Duration::from_secs(1))
        {
            println!("I: received {filename} ({})", fullname.display());
        }
    }
}
