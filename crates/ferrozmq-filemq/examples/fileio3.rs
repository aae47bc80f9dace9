//! File Transfer model #3 (the guide's fileio3): as model 2, but the client keeps
//! `PIPELINE` (10) chunk requests in flight — credit-based flow control — and sends one more
//! each time a chunk arrives; the server's ROUTER HWM is `PIPELINE * 2` as a sanity check.
//! Prints `N chunks received, M bytes`. tcp port 6000, file `testdata`.

use std::fs::File;
use std::os::unix::fs::FileExt;

use ferrozmq::{Context, DEALER, ROUTER, SNDMORE};

const CHUNK_SIZE: usize = 250_000;
const PIPELINE: usize = 10;

fn client_thread(ctx: Context) -> ferrozmq::Result<()> {
    let dealer = ctx.socket(DEALER)?;
    dealer.connect("tcp://127.0.0.1:6000")?;
    let mut credit = PIPELINE; //  Up to this many chunks in transit
    let mut total = 0; //  Total bytes received
    let mut chunks = 0; //  Total chunks received
    let mut offset = 0; //  Offset of next chunk request
    loop {
        while credit > 0 {
            //  Ask for next chunk
            dealer.send("fetch", SNDMORE)?;
            dealer.send(offset.to_string(), SNDMORE)?;
            dealer.send(CHUNK_SIZE.to_string(), 0)?;
            offset += CHUNK_SIZE;
            credit -= 1;
        }
        let chunk = dealer.recv_msg(0)?;
        chunks += 1;
        credit += 1;
        total += chunk.len();
        if chunk.len() < CHUNK_SIZE {
            break; //  Last chunk received; exit
        }
    }
    println!("{chunks} chunks received, {total} bytes");
    Ok(())
}

fn server_thread(ctx: Context) -> ferrozmq::Result<()> {
    let file = File::open("testdata")?;
    let router = ctx.socket(ROUTER)?;
    //  We have two parts per message so HWM is PIPELINE * 2
    router.set_sndhwm((PIPELINE * 2) as i32)?;
    router.bind("tcp://*:6000")?;
    loop {
        let frames = router.recv_multipart(0)?;
        let [identity, command, offset, size] = &frames[..] else {
            continue;
        };
        assert_eq!(command, b"fetch");
        let number = |b: &[u8]| {
            String::from_utf8_lossy(b)
                .trim()
                .parse::<u64>()
                .unwrap_or(0)
        };
        let mut data = vec![0u8; number(size).min(16 << 20) as usize];
        let mut filled = 0;
        while filled < data.len() {
            match file.read_at(&mut data[filled..], number(offset) + filled as u64)? {
                0 => break,
                n => filled += n,
            }
        }
        data.truncate(filled);
        router.send(identity.clone(), SNDMORE)?;
        router.send(data, 0)?;
    }
}

fn main() {
    let ctx = Context::new();
    let server_ctx = ctx.clone();
    std::thread::spawn(move || {
        if let Err(e) = server_thread(server_ctx) {
            eprintln!("E: server: {e}");
            std::process::exit(1);
        }
    });
    let client = std::thread::spawn(move || client_thread(ctx));
    match client.join() {
        Ok(Ok(())) => {}
        _ => std::process::exit(1),
    }
}
