//! Shared by the FileMQ tests: trees of files made at test time, their digests, and a raw
//! FILEMQ peer speaking the codec over a plain DEALER, to see exactly what is on the wire.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

use ferrozmq::{Context, Socket, DEALER};
use ferrozmq_filemq::msg::Command;

/// Writes `size` pseudo-random bytes (xorshift, seeded) to `path`, dated 10 s ago so that
/// the server counts it stable at once.
pub fn write_file(path: &Path, size: usize, seed: u64) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let mut file = File::create(path).unwrap();
    let mut state = seed | 1;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(buf.len());
        for word in buf[..n].chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let bytes = state.to_le_bytes();
            word.copy_from_slice(&bytes[..word.len()]);
        }
        file.write_all(&buf[..n]).unwrap();
        left -= n;
    }
    age(path);
}

/// Dates a file 10 s back.
pub fn age(path: &Path) {
    let file = File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(10))
        .unwrap();
}

/// `small` files in a few subdirectories plus, if `big` > 0, one file of `big` bytes.
pub fn make_tree(root: &Path, small: usize, big: usize) {
    for i in 0..small {
        write_file(
            &root.join(format!("d{}/f{i}.dat", i % 7)),
            1 + i * 37 % 5000,
            i as u64 + 1,
        );
    }
    if big > 0 {
        write_file(&root.join("big/huge.bin"), big, 99);
    }
}

/// Every regular file under `root` by relative path, with its SHA-1.
pub fn digests(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                out.insert(
                    rel,
                    ferrozmq_filemq::file_sha1(&entry.path(), None).unwrap(),
                );
            }
        }
    }
    out
}

/// A hand-driven FILEMQ client: a DEALER and the codec, nothing else.
pub struct RawPeer {
    pub socket: Socket,
}

impl RawPeer {
    pub fn connect(ctx: &Context, endpoint: &str) -> RawPeer {
        let socket = ctx.socket(DEALER).unwrap();
        socket.set_linger(0).unwrap();
        socket.set_rcvtimeo(10_000).unwrap();
        socket.connect(endpoint).unwrap();
        RawPeer { socket }
    }

    pub fn send(&self, command: &Command) {
        self.send_frames(command.encode());
    }

    pub fn send_frames(&self, frames: Vec<Vec<u8>>) {
        self.socket.send_multipart(frames, 0).unwrap();
    }

    /// The next command (panics after the 10 s receive timeout).
    pub fn recv(&self) -> Command {
        let frames = self
            .socket
            .recv_multipart(0)
            .expect("a command within 10 s");
        Command::decode(&frames).expect("a valid command")
    }

    /// The next command that is not a heartbeat.
    pub fn recv_skipping_hugz(&self) -> Command {
        loop {
            match self.recv() {
                Command::Hugz | Command::HugzOk => continue,
                other => return other,
            }
        }
    }

    /// The next command that is not the server's own HUGZ.
    pub fn recv_skipping_server_hugz(&self) -> Command {
        loop {
            match self.recv() {
                Command::Hugz => continue,
                other => return other,
            }
        }
    }

    /// OHAI, YARLY ANONYMOUS, expects OHAI-OK.
    pub fn open(&self) {
        self.send(&Command::Ohai);
        assert!(matches!(self.recv_skipping_hugz(), Command::Orly { .. }));
        self.send(&Command::Yarly {
            mechanism: "ANONYMOUS".into(),
            response: Vec::new(),
        });
        assert_eq!(self.recv_skipping_hugz(), Command::OhaiOk);
    }
}
