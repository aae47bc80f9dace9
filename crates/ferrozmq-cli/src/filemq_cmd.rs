//! `ferrozmq filemq`: FileMQ from the shell, on `ferrozmq-filemq`. `serve` publishes a
//! directory; `sync` mirrors a virtual path into a directory, printing one line per file
//! received on stdout and, on long transfers, a progress line (files, bytes, rate) on stderr
//! once a second.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ferrozmq_filemq::{Client, ClientOptions, Event, Mount, Server, ServerConfig};

/// `ferrozmq filemq --help`.
pub const HELP: &str = "\
usage: ferrozmq filemq serve DIR [--mount /PATH] [-b ENDPOINT] [--config FILE]
       ferrozmq filemq sync ENDPOINT /PATH DESTDIR [--no-resync]
                            [--login LOGIN --password PASSWORD]

serve publishes DIR under the virtual path /PATH (default /) on ENDPOINT
(default tcp://*:5670), and prints `I: publishing DIR as /PATH on ENDPOINT`;
--config reads the guide's ZPL server configuration (server, publish, security)
first. New files are noticed once a second, when they are more than a second old.

sync subscribes to /PATH on the server at ENDPOINT and writes what arrives into
DESTDIR (resync on: files DESTDIR already holds are not sent again, partial
ones continue where they stopped). Each file received prints
`I: received FILENAME (FULLNAME)`; refusals print `W: REASON` on stderr. It runs
until interrupted, and across server restarts.
";

/// Runs `ferrozmq filemq ARGS`.
pub fn main(args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("sync") => sync(&args[1..]),
        Some("-h" | "--help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        _ => usage("expected `serve` or `sync`"),
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("ferrozmq filemq: {message}\n{HELP}");
    ExitCode::from(2)
}

/// Positional arguments, and options with their values (`""` for a switch).
type SplitArgs<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// Splits `--flag VALUE` options (in `flags`) and switches from positional arguments.
fn split_args<'a>(
    args: &'a [String],
    flags: &[&str],
    switches: &[&str],
) -> Result<SplitArgs<'a>, String> {
    let mut positional = Vec::new();
    let mut options = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if flags.contains(&arg.as_str()) {
            let value = it.next().ok_or(format!("{arg} needs a value"))?;
            options.push((arg.as_str(), value.as_str()));
        } else if switches.contains(&arg.as_str()) {
            options.push((arg.as_str(), ""));
        } else if arg.starts_with('-') && arg.len() > 1 {
            return Err(format!("unknown option {arg}"));
        } else {
            positional.push(arg.as_str());
        }
    }
    Ok((positional, options))
}

fn serve(args: &[String]) -> ExitCode {
    let (positional, options) = match split_args(args, &["--mount", "-b", "--config"], &[]) {
        Ok(split) => split,
        Err(e) => return usage(&e),
    };
    let [dir] = positional[..] else {
        return usage("serve takes one DIR");
    };
    let mut mount = "/";
    let mut endpoint = "tcp://*:5670";
    let mut config = ServerConfig::default();
    for (flag, value) in options {
        match flag {
            "--mount" => mount = value,
            "-b" => endpoint = value,
            _ => match ServerConfig::load(value) {
                Ok(c) => config = c,
                Err(e) => {
                    eprintln!("ferrozmq filemq: {value}: {e}");
                    return ExitCode::FAILURE;
                }
            },
        }
    }
    if !ferrozmq_filemq::paths::is_valid(mount) {
        return usage(&format!("--mount {mount}: not a virtual path like /logs"));
    }
    if let Some(echo) = &config.echo {
        println!("{echo}");
    }
    config.mounts.push(Mount {
        location: dir.into(),
        alias: mount.to_string(),
    });
    let ctx = ferrozmq::Context::new();
    let server = match Server::bind(&ctx, config, endpoint) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("ferrozmq filemq: cannot bind {endpoint}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("I: publishing {dir} as {mount} on {}", server.endpoint());
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}

fn sync(args: &[String]) -> ExitCode {
    let split = split_args(args, &["--login", "--password"], &["--no-resync"]);
    let (positional, flags) = match split {
        Ok(split) => split,
        Err(e) => return usage(&e),
    };
    let [endpoint, path, dest] = positional[..] else {
        return usage("sync takes ENDPOINT /PATH DESTDIR");
    };
    let mut options = ClientOptions::default();
    let (mut login, mut password) = (None, None);
    for (flag, value) in flags {
        match flag {
            "--no-resync" => options.resync = false,
            "--login" => login = Some(value.to_string()),
            _ => password = Some(value.to_string()),
        }
    }
    if let (Some(l), Some(p)) = (login, password) {
        options.plain = Some((l, p));
    }
    if !ferrozmq_filemq::paths::is_valid(path) {
        return usage(&format!("{path}: not a virtual path like /logs"));
    }
    let ctx = ferrozmq::Context::new();
    let client = match Client::connect(&ctx, endpoint, dest, options) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("ferrozmq filemq: {endpoint} into {dest}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = client.subscribe(path) {
        eprintln!("ferrozmq filemq: subscribe {path}: {e}");
        return ExitCode::FAILURE;
    }
    let mut progress = Progress::new();
    loop {
        match client.recv_timeout(Duration::from_millis(250)) {
            Some(Event::Deliver { filename, fullname }) => {
                println!("I: received {filename} ({})", fullname.display());
                let _ = std::io::stdout().flush();
            }
            Some(Event::Refused { reason }) => eprintln!("W: {reason}"),
            Some(Event::Delete { filename }) => println!("I: deleted {filename}"),
            Some(Event::Connected) | None => {}
        }
        let stats = client.stats();
        progress.tick(
            stats.files_received.load(Ordering::Relaxed),
            stats.bytes_received.load(Ordering::Relaxed),
        );
    }
}

/// The once-a-second progress line on stderr, printed only while bytes are arriving.
struct Progress {
    last: Instant,
    last_bytes: u64,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            last: Instant::now(),
            last_bytes: 0,
        }
    }

    fn tick(&mut self, files: u64, bytes: u64) {
        let elapsed = self.last.elapsed();
        if elapsed < Duration::from_secs(1) {
            return;
        }
        if bytes != self.last_bytes {
            let rate = (bytes - self.last_bytes) as f64 / elapsed.as_secs_f64();
            eprintln!(
                "filemq: {files} files, {:.1} MiB, {:.1} MiB/s",
                bytes as f64 / 1048576.0,
                rate / 1048576.0
            );
        }
        self.last = Instant::now();
        self.last_bytes = bytes;
    }
}
