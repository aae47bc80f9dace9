//! The PGM checksum (RFC 3208 §8): the 16-bit one's complement of the one's complement sum
//! of the whole PGM packet, computed with the checksum field zero. Unlike UDP's it covers no
//! pseudo-header. A packet whose checksum field is zero carries none.

/// The checksum of `packet` as it would be written into its checksum field (which must be
/// zero in `packet`). Never zero: a computed zero is sent as all ones, as in UDP.
pub fn compute(packet: &[u8]) -> u16 {
    let folded = !fold(sum(packet));
    if folded == 0 {
        0xFFFF
    } else {
        folded
    }
}

/// Whether `packet` (checksum field included) carries a checksum that matches its content.
/// `at` is the offset of the checksum field.
pub fn verify(packet: &[u8], at: usize) -> bool {
    let Some(field) = packet.get(at..at + 2) else {
        return false;
    };
    let sent = u16::from_be_bytes([field[0], field[1]]);
    let without = sum(packet) - u32::from(sent);
    let expected = !fold(without);
    sent == expected || (expected == 0 && sent == 0xFFFF)
}

/// The 32-bit sum of big-endian 16-bit words (an odd last byte padded with zero). A packet is
/// at most 64 KiB, so the sum cannot overflow 32 bits.
fn sum(bytes: &[u8]) -> u32 {
    let mut chunks = bytes.chunks_exact(2);
    let mut total: u32 = chunks
        .by_ref()
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum();
    if let [last] = chunks.remainder() {
        total += u32::from(*last) << 8;
    }
    total
}

fn fold(mut total: u32) -> u16 {
    while total > 0xFFFF {
        total = (total & 0xFFFF) + (total >> 16);
    }
    total as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_computed_checksum_verifies_and_a_flipped_bit_does_not() {
        let mut packet = vec![0x12, 0x34, 0x00, 0x00, 0xAB, 0xCD, 0xEF];
        let c = compute(&packet);
        packet[2..4].copy_from_slice(&c.to_be_bytes());
        assert!(verify(&packet, 2));
        packet[6] ^= 1;
        assert!(!verify(&packet, 2));
    }

    #[test]
    fn the_rfc_1071_example_sums_as_published() {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2; the checksum is its complement.
        assert_eq!(
            compute(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            !0xddf2
        );
    }

    #[test]
    fn a_packet_libzmq_sent_verifies() {
        // An SPM from Debian's libzmq 4.3.4 (OpenPGM 5.3) over epgm, captured on loopback.
        let spm = [
            0xf2, 0x1d, 0x15, 0xb3, 0x00, 0x00, 0xec, 0x1e, 0xb7, 0xc6, 0xd1, 0xbc, 0x03, 0x8a,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
            0x00, 0x01, 0x00, 0x00, 0x7f, 0x00, 0x00, 0x01,
        ];
        assert!(verify(&spm, 6));
    }
}
