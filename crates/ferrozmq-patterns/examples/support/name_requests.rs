//! The timed loop of the Freelance clients `flclient2` and `flclient3`: 10,000 "random name"
//! requests, then the average round trip. Included with `#[path]`.

use ferrozmq::Multipart;
use std::time::Instant;

/// How many requests the guide's clients send.
const REQUESTS: u32 = 10_000;

/// Sends the requests through `request` (stopping at the first unanswered one, as the guide
/// does) and prints the guide's lines.
pub fn time_requests(
    mut request: impl FnMut(Multipart) -> ferrozmq::Result<Option<Multipart>>,
) -> ferrozmq::Result<()> {
    // Send a bunch of name resolution 'requests', measure time
    let start = Instant::now();
    for _ in 0..REQUESTS {
        if request(Multipart::from(["random name"]))?.is_none() {
            println!("E: name service not available, aborting");
            break;
        }
    }
    let average = start.elapsed().as_micros() / u128::from(REQUESTS);
    println!("Average round trip cost: {average} usec");
    Ok(())
}
