//! ZMQ_SOCKS_PROXY with SOCKS_USERNAME/SOCKS_PASSWORD (libzmq's test_socks ground): connects
//! through a small SOCKS5 server written here (RFC 1928 CONNECT, RFC 1929 username and
//! password), to a libzmq peer behind it, and libzmq 4.3.4's client through the same proxy
//! to a ferrozmq peer. The proxy records what each client sent it, which must be the same
//! bytes from ferrozmq as from libzmq.

use crate::common::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

extern "C" {
    fn zmq_setsockopt(s: *mut c_void, option: c_int, value: *const c_void, len: usize) -> c_int;
}

/// What a client said to the proxy, in order: the greeting, the username/password request
/// (if any) and the CONNECT request, each as the bytes sent.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Said {
    Greeting(Vec<u8>),
    Auth(Vec<u8>),
    Connect(Vec<u8>),
}

/// A SOCKS5 proxy on loopback, serving each client in a thread of its own.
struct Proxy {
    addr: SocketAddr,
    said: mpsc::Receiver<Said>,
    /// Where each client connected from.
    clients: Arc<Mutex<Vec<SocketAddr>>>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    /// Starts a proxy that asks for `credentials` (username, password) if given.
    fn start(credentials: Option<(&'static str, &'static str)>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, said) = mpsc::channel();
        let tx = Arc::new(Mutex::new(tx));
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let clients = Arc::new(Mutex::new(Vec::new()));
        let accepted = clients.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                if let Ok(from) = client.peer_addr() {
                    accepted.lock().unwrap().push(from);
                }
                let tx = tx.clone();
                std::thread::spawn(move || {
                    let record = |s: Said| {
                        let _ = tx.lock().unwrap().send(s);
                    };
                    let _ = serve(client, credentials, &record);
                });
            }
        });
        Proxy {
            addr,
            said,
            clients,
            stop,
        }
    }

    fn endpoint(&self) -> String {
        self.addr.to_string()
    }

    /// The next thing a client said.
    fn next(&self) -> Said {
        self.said
            .recv_timeout(std::time::Duration::from_millis(TIMEO as u64))
            .expect("the proxy heard from a client")
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn read_n(s: &mut TcpStream, n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    s.read_exact(&mut buf)?;
    Ok(buf)
}

/// One client: RFC 1928's method negotiation, RFC 1929's subnegotiation when credentials
/// are required, CONNECT, then bytes relayed both ways until either side closes.
fn serve(
    mut client: TcpStream,
    credentials: Option<(&str, &str)>,
    record: &dyn Fn(Said),
) -> std::io::Result<()> {
    let mut greeting = read_n(&mut client, 2)?;
    let methods = read_n(&mut client, usize::from(greeting[1]))?;
    greeting.extend_from_slice(&methods);
    record(Said::Greeting(greeting));
    let method = if credentials.is_some() { 2 } else { 0 };
    if !methods.contains(&method) {
        return client.write_all(&[5, 0xff]);
    }
    client.write_all(&[5, method])?;
    if let Some((user, password)) = credentials {
        let mut auth = read_n(&mut client, 2)?;
        let name = read_n(&mut client, usize::from(auth[1]))?;
        auth.extend_from_slice(&name);
        let len = read_n(&mut client, 1)?;
        let pass = read_n(&mut client, usize::from(len[0]))?;
        auth.extend_from_slice(&len);
        auth.extend_from_slice(&pass);
        record(Said::Auth(auth));
        let ok = name == user.as_bytes() && pass == password.as_bytes();
        client.write_all(&[1, if ok { 0 } else { 1 }])?;
        if !ok {
            return Ok(());
        }
    }
    let mut request = read_n(&mut client, 4)?;
    let target: Vec<SocketAddr> = match request[3] {
        1 => {
            let a = read_n(&mut client, 6)?;
            request.extend_from_slice(&a);
            let ip = std::net::Ipv4Addr::new(a[0], a[1], a[2], a[3]);
            vec![SocketAddr::from((ip, u16::from_be_bytes([a[4], a[5]])))]
        }
        3 => {
            let len = read_n(&mut client, 1)?;
            let rest = read_n(&mut client, usize::from(len[0]) + 2)?;
            request.extend_from_slice(&len);
            request.extend_from_slice(&rest);
            let (name, port) = rest.split_at(rest.len() - 2);
            let port = u16::from_be_bytes([port[0], port[1]]);
            (String::from_utf8_lossy(name).as_ref(), port)
                .to_socket_addrs()?
                .collect()
        }
        _ => {
            let a = read_n(&mut client, 18)?;
            request.extend_from_slice(&a);
            let ip: [u8; 16] = a[..16].try_into().unwrap();
            vec![SocketAddr::from((ip, u16::from_be_bytes([a[16], a[17]])))]
        }
    };
    record(Said::Connect(request));
    let Ok(upstream) = TcpStream::connect(&target[..]) else {
        return client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
    };
    client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
    let (mut from_client, mut to_upstream) = (client.try_clone()?, upstream.try_clone()?);
    let forward = std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_client, &mut to_upstream);
        let _ = to_upstream.shutdown(std::net::Shutdown::Write);
    });
    let (mut from_upstream, mut to_client) = (upstream, client);
    let _ = std::io::copy(&mut from_upstream, &mut to_client);
    let _ = to_client.shutdown(std::net::Shutdown::Write);
    let _ = forward.join();
    Ok(())
}

