//! File Transfer model #2 (the guide's fileio2): the client asks for each 250,000-byte chunk
//! of `testdata` by offset (`fetch`, offset, size) and waits for it, so neither side ever
//! queues more than one chunk (HWM 1 on both); it prints `N chunks received, M bytes`.
//! Safe and restartable, and slow: one round trip per chunk. tcp port 6000.

use std::fs::File;
use std::os::unix::fs::FileExt;

use ferrozmq::{Context, DEALER, ROUTER, SNDMORE};

const CHUNK_SIZE: usize = 250_000;

fn client_thread(ctx: Context) -> ferrozmq::Result<()> {
    let dealer = ctx.socket(DEALER)?;
    dealer.set_sndhwm(1)?;
    dealer.set_rcvhwm(1)?;
    dealer.connect("tcp://127.0.0.1:6000")?;
    let mut total = 0; //  Total bytes received
    let mut chunks = 0; //  Total chunks received
    loop {
        //  Ask for next chunk
        dealer.send("fetch", SNDMORE)?;
        dealer.send(total.to_string(), SNDMORE)?;
        dealer.send(CHUNK_SIZE.to_string(), 0)?;
        let chunk = dealer.recv_msg(0)?;
        chunks += 1;
        total += chunk.len();
        if chunk.len() < CHUNK_SIZE {
            break; //  Last chunk received; exit
        }
    }
    println!("{chunks} chunks received, {total} bytes");
    Ok(())
}

//  The server thread waits for a chunk request from a client, reads that chunk and sends
//  it back to the client.
fn serve_chunks(router: &ferrozmq::Socket, file: &File) -> ferrozmq::Result<()> {
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

fn server_thread(ctx: Context) -> ferrozmq::Result<()> {
    let file = File::open("testdata")?;
    let router = ctx.socket(ROUTER)?;
    router.set_sndhwm(1)?;
    router.set_rcvhwm(1)?;
    router.bind("tcp://*:6000")?;
    serve_chunks(&router, &file)
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
