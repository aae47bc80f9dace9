//! CURVE certificates as CZMQ's `zcert`: a key pair plus metadata, kept in memory or on disk
//! as two ZPL files — `name` holds the public key, `name_secret` both keys (mode 0600).
//! Files written here are read by CZMQ and the reverse.

use std::fmt;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::curve::key_txt;
use crate::zconfig::{self, Config, Node};
use crate::{z85_decode, CurveKeyPair, Error, Result};

/// The largest certificate file read (certificates are a few hundred bytes; this bounds the
/// memory a hostile file can take).
const MAX_FILE_SIZE: u64 = 1 << 20;

/// A CURVE certificate: public and secret key, and `name = value` metadata (insertion order
/// kept, names unique).
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    public_key: [u8; 32],
    secret_key: [u8; 32],
    metadata: Vec<(String, String)>,
}

impl Certificate {
    /// A certificate with a new random key pair (`zcert_new`).
    pub fn new() -> Result<Certificate> {
        let pair = CurveKeyPair::new()?;
        Ok(Certificate::from_keys(&pair.public_key, &pair.secret_key))
    }

    /// A certificate for a known key pair (`zcert_new_from`). A certificate loaded from a
    /// public file has an all-zero secret key.
    pub fn from_keys(public_key: &[u8; 32], secret_key: &[u8; 32]) -> Certificate {
        Certificate {
            public_key: *public_key,
            secret_key: *secret_key,
            metadata: Vec::new(),
        }
    }

    /// A certificate for a key pair in Z85 (`zcert_new_from_txt`); EINVAL unless both are
    /// 40 valid Z85 characters.
    pub fn from_txt(public_txt: &str, secret_txt: &str) -> Result<Certificate> {
        Ok(Certificate::from_keys(
            &decode_key(public_txt)?,
            &decode_key(secret_txt)?,
        ))
    }

    /// The public key (32 bytes).
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public_key
    }

    /// The secret key (32 bytes; zeros if the certificate came from a public file).
    pub fn secret_key(&self) -> &[u8; 32] {
        &self.secret_key
    }

    /// The public key in Z85 (40 characters): how stores and ZAP handlers name a client.
    pub fn public_txt(&self) -> String {
        key_txt(&self.public_key)
    }

    /// The secret key in Z85 (40 characters).
    pub fn secret_txt(&self) -> String {
        key_txt(&self.secret_key)
    }

    /// Sets (or replaces) a metadata entry. EINVAL if `name` is not a ZPL name (letters,
    /// digits and `$-_@.&+/`, not starting or ending with `/`) or `value` cannot be stored in
    /// a file (a line break, a NUL, or both kinds of quote).
    pub fn set_meta(&mut self, name: &str, value: &str) -> Result<()> {
        if !zconfig::is_valid_name(name) || !zconfig::is_writable_value(value) {
            return Err(Error::EINVAL);
        }
        match self.metadata.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = value.to_string(),
            None => self.metadata.push((name.to_string(), value.to_string())),
        }
        Ok(())
    }

    /// Removes a metadata entry, if present.
    pub fn unset_meta(&mut self, name: &str) {
        self.metadata.retain(|(n, _)| n != name);
    }

    /// A metadata value.
    pub fn meta(&self, name: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every metadata entry as `(name, value)`, in the order they were set or loaded.
    pub fn meta_entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.metadata.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Gives `socket` this certificate's keys as its CURVE public and secret key
    /// (`zcert_apply`); a server then adds `set_curve_server(true)`, a client
    /// `set_curve_serverkey`.
    pub fn apply(&self, socket: &crate::Socket) -> Result<()> {
        socket.set_curve_publickey(&self.public_key)?;
        socket.set_curve_secretkey(&self.secret_key)
    }

    /// Saves the public certificate as `path` and the secret one as `path_secret`
    /// (`zcert_save`).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        self.save_public(path)?;
        self.save_secret(secret_path(path))
    }

    /// Saves the public certificate (public key and metadata) as `path`.
    pub fn save_public(&self, path: impl AsRef<Path>) -> Result<()> {
        let text = self.to_zpl(false)?;
        fs::write(path, text)?;
        Ok(())
    }

    /// Saves the secret certificate (both keys and metadata) as `path`, readable by its owner
    /// only (mode 0600, even if the file existed with other permissions).
    pub fn save_secret(&self, path: impl AsRef<Path>) -> Result<()> {
        let text = self.to_zpl(true)?;
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)?;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        file.write_all(text.as_bytes())?;
        Ok(())
    }

    /// Loads a certificate as `zcert_load`: from `path_secret` if that file can be read as a
    /// certificate, else from `path`. EINVAL if the file is not a certificate (bad ZPL, no
    /// 40-character public key, or bad Z85); the file system's error if it cannot be read.
    pub fn load(path: impl AsRef<Path>) -> Result<Certificate> {
        let path = path.as_ref();
        match Certificate::load_file(&secret_path(path)) {
            Ok(cert) => Ok(cert),
            Err(_) => Certificate::load_file(path),
        }
    }

    /// Loads one certificate file, without looking for its `_secret` twin.
    pub(crate) fn load_file(path: &Path) -> Result<Certificate> {
        let file = fs::File::open(path)?;
        if file.metadata()?.len() > MAX_FILE_SIZE {
            return Err(Error::EINVAL);
        }
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_FILE_SIZE), &mut text)?;
        Certificate::from_zpl(&Config::parse(&text)?)
    }

    /// The certificate a parsed file describes.
    fn from_zpl(doc: &Config) -> Result<Certificate> {
        let public = doc.get("curve/public-key").ok_or(Error::EINVAL)?;
        let public_key = decode_key(public)?;
        // As CZMQ: a secret key of the wrong length is ignored (left zero).
        let secret_key = match doc.get("curve/secret-key") {
            Some(text) if text.len() == 40 => decode_key(text)?,
            _ => [0u8; 32],
        };
        let mut cert = Certificate::from_keys(&public_key, &secret_key);
        if let Some(section) = doc.locate("metadata") {
            for item in &section.children {
                cert.set_meta(&item.name, &item.value)?;
            }
        }
        Ok(cert)
    }

    /// The ZPL file for this certificate, with CZMQ's header comments.
    fn to_zpl(&self, secret: bool) -> Result<String> {
        let mut comments = vec![format!(
            "   ****  Generated on {} by ferrozmq  ****",
            utc_timestamp(SystemTime::now())
        )];
        let header: &[&str] = if secret {
            &[
                "   ZeroMQ CURVE **Secret** Certificate",
                "   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.",
            ]
        } else {
            &[
                "   ZeroMQ CURVE Public Certificate",
                "   Exchange securely, or use a secure mechanism to verify the contents",
                "   of this file after exchange. Store public certificates in your home",
                "   directory, in the .curve subdirectory.",
            ]
        };
        comments.extend(header.iter().map(|c| c.to_string()));
        let metadata = self
            .metadata
            .iter()
            .map(|(n, v)| Node::leaf(n, v))
            .collect();
        let mut curve = vec![Node::leaf("public-key", &self.public_txt())];
        if secret {
            curve.push(Node::leaf("secret-key", &self.secret_txt()));
        }
        Config {
            comments,
            nodes: vec![
                Node::section("metadata", metadata),
                Node::section("curve", curve),
            ],
        }
        .to_zpl()
    }
}

