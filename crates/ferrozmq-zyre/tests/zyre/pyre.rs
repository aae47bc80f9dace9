//! pyre interop (PyPI `zeromq-pyre`, installed by scripts/test.sh): a pyre node and a
//! ferrozmq node see each other's ENTER (headers included), JOIN, LEAVE and EXIT, and
//! exchange SHOUT and WHISPER both ways. pyre only ever runs inside the loopback-only
//! namespace.

use crate::namespace::in_namespace;
use crate::nodes::{expect, node};
use crate::pyre_support::pyre;
use ferrozmq::Context;
use ferrozmq_zyre::Event;

#[test]
fn pyre_and_ferrozmq_enter_join_shout_whisper_leave_exit_both_ways() {
    in_namespace(
        "pyre::pyre_and_ferrozmq_enter_join_shout_whisper_leave_exit_both_ways",
        || {
            let mut pyre = pyre("pyrenode", &["X-FROM=pyre"]);
            let pyre_uuid = pyre.expect("READY")[1].to_uppercase();
            pyre.say("JOIN CHAT");
            let ctx = Context::new();
            let mut ours = node(&ctx, "rustnode");
            ours.set_header("X-FROM", "ferrozmq").unwrap();
            ours.join("CHAT").unwrap();
            ours.start().unwrap();
            let our_uuid = ours.uuid().to_string();

            let enter = expect(&ours, "ENTER", |e| matches!(e, Event::Enter { .. }));
            assert_eq!(enter.peer().to_string(), pyre_uuid);
            assert_eq!(enter.name(), "pyrenode");
            let Event::Enter { headers, .. } = &enter else {
                unreachable!()
            };
            assert_eq!(headers.get("X-FROM").map(String::as_str), Some("pyre"));
            expect(&ours, "JOIN CHAT", |e| e.group() == Some("CHAT"));

            let enter = pyre.expect("ENTER");
            assert_eq!(enter[1].to_uppercase(), our_uuid);
            assert_eq!(enter[2], "rustnode");
            assert_eq!(enter[3], r#"{"X-FROM": "ferrozmq"}"#);
            assert_eq!(enter[4], ours.endpoint().unwrap());
            assert_eq!(pyre.expect("JOIN")[3], "CHAT");

            ours.shouts("CHAT", "hello from ferrozmq").unwrap();
            let shout = pyre.expect("SHOUT");
            assert_eq!(shout[3..], ["CHAT", "hello from ferrozmq"]);
            pyre.say("SHOUT CHAT hello from pyre");
            let shout = expect(&ours, "SHOUT", |e| matches!(e, Event::Shout { .. }));
            assert_eq!(&shout.content().unwrap()[0][..], b"hello from pyre");

            ours.whispers(&enter_uuid(&pyre_uuid), "psst pyre").unwrap();
            assert_eq!(pyre.expect("WHISPER")[3], "psst pyre");
            pyre.say(&format!("WHISPER {our_uuid} psst ferrozmq"));
            let whisper = expect(&ours, "WHISPER", |e| matches!(e, Event::Whisper { .. }));
            assert_eq!(&whisper.content().unwrap()[0][..], b"psst ferrozmq");

            ours.leave("CHAT").unwrap();
            assert_eq!(pyre.expect("LEAVE")[3], "CHAT");
            pyre.say("LEAVE CHAT");
            expect(&ours, "LEAVE", |e| matches!(e, Event::Leave { .. }));

            ours.stop().unwrap();
            assert_eq!(pyre.expect("EXIT")[1].to_uppercase(), our_uuid);

            let mut again = node(&ctx, "second");
            again.start().unwrap();
            pyre.expect("ENTER");
            expect(&again, "ENTER", |e| matches!(e, Event::Enter { .. }));
            pyre.say("QUIT");
            let exit = expect(&again, "EXIT", |e| matches!(e, Event::Exit { .. }));
            assert_eq!(exit.peer().to_string(), pyre_uuid);
        },
    );
}

fn enter_uuid(text: &str) -> ferrozmq::Uuid {
    ferrozmq::Uuid::parse(text).unwrap()
}
