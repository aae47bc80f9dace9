//! CURVE long-term keys, as `zmq_curve_keypair`/`zmq_curve_public`: Curve25519 key pairs for
//! the CURVE mechanism (RFC 26). The arithmetic is the audited RustCrypto `crypto_box`
//! crate's; this module only draws random bytes and converts formats.

use crypto_box::aead::rand_core::RngCore;
use crypto_box::aead::OsRng;
use crypto_box::SecretKey;

use crate::z85::z85_encode;
use crate::{Error, Result};

/// A CURVE key pair: a random secret key and the public key derived from it.
#[derive(Clone, PartialEq, Eq)]
pub struct CurveKeyPair {
    /// The public key, which peers use to address and authenticate this side.
    pub public_key: [u8; 32],
    /// The secret key; never shown to anyone.
    pub secret_key: [u8; 32],
}

impl CurveKeyPair {
    /// A new random key pair from the operating system's generator (`zmq_curve_keypair`).
    /// Fails with EFAULT only if the operating system cannot provide random bytes.
    pub fn new() -> Result<CurveKeyPair> {
        let mut secret_key = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut secret_key)
            .map_err(|_| Error::EFAULT)?;
        Ok(CurveKeyPair::from_secret_key(secret_key))
    }

    /// The key pair of a known secret key.
    pub fn from_secret_key(secret_key: [u8; 32]) -> CurveKeyPair {
        CurveKeyPair {
            public_key: curve_public(&secret_key),
            secret_key,
        }
    }

    /// The public key in Z85 (40 characters), as certificates and key options write it.
    pub fn public_txt(&self) -> String {
        key_txt(&self.public_key)
    }

    /// The secret key in Z85 (40 characters).
    pub fn secret_txt(&self) -> String {
        key_txt(&self.secret_key)
    }
}

impl std::fmt::Debug for CurveKeyPair {
    /// Shows the public key only, so that logging a key pair never leaks its secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurveKeyPair")
            .field("public_key", &self.public_txt())
            .finish_non_exhaustive()
    }
}

/// The public key that belongs to a secret key (`zmq_curve_public`).
pub fn curve_public(secret_key: &[u8; 32]) -> [u8; 32] {
    SecretKey::from_bytes(*secret_key).public_key().to_bytes()
}

/// A 32-byte key in Z85.
pub(crate) fn key_txt(key: &[u8; 32]) -> String {
    // 32 is a multiple of 4, so encoding cannot fail.
    z85_encode(key).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::z85::z85_decode;

    fn key(text: &str) -> [u8; 32] {
        z85_decode(text).unwrap().try_into().unwrap()
    }

    /// The key pairs of libzmq's tests (`testutil_security`) and RFC 26's examples.
    const PAIRS: [(&str, &str); 2] = [
        (
            "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
            "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6",
        ),
        (
            "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
            "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs",
        ),
    ];

    #[test]
    fn public_key_of_known_secret_keys() {
        for (public, secret) in PAIRS {
            assert_eq!(curve_public(&key(secret)), key(public));
            let pair = CurveKeyPair::from_secret_key(key(secret));
            assert_eq!(pair.public_txt(), public);
            assert_eq!(pair.secret_txt(), secret);
        }
    }

    #[test]
    fn new_pairs_are_random_and_consistent() {
        let a = CurveKeyPair::new().unwrap();
        let b = CurveKeyPair::new().unwrap();
        assert_ne!(a.secret_key, b.secret_key);
        assert_ne!(a.public_key, b.public_key);
        assert_eq!(curve_public(&a.secret_key), a.public_key);
        assert_eq!(a.public_txt().len(), 40);
        let shown = format!("{a:?}");
        assert!(shown.contains(&a.public_txt()));
        assert!(!shown.contains(&a.secret_txt()));
    }
}