/// Sets a string option on a libzmq socket through its raw setsockopt.
fn their_set(s: &mut zmq::Socket, id: i32, value: &str) {
    // SAFETY: a live libzmq socket; `value` outlives the call.
    let rc = unsafe { zmq_setsockopt(s.as_mut_ptr(), id, value.as_ptr().cast(), value.len()) };
    assert_eq!(rc, 0, "libzmq takes option {id} = {value:?}");
}

/// Our REQ through the proxy to a libzmq REP at `host`, and a libzmq REQ through it to our
/// REP at `host`: both get their answers, and what each said to the proxy is returned.
fn both_through(proxy: &Proxy, host: &str, credentials: Option<(&str, &str)>) -> [Vec<Said>; 2] {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let steps = if credentials.is_some() { 3 } else { 2 };
    let heard = |proxy: &Proxy| (0..steps).map(|_| proxy.next()).collect::<Vec<_>>();

    let zrep = theirs(&zctx, zmq::REP);
    zrep.bind("tcp://127.0.0.1:*").unwrap();
    let port = zlast_ep(&zrep).rsplit(':').next().unwrap().to_string();
    let req = ours(&ctx, ferrozmq::REQ);
    req.set_socks_proxy(Some(&proxy.endpoint())).unwrap();
    if let Some((user, password)) = credentials {
        req.set_socks_username(user).unwrap();
        req.set_socks_password(password).unwrap();
    }
    req.connect(&format!("tcp://{host}:{port}")).unwrap();
    req.send("from ferrozmq", 0).unwrap();
    assert_eq!(zrep.recv_string(0).unwrap().unwrap(), "from ferrozmq");
    zrep.send("to ferrozmq", 0).unwrap();
    assert_eq!(req.recv_string(0).unwrap().unwrap(), "to ferrozmq");
    let ours_said = heard(proxy);

    let rep = ours(&ctx, ferrozmq::REP);
    rep.bind("tcp://127.0.0.1:*").unwrap();
    let port = last_ep(&rep).rsplit(':').next().unwrap().to_string();
    let mut zreq = theirs(&zctx, zmq::REQ);
    their_set(
        &mut zreq,
        ferrozmq::options::ids::SOCKS_PROXY,
        &proxy.endpoint(),
    );
    if let Some((user, password)) = credentials {
        their_set(&mut zreq, ferrozmq::options::ids::SOCKS_USERNAME, user);
        their_set(&mut zreq, ferrozmq::options::ids::SOCKS_PASSWORD, password);
    }
    zreq.connect(&format!("tcp://{host}:{port}")).unwrap();
    zreq.send("from libzmq", 0).unwrap();
    assert_eq!(rep.recv_string(0).unwrap().unwrap(), "from libzmq");
    rep.send("to libzmq", 0).unwrap();
    assert_eq!(zreq.recv_string(0).unwrap().unwrap(), "to libzmq");
    let libzmq_said = heard(proxy);
    [ours_said, libzmq_said]
}

/// The CONNECT request libzmq and ferrozmq send for `port`, with the port's bytes zeroed
/// (each side's peer listens on a port of its own).
fn without_port(said: &[Said]) -> Vec<Said> {
    said.iter()
        .map(|s| match s {
            Said::Connect(r) => {
                let mut r = r.clone();
                let n = r.len();
                r[n - 2..].fill(0);
                Said::Connect(r)
            }
            other => other.clone(),
        })
        .collect()
}

