//! The security flags of the shell subcommands (`--plain-*`, `--curve-*`, `--zap-domain`,
//! `--wss-*`):
//! parsed and checked up front, so a bad key or a server without what it needs is a usage
//! error (exit 2) before any socket exists; then set on a socket, with the ZAP handler a
//! server asked for ([`ferrozmq::auth::Authenticator`]) started in the socket's context.

use std::path::PathBuf;

use ferrozmq::auth::{Authenticator, CurveAllow};
use ferrozmq::{curve_public, z85_decode, Context, CurveKeyPair, Socket};

use crate::cli_args::{usage, Arg, ArgParser, Failure};

/// Help text for the options [`SecurityOptions`] understands.
pub const HELP: &str = "\
security options (keys are 40-character Z85 text, as `ferrozmq keygen` prints):
  --plain-server            PLAIN server; needs --plain-passwords
  --plain-passwords FILE    check PLAIN clients against FILE (name=password lines)
  --plain-username U        PLAIN client: log in as U
  --plain-password P        PLAIN client: with password P (default empty)
  --curve-server            CURVE server; needs --curve-secretkey
  --curve-secretkey KEY     this socket's CURVE secret key
  --curve-publickey KEY     this socket's CURVE public key (default: from the secret key)
  --curve-serverkey KEY     CURVE client: the server's public key (without a key pair of
                            its own the client makes a new one)
  --curve-allow DIR         CURVE server: accept only clients whose public key is in a
                            certificate in DIR (default: any client)
  --zap-domain D            ZAP domain of this socket
  --wss-cert FILE           wss bind: this socket's certificate chain (PEM); needs --wss-key
  --wss-key FILE            wss bind: the certificate's private key (PEM)
  --wss-trust FILE          wss connect: trust the certificates in FILE (PEM)
  --wss-trust-system        wss connect: trust the system's certificate store
  --wss-hostname NAME       wss connect: the name the server's certificate must carry
                            (default: the endpoint's host)
";

/// What a socket was asked to be: the security flags, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityOptions {
    /// `--plain-server`.
    pub plain_server: bool,
    /// `--plain-passwords`: the password file of the PLAIN server's ZAP handler.
    pub plain_passwords: Option<PathBuf>,
    /// `--plain-username`.
    pub plain_username: Option<String>,
    /// `--plain-password`.
    pub plain_password: Option<String>,
    /// `--curve-server`.
    pub curve_server: bool,
    /// `--curve-secretkey`, decoded.
    pub curve_secretkey: Option<[u8; 32]>,
    /// `--curve-publickey`, decoded.
    pub curve_publickey: Option<[u8; 32]>,
    /// `--curve-serverkey`, decoded.
    pub curve_serverkey: Option<[u8; 32]>,
    /// `--curve-allow`: the certificate directory of the CURVE server's ZAP handler.
    pub curve_allow: Option<PathBuf>,
    /// `--zap-domain`.
    pub zap_domain: Option<String>,
    /// `--wss-cert`, `--wss-key`, `--wss-trust`: the PEM files' contents.
    pub wss_cert: Option<Vec<u8>>,
    pub wss_key: Option<Vec<u8>>,
    pub wss_trust: Option<Vec<u8>>,
    /// `--wss-trust-system`.
    pub wss_trust_system: bool,
    /// `--wss-hostname`.
    pub wss_hostname: Option<String>,
}

