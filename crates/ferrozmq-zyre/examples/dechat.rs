//! dechat: the guide's brute-force decentralised chat (before Zyre). A PUB binds
//! `tcp://IPADDRESS:9000` and sends each stdin line as `USERNAME: line`; a SUB connects
//! to port 9000 of all 254 addresses of IPADDRESS's /24 and prints what it hears.
//!
//! ```text
//! dechat IPADDRESS INTERFACE USERNAME        (e.g. dechat 192.168.55.122 eth0 Joe)
//! ```
//! INTERFACE is taken for the guide's sake; the bind uses IPADDRESS.

use ferrozmq::{Context, PUB, SUB};
use std::io::BufRead;
use std::net::Ipv4Addr;

fn main() -> Result<(), ferrozmq::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(address), Some(_interface), Some(username)) =
        (args.first(), args.get(1), args.get(2))
    else {
        eprintln!("usage: dechat ipaddress interface username");
        eprintln!("example: dechat 192.168.55.122 eth0 Joe");
        std::process::exit(2);
    };
    let Ok(ip) = address.parse::<Ipv4Addr>() else {
        eprintln!("dechat: '{address}' is not an IPv4 address");
        std::process::exit(2);
    };
    let ctx = Context::new();
    let listener = ctx.socket(SUB)?;
    let [a, b, c, _] = ip.octets();
    for host in 1..255 {
        listener.connect(&format!("tcp://{a}.{b}.{c}.{host}:9000"))?;
    }
    listener.set_subscribe(b"")?;
    std::thread::spawn(move || {
        while let Ok(message) = listener.recv_string(0) {
            println!("{}", message.unwrap_or_default());
        }
    });
    let broadcaster = ctx.socket(PUB)?;
    broadcaster.bind(&format!("tcp://{address}:9000"))?;
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        broadcaster.send(format!("{username}: {line}").as_str(), 0)?;
    }
    Ok(())
}
