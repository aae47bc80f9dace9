//! Server configuration from ZPL, as the guide's `server_test.cfg` writes it:
//!
//! ```text
//! server
//!     monitor = 1             #   Check mount points
//!     heartbeat = 1           #   Heartbeat to clients
//! publish
//!     location = ./fmqroot/logs
//!     virtual = /logs
//! security
//!     echo = I: use guest/guest to login to server
//!     anonymous = 0
//!     plain = 1
//!         account
//!             login = guest
//!             password = guest
//! ```
//!
//! `server/monitor` and `server/heartbeat` are seconds; every `publish` section adds a mount
//! point (`fmq_server_configure` runs it as `fmq_server_publish`); `security` chooses the
//! SASL mechanisms ANONYMOUS and PLAIN and the PLAIN accounts.

use std::path::PathBuf;
use std::time::Duration;

use ferrozmq::zconfig::Config;

use crate::scan::Mount;

/// What a configuration file sets.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// How often mount points are scanned (`server/monitor`, default 1 s).
    pub monitor: Duration,
    /// How often the server sends HUGZ (`server/heartbeat`, default 1 s).
    pub heartbeat: Duration,
    /// Mount points from `publish` sections.
    pub mounts: Vec<Mount>,
    /// Whether ANONYMOUS is accepted (`security/anonymous`, default yes).
    pub anonymous: bool,
    /// PLAIN accounts, login and password (`security/plain = 1` and its `account`s).
    pub plain: Vec<(String, String)>,
    /// A line to print when the server starts (`security/echo`).
    pub echo: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            monitor: Duration::from_secs(1),
            heartbeat: Duration::from_secs(1),
            mounts: Vec::new(),
            anonymous: true,
            plain: Vec::new(),
            echo: None,
        }
    }
}

impl ServerConfig {
    /// Reads a ZPL file (`fmq_server_configure`); EINVAL on bad ZPL or values.
    pub fn load(path: impl AsRef<std::path::Path>) -> ferrozmq::Result<ServerConfig> {
        Self::from_zpl(&Config::load(path)?)
    }

    /// Reads a parsed ZPL tree.
    pub fn from_zpl(zpl: &Config) -> ferrozmq::Result<ServerConfig> {
        let mut config = ServerConfig::default();
        let seconds = |path: &str, default: Duration| -> ferrozmq::Result<Duration> {
            match zpl.get(path) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|s| *s > 0)
                    .map(Duration::from_secs)
                    .ok_or(ferrozmq::Error::EINVAL),
            }
        };
        config.monitor = seconds("server/monitor", config.monitor)?;
        config.heartbeat = seconds("server/heartbeat", config.heartbeat)?;
        for node in zpl.nodes.iter().filter(|n| n.name == "publish") {
            let field = |name: &str| {
                node.children
                    .iter()
                    .find(|c| c.name == name)
                    .map(|c| c.value.clone())
            };
            let (Some(location), Some(alias)) = (field("location"), field("virtual")) else {
                return Err(ferrozmq::Error::EINVAL);
            };
            if !crate::paths::is_valid(&alias) {
                return Err(ferrozmq::Error::EINVAL);
            }
            config.mounts.push(Mount {
                location: PathBuf::from(location),
                alias,
            });
        }
        config.anonymous = zpl
            .get("security/anonymous")
            .is_none_or(|v| v.trim() == "1");
        config.echo = zpl.get("security/echo").map(str::to_string);
        if let Some(plain) = zpl
            .locate("security/plain")
            .filter(|p| p.value.trim() == "1")
        {
            for account in plain.children.iter().filter(|c| c.name == "account") {
                let field = |name: &str| {
                    account
                        .children
                        .iter()
                        .find(|c| c.name == name)
                        .map(|c| c.value.clone())
                };
                if let (Some(login), Some(password)) = (field("login"), field("password")) {
                    config.plain.push((login, password));
                }
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_server_config_reads() {
        let text = "server\n    monitor = 1\n    heartbeat = 2\n\npublish\n    location = ./fmqroot/logs\n    virtual = /logs\n\nsecurity\n    echo = I: use guest/guest to login to server\n    anonymous = 0\n    plain = 1\n        account\n            login = guest\n            password = guest\n            group = guest\n        account\n            login = super\n            password = secret\n            group = admin\n";
        let config = ServerConfig::from_zpl(&Config::parse(text).unwrap()).unwrap();
        assert_eq!(config.heartbeat, Duration::from_secs(2));
        assert_eq!(config.mounts.len(), 1);
        assert_eq!(config.mounts[0].alias, "/logs");
        assert!(!config.anonymous);
        assert_eq!(config.plain[1], ("super".to_string(), "secret".to_string()));
        assert!(
            ServerConfig::from_zpl(&Config::parse("publish\n    virtual = /../x\n").unwrap())
                .is_err()
        );
    }
}
