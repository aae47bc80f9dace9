//! The shared tools' names, usage lines, help texts and arguments.

use super::pubsub;

/// The shared perf tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// libzmq's `inproc_thr`: PUSH thread → PULL over `inproc://`.
    InprocThr,
    /// libzmq's `inproc_lat`: REQ ↔ REP thread over `inproc://`.
    InprocLat,
    /// DEALER→ROUTER receiver: ROUTER, binds, receives [routing-id, body].
    LocalRouterThr,
    /// DEALER→ROUTER sender: DEALER, connects, sends.
    RemoteDealerThr,
    /// ROUTER→DEALER receiver: DEALER, binds, announces itself, receives.
    LocalDealerThr,
    /// ROUTER→DEALER sender: ROUTER, connects, sends to the announced DEALER.
    RemoteRouterThr,
    /// REQ→ROUTER echo side: ROUTER, binds, echoes whole envelopes.
    LocalRouterLat,
    /// DEALER→REP requester: DEALER, connects, sends ["", body].
    RemoteDealerLat,
    /// PUB→SUB fan-out publisher: binds, waits for S subscribers, sends.
    PubThr,
    /// PUB→SUB fan-out receivers: S SUB sockets in one process.
    SubThr,
    /// Topic-filter publisher: waits for 10,000 subscriptions, sends.
    PubTopics,
    /// Topic-filter subscriber: one SUB with 10,000 subscriptions.
    SubTopics,
    /// DEALER clients → ROUTER|proxy|DEALER → DEALER workers, one process.
    ProxyThr,
}

/// One positional argument of a tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arg {
    Bind,
    Connect,
    Size,
    Messages,
    Roundtrips,
    Subscribers,
    Topics,
}

impl Arg {
    fn name(self) -> &'static str {
        match self {
            Arg::Bind => "bind-to",
            Arg::Connect => "connect-to",
            Arg::Size => "message-size",
            Arg::Messages => "message-count",
            Arg::Roundtrips => "roundtrip-count",
            Arg::Subscribers => "subscribers",
            Arg::Topics => "match|miss",
        }
    }
}

/// Most SUB sockets (each a thread and a connection) `sub-thr` opens.
const MAX_SUBSCRIBERS: u32 = 256;

impl Tool {
    /// All tools, in the order the help lists them.
    pub const ALL: [Tool; 13] = [
        Tool::InprocThr,
        Tool::InprocLat,
        Tool::LocalRouterThr,
        Tool::RemoteDealerThr,
        Tool::LocalDealerThr,
        Tool::RemoteRouterThr,
        Tool::LocalRouterLat,
        Tool::RemoteDealerLat,
        Tool::PubThr,
        Tool::SubThr,
        Tool::PubTopics,
        Tool::SubTopics,
        Tool::ProxyThr,
    ];

