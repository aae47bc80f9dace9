//! The option table against real libzmq (4.3.4, the `zmq` dev-dependency's C library called
//! through its raw `zmq_setsockopt` / `zmq_getsockopt`): on every socket type, the same bytes
//! for every option ferrozmq has are accepted or refused alike, and a fresh socket reads
//! back the same values — except for the differences listed in `known_difference`, each one
//! a deliberate choice or an option libzmq 4.3.4 does not have.

use ferrozmq::options::ids;
use ferrozmq::SocketType;
use std::os::raw::{c_int, c_void};

extern "C" {
    fn zmq_setsockopt(s: *mut c_void, option: c_int, value: *const c_void, len: usize) -> c_int;
    fn zmq_getsockopt(s: *mut c_void, option: c_int, value: *mut c_void, len: *mut usize) -> c_int;
}

const TYPES: [(SocketType, zmq::SocketType); 12] = [
    (ferrozmq::PAIR, zmq::PAIR),
    (ferrozmq::PUB, zmq::PUB),
    (ferrozmq::SUB, zmq::SUB),
    (ferrozmq::REQ, zmq::REQ),
    (ferrozmq::REP, zmq::REP),
    (ferrozmq::DEALER, zmq::DEALER),
    (ferrozmq::ROUTER, zmq::ROUTER),
    (ferrozmq::PULL, zmq::PULL),
    (ferrozmq::PUSH, zmq::PUSH),
    (ferrozmq::XPUB, zmq::XPUB),
    (ferrozmq::XSUB, zmq::XSUB),
    (ferrozmq::STREAM, zmq::STREAM),
];

/// Every option id ferrozmq's table has.
const IDS: [i32; 83] = [
    ids::ROUTING_ID,
    ids::SUBSCRIBE,
    ids::UNSUBSCRIBE,
    ids::SNDBUF,
    ids::RCVBUF,
    ids::RCVMORE,
    ids::EVENTS,
    ids::TYPE,
    ids::LINGER,
    ids::RECONNECT_IVL,
    ids::BACKLOG,
    ids::RECONNECT_IVL_MAX,
    ids::MAXMSGSIZE,
    ids::SNDHWM,
    ids::RCVHWM,
    ids::RCVTIMEO,
    ids::SNDTIMEO,
    ids::LAST_ENDPOINT,
    ids::ROUTER_MANDATORY,
    ids::TCP_KEEPALIVE,
    ids::TCP_KEEPALIVE_CNT,
    ids::TCP_KEEPALIVE_IDLE,
    ids::TCP_KEEPALIVE_INTVL,
    ids::IMMEDIATE,
    ids::XPUB_VERBOSE,
    ids::IPV6,
    ids::MECHANISM,
    ids::PLAIN_SERVER,
    ids::PLAIN_USERNAME,
    ids::PLAIN_PASSWORD,
    ids::CURVE_SERVER,
    ids::CURVE_PUBLICKEY,
    ids::CURVE_SECRETKEY,
    ids::CURVE_SERVERKEY,
    ids::PROBE_ROUTER,
    ids::REQ_CORRELATE,
    ids::REQ_RELAXED,
    ids::CONFLATE,
    ids::ZAP_DOMAIN,
    ids::ROUTER_HANDOVER,
    ids::TOS,
    ids::CONNECT_ROUTING_ID,
    ids::HANDSHAKE_IVL,
    ids::XPUB_NODROP,
    ids::XPUB_MANUAL,
    ids::XPUB_WELCOME_MSG,
    ids::STREAM_NOTIFY,
    ids::INVERT_MATCHING,
    ids::HEARTBEAT_IVL,
    ids::HEARTBEAT_TTL,
    ids::HEARTBEAT_TIMEOUT,
    ids::XPUB_VERBOSER,
    ids::CONNECT_TIMEOUT,
    ids::TCP_MAXRT,
    ids::BINDTODEVICE,
    ids::ZAP_ENFORCE_DOMAIN,
    ids::ROUTER_NOTIFY,
    ids::XPUB_MANUAL_LAST_VALUE,
    ids::ONLY_FIRST_SUBSCRIBE,
    ids::RECONNECT_STOP,
    ids::XSUB_VERBOSE_UNSUBSCRIBE,
    ids::TOPICS_COUNT,
    ids::FD,
    ids::METADATA,
    ids::HELLO_MSG,
    ids::DISCONNECT_MSG,
    ids::HICCUP_MSG,
    ids::ROUTER_RAW,
    ids::USE_FD,
    ids::SOCKS_PROXY,
    ids::SOCKS_USERNAME,
    ids::SOCKS_PASSWORD,
    ids::IN_BATCH_SIZE,
    ids::OUT_BATCH_SIZE,
    ids::BUSY_POLL,
    ids::PRIORITY,
    ids::AFFINITY,
    ids::MULTICAST_HOPS,
    ids::IPV4ONLY,
    ids::TCP_ACCEPT_FILTER,
    ids::IPC_FILTER_PID,
    ids::IPC_FILTER_UID,
    ids::IPC_FILTER_GID,
];

