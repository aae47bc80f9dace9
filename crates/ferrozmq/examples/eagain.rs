//! Shows what EAGAIN looks like (zguide chapter 8): a DEALER with SNDHWM 4 and SNDTIMEO 0,
//! connected to `tcp://localhost:9876` where nobody listens, queues four messages and then
//! refuses the fifth with "Resource temporarily unavailable".
//!
//! Usage: `eagain [ENDPOINT]`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tcp://localhost:9876".into());
    let context = ferrozmq::Context::new();
    let mailbox = context.socket(ferrozmq::DEALER)?;
    mailbox.set_sndhwm(4)?;
    mailbox.set_sndtimeo(0)?;
    mailbox.set_linger(0)?;
    mailbox.connect(&endpoint)?;
    for count in 0..10 {
        println!("Sending message {count}");
        if let Err(e) = mailbox.send(format!("message {count}"), 0) {
            println!("{e}");
            break;
        }
    }
    Ok(())
}
