//! The authenticator's decisions: CZMQ zauth's table, applied to one ZAP request at a time.
//!
//! 1. Address check: if any address is allowed, the client's address must be one of them;
//!    otherwise, if any address is denied, it must not be one of them. Failing it is a 400.
//! 2. Mechanism check, unless the address check failed:
//!    * NULL passes (user id empty);
//!    * PLAIN needs the user's password in the domain's password file (user id: the user);
//!    * CURVE needs `CurveAllow::Any` for the domain (user id empty, as zauth), or the
//!      client's key in the domain's certificate store (user id: the key in Z85; metadata:
//!      the certificate's);
//!    * GSSAPI passes (the mechanism authenticated the principal; user id: the principal);
//!    * any other mechanism passes only if its address was explicitly allowed or passed a
//!      deny list.
//!
//! A domain's PLAIN or CURVE configuration comes from `configure_*` with that domain, or else
//! from the one configured for `"*"`. Malformed requests get a 500.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::cert_store::CertStore;
use super::passwords::PasswordFile;
use super::zap::{self, Credentials, Request};
use super::CurveAllow;
use crate::curve::key_txt;

/// The domain whose configuration applies to domains without their own.
const ANY_DOMAIN: &str = "*";

/// How CURVE clients of one domain are checked.
#[derive(Debug)]
enum CurveRule {
    /// Every client key is accepted.
    Any,
    /// The client key must be in this store.
    Store(CertStore),
}

/// Everything the authenticator has been told.
#[derive(Debug, Default)]
pub(crate) struct Policy {
    allowed: HashSet<String>,
    denied: HashSet<String>,
    plain: HashMap<String, PasswordFile>,
    curve: HashMap<String, CurveRule>,
    verbose: bool,
}

/// The outcome for an authenticated request: user id and metadata.
type Granted = (Vec<u8>, Vec<u8>);

impl Policy {
    /// Allows `address` (and, from now on, no address that is not allowed).
    pub fn allow(&mut self, address: &str) {
        self.log(format_args!("allowing address={address}"));
        self.allowed.insert(address.to_string());
    }

    /// Denies `address` (ignored while any address is allowed, as zauth).
    pub fn deny(&mut self, address: &str) {
        self.log(format_args!("denying address={address}"));
        self.denied.insert(address.to_string());
    }

    /// Checks PLAIN clients of `domain` against a password file.
    pub fn configure_plain(&mut self, domain: &str, password_file: PathBuf) {
        self.log(format_args!(
            "PLAIN domain={domain} password file={}",
            password_file.display()
        ));
        self.plain
            .insert(domain.to_string(), PasswordFile::load(password_file));
    }

    /// Checks CURVE clients of `domain` as `allow` says.
    pub fn configure_curve(&mut self, domain: &str, allow: CurveAllow) {
        self.log(format_args!("CURVE domain={domain} {allow:?}"));
        let rule = match allow {
            CurveAllow::Any => CurveRule::Any,
            CurveAllow::Directory(path) => CurveRule::Store(CertStore::new(path)),
        };
        self.curve.insert(domain.to_string(), rule);
    }

    /// Turns logging of every decision to stderr on or off.
    pub fn set_verbose(&mut self, verbose: bool) {
        self.verbose = verbose;
    }

    /// The reply frames for one request's frames.
    pub fn handle(&mut self, frames: &[Vec<u8>]) -> Vec<Vec<u8>> {
        let request = match zap::parse(frames) {
            Ok(request) => request,
            Err(malformed) => {
                self.log(format_args!("malformed request: {}", malformed.reason));
                return zap::reply(
                    &malformed.request_id,
                    "500",
                    malformed.reason,
                    b"",
                    Vec::new(),
                );
            }
        };
        self.log(format_args!(
            "ZAP request mechanism={} address={} domain={} routing id={:?}",
            mechanism_name(&request.credentials),
            request.address,
            request.domain,
            String::from_utf8_lossy(&request.routing_id),
        ));
        match self.decide(&request) {
            Some((user_id, metadata)) => {
                self.log(format_args!("- ZAP reply status_code=200 status_text=OK"));
                zap::reply(&request.request_id, "200", "OK", &user_id, metadata)
            }
            None => {
                self.log(format_args!(
                    "- ZAP reply status_code=400 status_text=No access"
                ));
                zap::reply(&request.request_id, "400", "No access", b"", Vec::new())
            }
        }
    }

    /// zauth's decision; `None` is "No access".
    fn decide(&mut self, request: &Request) -> Option<Granted> {
        let address = request.address.as_str();
        let address_passed = if !self.allowed.is_empty() {
            let passed = self.allowed.contains(address);
            self.log(format_args!(
                "- address={address} in allowed list: {passed}"
            ));
            Some(passed)
        } else if !self.denied.is_empty() {
            let passed = !self.denied.contains(address);
            self.log(format_args!(
                "- address={address} passed deny list: {passed}"
            ));
            Some(passed)
        } else {
            None
        };
        if address_passed == Some(false) {
            return None;
        }
        let nothing = || (Vec::new(), Vec::new());
        match &request.credentials {
            Credentials::Null => Some(nothing()),
            Credentials::Plain { username, password } => {
                self.authenticate_plain(&request.domain, username, password)
            }
            Credentials::Curve(key) => self.authenticate_curve(&request.domain, key),
            Credentials::Gssapi(principal) => Some((principal.clone(), Vec::new())),
            Credentials::Other(_) => (address_passed == Some(true)).then(nothing),
        }
    }

