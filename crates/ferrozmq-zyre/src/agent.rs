//! The node's thread (an [`Actor`](ferrozmq::actor::Actor) body, Zyre's `zyre_node_actor`):
//! binds the ROUTER inbox, starts the beacon or the gossip service, then polls the API
//! pipe, the inbox, the beacon and the gossip sockets, and reaps quiet peers, until STOP or `$TERM`; on the way out it beacons port 0
//! so peers drop us at once.
//!
//! API commands on the pipe (sent by [`Node`](crate::Node)): `JOIN g`, `LEAVE g`,
//! `WHISPER uuid frames…`, `SHOUT g frames…`, `STOP`, and the queries `PEERS`,
//! `PEERS BY GROUP g`, `OWN GROUPS`, `PEER GROUPS`, `PEER ADDRESS uuid`, `PEER NAME uuid`,
//! `PEER HEADER uuid key`, `PEER HEADERS uuid`, `ENDPOINT`, `GOSSIP ENDPOINT`, each answered with `OK` and
//! the values (none when unknown).

use crate::beacon::{ZreBeacon, PREFIX};
use crate::config::Config;
use crate::gossip_service::GossipService;
use crate::state::State;
use crate::wire::Writer;
use ferrozmq::beacon::Beacon;
use ferrozmq::{Context, Message, Multipart, Result, Socket, Uuid, DONTWAIT, PAIR, POLLIN, ROUTER};
use std::time::{Duration, Instant};

/// Events queued for the owner before new ones are dropped (with a log line).
pub const EVENT_HWM: i32 = 100_000;

/// Runs a node on `pipe`, sending its events to the PAIR bound at `events_endpoint`.
pub fn run(pipe: &Socket, ctx: Context, config: Config, events_endpoint: String) -> Result<()> {
    let events = ctx.socket(PAIR)?;
    events.set_sndhwm(EVENT_HWM)?;
    events.set_linger(0)?;
    events.connect(&events_endpoint)?;
    let inbox = ctx.socket(ROUTER)?;
    inbox.set_router_handover(true)?;
    inbox.set_linger(0)?;
    inbox.bind(config.endpoint.as_deref().unwrap_or("tcp://*:*"))?;
    let port = bound_port(&inbox)?;
    let (beacon, host) = start_beacon(&ctx, &config, port)?;
    let endpoint = match &config.endpoint {
        Some(told) if !told.ends_with(":*") => told.clone(),
        Some(_) => inbox
            .get_last_endpoint()?
            .map_err(|_| ferrozmq::Error::EINVAL)?,
        None => format!("tcp://{host}:{port}"),
    };
    if config.verbose {
        eprintln!("zyre ({}): {} at {endpoint}", config.name, config.uuid);
    }
    let mut gossip = start_gossip(&ctx, &config, &endpoint)?;
    let reap_every = reap_interval(&config);
    let mut state = State::new(ctx, config, endpoint, events);
    ferrozmq::actor::signal(pipe, 0)?;
    let mut reap_at = Instant::now() + reap_every;
    loop {
        let now = Instant::now();
        if now >= reap_at {
            state.reap(now);
            if let Some(gossip) = &mut gossip {
                gossip.tick(now);
            }
            reap_at = now + reap_every;
        }
        let wait = reap_at.saturating_duration_since(now);
        let mut items = vec![pipe.as_poll_item(POLLIN), inbox.as_poll_item(POLLIN)];
        if let Some(beacon) = &beacon {
            items.push(beacon.pipe().as_poll_item(POLLIN));
        }
        let gossip_from = items.len();
        if let Some(gossip) = &gossip {
            items.extend(gossip.poll_items());
        }
        ferrozmq::poll(&mut items, poll_ms(wait))?;
        let ready: Vec<bool> = items.iter().map(|i| i.is_readable()).collect();
        drop(items);
        if ready[0] && !command(pipe, &mut state, gossip.as_ref())? {
            break;
        }
        if ready[1] {
            drain_inbox(&inbox, &mut state)?;
        }
        if let (Some(beacon), Some(true)) = (&beacon, ready.get(2)) {
            drain_beacons(beacon, &mut state)?;
        }
        if let Some(gossip) = &mut gossip {
            if ready[gossip_from..].contains(&true) {
                for (key, value) in gossip.drain()? {
                    state.on_gossip(&key, &value);
                }
            }
        }
    }
    if let Some(beacon) = beacon {
        let leaving = ZreBeacon {
            uuid: state.config.uuid,
            port: 0,
        };
        beacon.publish(&leaving.encode(), state.config.interval)?;
    }
    Ok(())
}

