//! XPUB_MANUAL, XPUB_MANUAL_LAST_VALUE and ONLY_FIRST_SUBSCRIBE (the ground of libzmq's
//! test_xpub_manual, test_xpub_manual_last_value and test_only_first_subscribe).

use ferrozmq::*;

const TIMEOUT: i32 = 5000;

fn socket(ctx: &Context, kind: SocketType) -> Socket {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(TIMEOUT).unwrap();
    s.set_sndtimeo(TIMEOUT).unwrap();
    s
}

#[test]
fn manual_subscriptions_are_the_applications_choice() {
    for last_value in [true, false] {
        let ctx = Context::new();
        let xpub = socket(&ctx, XPUB);
        if last_value {
            xpub.set_xpub_manual_last_value(true).unwrap();
        } else {
            xpub.set_xpub_manual(true).unwrap();
        }
        xpub.bind("inproc://manual").unwrap();
        let xsub = socket(&ctx, XSUB);
        xsub.connect("inproc://manual").unwrap();
        xsub.send(&b"\x01A"[..], 0).unwrap();
        assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01A");
        // Subscribe this subscriber to B instead of A.
        xpub.set_subscribe(b"B").unwrap();
        xpub.send("A", 0).unwrap();
        xpub.send("B", 0).unwrap();
        assert_eq!(xsub.recv_bytes(0).unwrap(), b"B");
        xsub.set_rcvtimeo(50).unwrap();
        assert_eq!(xsub.recv_bytes(0), Err(Error::EAGAIN), "A leaked through");
    }
}

#[test]
fn manual_last_value_sends_the_next_message_to_the_newcomer_only() {
    let ctx = Context::new();
    let xpub = socket(&ctx, XPUB);
    xpub.set_xpub_manual_last_value(true).unwrap();
    xpub.bind("inproc://last-value").unwrap();
    let early = socket(&ctx, XSUB);
    early.connect("inproc://last-value").unwrap();
    early.send(&b"\x01A"[..], 0).unwrap();
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01A");
    xpub.set_subscribe(b"A").unwrap();
    xpub.send("A1", 0).unwrap();
    assert_eq!(early.recv_bytes(0).unwrap(), b"A1");

    let late = socket(&ctx, XSUB);
    late.connect("inproc://last-value").unwrap();
    late.send(&b"\x01A"[..], 0).unwrap();
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01A");
    xpub.set_subscribe(b"A").unwrap();
    // The cached last value goes to the newcomer alone...
    xpub.send("A1 again", 0).unwrap();
    assert_eq!(late.recv_bytes(0).unwrap(), b"A1 again");
    // ...and later messages to both.
    xpub.send("A2", 0).unwrap();
    assert_eq!(early.recv_bytes(0).unwrap(), b"A2");
    assert_eq!(late.recv_bytes(0).unwrap(), b"A2");
}

#[test]
fn only_first_subscribe_treats_the_rest_as_data() {
    let ctx = Context::new();
    let xpub = socket(&ctx, XPUB);
    xpub.set_only_first_subscribe(true).unwrap();
    xpub.bind("inproc://first").unwrap();
    let xsub = socket(&ctx, XSUB);
    xsub.set_only_first_subscribe(true).unwrap();
    xsub.connect("inproc://first").unwrap();
    // Subscribe to "topic", with a second frame that merely looks like a subscription.
    xsub.send_multipart([&b"\x01topic"[..], b"\x01data"], 0)
        .unwrap();
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01topic");
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01data");
    assert_eq!(xpub.get_topics_count().unwrap(), 1);
    xpub.send("topic: hello", 0).unwrap();
    assert_eq!(xsub.recv_bytes(0).unwrap(), b"topic: hello");
}