    fn authenticate_plain(
        &mut self,
        domain: &str,
        username: &[u8],
        password: &[u8],
    ) -> Option<Granted> {
        let verbose = self.verbose;
        let user = String::from_utf8_lossy(username);
        let Some(file) = for_domain(&mut self.plain, domain) else {
            log(
                verbose,
                format_args!("- denied (PLAIN) no password file for domain={domain}"),
            );
            return None;
        };
        if file.check(username, password) {
            log(verbose, format_args!("- allowed (PLAIN) username={user}"));
            Some((username.to_vec(), Vec::new()))
        } else {
            log(verbose, format_args!("- denied (PLAIN) username={user}"));
            None
        }
    }

    fn authenticate_curve(&mut self, domain: &str, key: &[u8; 32]) -> Option<Granted> {
        let verbose = self.verbose;
        let client_key = key_txt(key);
        let granted = match for_domain(&mut self.curve, domain) {
            Some(CurveRule::Any) => {
                log(verbose, format_args!("- allowed (CURVE allow any client)"));
                return Some((Vec::new(), Vec::new()));
            }
            Some(CurveRule::Store(store)) => store.lookup(&client_key).map(|cert| {
                let mut metadata = Vec::new();
                for (name, value) in cert.meta_entries() {
                    if is_property_name(name) && value.len() <= 0x7FFF_FFFF {
                        ferrozmq_zmtp::metadata::encode_property(
                            name,
                            value.as_bytes(),
                            &mut metadata,
                        );
                    }
                }
                (client_key.clone().into_bytes(), metadata)
            }),
            None => None,
        };
        let verdict = if granted.is_some() {
            "allowed"
        } else {
            "denied"
        };
        log(
            verbose,
            format_args!("- {verdict} (CURVE) client_key={client_key}"),
        );
        granted
    }

    fn log(&self, message: std::fmt::Arguments<'_>) {
        log(self.verbose, message);
    }
}

/// Writes one line to stderr when verbose.
fn log(verbose: bool, message: std::fmt::Arguments<'_>) {
    if verbose {
        eprintln!("ferrozmq auth: {message}");
    }
}

/// The configuration for `domain`, or else the one for every domain.
fn for_domain<'a, T>(map: &'a mut HashMap<String, T>, domain: &str) -> Option<&'a mut T> {
    if map.contains_key(domain) {
        map.get_mut(domain)
    } else {
        map.get_mut(ANY_DOMAIN)
    }
}

/// Whether a certificate's metadata name can travel as a ZMTP property (RFC 23 names:
/// 1..=255 of letters, digits, `-_.+`).
fn is_property_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+'))
}

fn mechanism_name(credentials: &Credentials) -> &str {
    match credentials {
        Credentials::Null => "NULL",
        Credentials::Plain { .. } => "PLAIN",
        Credentials::Curve(_) => "CURVE",
        Credentials::Gssapi(_) => "GSSAPI",
        Credentials::Other(name) => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(address: &str, mechanism: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut frames: Vec<Vec<u8>> = vec![
            b"1.0".to_vec(),
            b"1".to_vec(),
            b"global".to_vec(),
            address.as_bytes().to_vec(),
            b"".to_vec(),
        ];
        frames.extend(mechanism.iter().map(|m| m.to_vec()));
        frames
    }

    fn status(policy: &mut Policy, address: &str, mechanism: &[&[u8]]) -> String {
        let reply = policy.handle(&request(address, mechanism));
        String::from_utf8(reply[2].clone()).unwrap()
    }

    #[test]
    fn address_lists_as_zauth() {
        let mut p = Policy::default();
        assert_eq!(status(&mut p, "1.2.3.4", &[b"NULL"]), "200");
        assert_eq!(status(&mut p, "1.2.3.4", &[b"X"]), "400");
        p.deny("1.2.3.4");
        assert_eq!(status(&mut p, "1.2.3.4", &[b"NULL"]), "400");
        assert_eq!(status(&mut p, "5.6.7.8", &[b"NULL"]), "200");
        assert_eq!(status(&mut p, "5.6.7.8", &[b"X"]), "200");
        p.allow("1.2.3.4");
        // Any allowed address makes the deny list irrelevant and denies everyone else.
        assert_eq!(status(&mut p, "1.2.3.4", &[b"NULL"]), "200");
        assert_eq!(status(&mut p, "5.6.7.8", &[b"NULL"]), "400");
        // Allowed addresses still authenticate with PLAIN and CURVE.
        assert_eq!(status(&mut p, "1.2.3.4", &[b"PLAIN", b"u", b"p"]), "400");
        assert_eq!(status(&mut p, "1.2.3.4", &[b"CURVE", &[0; 32]]), "400");
        assert_eq!(status(&mut p, "1.2.3.4", &[b"GSSAPI", b"me"]), "200");
    }

    #[test]
    fn curve_any_per_domain() {
        let mut p = Policy::default();
        p.configure_curve("other", CurveAllow::Any);
        assert_eq!(status(&mut p, "a", &[b"CURVE", &[1; 32]]), "400");
        p.configure_curve("*", CurveAllow::Any);
        let reply = p.handle(&request("a", &[b"CURVE", &[1; 32]]));
        assert_eq!(reply[2], b"200");
        assert_eq!(reply[4], b"");
    }

    #[test]
    fn malformed_gets_500() {
        let mut p = Policy::default();
        let reply = p.handle(&[b"1.0".to_vec(), b"42".to_vec()]);
        assert_eq!(reply[..4], [&b"1.0"[..], b"42", b"500", b"Too few frames"]);
        assert_eq!(status(&mut p, "a", &[b"CURVE", b"short"]), "500");
    }

    #[test]
    fn property_names() {
        assert!(is_property_name("X-Name_1.2+3"));
        assert!(!is_property_name(""));
        assert!(!is_property_name("a/b"));
        assert!(!is_property_name(&"a".repeat(256)));
    }
}
