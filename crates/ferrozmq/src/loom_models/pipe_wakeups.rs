//! The pipe's sleep/wake protocol: `reader_waiting`, `writer_waiting`, the reader's credit
//! and the HWM/LWM notification, with each end's owner sleeping as a socket or a session
//! does — only after the pipe said there was nothing to do, until its `Notify` is called.
//! loom's `Notify` keeps a notification that comes before the wait (as the `Signaler`'s
//! pending flag does) and may also wake spuriously, so a lost wake-up shows as a deadlock.
//! Where closing is not the point, an end is dropped only once the other side is done: a
//! close notifies unconditionally and would hide a wake-up the protocol lost.

use super::model;
use crate::message::Message;
use crate::pipe::{self, Notify, Parcel, PipeEnd};
use loom::thread;
use std::sync::Arc;

/// One end's owner: sleeps in `sleep` until the pipe notifies it.
struct Owner(loom::sync::Notify);

impl Notify for Owner {
    fn notify(&self, _pipe_id: u64) {
        self.0.notify();
    }
}

impl Owner {
    fn new() -> Arc<Owner> {
        Arc::new(Owner(loom::sync::Notify::new()))
    }

    fn sleep(&self) {
        self.0.wait();
    }
}

/// A pipe whose socket end writes to its peer end with `hwm` (0 = unlimited), and the two
/// owners, socket's first.
fn pipe(hwm: u64) -> (PipeEnd, PipeEnd, Arc<Owner>, Arc<Owner>) {
    let (socket, peer) = (Owner::new(), Owner::new());
    let (socket_end, peer_end) = pipe::pipe(1, hwm, hwm, socket.clone(), peer.clone());
    (socket_end, peer_end, socket, peer)
}

fn message(i: usize) -> Parcel {
    Parcel::One(Message::from(i.to_string().as_str()))
}

/// Asserts that `parcel` is message number `i`.
fn assert_is(parcel: Parcel, i: usize) {
    match parcel {
        Parcel::One(m) => assert_eq!(m.as_str(), Some(i.to_string().as_str())),
        other => panic!("expected message {i}, got {other:?}"),
    }
}

/// Writes `count` messages, sleeping whenever the HWM is reached (as `Socket::send` does).
fn write_all(end: &mut PipeEnd, owner: &Owner, count: usize) {
    for i in 0..count {
        while !end.check_write() {
            owner.sleep();
        }
        end.write(message(i));
    }
}

/// Reads `count` messages in order, sleeping whenever the pipe is empty (as a session does).
fn read_all(end: &mut PipeEnd, owner: &Owner, count: usize) {
    for i in 0..count {
        loop {
            if let Some(parcel) = end.read() {
                assert_is(parcel, i);
                break;
            }
            owner.sleep();
        }
    }
}

/// A reader that found the pipe empty and went to sleep is woken by the next write.
#[test]
fn an_empty_pipe_wakes_its_sleeping_reader() {
    model(|| {
        let (mut writer, mut reader, writer_owner, reader_owner) = pipe(0);
        let writing = thread::spawn(move || {
            write_all(&mut writer, &writer_owner, 2);
            writer
        });
        read_all(&mut reader, &reader_owner, 2);
        drop(writing.join().unwrap());
    });
}

/// A writer stopped at the HWM is woken once the reader has freed half of it (the LWM), and
/// a reader that drained the pipe releases it too: with HWM 3 the credit is announced every
/// second read. The writer's end closes when it is done (its close wakes the reader); the
/// strict form below keeps it open.
#[test]
fn a_full_pipe_wakes_its_sleeping_writer() {
    model(|| {
        let (mut writer, mut reader, writer_owner, reader_owner) = pipe(3);
        let writing = thread::spawn(move || write_all(&mut writer, &writer_owner, 5));
        read_all(&mut reader, &reader_owner, 5);
        writing.join().unwrap();
    });
}

/// As above with the writer's end kept open until the reader is done, so no close can wake
/// the reader. With plain `store(true)`s raising the flags loom reported a deadlock here at 2
/// preemptions that no real execution has: the reader's last raise of `reader_waiting` had
/// not observed the writer's earlier clearing `swap(false)`, loom left the two unordered in
/// its (partial) modification order, and let the writer's load after both SeqCst fences
/// read its own stale `false`. pipe.rs raises the flags with `swap(true)` since (see its
/// module docs).
#[test]
fn a_full_pipe_wakes_its_sleeping_writer_with_the_writer_open() {
    model(|| {
        let (mut writer, mut reader, writer_owner, reader_owner) = pipe(3);
        let writing = thread::spawn(move || {
            write_all(&mut writer, &writer_owner, 5);
            writer
        });
        read_all(&mut reader, &reader_owner, 5);
        drop(writing.join().unwrap());
    });
}

/// `check_read` (what `poll` asks) arms the reader's wake-up like a `read` that found
/// nothing: a reader that sleeps after it said "nothing" is woken by the next write.
#[test]
fn check_read_arms_the_readers_wake_up() {
    model(|| {
        let (mut writer, mut reader, writer_owner, reader_owner) = pipe(0);
        let writing = thread::spawn(move || {
            write_all(&mut writer, &writer_owner, 1);
            writer
        });
        while !reader.check_read() {
            reader_owner.sleep();
        }
        assert_is(
            reader.read().expect("check_read said a message was there"),
            0,
        );
        drop(writing.join().unwrap());
    });
}

/// Closing the writing end wakes the reader, which still reads everything written before
/// the close and then sees the pipe finished.
#[test]
fn closing_the_writer_wakes_the_reader_after_its_last_message() {
    model(|| {
        let (mut writer, mut reader, writer_owner, reader_owner) = pipe(0);
        let writing = thread::spawn(move || {
            write_all(&mut writer, &writer_owner, 1);
            drop(writer);
        });
        let mut got = 0;
        while !reader.is_finished() {
            match reader.read() {
                Some(parcel) => {
                    assert_is(parcel, got);
                    got += 1;
                }
                None if reader.is_other_closed() => {}
                None => reader_owner.sleep(),
            }
        }
        assert_eq!(got, 1);
        writing.join().unwrap();
    });
}

/// Both directions at once with one owner per end, as a REQ socket and its session: each
/// side writes, then sleeps for the other's reply, on the same `Notify` that also tells it
/// of freed room.
#[test]
fn requests_and_replies_cross_without_a_lost_wake_up() {
    model(|| {
        let (mut socket, mut session, socket_owner, session_owner) = pipe(1);
        let serving = thread::spawn(move || {
            read_all(&mut session, &session_owner, 1);
            write_all(&mut session, &session_owner, 1);
            session
        });
        write_all(&mut socket, &socket_owner, 1);
        read_all(&mut socket, &socket_owner, 1);
        drop(serving.join().unwrap());
    });
}