impl SecurityOptions {
    /// Takes `arg` (and its value) if it is a security flag; `Ok(false)` leaves it to the
    /// caller. A key must be 40 characters of Z85.
    pub fn parse(&mut self, arg: &Arg, p: &mut ArgParser) -> Result<bool, Failure> {
        let Arg::Long(name) = arg else {
            return Ok(false);
        };
        match name.as_str() {
            "plain-server" => self.plain_server = true,
            "plain-passwords" => self.plain_passwords = Some(p.value()?.into()),
            "plain-username" => self.plain_username = Some(p.value()?),
            "plain-password" => self.plain_password = Some(p.value()?),
            "curve-server" => self.curve_server = true,
            "curve-secretkey" => self.curve_secretkey = Some(key(name, &p.value()?)?),
            "curve-publickey" => self.curve_publickey = Some(key(name, &p.value()?)?),
            "curve-serverkey" => self.curve_serverkey = Some(key(name, &p.value()?)?),
            "curve-allow" => self.curve_allow = Some(p.value()?.into()),
            "zap-domain" => self.zap_domain = Some(p.value()?),
            "wss-cert" => self.wss_cert = Some(pem_file(name, &p.value()?)?),
            "wss-key" => self.wss_key = Some(pem_file(name, &p.value()?)?),
            "wss-trust" => self.wss_trust = Some(pem_file(name, &p.value()?)?),
            "wss-trust-system" => self.wss_trust_system = true,
            "wss-hostname" => self.wss_hostname = Some(p.value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Checks that the flags make one coherent role, once all are parsed.
    pub fn check(&self) -> Result<(), Failure> {
        let plain_client = self.plain_username.is_some() || self.plain_password.is_some();
        let plain = self.plain_server || plain_client || self.plain_passwords.is_some();
        let curve_client = self.curve_serverkey.is_some();
        let curve = self.curve_server
            || curve_client
            || self.curve_secretkey.is_some()
            || self.curve_publickey.is_some()
            || self.curve_allow.is_some();
        if plain && curve {
            return usage("PLAIN and CURVE options cannot be mixed on one socket");
        }
        if self.wss_cert.is_some() != self.wss_key.is_some() {
            return usage("--wss-cert and --wss-key go together");
        }
        if self.plain_server && plain_client {
            return usage("--plain-server takes no --plain-username/--plain-password");
        }
        if self.plain_server && self.plain_passwords.is_none() {
            return usage(
                "--plain-server needs --plain-passwords FILE (without it every client is refused)",
            );
        }
        if self.plain_passwords.is_some() && !self.plain_server {
            return usage("--plain-passwords is for a --plain-server");
        }
        if let Some(file) = &self.plain_passwords {
            if !file.is_file() {
                return usage(format!("--plain-passwords: no file {}", file.display()));
            }
        }
        if self.plain_password.is_some() && self.plain_username.is_none() {
            return usage("--plain-password needs --plain-username");
        }
        if self.curve_server && curve_client {
            return usage("--curve-server takes no --curve-serverkey");
        }
        if curve && !self.curve_server && !curve_client {
            return usage("CURVE keys need --curve-server or --curve-serverkey");
        }
        if self.curve_server && self.curve_secretkey.is_none() {
            return usage("--curve-server needs --curve-secretkey");
        }
        if self.curve_allow.is_some() && !self.curve_server {
            return usage("--curve-allow is for a --curve-server");
        }
        if let Some(dir) = &self.curve_allow {
            if !dir.is_dir() {
                return usage(format!("--curve-allow: no directory {}", dir.display()));
            }
        }
        match (self.curve_secretkey, self.curve_publickey) {
            (Some(secret), Some(public)) if curve_public(&secret) != public => {
                usage("--curve-publickey is not the public key of --curve-secretkey")
            }
            (None, Some(_)) => usage("--curve-publickey needs --curve-secretkey"),
            _ => Ok(()),
        }
    }

    /// Starts the ZAP handler that `--plain-passwords` or `--curve-allow` asks for in `ctx`
    /// (it covers every ZAP domain). Keep it until the socket is closed; drop it before the
    /// context.
    pub fn authenticator(&self, ctx: &Context) -> Result<Option<Authenticator>, Failure> {
        if self.plain_passwords.is_none() && self.curve_allow.is_none() {
            return Ok(None);
        }
        let auth = Authenticator::new(ctx)
            .map_err(|e| Failure::Run(format!("cannot start the ZAP handler: {e}")))?;
        if let Some(file) = &self.plain_passwords {
            auth.configure_plain("*", file);
        }
        if let Some(dir) = &self.curve_allow {
            auth.configure_curve("*", CurveAllow::Directory(dir.clone()));
        }
        Ok(Some(auth))
    }

    /// Sets the flags on `socket` (before it binds or connects). A CURVE client without a
    /// key pair gets a new random one.
    pub fn apply(&self, socket: &Socket) -> Result<(), Failure> {
        let set = |what: &str, r: ferrozmq::Result<()>| {
            r.map_err(|e| Failure::Run(format!("cannot set {what}: {e}")))
        };
        if let Some(domain) = &self.zap_domain {
            set("--zap-domain", socket.set_zap_domain(domain))?;
        }
        if let (Some(cert), Some(key)) = (&self.wss_cert, &self.wss_key) {
            set("--wss-cert", socket.set_wss_cert_pem(cert))?;
            set("--wss-key", socket.set_wss_key_pem(key))?;
        }
        if let Some(trust) = &self.wss_trust {
            set("--wss-trust", socket.set_wss_trust_pem(trust))?;
        }
        if self.wss_trust_system {
            set("--wss-trust-system", socket.set_wss_trust_system(true))?;
        }
        if let Some(name) = &self.wss_hostname {
            set("--wss-hostname", socket.set_wss_hostname(name))?;
        }
        if self.plain_server {
            set("--plain-server", socket.set_plain_server(true))?;
        }
        if let Some(user) = &self.plain_username {
            set("--plain-username", socket.set_plain_username(Some(user)))?;
            let password = self.plain_password.as_deref().unwrap_or("");
            set(
                "--plain-password",
                socket.set_plain_password(Some(password)),
            )?;
        }
        let secret = match (self.curve_secretkey, self.curve_serverkey) {
            (Some(secret), _) => Some(secret),
            (None, Some(_)) => Some(
                CurveKeyPair::new()
                    .map_err(|e| Failure::Run(format!("cannot make a CURVE key pair: {e}")))?
                    .secret_key,
            ),
            (None, None) => None,
        };
        if let Some(secret) = secret {
            let public = self
                .curve_publickey
                .unwrap_or_else(|| curve_public(&secret));
            set("--curve-secretkey", socket.set_curve_secretkey(&secret))?;
            set("--curve-publickey", socket.set_curve_publickey(&public))?;
        }
        if let Some(server_key) = &self.curve_serverkey {
            set("--curve-serverkey", socket.set_curve_serverkey(server_key))?;
        }
        if self.curve_server {
            set("--curve-server", socket.set_curve_server(true))?;
        }
        Ok(())
    }
}

/// A PEM file option's value: the file's contents, read up front so a missing file is a
/// usage error.
fn pem_file(option: &str, path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::Usage(format!("--{option}: cannot read {path}: {e}")))
}

/// A key option's value: 40 characters of Z85, 32 bytes.
fn key(option: &str, text: &str) -> Result<[u8; 32], Failure> {
    let bad = |why: String| Failure::Usage(format!("--{option}: {why}"));
    if text.len() != 40 {
        return Err(bad(format!(
            "a key is 40 characters of Z85, not {}",
            text.len()
        )));
    }
    let bytes = z85_decode(text).map_err(|e| bad(format!("not a Z85 key: {e}")))?;
    bytes
        .try_into()
        .map_err(|_| bad("not a 32-byte key".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> Result<SecurityOptions, Failure> {
        let args: Vec<String> = a.iter().map(|s| s.to_string()).collect();
        let mut p = ArgParser::new(&args);
        let mut o = SecurityOptions::default();
        while let Some(arg) = p.next_arg()? {
            assert!(o.parse(&arg, &mut p)?, "{arg:?} not taken");
        }
        o.check()?;
        Ok(o)
    }

    #[test]
    fn keys_may_begin_with_a_dash_and_the_public_key_must_match() {
        let pair = CurveKeyPair::from_secret_key([7; 32]);
        let o = parse(&[
            "--curve-server",
            "--curve-secretkey",
            &pair.secret_txt(),
            "--curve-publickey",
            &pair.public_txt(),
        ])
        .unwrap();
        assert_eq!(o.curve_secretkey, Some([7; 32]));
        let dashed = "-".repeat(40);
        let o = parse(&["--curve-serverkey", &dashed]).unwrap();
        assert_eq!(o.curve_serverkey.map(|k| k.len()), Some(32));
        let other = CurveKeyPair::from_secret_key([8; 32]);
        assert!(parse(&[
            "--curve-server",
            "--curve-secretkey",
            &pair.secret_txt(),
            "--curve-publickey",
            &other.public_txt(),
        ])
        .is_err());
    }

    #[test]
    fn incoherent_or_malformed_flags_are_usage_errors() {
        let key = CurveKeyPair::from_secret_key([1; 32]).public_txt();
        for bad in [
            &["--curve-serverkey", "short"][..],
            &["--curve-serverkey", &"~".repeat(40)],
            &["--curve-server"],
            &["--curve-secretkey", &key],
            &["--curve-allow", "."],
            &["--plain-server"],
            &["--plain-server", "--plain-passwords", "/no/such/file"],
            &["--plain-password", "p"],
            &["--plain-username", "u", "--curve-serverkey", &key],
            &["--wss-cert", "/no/such/file"],
            &["--wss-cert", "Cargo.toml"],
        ] {
            assert!(matches!(parse(bad), Err(Failure::Usage(_))), "{bad:?}");
        }
    }
}
