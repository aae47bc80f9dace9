//! chat: Zyre's (and pyre's) chat example. Joins the group CHAT, shouts each stdin line,
//! and prints what peers say as `NAME: text`, and who comes and goes.
//!
//! ```text
//! chat NAME [INTERFACE]
//! ```

use ferrozmq::Context;
use ferrozmq_zyre::{Event, Node};
use std::io::BufRead;
use std::sync::mpsc::channel;
use std::time::Duration;

fn main() -> Result<(), ferrozmq::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        eprintln!("usage: chat NAME [INTERFACE]");
        std::process::exit(2);
    };
    let ctx = Context::new();
    let mut node = Node::new(&ctx, Some(name))?;
    if let Some(interface) = args.get(1) {
        node.set_interface(interface)?;
    }
    node.join("CHAT")?;
    node.start()?;
    let (tx, lines) = channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    ferrozmq::interrupt::catch_interrupts()?;
    while !ferrozmq::interrupt::interrupted() {
        for line in lines.try_iter() {
            node.shouts("CHAT", &line)?;
        }
        match node.recv_timeout(Duration::from_millis(50)) {
            Ok(Some(Event::Shout { name, content, .. })) => {
                let text: Vec<String> = (content.iter())
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                println!("{name}: {}", text.join(" "));
            }
            Ok(Some(Event::Enter { name, .. })) => println!("* {name} entered"),
            Ok(Some(Event::Exit { name, .. })) => println!("* {name} left"),
            Ok(_) | Err(ferrozmq::Error::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
