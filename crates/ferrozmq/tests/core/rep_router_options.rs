//! REP with the ROUTER options that have no wire form: ROUTER_MANDATORY makes a reply to a
//! requester that is gone fail with EHOSTUNREACH (and REP takes the next request), and one
//! to a full requester wait (EAGAIN under DONTWAIT) instead of being dropped;
//! CONNECT_ROUTING_ID names a connected peer, and a second connect with a name in use is
//! refused, as a ROUTER refuses it. Over inproc, where a closed peer is seen at once.

use crate::common::{bounded, ours};
use ferrozmq::{Context, Error, DEALER, DONTWAIT, REP, REQ};

#[test]
fn mandatory_reply_to_a_gone_requester_is_ehostunreach() {
    bounded(|| {
        let ctx = Context::new();
        for mandatory in [false, true] {
            let endpoint = format!("inproc://rep-mandatory-{mandatory}");
            let rep = ours(&ctx, REP);
            rep.set_router_mandatory(mandatory).unwrap();
            rep.bind(&endpoint).unwrap();
            let req = ours(&ctx, REQ);
            req.connect(&endpoint).unwrap();
            req.send("question", 0).unwrap();
            assert_eq!(rep.recv_string(0).unwrap().unwrap(), "question");
            drop(req);
            if mandatory {
                assert_eq!(rep.send("answer", 0), Err(Error::EHOSTUNREACH));
            } else {
                rep.send("answer", 0)
                    .expect("dropped silently, as by libzmq");
            }
            // Either way the request is over: the next one can be read.
            assert_eq!(rep.recv_msg(DONTWAIT).unwrap_err(), Error::EAGAIN);
            let next = ours(&ctx, REQ);
            next.connect(&endpoint).unwrap();
            next.send("again", 0).unwrap();
            assert_eq!(rep.recv_string(0).unwrap().unwrap(), "again");
            rep.send("served", 0).unwrap();
            assert_eq!(next.recv_string(0).unwrap().unwrap(), "served");
        }
    });
}

#[test]
fn mandatory_reply_to_a_full_requester_waits() {
    bounded(|| {
        let ctx = Context::new();
        let rep = ours(&ctx, REP);
        rep.set_router_mandatory(true).unwrap();
        rep.set_sndhwm(1).unwrap();
        rep.bind("inproc://rep-full").unwrap();
        let dealer = ours(&ctx, DEALER);
        dealer.set_rcvhwm(1).unwrap();
        dealer.connect("inproc://rep-full").unwrap();
        for i in 0..3 {
            dealer.send_multipart(["", &format!("q{i}")], 0).unwrap();
        }
        // Two replies fill the pipe (SNDHWM 1 + RCVHWM 1); the third must wait.
        for i in 0..2 {
            assert_eq!(rep.recv_string(0).unwrap().unwrap(), format!("q{i}"));
            rep.send(format!("r{i}").as_str(), 0).unwrap();
        }
        assert_eq!(rep.recv_string(0).unwrap().unwrap(), "q2");
        assert_eq!(rep.send("r2", DONTWAIT), Err(Error::EAGAIN));
        // Still replying: nothing was lost, and the reply goes once there is room.
        assert_eq!(rep.recv_msg(DONTWAIT).unwrap_err(), Error::EFSM);
        let first = dealer.recv_multipart(0).unwrap();
        assert_eq!(first, vec![b"".to_vec(), b"r0".to_vec()]);
        rep.send("r2", 0).unwrap();
        for want in ["r1", "r2"] {
            let got = dealer.recv_multipart(0).unwrap();
            assert_eq!(got, vec![b"".to_vec(), want.as_bytes().to_vec()]);
        }
    });
}

#[test]
fn connect_routing_id_in_use_refuses_the_second_connect() {
    bounded(|| {
        let ctx = Context::new();
        let rep = ours(&ctx, REP);
        let dealers: Vec<_> = (0..2)
            .map(|i| {
                let d = ours(&ctx, DEALER);
                d.bind(&format!("inproc://rep-named-{i}")).unwrap();
                d
            })
            .collect();
        for i in 0..2 {
            rep.set_connect_routing_id(b"peer").unwrap();
            rep.connect(&format!("inproc://rep-named-{i}")).unwrap();
        }
        // The second pipe was closed at once: its DEALER has no peer to send to.
        assert_eq!(
            dealers[1].send_multipart(["", "refused"], DONTWAIT),
            Err(Error::EAGAIN)
        );
        dealers[0].send_multipart(["", "named"], 0).unwrap();
        assert_eq!(rep.recv_string(0).unwrap().unwrap(), "named");
        rep.send("reply", 0).unwrap();
        let got = dealers[0].recv_multipart(0).unwrap();
        assert_eq!(got, vec![b"".to_vec(), b"reply".to_vec()]);
    });
}
