//! File Transfer model #1 (the guide's fileio1): the server sends the whole of `testdata`
//! (in the working directory) in 250,000-byte chunks with no flow control, ending with an
//! empty chunk; the client counts what arrives and prints
//! `N chunks received, M bytes`. Server and client are two threads on tcp port 6000.
//! Make the test file with `dd if=/dev/urandom of=testdata bs=1M count=1024`.

use std::fs::File;
use std::io::Read;

use ferrozmq::{Context, DEALER, ROUTER, SNDMORE};

const CHUNK_SIZE: usize = 250_000;

fn client_thread(ctx: Context) -> ferrozmq::Result<()> {
    let dealer = ctx.socket(DEALER)?;
    dealer.connect("tcp://127.0.0.1:6000")?;
    dealer.send("fetch", 0)?;
    let mut total = 0; //  Total bytes received
    let mut chunks = 0; //  Total chunks received
    loop {
        let frame = dealer.recv_msg(0)?;
        chunks += 1;
        total += frame.len();
        if frame.is_empty() {
            break; //  Whole file received
        }
    }
    println!("{chunks} chunks received, {total} bytes");
    Ok(())
}

//  The server thread reads the file from disk in chunks, and sends each chunk to the client
//  as a separate message. Default HWM is 1000, which would drop messages here because we
//  send more than 1,000 chunks of test data, so it sets an infinite HWM.
fn server_thread(ctx: Context) -> ferrozmq::Result<()> {
    let mut file = File::open("testdata")?;
    let router = ctx.socket(ROUTER)?;
    router.set_sndhwm(0)?;
    router.bind("tcp://*:6000")?;
    loop {
        let identity = router.recv_bytes(0)?;
        let command = router.recv_bytes(0)?;
        assert_eq!(command, b"fetch");
        loop {
            let mut data = vec![0u8; CHUNK_SIZE];
            let size = read_up_to(&mut file, &mut data)?;
            data.truncate(size);
            router.send(identity.clone(), SNDMORE)?;
            router.send(data, 0)?;
            if size == 0 {
                break; //  Always end with a zero-size frame
            }
        }
    }
}

/// Reads until `buf` is full or the file ends (what `fread` does).
fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
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
