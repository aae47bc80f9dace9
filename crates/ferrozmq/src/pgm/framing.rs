//! ZeroMQ messages inside PGM APDUs, as libzmq's `pgm_sender` and `pgm_receiver` frame them:
//! the messages form one stream of ZMTP/1.0 frames (length, flags, body), cut into APDUs of
//! at most a TSDU each; every APDU starts with a 2-byte big-endian offset to the first
//! message that begins in it (0xFFFF: none does), so a receiver that joins late, or lost
//! data, starts again at a whole message.

use crate::message::Message;
use ferrozmq_zmtp::legacy;
use std::collections::VecDeque;

/// The offset value of an APDU in which no message begins.
const NO_START: u16 = 0xFFFF;
/// Length of the offset header.
const OFFSET_LEN: usize = 2;

/// Messages to APDUs, for a source.
#[derive(Default)]
pub(crate) struct ApduWriter {
    /// Encoded frames not yet cut into APDUs.
    stream: VecDeque<u8>,
    /// Where in `stream` each message not yet sent begins.
    starts: VecDeque<usize>,
}

impl ApduWriter {
    /// Appends one whole message (its frames in order).
    pub(crate) fn push(&mut self, frames: &[Message]) {
        self.starts.push_back(self.stream.len());
        let mut header = Vec::with_capacity(legacy::V1_LONG_HEADER_LEN);
        for (i, frame) in frames.iter().enumerate() {
            header.clear();
            legacy::encode_v1_header(i + 1 < frames.len(), frame.len(), &mut header);
            self.stream.extend(&header);
            self.stream.extend(frame.iter());
        }
    }

    /// Bytes waiting to be cut into APDUs.
    pub(crate) fn pending(&self) -> usize {
        self.stream.len()
    }

    /// The next APDU of at most `max_tsdu` bytes, if anything waits.
    pub(crate) fn next_apdu(&mut self, max_tsdu: usize) -> Option<Vec<u8>> {
        if self.stream.is_empty() {
            return None;
        }
        let take = self
            .stream
            .len()
            .min(max_tsdu.saturating_sub(OFFSET_LEN).max(1));
        let offset = match self.starts.front() {
            Some(&start) if start < take => start as u16,
            _ => NO_START,
        };
        let mut apdu = Vec::with_capacity(OFFSET_LEN + take);
        apdu.extend_from_slice(&offset.to_be_bytes());
        apdu.extend(self.stream.drain(..take));
        while self.starts.front().is_some_and(|&s| s < take) {
            self.starts.pop_front();
        }
        for start in self.starts.iter_mut() {
            *start -= take;
        }
        Some(apdu)
    }
}

/// APDUs of one source to messages, for a receiver. Errors (a malformed frame, a frame over
/// the size limit) and losses make it wait for the next message start, as libzmq's receiver
/// does; what was partly received is dropped.
pub(crate) struct ApduReader {
    joined: bool,
    /// Received bytes not yet forming a whole frame.
    partial: Vec<u8>,
    /// Frames of the message being received.
    frames: Vec<Message>,
    frames_bytes: u64,
    /// MAXMSGSIZE (per frame) and the bound on a whole message's bytes (MAXMULTIPARTSIZE):
    /// negative means none.
    max_frame: i64,
    max_message: i64,
}

impl ApduReader {
    /// A reader that has not joined the stream yet.
    pub(crate) fn new(max_frame: i64, max_message: i64) -> ApduReader {
        ApduReader {
            joined: false,
            partial: Vec::new(),
            frames: Vec::new(),
            frames_bytes: 0,
            max_frame,
            max_message,
        }
    }

    /// Data was lost: wait for the next message start.
    pub(crate) fn reset(&mut self) {
        self.joined = false;
        self.partial.clear();
        self.frames.clear();
        self.frames_bytes = 0;
    }