impl fmt::Debug for Certificate {
    /// Shows the public key and metadata, never the secret key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("public_key", &self.public_txt())
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

/// `path` with `_secret` appended to its file name, as CZMQ names secret certificates.
pub(crate) fn secret_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("_secret");
    PathBuf::from(name)
}

/// A key from its 40 Z85 characters; EINVAL for anything else.
fn decode_key(text: &str) -> Result<[u8; 32]> {
    if text.len() != 40 {
        return Err(Error::EINVAL);
    }
    let bytes = z85_decode(text).map_err(|_| Error::EINVAL)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| Error::EINVAL)
}

/// `YYYY-MM-DD HH:MM:SS UTC` for a time (the format of CZMQ's `zclock_timestr`, in UTC).
fn utc_timestamp(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Days to civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::Duration;

    #[test]
    fn timestamps() {
        assert_eq!(utc_timestamp(UNIX_EPOCH), "1970-01-01 00:00:00 UTC");
        let t = UNIX_EPOCH + Duration::from_secs(1_709_210_096);
        assert_eq!(utc_timestamp(t), "2024-02-29 12:34:56 UTC");
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(utc_timestamp(t), "2000-02-29 00:00:00 UTC");
    }

    #[test]
    fn metadata_rules() {
        let mut cert = Certificate::from_keys(&[1; 32], &[2; 32]);
        cert.set_meta("name", "Alice").unwrap();
        cert.set_meta("email", "a@example.org").unwrap();
        cert.set_meta("name", "Bob").unwrap();
        assert_eq!(cert.meta("name"), Some("Bob"));
        assert_eq!(
            cert.meta_entries().collect::<Vec<_>>(),
            [("name", "Bob"), ("email", "a@example.org")]
        );
        cert.unset_meta("name");
        assert_eq!(cert.meta("name"), None);
        assert_eq!(cert.set_meta("bad name", "x"), Err(Error::EINVAL));
        assert_eq!(cert.set_meta("", "x"), Err(Error::EINVAL));
        assert_eq!(cert.set_meta("n", "two\nlines"), Err(Error::EINVAL));
        assert!(!format!("{cert:?}").contains(&cert.secret_txt()));
    }

    #[test]
    fn reads_czmq_files() {
        // As CZMQ's zcert_save_secret writes it.
        let text = concat!(
            "#   ****  Generated on 2024-01-01 10:00:00 by CZMQ  ****\n",
            "#   ZeroMQ CURVE **Secret** Certificate\n",
            "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n",
            "\n",
            "metadata\n",
            "    name = \"server\"\n",
            "curve\n",
            "    public-key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"\n",
            "    secret-key = \"JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6\"\n",
        );
        let cert = Certificate::from_zpl(&Config::parse(text.as_bytes()).unwrap()).unwrap();
        assert_eq!(
            cert.public_txt(),
            "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
        );
        assert_eq!(
            cert.secret_txt(),
            "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
        );
        assert_eq!(cert.meta("name"), Some("server"));
        assert_eq!(crate::curve_public(cert.secret_key()), *cert.public_key());
    }

    #[test]
    fn refuses_what_is_not_a_certificate() {
        for text in [
            "",
            "curve\n",
            "curve\n    public-key = \"short\"\n",
            "curve\n    public-key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf\"\"\n",
            "curve\n    public-key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]y~7\"\n",
        ] {
            let parsed = Config::parse(text.as_bytes()).and_then(|d| Certificate::from_zpl(&d));
            assert_eq!(parsed, Err(Error::EINVAL), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn any_file_is_a_certificate_or_an_error(
            text in proptest::collection::vec(any::<u8>(), 0..200)
        ) {
            if let Ok(doc) = Config::parse(&text) {
                let _ = Certificate::from_zpl(&doc);
            }
        }

        #[test]
        fn certificate_like_files_never_panic(
            key in "[0-9a-zA-Z.:+=^!/*?&<>()\\[\\]{}@%$#\"'-]{0,45}",
            meta in "[a-z/ ]{0,6}( = ['\"]?[a-z ]{0,5}['\"]?)?",
        ) {
            let text = format!("metadata\n    {meta}\ncurve\n    public-key = \"{key}\"\n    secret-key = {key}\n");
            if let Ok(doc) = Config::parse(text.as_bytes()) {
                if let Ok(cert) = Certificate::from_zpl(&doc) {
                    prop_assert_eq!(cert.public_txt().len(), 40);
                    let again = Config::parse(cert.to_zpl(true).unwrap().as_bytes()).unwrap();
                    prop_assert_eq!(Certificate::from_zpl(&again).unwrap(), cert);
                }
            }
        }

        /// A certificate file written by hand the way CZMQ writes one (random keys in Z85,
        /// either quoting, optional secret key) reads back to those keys; the same file with
        /// one byte changed reads or is refused, never panics.
        #[test]
        fn written_certificates_read_back(
            public in any::<[u8; 32]>(),
            secret in proptest::option::of(any::<[u8; 32]>()),
            quote in prop_oneof![Just("\""), Just("'")],
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let public_txt = crate::z85_encode(&public).unwrap();
            let mut text = format!(
                "#   ZeroMQ CURVE certificate\nmetadata\n    name = {quote}test{quote}\ncurve\n    public-key = {quote}{public_txt}{quote}\n"
            );
            if let Some(secret) = secret {
                let secret_txt = crate::z85_encode(&secret).unwrap();
                text.push_str(&format!("    secret-key = {quote}{secret_txt}{quote}\n"));
            }
            let cert = Certificate::from_zpl(&Config::parse(text.as_bytes()).unwrap()).unwrap();
            prop_assert_eq!(cert.public_key(), &public);
            if let Some(secret) = secret {
                prop_assert_eq!(cert.secret_key(), &secret);
            }
            prop_assert_eq!(cert.meta("name"), Some("test"));
            let mut damaged = text.into_bytes();
            let i = at.index(damaged.len());
            damaged[i] = byte;
            if let Ok(doc) = Config::parse(&damaged) {
                let _ = Certificate::from_zpl(&doc);
            }
        }

        #[test]
        fn metadata_round_trips_through_a_file(
            entries in proptest::collection::vec(
                ("[a-zA-Z0-9][a-zA-Z0-9$@&+._-]{0,8}", "[^\n\r\x00']{0,20}"), 0..6
            )
        ) {
            let mut cert = Certificate::from_keys(&[3; 32], &[4; 32]);
            for (name, value) in &entries {
                cert.set_meta(name, value).unwrap();
            }
            let text = cert.to_zpl(true).unwrap();
            let back = Certificate::from_zpl(&Config::parse(text.as_bytes()).unwrap()).unwrap();
            prop_assert_eq!(back, cert);
        }
    }
}
