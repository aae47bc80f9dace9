//! What a node is told before it starts ([`Config`]): Zyre's `zyre_set_*` and
//! `zyre_gossip_*` values.

use crate::beacon::DEFAULT_PORT;
use ferrozmq::beacon::BeaconOptions;
use ferrozmq::Uuid;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// A node's settings; [`Node`](crate::Node)'s setters fill it in.
#[derive(Clone, Debug)]
pub struct Config {
    /// This node's UUID (drawn at random when the node is made).
    pub uuid: Uuid,
    /// This node's name (default: the first six hex digits of the UUID, as Zyre's).
    pub name: String,
    /// Header values sent in HELLO.
    pub headers: BTreeMap<String, String>,
    /// Groups joined before start.
    pub groups: BTreeSet<String>,
    /// UDP beacon port (default 5670); 0 turns beaconing off (gossip or explicit
    /// connections only). Setting an endpoint or gossip sets it to 0, as in Zyre.
    pub port: u16,
    /// How often to beacon (default 1 s).
    pub interval: Duration,
    /// Interface and address choice of the beacon (default: CZMQ's environment variables).
    pub beacon: BeaconOptions,
    /// A peer heard from neither by beacon nor by message for this long is EVASIVE and
    /// pinged (default 5 s).
    pub evasive_timeout: Duration,
    /// A peer that sent no ZRE message for this long, while its beacons still come, is
    /// SILENT and pinged (default 5 s).
    pub silent_timeout: Duration,
    /// A peer heard from neither way for this long is dropped with EXIT (default 30 s).
    pub expired_timeout: Duration,
    /// The most peers kept; beacons and HELLOs of more are dropped (default 1024).
    pub max_peers: usize,
    /// Logs traffic to stderr.
    pub verbose: bool,
    /// The endpoint our ROUTER binds to and peers are told (`zyre_set_endpoint`); default
    /// `tcp://*:*`, told as the beacon interface's address (127.0.0.1 without a beacon).
    pub endpoint: Option<String>,
    /// Where our gossip hub listens (`zyre_gossip_bind`).
    pub gossip_bind: Option<String>,
    /// The gossip hubs we connect to (`zyre_gossip_connect`).
    pub gossip_connect: Vec<String>,
}

impl Config {
    /// Defaults for a fresh node.
    pub fn new(name: Option<&str>) -> Config {
        let uuid = Uuid::new();
        let name = name.map_or_else(|| uuid.to_string()[..6].to_string(), str::to_string);
        Config {
            uuid,
            name,
            headers: BTreeMap::new(),
            groups: BTreeSet::new(),
            port: DEFAULT_PORT,
            interval: Duration::from_secs(1),
            beacon: BeaconOptions::from_env(),
            evasive_timeout: Duration::from_secs(5),
            silent_timeout: Duration::from_secs(5),
            expired_timeout: Duration::from_secs(30),
            max_peers: 1024,
            verbose: false,
            endpoint: None,
            gossip_bind: None,
            gossip_connect: Vec::new(),
        }
    }
}