    /// Looks a subcommand up by name (`inproc-thr`; `inproc_thr` too).
    pub fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL
            .into_iter()
            .find(|t| t.name() == name || t.name().replace('-', "_") == name)
    }

    /// The subcommand name.
    pub fn name(self) -> &'static str {
        match self {
            Tool::InprocThr => "inproc-thr",
            Tool::InprocLat => "inproc-lat",
            Tool::LocalRouterThr => "local-router-thr",
            Tool::RemoteDealerThr => "remote-dealer-thr",
            Tool::LocalDealerThr => "local-dealer-thr",
            Tool::RemoteRouterThr => "remote-router-thr",
            Tool::LocalRouterLat => "local-router-lat",
            Tool::RemoteDealerLat => "remote-dealer-lat",
            Tool::PubThr => "pub-thr",
            Tool::SubThr => "sub-thr",
            Tool::PubTopics => "pub-topics",
            Tool::SubTopics => "sub-topics",
            Tool::ProxyThr => "proxy-thr",
        }
    }

    fn args(self) -> &'static [Arg] {
        use Arg::*;
        match self {
            Tool::InprocThr | Tool::ProxyThr => &[Size, Messages],
            Tool::InprocLat => &[Size, Roundtrips],
            Tool::LocalRouterThr | Tool::LocalDealerThr => &[Bind, Size, Messages],
            Tool::RemoteDealerThr | Tool::RemoteRouterThr => &[Connect, Size, Messages],
            Tool::LocalRouterLat => &[Bind, Size, Roundtrips],
            Tool::RemoteDealerLat => &[Connect, Size, Roundtrips],
            Tool::PubThr => &[Bind, Size, Messages, Subscribers],
            Tool::SubThr => &[Connect, Size, Messages, Subscribers],
            Tool::PubTopics => &[Bind, Size, Messages, Topics],
            Tool::SubTopics => &[Connect, Size, Messages, Topics],
        }
    }

    /// The usage line (without the program name).
    pub fn usage(self) -> String {
        let mut line = self.name().to_string();
        for arg in self.args() {
            line.push_str(&format!(" <{}>", arg.name()));
        }
        line
    }

    /// What the tool does, for `--help`.
    pub fn about(self) -> &'static str {
        match self {
            Tool::InprocThr => {
                "libzmq's inproc_thr: a PULL socket binds inproc://thr_test, a second thread's\n\
                 PUSH connects and sends <message-count> messages; prints local_thr's lines\n\
                 (the clock starts when the first message arrives)."
            }
            Tool::InprocLat => {
                "libzmq's inproc_lat: a REQ socket binds inproc://lat_test, a second thread's\n\
                 REP connects and echoes; prints remote_lat's lines (one-way latency)."
            }
            Tool::LocalRouterThr => {
                "DEALER→ROUTER throughput, receiver: ROUTER, binds, receives <message-count>\n\
                 [routing-id, body] messages; prints local_thr's lines. Sender: remote-dealer-thr."
            }
            Tool::RemoteDealerThr => {
                "DEALER→ROUTER throughput, sender: DEALER, connects, sends <message-count>\n\
                 messages, then closes and waits until they are delivered."
            }
            Tool::LocalDealerThr => {
                "ROUTER→DEALER throughput, receiver: DEALER with routing id \"dealer\", binds,\n\
                 announces itself with one message once the ROUTER is connected, receives\n\
                 <message-count> messages; prints local_thr's lines. Sender: remote-router-thr."
            }
            Tool::RemoteRouterThr => {
                "ROUTER→DEALER throughput, sender: ROUTER with ROUTER_MANDATORY (blocks instead\n\
                 of dropping at the high-water mark), connects, waits for the DEALER's\n\
                 announcement, sends <message-count> [\"dealer\", body] messages."
            }
            Tool::LocalRouterLat => {
                "Echo side of REQ→ROUTER latency: ROUTER, binds, echoes <roundtrip-count>\n\
                 requests with their whole envelope. Requester: remote-lat (REQ)."
            }
            Tool::RemoteDealerLat => {
                "Requester of DEALER→REP latency: DEALER, connects, sends <roundtrip-count>\n\
                 [\"\", body] requests and waits for each reply; prints remote_lat's lines.\n\
                 Echo side: local-lat (REP)."
            }
            Tool::PubThr => {
                "PUB→SUB fan-out, publisher: XPUB (a PUB that shows subscriptions; same send\n\
                 path) with XPUB_VERBOSE and SNDHWM 0, binds, waits until <subscribers>\n\
                 subscriptions have arrived (no slow-joiner loss), then sends <message-count>\n\
                 messages and exits once the subscribers have disconnected (XPUB reports an\n\
                 unsubscription when the last one leaves). Receivers: sub-thr."
            }
            Tool::SubThr => {
                "PUB→SUB fan-out, receivers: <subscribers> SUB sockets (one thread each, one\n\
                 context) with RCVHWM 0 and SNDHWM 0 subscribe to \"\" and connect; each must\n\
                 receive <message-count> messages. Prints local_thr's lines, the throughput\n\
                 being the aggregate delivered rate (subscribers x count / time from the first\n\
                 message at any subscriber to the last at all), then the subscriber count and\n\
                 the min / median / max per-subscriber rate."
            }
            Tool::PubTopics => {
                "Topic filtering, publisher: XPUB with XPUB_VERBOSE and SNDHWM 0, binds, waits\n\
                 for sub-topics' 10,000 subscriptions, then sends <message-count> messages whose\n\
                 first 10 bytes are the topic: \"topic/9999\" (match: the one subscribed topic\n\
                 they match) or \"topic/miss\" (miss: none). In miss mode it then sends one\n\
                 matching message to end the run and prints local_thr's lines for its own send\n\
                 rate (the clock spans the <message-count> sends). Exits once the subscriber has\n\
                 disconnected. <message-size> >= 10."
            }
            Tool::SubTopics => {
                "Topic filtering, subscriber: one SUB (RCVHWM 0, SNDHWM 0) subscribed to\n\
                 \"topic/0000\" .. \"topic/9998\" (9,999 that never match) and \"topic/9999\",\n\
                 connects. match: receives <message-count> messages and prints local_thr's\n\
                 lines. miss: waits for the publisher's one closing message (anything else is\n\
                 an error) and prints nothing."
            }
            Tool::ProxyThr => {
                "Throughput through a proxy, in one process over inproc (as libzmq's proxy_thr):\n\
                 2 DEALER client threads -> ROUTER | zmq_proxy_steerable | DEALER -> 2 DEALER\n\
                 worker threads. The clients send <message-count> messages in all; the clock\n\
                 runs from the start signal to the moment the workers have received the last\n\
                 one. Prints local_thr's lines."
            }
        }
    }

    /// Whether the tool takes a `<match|miss>` argument (and so needs room
    /// for the topic in each message).
    fn is_topics(self) -> bool {
        matches!(self, Tool::PubTopics | Tool::SubTopics)
    }
}

/// Which messages the topic-filter tools send and expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topics {
    /// Every message matches one of the subscriptions.
    Match,
    /// No message matches any subscription.
    Miss,
}

