//! Asynchronous client/server (zguide chapter 3, "The Asynchronous Client/Server Pattern")
//! written with the async API on tokio: the `asyncsrv` example with tasks instead of threads.
//!
//! Three DEALER client tasks each send a request once a second (a `tokio::time::interval`
//! raced against `recv_multipart` with `select!`) and print every reply as it arrives
//! (`<client id>[<size>] <content>`, as CZMQ's `zframe_print`). The server binds a ROUTER
//! frontend for the clients and a DEALER backend on inproc for five DEALER worker tasks, and
//! joins them with `ferrozmq::async_api::proxy`. A worker answers each request with zero to
//! four replies at random intervals (`tokio::time::sleep`, which blocks no thread).
//!
//! Frames: client to server one part; server to worker two parts ([client identity][body]);
//! replies the same way back.
//!
//! Usage: `asyncsrv_tokio [ENDPOINT] [--count SECONDS]`. The server binds ENDPOINT (default
//! `tcp://*:5570`; `tcp://127.0.0.1:*` picks a free port) and the clients connect to it. It
//! runs for five seconds, or SECONDS (also `FERROZMQ_EXAMPLE_ROUNDS`), then stops the clients
//! and shuts the server's context down: the proxy and the workers end with ETERM.
//! Run: `cargo run -p ferrozmq --example asyncsrv_tokio`.

use ferrozmq::{AsyncSocket, Context, Error, DEALER, ROUTER};
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::watch;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: asyncsrv_tokio: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A socket of `socket_type` with linger 0 (CZMQ's default), for async use.
fn socket(context: &Context, socket_type: ferrozmq::SocketType) -> ferrozmq::Result<AsyncSocket> {
    let socket = context.socket(socket_type)?;
    socket.set_linger(0)?;
    Ok(socket.into_async())
}

/// A client: sends a request once per second and prints replies as they arrive, until
/// `stop` changes. It has its own context: conceptually it is a separate process.
async fn client_task(endpoint: String, mut stop: watch::Receiver<bool>) -> ferrozmq::Result<()> {
    let context = Context::new();
    let mut client = socket(&context, DEALER)?;
    let identity = format!("{:04X}-{:04X}", randof(0x10000), randof(0x10000));
    client.get_ref().set_identity(identity.as_bytes())?;
    client.get_ref().connect(&endpoint)?;

    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await; // The first tick is immediate; the guide's client waits a second.
    let mut request_nbr = 0;
    loop {
        tokio::select! {
            reply = client.recv_multipart() => {
                if let Some(content) = reply?.last() {
                    println!("{identity}{}", frame_text(content));
                }
            }
            _ = tick.tick() => {
                request_nbr += 1;
                client.send(format!("request #{request_nbr}"), 0).await?;
            }
            _ = stop.changed() => return Ok(()),
        }
    }
}

/// A server worker: works on one request at a time and sends a random number of replies
/// back with random delays, until the server's context shuts down.
async fn server_worker(context: Context) -> ferrozmq::Result<()> {
    let mut worker = socket(&context, DEALER)?;
    worker.get_ref().connect("inproc://backend")?;
    loop {
        let message = match worker.recv_multipart().await {
            Err(Error::ETERM) => return Ok(()),
            other => other?,
        };
        let [identity, content] = &message[..] else {
            eprintln!("E: worker: malformed request ({} frames)", message.len());
            continue;
        };
        for _ in 0..randof(5) {
            tokio::time::sleep(Duration::from_millis(randof(1000) + 1)).await;
            match worker.send_multipart([identity, content]).await {
                Err(Error::ETERM) => return Ok(()),
                other => other?,
            }
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (endpoint, seconds) = parse_args()?;

    let server_context = Context::new();
    let mut frontend = socket(&server_context, ROUTER)?;
    frontend
        .get_ref()
        .bind(endpoint.as_deref().unwrap_or("tcp://*:5570"))?;
    let mut backend = socket(&server_context, DEALER)?;
    backend.get_ref().bind("inproc://backend")?;
    let client_endpoint = connectable(&frontend.get_ref().get_last_endpoint()?.unwrap_or_default());

    let (stop, stopped) = watch::channel(false);
    let clients: Vec<_> = (0..3)
        .map(|_| tokio::spawn(client_task(client_endpoint.clone(), stopped.clone())))
        .collect();
    let workers: Vec<_> = (0..5)
        .map(|_| tokio::spawn(server_worker(server_context.clone())))
        .collect();
    // The proxy task owns the two server sockets; it ends with ETERM at shutdown.
    let server = tokio::spawn(async move {
        match ferrozmq::async_api::proxy(&mut frontend, &mut backend).await {
            Err(Error::ETERM) => Ok(()),
            other => other,
        }
    });

    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.send(true)?;
    let mut failed = 0;
    for task in clients {
        failed += report(task.await);
    }
    server_context.shutdown()?;
    failed += report(server.await);
    for task in workers {
        failed += report(task.await);
    }
    if failed > 0 {
        return Err(format!("{failed} task(s) failed").into());
    }
    Ok(())
}

/// Prints a task's failure; 1 if it failed.
fn report(outcome: Result<ferrozmq::Result<()>, tokio::task::JoinError>) -> usize {
    match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("E: asyncsrv_tokio task: {e}");
            1
        }
        Err(e) => {
            eprintln!("E: asyncsrv_tokio task: {e}");
            1
        }
    }
}

/// A frame as CZMQ's `zframe_print` shows it: `[size] content`, hex if binary.
fn frame_text(frame: &[u8]) -> String {
    let content: String = if frame.iter().all(|&b| (32..127).contains(&b)) {
        String::from_utf8_lossy(frame).into_owned()
    } else {
        frame.iter().map(|b| format!("{b:02X}")).collect()
    };
    format!("[{:03}] {content}", frame.len())
}

/// A random number in `0..n` (zhelpers' `randof`), from std's randomly keyed hasher.
fn randof(n: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish() % n
}

/// The endpoint to connect to for a bound endpoint: a wildcard address becomes localhost.
fn connectable(bound: &str) -> String {
    for any in ["tcp://0.0.0.0:", "tcp://[::]:"] {
        if let Some(port) = bound.strip_prefix(any) {
            return format!("tcp://localhost:{port}");
        }
    }
    bound.to_string()
}

/// Command line: an optional endpoint and `--count SECONDS` (default:
/// `FERROZMQ_EXAMPLE_ROUNDS`, else 5).
fn parse_args() -> Result<(Option<String>, u64), String> {
    let mut endpoint = None;
    let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--count" => count = Some(args.next().ok_or("--count needs a value")?),
            _ if arg.starts_with('-') || endpoint.is_some() => {
                return Err(format!(
                "unexpected argument {arg:?}; usage: asyncsrv_tokio [ENDPOINT] [--count SECONDS]"
            ))
            }
            _ => endpoint = Some(arg),
        }
    }
    let seconds = match count {
        Some(n) => n.parse().map_err(|_| format!("bad count {n:?}"))?,
        None => 5,
    };
    Ok((endpoint, seconds))
}