/// The values tried on every option: ints around the edges, wrong sizes, an int64, strings.
fn values() -> Vec<Vec<u8>> {
    let ints =
        [-100i32, -2, -1, 0, 1, 2, 7, 6_553_599, 6_553_600].map(|v| v.to_ne_bytes().to_vec());
    let others = [
        vec![],
        vec![1, 0, 0],
        (-1i64).to_ne_bytes().to_vec(),
        (1i64 << 40).to_ne_bytes().to_vec(),
        b"abc".to_vec(),
        b"lo".to_vec(),
        b"X-key:value".to_vec(),
        b"X-k:".to_vec(),
        b"X-a b:v".to_vec(),
        vec![7; 32],
        vec![b'x'; 255],
        vec![b'x'; 256],
        // Accept filter masks.
        b"127.0.0.1".to_vec(),
        b"127.0.0.1\0".to_vec(),
        b"10.0.0.0/8".to_vec(),
        b"0.0.0.0/0".to_vec(),
        b"127.0.0.1/".to_vec(),
        b"127.0.0.1/33".to_vec(),
        b"::1".to_vec(),
    ];
    ints.into_iter().chain(others).collect()
}

/// Where ferrozmq deliberately differs from libzmq 4.3.4, or has what 4.3.4 lacks.
fn known_difference(ty: SocketType, id: i32, value: Option<&[u8]>) -> bool {
    use SocketType::*;
    let int = value
        .and_then(|v| <[u8; 4]>::try_from(v).ok())
        .map(i32::from_ne_bytes);
    match id {
        // Refused on types they do nothing for (libzmq accepts and ignores them; the XPUB
        // ones it accepts on PUB, its base class).
        ids::CONFLATE => !matches!(ty, PUB | SUB | PUSH | PULL | DEALER),
        ids::INVERT_MATCHING => !matches!(ty, PUB | SUB | XPUB | XSUB),
        ids::XPUB_VERBOSE
        | ids::XPUB_VERBOSER
        | ids::XPUB_MANUAL
        | ids::XPUB_MANUAL_LAST_VALUE
        | ids::XPUB_NODROP
        | ids::XPUB_WELCOME_MSG
        | ids::ONLY_FIRST_SUBSCRIBE => ty == PUB,
        // -1 is ferrozmq's default, "as HEARTBEAT_IVL"; libzmq takes only >= 0.
        ids::HEARTBEAT_TIMEOUT => int == Some(-1),
        // libzmq divides by 100 first, so -99..-1 pass there as 0.
        ids::HEARTBEAT_TTL => int.is_some_and(|v| (-99..0).contains(&v)),
        // libzmq takes any int; ferrozmq only the flags it knows.
        ids::RECONNECT_STOP => int.is_some_and(|v| !(0..=7).contains(&v)),
        // libzmq's REP takes it (its rep_t is a router_t); raw peers send no envelopes.
        ids::ROUTER_RAW => ty == REP,
        // A device name must be text for ferrozmq.
        ids::BINDTODEVICE => value.is_some_and(|v| std::str::from_utf8(v).is_err()),
        // Routing ids are 1 to 255 bytes, for this option too.
        ids::CONNECT_ROUTING_ID => value.is_some_and(|v| v.len() > 255),
        // (NULL, 0) clears the domain; libzmq 4.3.4 refuses it.
        ids::ZAP_DOMAIN => value.is_some_and(|v| v.is_empty()),
        // libzmq's SUB and XSUB start with LINGER 0; ferrozmq's with -1 like every type.
        ids::LINGER => value.is_none() && matches!(ty, SUB | XSUB),
        // Draft in 4.3.4 (not in this build), or new in 4.3.5.
        ids::ROUTER_NOTIFY | ids::XSUB_VERBOSE_UNSUBSCRIBE => true,
        ids::HELLO_MSG | ids::DISCONNECT_MSG | ids::HICCUP_MSG => true,
        ids::TOPICS_COUNT => value.is_none(),
        // Property names must be ZMTP name characters for ferrozmq (every parser checks).
        ids::METADATA => value.is_some_and(|v| v == b"X-a b:v"),
        // A descriptor number of each library's own.
        ids::FD => value.is_none(),
        // Draft in 4.3.4, not in this build.
        ids::IN_BATCH_SIZE | ids::OUT_BATCH_SIZE | ids::BUSY_POLL | ids::PRIORITY => true,
        // This build has no SO_PEERCRED support, so no ipc filters (pyzmq's 4.3.5 has
        // them, write-only as here).
        ids::IPC_FILTER_PID | ids::IPC_FILTER_UID | ids::IPC_FILTER_GID => value.is_some(),
        _ => false,
    }
}

