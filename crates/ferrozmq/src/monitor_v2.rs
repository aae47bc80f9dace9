//! Version 2 monitor events (libzmq's draft `zmq_socket_monitor_versioned`), as a reader
//! decodes them: a `u64` event, a `u64` count of values, that many `u64` values (native byte
//! order), the local endpoint and the remote endpoint.

use crate::error::{Error, Result};

/// One decoded version 2 monitor event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitorEventV2 {
    /// The event number: a [`SocketEvent`](crate::SocketEvent) value or
    /// [`EVENT_PIPES_STATS`](crate::monitor::EVENT_PIPES_STATS).
    pub event: u64,
    /// The event's values (one for every event but PIPES_STATS, which has two).
    pub values: Vec<u64>,
    /// The local endpoint (the bound one for what a bind made; empty if none).
    pub local: String,
    /// The remote endpoint (the one connected to for what a connect made; empty if none).
    pub remote: String,
}

impl MonitorEventV2 {
    /// Decodes the frames of a version 2 monitor message; EINVAL if they are not one.
    pub fn decode<F: AsRef<[u8]>>(frames: &[F]) -> Result<MonitorEventV2> {
        let number = |frame: Option<&F>| -> Result<u64> {
            let bytes = frame.ok_or(Error::EINVAL)?.as_ref();
            let bytes = <[u8; 8]>::try_from(bytes).map_err(|_| Error::EINVAL)?;
            Ok(u64::from_ne_bytes(bytes))
        };
        let event = number(frames.first())?;
        let count = number(frames.get(1))?;
        let count = usize::try_from(count).map_err(|_| Error::EINVAL)?;
        if frames.len().checked_sub(4) != Some(count) {
            return Err(Error::EINVAL);
        }
        let values = (0..count)
            .map(|i| number(frames.get(2 + i)))
            .collect::<Result<Vec<u64>>>()?;
        let text = |frame: &F| String::from_utf8_lossy(frame.as_ref()).into_owned();
        Ok(MonitorEventV2 {
            event,
            values,
            local: text(&frames[2 + count]),
            remote: text(&frames[3 + count]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_value_and_both_endpoints_and_refuses_garbage() {
        let n = |v: u64| v.to_ne_bytes().to_vec();
        let frames = vec![
            n(0x10000),
            n(2),
            n(3),
            n(4),
            b"tcp://a:1".to_vec(),
            Vec::new(),
        ];
        let event = MonitorEventV2::decode(&frames).unwrap();
        assert_eq!(event.event, 0x10000);
        assert_eq!(event.values, [3, 4]);
        assert_eq!(
            (event.local.as_str(), event.remote.as_str()),
            ("tcp://a:1", "")
        );
        assert_eq!(MonitorEventV2::decode(&frames[..5]), Err(Error::EINVAL));
        let mut lying = frames.clone();
        lying[1] = n(u64::MAX);
        assert_eq!(MonitorEventV2::decode(&lying), Err(Error::EINVAL));
        assert_eq!(
            MonitorEventV2::decode(&[vec![1u8; 6], b"x".to_vec()]),
            Err(Error::EINVAL)
        );
    }
}
