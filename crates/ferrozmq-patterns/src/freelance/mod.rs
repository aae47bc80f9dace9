//! Freelance (the guide's chapter 4): reliable request-reply with no broker, clients talking
//! straight to several equivalent servers.
//!
//! * [`model1`]: Lazy Pirate over several endpoints — a REQ socket per try, each server tried
//!   once (one server: retried).
//! * [`model2`]: the shotgun — one DEALER connected to every server sends each numbered
//!   request to all of them and takes the first reply with the right number.
//! * [`model3`]: ROUTER to ROUTER with the Freelance Protocol (FLP): servers use their
//!   endpoint as routing id, the client pings them and sends each request to one that
//!   answered, from a background agent (the guide's `flcliapi`) with a tickless timer.
//!
//! Each client says what it is doing (tries, failures, dropped replies) through a log
//! closure, stderr by default; the guide's programs print the same lines on stdout.

pub mod model1;
pub mod model2;
pub mod model3;

/// Where a client's log lines go.
pub type Log = Box<dyn FnMut(&str) + Send>;

/// The default log: each line on stderr.
pub fn log_to_stderr() -> Log {
    Box::new(|line| eprintln!("{line}"))
}

/// A message's frames as text, for log lines.
fn frames_text(message: &ferrozmq::Multipart) -> String {
    message
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect::<Vec<_>>()
        .join(" | ")
}