fn libzmq_set(s: &mut zmq::Socket, id: i32, value: &[u8]) -> bool {
    let ptr = if value.is_empty() {
        std::ptr::null()
    } else {
        value.as_ptr().cast()
    };
    // SAFETY: a live libzmq socket; `value` outlives the call.
    unsafe { zmq_setsockopt(s.as_mut_ptr(), id, ptr, value.len()) == 0 }
}

/// libzmq's getsockopt wants the exact size for numbers and room for strings: tries each.
fn libzmq_get(s: &mut zmq::Socket, id: i32) -> Option<Vec<u8>> {
    [4, 8, 32, 256].into_iter().find_map(|size| {
        let mut buf = vec![0u8; size];
        let mut len = size;
        // SAFETY: a live libzmq socket; `buf` holds `len` bytes.
        let rc = unsafe { zmq_getsockopt(s.as_mut_ptr(), id, buf.as_mut_ptr().cast(), &mut len) };
        (rc == 0).then(|| {
            buf.truncate(len);
            buf
        })
    })
}

#[test]
fn set_and_get_agree_with_libzmq_on_every_type() {
    // Without CURVE in this libzmq build its key options are unknown there.
    let curve = zmq::has("curve").unwrap_or(false);
    let curve_ids = [
        ids::CURVE_SERVER,
        ids::CURVE_PUBLICKEY,
        ids::CURVE_SECRETKEY,
        ids::CURVE_SERVERKEY,
    ];
    let mut differences = Vec::new();
    for (ty, zty) in TYPES {
        // One context per type: libzmq closes its sockets' descriptors only as they are
        // reaped, so the contexts are terminated as the test goes.
        let ours = ferrozmq::Context::new();
        let theirs = zmq::Context::new();
        for id in IDS
            .into_iter()
            .filter(|id| curve || !curve_ids.contains(id))
        {
            let a = ours.socket(ty).unwrap();
            let mut b = theirs.socket(zty).unwrap();
            if !known_difference(ty, id, None) && a.get_option(id).ok() != libzmq_get(&mut b, id) {
                differences.push(format!("get {ty:?} {id}"));
            }
            for v in values() {
                let x = a.set_option(id, &v).is_ok();
                let y = libzmq_set(&mut b, id, &v);
                if x != y && !known_difference(ty, id, Some(&v)) {
                    differences.push(format!("set {ty:?} {id} {v:?}: ferrozmq {x}, libzmq {y}"));
                }
            }
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
}
