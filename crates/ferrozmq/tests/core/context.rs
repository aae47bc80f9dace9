//! Context options (libzmq's test_ctx_options ground), each by its effect: MAX_SOCKETS
//! refusing a socket, IPV6 and BLOCKY given to new sockets, IO_THREADS refused once the
//! threads run, and the thread options seen on the I/O thread itself through /proc and the
//! scheduler calls.

use crate::common::bounded;
use ferrozmq::context_options::*;
use ferrozmq::{Context, Error, MonitorEvent, SocketEvent, PAIR, PULL, PUSH};
use std::collections::BTreeSet;

/// The thread ids of this process whose name (`comm`) is `name`.
fn threads_named(name: &str) -> Vec<libc::pid_t> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let comm = std::fs::read_to_string(path.join("comm")).ok()?;
            (comm.trim_end() == name).then(|| path.file_name()?.to_str()?.parse().ok())?
        })
        .collect()
}

/// The CPUs thread `tid` may run on.
fn affinity(tid: libc::pid_t) -> BTreeSet<usize> {
    // SAFETY: cpu_set_t is plain data, filled by sched_getaffinity for the size given.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::sched_getaffinity(tid, std::mem::size_of_val(&set), &mut set) };
    assert_eq!(rc, 0, "sched_getaffinity({tid})");
    (0..libc::CPU_SETSIZE as usize)
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect()
}

#[test]
fn io_threads_cannot_change_once_started() {
    let ctx = Context::new();
    ctx.set(IO_THREADS, 2).unwrap();
    assert_eq!(ctx.get(IO_THREADS), Ok(2));
    let pull = ctx.socket(PULL).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    assert_eq!(ctx.set(IO_THREADS, 3), Err(Error::EINVAL));
    assert_eq!(ctx.set_io_threads(1), Err(Error::EINVAL));
    assert_eq!(ctx.get_io_threads(), Ok(2));
}

#[test]
fn max_sockets_refuses_one_more_socket_with_emfile() {
    let ctx = Context::new();
    assert_eq!(ctx.get(MAX_SOCKETS), Ok(1023));
    assert_eq!(ctx.get(SOCKET_LIMIT), Ok(65535));
    ctx.set(MAX_SOCKETS, 2).unwrap();
    let a = ctx.socket(PAIR).unwrap();
    let _b = ctx.socket(PAIR).unwrap();
    assert_eq!(ctx.socket(PAIR).err(), Some(Error::EMFILE));
    drop(a);
    ctx.socket(PAIR).expect("a closed socket frees its place");
}

#[test]
fn ipv6_and_blocky_are_the_defaults_of_new_sockets() {
    let ctx = Context::new();
    let before = ctx.socket(PUSH).unwrap();
    ctx.set(IPV6, 1).unwrap();
    ctx.set(BLOCKY, 0).unwrap();
    let after = ctx.socket(PUSH).unwrap();
    assert_eq!((before.is_ipv6(), before.get_linger()), (Ok(false), Ok(-1)));
    assert_eq!((after.is_ipv6(), after.get_linger()), (Ok(true), Ok(0)));
    // Only the socket made after IPV6 was set reaches an ipv6 address. The other's connect
    // is accepted, as libzmq's (resolution is deferred to each attempt), but every attempt
    // fails and is retried.
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(5000).unwrap();
    pull.bind("tcp://[::1]:*").unwrap();
    let endpoint = pull.get_last_endpoint().unwrap().unwrap();
    before
        .monitor("inproc://ipv6-before", SocketEvent::ALL as i32)
        .unwrap();
    let events = ctx.socket(PAIR).unwrap();
    events.set_rcvtimeo(5000).unwrap();
    events.connect("inproc://ipv6-before").unwrap();
    before.set_reconnect_ivl(10).unwrap();
    before.connect(&endpoint).unwrap();
    let first_events: Vec<SocketEvent> = (0..2)
        .map(|_| MonitorEvent::recv(&events).expect("a monitor event").event)
        .collect();
    assert!(
        first_events.contains(&SocketEvent::CONNECT_RETRIED)
            && !first_events.contains(&SocketEvent::CONNECTED),
        "{first_events:?}"
    );
    after.connect(&endpoint).unwrap();
    after.send("over ipv6", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "over ipv6");
}

#[test]
fn a_non_blocky_context_terminates_with_undeliverable_messages() {
    bounded(|| {
        let ctx = Context::new();
        ctx.set(BLOCKY, 0).unwrap();
        let push = ctx.socket(PUSH).unwrap();
        push.connect(&crate::common::free_tcp_endpoint()).unwrap();
        push.send("never delivered", 0).unwrap();
        drop(push);
        drop(ctx); // with LINGER -1 this would wait forever
    });
}

#[test]
fn thread_options_reach_the_io_thread() {
    let ctx = Context::new();
    ctx.set(THREAD_NAME_PREFIX, 8).unwrap();
    ctx.set(THREAD_SCHED_POLICY, libc::SCHED_BATCH).unwrap();
    ctx.set(THREAD_PRIORITY, 0).unwrap();
    ctx.set(THREAD_AFFINITY_CPU_ADD, 0).unwrap();
    assert_eq!(ctx.get(THREAD_NAME_PREFIX), Ok(8));
    assert_eq!(ctx.get(THREAD_SCHED_POLICY), Ok(libc::SCHED_BATCH));
    let pull = ctx.socket(PULL).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let tids = threads_named("8/ferrozmq-io-0");
    assert_eq!(tids.len(), 1, "one I/O thread named with the prefix");
    // SAFETY: plain calls on a thread id of this process.
    assert_eq!(
        unsafe { libc::sched_getscheduler(tids[0]) },
        libc::SCHED_BATCH
    );
    assert_eq!(affinity(tids[0]), BTreeSet::from([0]));
}

#[test]
fn thread_options_the_system_refuses_fail_the_bind_not_the_process() {
    let ctx = Context::new();
    // SCHED_FIFO needs a priority of at least 1.
    ctx.set(THREAD_SCHED_POLICY, libc::SCHED_FIFO).unwrap();
    ctx.set(THREAD_PRIORITY, 0).unwrap();
    let pull = ctx.socket(PULL).unwrap();
    assert_eq!(
        pull.bind("tcp://127.0.0.1:*"),
        Err(Error::EINVAL),
        "the kernel's EINVAL"
    );
    // Nothing started: the thread count can still change, and a good policy then works.
    ctx.set(IO_THREADS, 1).unwrap();
    ctx.set(THREAD_SCHED_POLICY, libc::SCHED_OTHER).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
}

#[test]
fn unknown_and_write_only_options_are_einval() {
    let ctx = Context::new();
    for id in [0, 6, 11, 99] {
        assert_eq!(ctx.set(id, 1), Err(Error::EINVAL), "set {id}");
        assert_eq!(ctx.get(id), Err(Error::EINVAL), "get {id}");
    }
    for id in [THREAD_AFFINITY_CPU_ADD, THREAD_AFFINITY_CPU_REMOVE] {
        assert_eq!(ctx.get(id), Err(Error::EINVAL), "get {id}");
    }
    assert_eq!(ctx.set(MAX_SOCKETS, 0), Err(Error::EINVAL));
    assert_eq!(ctx.set(IO_THREADS, -1), Err(Error::EINVAL));
}
