//! What the guide's `zre_interface` adds to Zyre for file distribution, shared by the
//! `sender` and `listener` examples: each node runs a FileMQ server on `tcp://*:*`
//! publishing its outbox (`.outbox/UUID`) as `/`, announces it in the `X-FILEMQ` header
//! (as `tcp://*:PORT`: the listener puts in the host it met the peer at), and subscribes a
//! FileMQ client (inbox `.inbox/UUID`, resync on) to `/` on every peer that announces one.
//! Events print one line each: `ENTER uuid name`, `EXIT uuid name`, `DELIVER filename
//! fullname`. The interface is ZSYS_INTERFACE's, as for every ferrozmq-zyre node.

use std::path::PathBuf;
use std::time::Duration;

use ferrozmq::Context;
use ferrozmq_filemq::{Client, ClientOptions, Event as FileEvent, Mount, Server, ServerConfig};
use ferrozmq_zyre::{Event, Node};

/// A Zyre node with a FileMQ server and clients.
pub struct FileNode {
    ctx: Context,
    node: Node,
    outbox: PathBuf,
    inbox: PathBuf,
    _server: Server,
    clients: Vec<Client>,
}

impl FileNode {
    /// Starts the node, its server and its announcement.
    pub fn start() -> ferrozmq::Result<FileNode> {
        let ctx = Context::new();
        let mut node = Node::new(&ctx, None)?;
        let id = node.uuid().to_string();
        let outbox = PathBuf::from(".outbox").join(&id);
        let inbox = PathBuf::from(".inbox").join(&id);
        std::fs::create_dir_all(&outbox)?;
        std::fs::create_dir_all(&inbox)?;
        let mut config = ServerConfig::default();
        config.mounts.push(Mount {
            location: outbox.clone(),
            alias: "/".into(),
        });
        let server = Server::bind(&ctx, config, "tcp://*:*")?;
        let port = server
            .endpoint()
            .rsplit(':')
            .next()
            .unwrap_or("0")
            .to_string();
        node.set_header("X-FILEMQ", &format!("tcp://*:{port}"))?;
        node.start()?;
        Ok(FileNode {
            ctx,
            node,
            outbox,
            inbox,
            _server: server,
            clients: Vec::new(),
        })
    }

    /// Publishes `filename` as `virtualname` (`zre_interface_publish`): a `.ln` link in
    /// the outbox, which the server picks up once it is a second old.
    pub fn publish(&self, filename: &str, virtualname: &str) -> std::io::Result<()> {
        let target = std::fs::canonicalize(filename)?;
        let link = self
            .outbox
            .join(format!("{}.ln", virtualname.trim_start_matches('/')));
        if let Some(parent) = link.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(link, format!("{}\n", target.display()))
    }

    /// Prints events until the node stops.
    pub fn run(&mut self) {
        loop {
            match self.node.recv_timeout(Duration::from_millis(100)) {
                Ok(Some(Event::Enter {
                    peer,
                    name,
                    headers,
                    address,
                })) => {
                    println!("ENTER {peer} {name}");
                    if let Some(publisher) = headers.get("X-FILEMQ") {
                        self.connect(publisher, &address);
                    }
                }
                Ok(Some(Event::Exit { peer, name })) => println!("EXIT {peer} {name}"),
                Ok(_) => {}
                Err(e) => {
                    eprintln!("E: {e}");
                    return;
                }
            }
            for client in &self.clients {
                while let Some(event) = client.recv_timeout(Duration::ZERO) {
                    if let FileEvent::Deliver { filename, fullname } = event {
                        println!("DELIVER {filename} {}", fullname.display());
                    }
                }
            }
            use std::io::Write;
            let _ = std::io::stdout().flush();
        }
    }

    /// Subscribes to `/` on a peer's FileMQ server (`fmq_client_connect`).
    fn connect(&mut self, publisher: &str, zre_address: &str) {
        let host = zre_address
            .strip_prefix("tcp://")
            .and_then(|a| a.rsplit_once(':'))
            .map(|(host, _)| host);
        let endpoint = match (publisher.strip_prefix("tcp://*:"), host) {
            (Some(port), Some(host)) => format!("tcp://{host}:{port}"),
            _ => publisher.to_string(),
        };
        let client = Client::connect(&self.ctx, &endpoint, &self.inbox, ClientOptions::default())
            .and_then(|c| c.subscribe("/").map(|()| c));
        match client {
            Ok(client) => self.clients.push(client),
            Err(e) => eprintln!("E: cannot subscribe to {endpoint}: {e}"),
        }
    }
}