#[test]
fn no_authentication_to_an_ip_target() {
    bounded(|| {
        let proxy = Proxy::start(None);
        let [ours, libzmq] = both_through(&proxy, "127.0.0.1", None);
        assert_eq!(ours[0], Said::Greeting(vec![5, 1, 0]));
        assert!(matches!(&ours[1], Said::Connect(r) if r[..8] == [5, 1, 0, 1, 127, 0, 0, 1]));
        assert_eq!(
            without_port(&ours),
            without_port(&libzmq),
            "the same bytes as libzmq"
        );
    });
}

/// A SOCKS_PROXY of the form `source;proxy` (libzmq's test_socks_bind_before_connect): the
/// client binds to the source before dialling the proxy, ferrozmq as libzmq.
#[test]
fn a_proxy_address_with_a_source_is_dialled_from_it() {
    bounded(|| {
        let proxy = Proxy::start(None);
        let via = format!("127.0.0.5:0;{}", proxy.endpoint());
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let zrep = theirs(&zctx, zmq::REP);
        zrep.bind("tcp://127.0.0.1:*").unwrap();
        let req = ours(&ctx, ferrozmq::REQ);
        req.set_socks_proxy(Some(&via)).unwrap();
        req.connect(&zlast_ep(&zrep)).unwrap();
        req.send("from 127.0.0.5", 0).unwrap();
        assert_eq!(zrep.recv_string(0).unwrap().unwrap(), "from 127.0.0.5");

        let rep = ours(&ctx, ferrozmq::REP);
        rep.bind("tcp://127.0.0.1:*").unwrap();
        let mut zreq = theirs(&zctx, zmq::REQ);
        their_set(&mut zreq, ferrozmq::options::ids::SOCKS_PROXY, &via);
        zreq.connect(&last_ep(&rep)).unwrap();
        zreq.send("libzmq from 127.0.0.5", 0).unwrap();
        assert_eq!(
            rep.recv_string(0).unwrap().unwrap(),
            "libzmq from 127.0.0.5"
        );
        let sources: Vec<_> = proxy
            .clients
            .lock()
            .unwrap()
            .iter()
            .map(|a| a.ip())
            .collect();
        let wanted: std::net::IpAddr = [127, 0, 0, 5].into();
        assert_eq!(sources, [wanted, wanted], "ferrozmq's and libzmq's dials");
    });
}

#[test]
fn username_and_password_to_a_named_target() {
    bounded(|| {
        let proxy = Proxy::start(Some(("someuser", "somepass")));
        let creds = Some(("someuser", "somepass"));
        let [ours, libzmq] = both_through(&proxy, "localhost", creds);
        assert_eq!(ours[0], Said::Greeting(vec![5, 1, 2]));
        assert_eq!(
            ours[1],
            Said::Auth(b"\x01\x08someuser\x08somepass".to_vec())
        );
        assert!(
            matches!(&ours[2], Said::Connect(r) if r[..5] == [5, 1, 0, 3, 9] && &r[5..14] == b"localhost")
        );
        assert_eq!(
            without_port(&ours),
            without_port(&libzmq),
            "the same bytes as libzmq"
        );
    });
}

#[test]
fn a_refused_password_gets_no_tunnel() {
    bounded(|| {
        let proxy = Proxy::start(Some(("someuser", "somepass")));
        let ctx = ferrozmq::Context::new();
        let target = ours(&ctx, ferrozmq::REP);
        target.bind("tcp://127.0.0.1:*").unwrap();
        let req = ours(&ctx, ferrozmq::REQ);
        req.set_socks_proxy(Some(&proxy.endpoint())).unwrap();
        req.set_socks_username("someuser").unwrap();
        req.set_socks_password("wrong").unwrap();
        req.connect(&last_ep(&target)).unwrap();
        req.send("never", ferrozmq::DONTWAIT).unwrap();
        // Refused, it dials again (RECONNECT_IVL) and is refused again; nothing gets through.
        for _ in 0..2 {
            assert_eq!(proxy.next(), Said::Greeting(vec![5, 1, 2]));
            assert_eq!(
                proxy.next(),
                Said::Auth(b"\x01\x08someuser\x05wrong".to_vec())
            );
        }
        assert_eq!(
            target.recv_msg(ferrozmq::DONTWAIT).unwrap_err(),
            ferrozmq::Error::EAGAIN
        );
    });
}
