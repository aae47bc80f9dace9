//! The ZRE discovery beacon: 22 bytes, `Z` `R` `E`, beacon version 1, the sender's 16-byte
//! UUID and its ROUTER's TCP port (big-endian). Port 0 says the sender is leaving. This is
//! what Zyre 2 and pyre send (their beacon version is still 1 while the protocol is 2).

use crate::wire::Malformed;
use ferrozmq::Uuid;

/// What every ZRE beacon starts with (a beacon subscription prefix).
pub const PREFIX: &[u8] = b"ZRE";
/// The beacon version Zyre 2 and pyre send.
pub const BEACON_VERSION: u8 = 1;
/// A beacon's size.
pub const SIZE: usize = 22;
/// The UDP port ZRE nodes beacon on by default.
pub const DEFAULT_PORT: u16 = 5670;

/// One decoded beacon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZreBeacon {
    /// The sender.
    pub uuid: Uuid,
    /// The sender's ROUTER port; 0 when it is leaving.
    pub port: u16,
}

impl ZreBeacon {
    /// The 22 bytes to publish.
    pub fn encode(&self) -> [u8; SIZE] {
        let mut out = [0u8; SIZE];
        out[..3].copy_from_slice(PREFIX);
        out[3] = BEACON_VERSION;
        out[4..20].copy_from_slice(self.uuid.as_bytes());
        out[20..].copy_from_slice(&self.port.to_be_bytes());
        out
    }

    /// Reads a beacon; anything but 22 bytes with the prefix and version 1 is refused.
    pub fn decode(data: &[u8]) -> Result<ZreBeacon, Malformed> {
        if data.len() != SIZE {
            return Err(Malformed("beacon not 22 bytes"));
        }
        if &data[..3] != PREFIX {
            return Err(Malformed("beacon without ZRE prefix"));
        }
        if data[3] != BEACON_VERSION {
            return Err(Malformed("wrong beacon version"));
        }
        let uuid = Uuid::from_slice(&data[4..20]).map_err(|_| Malformed("bad beacon uuid"))?;
        Ok(ZreBeacon {
            uuid,
            port: u16::from_be_bytes([data[20], data[21]]),
        })
    }
}
