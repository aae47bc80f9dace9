//! The replication algorithm as a property: a server's [`State`] takes any run of client
//! updates, deletes and TTL expiries; a [`Replica`] that subscribes at any point and takes
//! its snapshot at any later point ends with exactly the server's map.

use ferrozmq_patterns::clone::replica::Replica;
use ferrozmq_patterns::clone::state::State;
use ferrozmq_patterns::kvmsg::KvMsg;
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// One thing that happens at the server.
#[derive(Clone, Debug)]
enum Step {
    /// A client sets key `k{n}` to this value (empty: delete), with this TTL in seconds.
    Set(u8, String, u8),
    /// A second passes and the server expires what is due.
    Tick,
}

fn any_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0u8..6, "[a-c]{0,2}", 0u8..3).prop_map(|(k, v, t)| Step::Set(k, v, t)),
        1 => Just(Step::Tick),
    ]
}

proptest! {
    #[test]
    fn a_replica_joining_at_any_point_ends_equal_to_the_server(
        steps in prop::collection::vec(any_step(), 0..60),
        subscribe_at in any::<prop::sample::Index>(),
        snapshot_after in any::<prop::sample::Index>(),
    ) {
        let start = Instant::now();
        let mut now = start;
        let mut state = State::new();
        let subscribe_at = subscribe_at.index(steps.len() + 1);
        let snapshot_at = subscribe_at + snapshot_after.index(steps.len() + 1 - subscribe_at);
        let mut queued: Vec<KvMsg> = Vec::new();
        let mut snapshot = None;
        for (i, step) in steps.iter().enumerate() {
            if i == snapshot_at {
                snapshot = Some(state.snapshot(""));
            }
            let published = match step {
                Step::Set(k, v, ttl) => {
                    let mut update = KvMsg::new(0, format!("k{k}"), v.as_bytes());
                    if *ttl > 0 {
                        update.set_prop("ttl", &ttl.to_string());
                    }
                    vec![state.accept(update, now)]
                }
                Step::Tick => {
                    now += Duration::from_secs(1);
                    state.expire(now)
                }
            };
            if i >= subscribe_at {
                queued.extend(published);
            }
        }
        let snapshot = snapshot.unwrap_or_else(|| state.snapshot(""));
        let mut replica = Replica::new();
        replica.begin_snapshot();
        let mut ended = false;
        for entry in snapshot {
            ended = replica.snapshot_message(entry);
        }
        prop_assert!(ended);
        for update in queued {
            replica.update(update);
        }
        prop_assert_eq!(replica.map().values(), state.map().values());
        prop_assert_eq!(replica.sequence(), state.sequence());
    }
}
