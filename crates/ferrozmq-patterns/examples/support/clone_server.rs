//! The body of `clonesrv3`, `clonesrv4` and `clonesrv5`: the library's Clone server on the
//! guide's ports (ROUTER 5556, PUB 5557, PULL 5558) with the guide's log lines, until
//! Ctrl-C. Included with `#[path]`.

#[path = "zclock.rs"]
mod zclock;

use ferrozmq::Context;
use ferrozmq_patterns::clone::protocol::{Endpoints, Form};
use ferrozmq_patterns::clone::server::{Event, Server, ServerConfig};

/// Serves in `form`; `timestamps` logs as model 5's `zclock_log` (seconds since the
/// epoch first) rather than models 3 and 4's `printf`.
pub fn serve(form: Form, timestamps: bool) -> Result<(), Box<dyn std::error::Error>> {
    ferrozmq::interrupt::catch_interrupts()?;
    let ctx = Context::new();
    let mut server = Server::new(
        &ctx,
        ServerConfig {
            form,
            ..ServerConfig::default()
        },
    )?;
    server.bind(&Endpoints::at("tcp://*", 5556).ok_or("bad port")?)?;
    server.set_logger(move |event| {
        let line = match (event, timestamps) {
            (Event::Published(n), false) => format!("I: publishing update {n:5}"),
            (Event::Published(n), true) => format!("I: publishing update={n}"),
            (Event::SnapshotSent(n), _) => format!("I: sending shapshot={n}"),
            (Event::Expired(n), _) => format!("I: publishing delete={n}"),
            (Event::Dropped(why), _) => return eprintln!("E: dropped {why}"),
        };
        if timestamps {
            zclock::log(&line);
        } else {
            println!("{line}");
        }
    });
    server.run()?;
    println!(
        " Interrupted\n{} messages handled",
        server.state().sequence()
    );
    Ok(())
}
