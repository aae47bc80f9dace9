//! Actors (`ferrozmq::actor`, CZMQ's zactor): readiness, `$TERM` on drop with the owner
//! waiting, and panics that are reported on the pipe instead of hanging the owner.

use ferrozmq::actor::{self, Actor, Outcome};
use ferrozmq::{Context, Error, Multipart};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[test]
fn drop_sends_term_and_waits_for_the_body_to_end() {
    let ctx = Context::new();
    let ended = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ended);
    let actor = Actor::new(&ctx, move |pipe| {
        actor::signal(pipe, 0)?;
        loop {
            let mut msg = Multipart::recv(pipe)?;
            match msg.pop_str().as_deref() {
                Some("$TERM") => break,
                Some("PING") => Multipart::from(["PONG"]).send(pipe)?,
                _ => {}
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        flag.store(true, Ordering::SeqCst);
        Ok(())
    })
    .unwrap();
    actor.send(["PING"]).unwrap();
    assert_eq!(actor.recv().unwrap(), Multipart::from(["PONG"]));
    drop(actor);
    assert!(
        ended.load(Ordering::SeqCst),
        "drop returned before the actor ended"
    );
}

#[test]
fn an_actor_that_fails_before_it_is_ready_fails_new() {
    let ctx = Context::new();
    let failed = Actor::new(&ctx, |_| Err(Error::EADDRINUSE));
    assert_eq!(failed.err(), Some(Error::EADDRINUSE));
    let panicked = Actor::new(&ctx, |_| panic!("before ready"));
    assert_eq!(panicked.err(), Some(Error::EFAULT));
}

#[test]
fn a_panic_after_readiness_is_reported_on_the_pipe() {
    let ctx = Context::new();
    let actor = Actor::new(&ctx, |pipe| {
        actor::signal(pipe, 0)?;
        let _command = Multipart::recv(pipe)?;
        panic!("the actor broke");
    })
    .unwrap();
    assert_eq!(actor.outcome(), None);
    actor.send(["BREAK"]).unwrap();
    assert_eq!(actor.recv(), Err(Error::Os(libc::EPIPE)));
    assert_eq!(
        actor.outcome(),
        Some(Outcome::Panicked("the actor broke".into()))
    );
    drop(actor); // must not hang
}