/// A poll timeout in whole milliseconds, rounded up so a wait is never cut short.
pub(crate) fn poll_ms(wait: Duration) -> i64 {
    let ms = wait.as_micros().div_ceil(1000);
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// How often peers are checked: every second, or more often when a timeout is short.
fn reap_interval(config: &Config) -> Duration {
    let shortest = (config.evasive_timeout)
        .min(config.silent_timeout)
        .min(config.expired_timeout);
    (shortest / 4).clamp(Duration::from_millis(10), Duration::from_secs(1))
}

/// The port an ephemeral bind got.
fn bound_port(inbox: &Socket) -> Result<u16> {
    let endpoint = inbox.get_last_endpoint()?.unwrap_or_default();
    (endpoint.rsplit(':').next())
        .and_then(|p| p.parse().ok())
        .ok_or(ferrozmq::Error::EINVAL)
}

/// Starts beaconing our port (unless the beacon port is 0), and returns the beacon and
/// the host to put in our endpoint (the beacon's interface address; 127.0.0.1 when the
/// beacon is off or on `*`).
fn start_beacon(ctx: &Context, config: &Config, port: u16) -> Result<(Option<Beacon>, String)> {
    if config.port == 0 {
        return Ok((None, "127.0.0.1".into()));
    }
    let beacon = Beacon::with_options(ctx, config.beacon.clone())?;
    let host = beacon.configure(config.port)?;
    let ours = ZreBeacon {
        uuid: config.uuid,
        port,
    };
    beacon.publish(&ours.encode(), config.interval)?;
    beacon.subscribe(PREFIX)?;
    let host = if host == "*" {
        "127.0.0.1".into()
    } else {
        host
    };
    Ok((Some(beacon), host))
}

/// Starts the gossip service if the node gossips: binds the hub, connects to the hubs
/// named, and publishes our (UUID, endpoint) tuple as Zyre does (TTL 0, forever).
fn start_gossip(ctx: &Context, config: &Config, endpoint: &str) -> Result<Option<GossipService>> {
    if config.gossip_bind.is_none() && config.gossip_connect.is_empty() {
        return Ok(None);
    }
    let mut gossip = GossipService::new(
        ctx,
        &config.name,
        config.verbose,
        config.max_peers,
        config.expired_timeout,
    );
    if let Some(hub) = &config.gossip_bind {
        gossip.bind(hub)?;
    }
    for hub in &config.gossip_connect {
        gossip.connect(hub)?;
    }
    gossip.publish(&config.uuid.to_czmq_string(), endpoint, 0);
    Ok(Some(gossip))
}

fn drain_inbox(inbox: &Socket, state: &mut State) -> Result<()> {
    loop {
        let frames = match inbox.recv_multipart(DONTWAIT) {
            Ok(frames) => frames,
            Err(ferrozmq::Error::EAGAIN) => return Ok(()),
            Err(e) => return Err(e),
        };
        let mut frames = frames.into_iter().map(Message::from);
        if let Some(routing_id) = frames.next() {
            let rest: Vec<Message> = frames.collect();
            state.on_message(&routing_id, &rest);
        }
    }
}

fn drain_beacons(beacon: &Beacon, state: &mut State) -> Result<()> {
    while let Some((address, payload)) = beacon.recv_timeout(Duration::ZERO)? {
        match ZreBeacon::decode(&payload) {
            Ok(b) => state.on_beacon(&address, b.uuid, b.port),
            Err(e) if state.config.verbose => {
                eprintln!(
                    "zyre ({}): beacon from {address} dropped: {e}",
                    state.config.name
                )
            }
            Err(_) => {}
        }
    }
    Ok(())
}

/// Handles one API command; `false` when the node is to end.
fn command(pipe: &Socket, state: &mut State, gossip: Option<&GossipService>) -> Result<bool> {
    let mut request = Multipart::recv(pipe)?;
    let verb = request.pop_str().unwrap_or_default();
    let mut text = || request.pop_str().unwrap_or_default();
    let reply: Option<Vec<Message>> = match verb.as_str() {
        "$TERM" | "STOP" => {
            let (peer, name) = (state.config.uuid, state.config.name.clone());
            state.emit(crate::Event::Stop { peer, name });
            return Ok(false);
        }
        "JOIN" => {
            let status = state.join(text());
            Some(vec![Message::from(if status.is_ok() {
                "OK"
            } else {
                "EINVAL"
            })])
        }
        "LEAVE" => {
            state.leave(text());
            None
        }
        "WHISPER" => {
            if let Some(uuid) = request.pop().and_then(|f| Uuid::from_slice(&f).ok()) {
                state.whisper(uuid, request.into_iter().collect());
            }
            None
        }
        "SHOUT" => {
            let group = text();
            state.shout(&group, request.into_iter().collect());
            None
        }
        "GOSSIP ENDPOINT" => {
            let bound = gossip.and_then(GossipService::bound_endpoint);
            let values = bound.into_iter().map(Message::from);
            Some(std::iter::once(Message::from("OK")).chain(values).collect())
        }
        _ => Some(query(&verb, request, state)),
    };
    if let Some(reply) = reply {
        pipe.send_multipart(reply, 0)?;
    }
    Ok(true)
}

/// Answers a query: `OK` and the values.
fn query(verb: &str, mut request: Multipart, state: &State) -> Vec<Message> {
    let arg = request.pop();
    let peer = (arg.as_ref())
        .and_then(|f| Uuid::from_slice(f).ok())
        .and_then(|u| state.peers.get(&u));
    let uuids = |it: &mut dyn Iterator<Item = &Uuid>| -> Vec<Message> {
        it.map(|u| Message::from(&u.as_bytes()[..])).collect()
    };
    let values: Vec<Message> = match verb {
        "PEERS" => uuids(&mut state.peers.keys()),
        "PEERS BY GROUP" => {
            let group = arg.map(|g| String::from_utf8_lossy(&g).into_owned());
            match group.and_then(|g| state.peer_groups.get(&g)) {
                Some(members) => uuids(&mut members.iter()),
                None => Vec::new(),
            }
        }
        "OWN GROUPS" => state.own_groups.iter().map(Message::from).collect(),
        "PEER GROUPS" => state.peer_groups.keys().map(Message::from).collect(),
        "PEER ADDRESS" => peer
            .map(|p| Message::from(&p.endpoint))
            .into_iter()
            .collect(),
        "PEER NAME" => peer.map(|p| Message::from(&p.name)).into_iter().collect(),
        "PEER HEADER" => {
            let key = request.pop_str().unwrap_or_default();
            (peer.and_then(|p| p.headers.get(&key)).map(Message::from))
                .into_iter()
                .collect()
        }
        "PEER HEADERS" => peer
            .map(|p| {
                let mut w = Writer::default();
                let _ = w.hash(&p.headers);
                Message::from(w.data)
            })
            .into_iter()
            .collect(),
        "ENDPOINT" => vec![Message::from(&state.endpoint)],
        _ => Vec::new(),
    };
    std::iter::once(Message::from("OK")).chain(values).collect()
}
