//! The four perf tools' names, usage lines and arguments, which are
//! libzmq's (`local_thr <bind-to> <message-size> <message-count>` …) so that
//! either end of a measurement can be swapped for libzmq's own tool. Shared
//! with `libzmq-perf` (included there with `#[path]`).

use crate::patterns::parse_int;

/// CURVE keys of libzmq's perf tools (Z85), used with `<enable_curve>`: arbitrary, but they
/// must be these so that either end of a measurement can be libzmq's own tool.
pub mod curve_keys {
    /// The server's secret key (`local_thr.cpp`).
    pub const SERVER_SECRET: &str = "{X}#>t#jRGaQ}gMhv=30r(Mw+87YGs+5%kh=i@f8";
    /// The server's public key (`remote_thr.cpp`).
    pub const SERVER_PUBLIC: &str = "DX4nh=yUn{-9ugra0X3Src4SU-4xTgqxcYY.+<SH";
    /// The client's public key (`remote_thr.cpp`).
    pub const CLIENT_PUBLIC: &str = "<n^oA}I:66W+*ds3tAmi1+KJzv-}k&fC2aA5Bj0K";
    /// The client's secret key (`remote_thr.cpp`).
    pub const CLIENT_SECRET: &str = "9R9bV}[6z6DC-%$!jTVTKvWc=LEL{4i4gzUe$@Zx";
}

/// Which of the four perf tools to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// PULL, binds, measures receiver-side throughput.
    LocalThr,
    /// PUSH, connects, sends `message-count` messages.
    RemoteThr,
    /// REP, binds, echoes `roundtrip-count` messages.
    LocalLat,
    /// REQ, connects, measures the average one-way latency.
    RemoteLat,
}

impl Tool {
    /// All tools, in the order the help lists them.
    pub const ALL: [Tool; 4] = [
        Tool::LocalThr,
        Tool::RemoteThr,
        Tool::LocalLat,
        Tool::RemoteLat,
    ];

    /// Looks a subcommand up by name (`local-thr`; libzmq's `local_thr` too).
    pub fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL
            .into_iter()
            .find(|t| t.name() == name || t.name().replace('-', "_") == name)
    }

    /// The subcommand name.
    pub fn name(self) -> &'static str {
        match self {
            Tool::LocalThr => "local-thr",
            Tool::RemoteThr => "remote-thr",
            Tool::LocalLat => "local-lat",
            Tool::RemoteLat => "remote-lat",
        }
    }

    /// The usage line: libzmq's, with our subcommand name.
    pub fn usage(self) -> &'static str {
        match self {
            Tool::LocalThr => "local-thr <bind-to> <message-size> <message-count> [<enable_curve>]",
            Tool::RemoteThr => {
                "remote-thr <connect-to> <message-size> <message-count> [<enable_curve>]"
            }
            Tool::LocalLat => "local-lat <bind-to> <message-size> <roundtrip-count>",
            Tool::RemoteLat => "remote-lat <connect-to> <message-size> <roundtrip-count>",
        }
    }

    /// What the tool does, for `--help`.
    pub fn about(self) -> &'static str {
        match self {
            Tool::LocalThr => {
                "PULL socket, binds, receives <message-count> messages of <message-size> bytes;\n\
                 the clock starts when the first one arrives. Prints message size, message\n\
                 count and mean throughput in msg/s and Mb/s (libzmq's local_thr lines)."
            }
            Tool::RemoteThr => {
                "PUSH socket, connects, sends <message-count> messages of <message-size> bytes,\n\
                 then closes and waits (LINGER -1) until all are delivered."
            }
            Tool::LocalLat => {
                "REP socket, binds, echoes <roundtrip-count> messages of <message-size> bytes,\n\
                 then waits 1 s and closes (as libzmq's local_lat)."
            }
            Tool::RemoteLat => {
                "REQ socket, connects, sends <roundtrip-count> requests of <message-size> bytes\n\
                 and prints the average one-way latency = round-trip time / 2 (libzmq's\n\
                 remote_lat lines)."
            }
        }
    }

    /// Whether this is a throughput tool (these take `[<enable_curve>]`).
    pub fn is_thr(self) -> bool {
        matches!(self, Tool::LocalThr | Tool::RemoteThr)
    }
}

/// Validated arguments of a perf tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Endpoint to bind (local tools) or to connect (remote tools) to.
    pub endpoint: String,
    /// Size of every message, in bytes.
    pub size: usize,
    /// Number of messages (thr) or of round trips (lat); at least 1.
    pub count: u32,
    /// `<enable_curve>` of the thr tools: secure the connection with CURVE, using the keys of
    /// libzmq's own tools so that either end can be libzmq's.
    pub curve: bool,
}

impl Params {
    /// Parses the positional arguments that follow the subcommand name.
    ///
    /// Unlike libzmq's `atoi`, numbers must be well formed and in range, so
    /// a typo is an error instead of a run that measures nothing.
    pub fn parse(tool: Tool, args: &[String]) -> Result<Params, String> {
        let max = if tool.is_thr() { 4 } else { 3 };
        if args.len() < 3 || args.len() > max {
            let expected = if tool.is_thr() { "3 or 4" } else { "3" };
            return Err(format!("expected {expected} arguments, got {}", args.len()));
        }
        if args[0].is_empty() {
            return Err("empty endpoint".to_string());
        }
        let size = parse_int(&args[1], "message-size", 0)?;
        let count_name = if tool.is_thr() {
            "message-count"
        } else {
            "roundtrip-count"
        };
        let count = parse_int(&args[2], count_name, 1)?;
        let curve = match args.get(3) {
            Some(a) => parse_int(a, "enable_curve", 0)? != 0,
            None => false,
        };
        Ok(Params {
            endpoint: args[0].clone(),
            size: size as usize,
            count,
            curve,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_round_trip_and_accept_libzmq_spelling() {
        for t in Tool::ALL {
            assert_eq!(Tool::from_name(t.name()), Some(t));
        }
        assert_eq!(Tool::from_name("remote_lat"), Some(Tool::RemoteLat));
        assert_eq!(Tool::from_name("bench"), None);
    }

    #[test]
    fn parses_good_arguments() {
        let p = Params::parse(Tool::LocalThr, &args(&["tcp://*:5555", "16", "100"])).unwrap();
        assert_eq!(
            p,
            Params {
                endpoint: "tcp://*:5555".into(),
                size: 16,
                count: 100,
                curve: false,
            }
        );
        assert!(
            !Params::parse(Tool::RemoteThr, &args(&["e", "0", "1", "0"]))
                .unwrap()
                .curve
        );
        assert!(
            Params::parse(Tool::RemoteThr, &args(&["e", "0", "1", "1"]))
                .unwrap()
                .curve
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        let bad: &[(Tool, &[&str])] = &[
            (Tool::LocalThr, &["e", "16"]),
            (Tool::LocalThr, &["e", "16", "1", "0", "x"]),
            (Tool::LocalLat, &["e", "16", "1", "0"]),
            (Tool::RemoteThr, &["e", "x", "100"]),
            (Tool::RemoteThr, &["e", "-1", "100"]),
            (Tool::RemoteThr, &["e", "1", "0"]),
            (Tool::RemoteThr, &["e", "1", "3000000000"]),
            (Tool::RemoteLat, &["", "1", "10"]),
        ];
        for (tool, a) in bad {
            assert!(Params::parse(*tool, &args(a)).is_err(), "{tool:?} {a:?}");
        }
    }
}