    /// Takes one APDU; each message it completes goes to `out`, whole.
    pub(crate) fn feed(&mut self, apdu: &[u8], out: &mut Vec<Vec<Message>>) {
        let Some((head, data)) = apdu.split_first_chunk::<OFFSET_LEN>() else {
            self.reset();
            return;
        };
        let offset = u16::from_be_bytes(*head);
        let data = if self.joined {
            data
        } else {
            if offset == NO_START || usize::from(offset) > data.len() {
                return;
            }
            self.joined = true;
            &data[usize::from(offset)..]
        };
        self.partial.extend_from_slice(data);
        let mut at = 0;
        loop {
            let header = match legacy::decode_v1_header(&self.partial[at..]) {
                Ok(Some(header)) => header,
                Ok(None) => break,
                Err(_) => return self.reset(),
            };
            let over = |limit: i64, size: u64| u64::try_from(limit).is_ok_and(|l| size > l);
            if over(self.max_frame, header.size)
                || over(self.max_message, self.frames_bytes + header.size)
            {
                return self.reset();
            }
            let Ok(size) = usize::try_from(header.size) else {
                return self.reset();
            };
            let body_at = at + header.header_len;
            if self.partial.len() - body_at < size {
                break;
            }
            self.frames
                .push(Message::from(&self.partial[body_at..body_at + size]));
            self.frames_bytes += header.size;
            at = body_at + size;
            if header.flags & ferrozmq_zmtp::frame::FLAG_MORE == 0 {
                out.push(std::mem::take(&mut self.frames));
                self.frames_bytes = 0;
            }
        }
        self.partial.drain(..at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn message(frames: &[&[u8]]) -> Vec<Message> {
        frames.iter().map(|f| Message::from(*f)).collect()
    }

    #[test]
    fn libzmqs_apdu_reads_as_its_messages() {
        // Debian's libzmq: five messages ["t", "msg N"] in one APDU.
        let mut apdu = vec![0, 0];
        for i in 0..5u8 {
            apdu.extend_from_slice(&[2, 1, b't', 6, 0, b'm', b's', b'g', b' ', b'0' + i]);
        }
        let mut reader = ApduReader::new(-1, -1);
        let mut out = Vec::new();
        reader.feed(&apdu, &mut out);
        assert_eq!(out.len(), 5);
        assert_eq!(out[4], message(&[b"t", b"msg 4"]));
        let mut writer = ApduWriter::default();
        for m in &out {
            writer.push(m);
        }
        assert_eq!(
            writer.next_apdu(1448),
            Some(apdu),
            "we frame them as libzmq does"
        );
    }

    #[test]
    fn a_late_joiner_starts_at_the_offset_and_skips_apdus_without_a_start() {
        let mut writer = ApduWriter::default();
        // 62 encoded bytes, then 8: APDUs of 20 hold starts at 0, none, none, 2.
        writer.push(&message(&[&[1; 60]]));
        writer.push(&message(&[b"second"]));
        let apdus: Vec<Vec<u8>> = std::iter::from_fn(|| writer.next_apdu(22)).collect();
        let offsets: Vec<u16> = apdus
            .iter()
            .map(|a| u16::from_be_bytes([a[0], a[1]]))
            .collect();
        assert_eq!(offsets, [0, 0xFFFF, 0xFFFF, 2]);
        let mut reader = ApduReader::new(-1, -1);
        let mut out = Vec::new();
        for apdu in &apdus[1..] {
            reader.feed(apdu, &mut out);
        }
        assert_eq!(out, vec![message(&[b"second"])]);
    }

    #[test]
    fn a_frame_over_maxmsgsize_or_a_zero_length_drops_to_the_next_start() {
        let mut writer = ApduWriter::default();
        writer.push(&message(&[&[9; 100]]));
        writer.push(&message(&[b"ok"]));
        let mut reader = ApduReader::new(50, -1);
        let mut out = Vec::new();
        reader.feed(&writer.next_apdu(200).unwrap(), &mut out);
        assert!(out.is_empty(), "the 100-byte frame is over the limit");
        writer.push(&message(&[b"next"]));
        reader.feed(&writer.next_apdu(200).unwrap(), &mut out);
        assert_eq!(out, vec![message(&[b"next"])]);
        reader.feed(&[0, 0, 0, 0], &mut out);
        writer.push(&message(&[b"again"]));
        reader.feed(&writer.next_apdu(200).unwrap(), &mut out);
        assert_eq!(out.last(), Some(&message(&[b"again"])));
    }

    proptest! {
        /// Any messages, cut at any TSDU size, read back whole and in order.
        #[test]
        fn messages_survive_any_cut(
            messages in proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..400), 1..4),
                1..20,
            ),
            tsdu in 3usize..1500,
        ) {
            let mut writer = ApduWriter::default();
            let sent: Vec<Vec<Message>> = messages
                .iter()
                .map(|m| m.iter().map(|f| Message::from(&f[..])).collect())
                .collect();
            for m in &sent {
                writer.push(m);
            }
            let mut reader = ApduReader::new(-1, -1);
            let mut out = Vec::new();
            while let Some(apdu) = writer.next_apdu(tsdu) {
                prop_assert!(apdu.len() <= tsdu.max(3));
                reader.feed(&apdu, &mut out);
            }
            prop_assert_eq!(out, sent);
        }

        /// Arbitrary APDUs never panic the reader and never make it hold more than they
        /// carried.
        #[test]
        fn arbitrary_apdus_are_harmless(apdus in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..20)) {
            let mut reader = ApduReader::new(1000, 4000);
            let mut out = Vec::new();
            for apdu in &apdus {
                reader.feed(apdu, &mut out);
            }
            let fed: usize = apdus.iter().map(Vec::len).sum();
            prop_assert!(reader.partial.len() <= fed);
        }
    }
}
