//! Ironhouse pattern: CURVE encryption with mutual authentication (zguide chapter 5 of "Using
//! ZeroMQ Securely", `ironhouse.c` / `ironhouse2.c`).
//!
//! The server knows its clients by certificate: an [`Authenticator`] (CZMQ's zauth) in the
//! server's context allows connections from 127.0.0.1 only, and accepts a CURVE client only
//! if the client's public key is in a certificate directory. Here both certificates are
//! made with [`Certificate::new`] and saved in a fresh temporary directory — the server's
//! and client's secret certificates next to each other, and the client's public certificate
//! in the server's `.curve` directory (in practice an out-of-band step) — then each side
//! loads what it may know: the server its secret certificate, the client its own secret
//! certificate and the server's public one. The server (PUSH) sends "Hello" to the client
//! (PULL, in a context of its own), which checks it:
//!
//! ```text
//! cargo run -p ferrozmq --example ironhouse
//! Ironhouse test OK
//! ```
//!
//! The authenticator logs each decision to stderr. Usage: `ironhouse [ENDPOINT]`: the server
//! binds ENDPOINT (default `tcp://127.0.0.1:*`, a free port) and the client connects to the
//! address it got. The temporary directory is removed at the end.

use ferrozmq::auth::{Authenticator, Certificate, CurveAllow};
use ferrozmq::{Context, PULL, PUSH};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tcp://127.0.0.1:*".to_string());
    let dir = std::env::temp_dir().join(format!("ferrozmq-ironhouse-{}", std::process::id()));
    let outcome = run(&endpoint, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    match outcome {
        Ok(()) => {
            println!("Ironhouse test OK");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("E: ironhouse: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where the certificates live under the temporary directory.
struct Paths {
    /// The server's certificate (`server.key`, `server.key_secret`).
    server: PathBuf,
    /// The client's certificate (`client.key`, `client.key_secret`).
    client: PathBuf,
    /// The public certificates of the clients the server accepts.
    known_clients: PathBuf,
}

/// Makes both certificates and saves them, as an administrator would beforehand.
fn make_certificates(dir: &Path) -> ferrozmq::Result<Paths> {
    let paths = Paths {
        server: dir.join("server.key"),
        client: dir.join("client.key"),
        known_clients: dir.join(".curve"),
    };
    std::fs::create_dir_all(&paths.known_clients)?;
    Certificate::new()?.save(&paths.server)?;
    let mut client_cert = Certificate::new()?;
    client_cert.set_meta("name", "Client test certificate")?;
    client_cert.save(&paths.client)?;
    client_cert.save_public(paths.known_clients.join("testcert.pub"))?;
    Ok(paths)
}

fn run(endpoint: &str, dir: &Path) -> Result<(), Box<dyn Error>> {
    let paths = make_certificates(dir)?;

    // The server: its context runs the authenticator.
    let server_ctx = Context::new();
    let auth = Authenticator::new(&server_ctx)?;
    auth.verbose(true);
    auth.allow("127.0.0.1");
    auth.configure_curve("*", CurveAllow::Directory(paths.known_clients.clone()));
    let server_cert = Certificate::load(&paths.server)?;
    let server = server_ctx.socket(PUSH)?;
    server_cert.apply(&server)?;
    server.set_curve_server(true)?;
    server.set_sndtimeo(10_000)?;
    server.bind(endpoint)?;
    let bound = server
        .get_last_endpoint()?
        .map_err(|_| "the bound endpoint is not UTF-8")?;

    // The client: its own certificate, and the server's public key (loaded from the public
    // certificate file only, as a client would have it).
    let client_ctx = Context::new();
    let client_cert = Certificate::load(&paths.client)?;
    let server_public = Certificate::load(&paths.server)?.public_txt();
    let client = client_ctx.socket(PULL)?;
    client_cert.apply(&client)?;
    client.set_curve_serverkey(server_public.as_bytes())?;
    client.set_rcvtimeo(10_000)?;
    client.connect(&bound)?;

    // The send waits until the client has passed the handshake and the authenticator.
    server.send("Hello", 0)?;
    let message = client.recv_bytes(0)?;
    if message != b"Hello" {
        return Err(format!("the client got {message:?} instead of Hello").into());
    }
    Ok(())
}