/// Validated arguments of a shared tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Endpoint to bind or connect to; empty for the in-process tools.
    pub endpoint: String,
    /// Size of every message body, in bytes.
    pub size: usize,
    /// Number of messages (per subscriber for sub-thr) or round trips; >= 1.
    pub count: u32,
    /// Number of subscribers (pub-thr, sub-thr); 1 for the other tools.
    pub subscribers: u32,
    /// Which topics pub-topics sends (pub-topics, sub-topics); `Match` for
    /// the other tools.
    pub topics: Topics,
}

impl Params {
    /// Parses the positional arguments that follow the subcommand name.
    /// Numbers must be well formed and in range (unlike libzmq's `atoi`).
    pub fn parse(tool: Tool, args: &[String]) -> Result<Params, String> {
        let spec = tool.args();
        if args.len() != spec.len() {
            return Err(format!(
                "expected {} arguments, got {}",
                spec.len(),
                args.len()
            ));
        }
        let mut p = Params {
            endpoint: String::new(),
            size: 0,
            count: 1,
            subscribers: 1,
            topics: Topics::Match,
        };
        for (arg, text) in spec.iter().zip(args) {
            match arg {
                Arg::Bind | Arg::Connect if text.is_empty() => {
                    return Err("empty endpoint".to_string())
                }
                Arg::Bind | Arg::Connect => p.endpoint = text.clone(),
                Arg::Size => p.size = parse_int(text, arg.name(), 0)? as usize,
                Arg::Messages | Arg::Roundtrips => p.count = parse_int(text, arg.name(), 1)?,
                Arg::Subscribers => {
                    p.subscribers = match text.parse::<u32>() {
                        Ok(n) if (1..=MAX_SUBSCRIBERS).contains(&n) => n,
                        _ => {
                            return Err(format!(
                                "invalid <subscribers> '{text}': expected an integer from 1 to \
                                 {MAX_SUBSCRIBERS}"
                            ))
                        }
                    }
                }
                Arg::Topics => {
                    p.topics = match text.as_str() {
                        "match" => Topics::Match,
                        "miss" => Topics::Miss,
                        _ => return Err(format!("invalid <match|miss> '{text}'")),
                    }
                }
            }
        }
        if tool.is_topics() && p.size < pubsub::TOPIC_LEN {
            return Err(format!(
                "invalid <message-size> {}: topic messages need at least {} bytes",
                p.size,
                pubsub::TOPIC_LEN
            ));
        }
        Ok(p)
    }
}

/// Parses a decimal integer in `min..=i32::MAX` (libzmq prints them as `%d`).
pub fn parse_int(text: &str, name: &str, min: u32) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(v) if v >= min && v <= i32::MAX as u32 => Ok(v),
        _ => Err(format!(
            "invalid <{name}> '{text}': expected an integer from {min} to {}",
            i32::MAX
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_round_trip_and_accept_underscores() {
        for t in Tool::ALL {
            assert_eq!(Tool::from_name(t.name()), Some(t));
            assert!(t.usage().starts_with(t.name()));
            assert!(!t.about().is_empty());
        }
        assert_eq!(Tool::from_name("inproc_thr"), Some(Tool::InprocThr));
        assert_eq!(Tool::from_name("local-thr"), None);
    }

    #[test]
    fn usage_lines_name_the_arguments() {
        assert_eq!(
            Tool::InprocThr.usage(),
            "inproc-thr <message-size> <message-count>"
        );
        assert_eq!(
            Tool::SubThr.usage(),
            "sub-thr <connect-to> <message-size> <message-count> <subscribers>"
        );
        assert_eq!(
            Tool::PubTopics.usage(),
            "pub-topics <bind-to> <message-size> <message-count> <match|miss>"
        );
    }

    #[test]
    fn parses_good_arguments() {
        let p = Params::parse(Tool::InprocLat, &args(&["64", "1000"])).unwrap();
        assert_eq!((p.endpoint.as_str(), p.size, p.count), ("", 64, 1000));
        let p = Params::parse(Tool::SubThr, &args(&["tcp://h:1", "16", "10", "100"])).unwrap();
        assert_eq!((p.endpoint.as_str(), p.subscribers), ("tcp://h:1", 100));
        let p = Params::parse(Tool::PubTopics, &args(&["e", "10", "5", "miss"])).unwrap();
        assert_eq!(p.topics, Topics::Miss);
    }

    #[test]
    fn rejects_bad_arguments() {
        let bad: &[(Tool, &[&str])] = &[
            (Tool::InprocThr, &["16"]),
            (Tool::InprocThr, &["16", "10", "x"]),
            (Tool::InprocThr, &["x", "10"]),
            (Tool::InprocLat, &["16", "0"]),
            (Tool::LocalRouterThr, &["", "16", "10"]),
            (Tool::RemoteDealerLat, &["e", "-1", "10"]),
            (Tool::SubThr, &["e", "16", "10", "0"]),
            (Tool::SubThr, &["e", "16", "10", "257"]),
            (Tool::PubTopics, &["e", "16", "10", "maybe"]),
            (Tool::SubTopics, &["e", "9", "10", "match"]),
            (Tool::ProxyThr, &["16", "3000000000"]),
        ];
        for (tool, a) in bad {
            assert!(Params::parse(*tool, &args(a)).is_err(), "{tool:?} {a:?}");
        }
    }
}
