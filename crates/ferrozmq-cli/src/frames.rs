//! The text form of messages on the command line: one message a line, frames
//! separated by a separator (TAB by default), a frame written `0x` + hex
//! digits meaning those bytes. Printing is the inverse: a frame that would not
//! read back as itself (not printable UTF-8, holding the separator or a
//! newline, or looking like `0x…` hex) is printed as `0x` + lowercase hex, so
//! every printed line can be fed back to `ferrozmq cat` unchanged.

/// The bytes a frame's text stands for: `0x` followed by an even number of
/// hex digits is those bytes (`0x` alone is an empty frame); anything else is
/// the text itself.
pub fn parse_frame(text: &[u8]) -> Vec<u8> {
    hex_payload(text).unwrap_or_else(|| text.to_vec())
}

/// Decodes `0x…` hex, or `None` if `text` is not of that form.
fn hex_payload(text: &[u8]) -> Option<Vec<u8>> {
    let digits = text.strip_prefix(b"0x")?;
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| Some(hex_value(pair[0])? << 4 | hex_value(pair[1])?))
        .collect()
}

fn hex_value(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|v| v as u8)
}

/// Splits one input line (without its newline) into frames.
pub fn parse_line(line: &[u8], separator: &[u8]) -> Vec<Vec<u8>> {
    let mut frames = Vec::new();
    let mut rest = line;
    while let Some(at) = find(rest, separator) {
        frames.push(parse_frame(&rest[..at]));
        rest = &rest[at + separator.len()..];
    }
    frames.push(parse_frame(rest));
    frames
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Appends one message as a line (frames joined by `separator`, then `\n`).
pub fn format_message<F: AsRef<[u8]>>(frames: &[F], separator: &[u8], out: &mut Vec<u8>) {
    for (i, frame) in frames.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(separator);
        }
        format_frame(frame.as_ref(), separator, out);
    }
    out.push(b'\n');
}

/// Appends one frame: as text if it reads back as itself, else as hex.
pub fn format_frame(frame: &[u8], separator: &[u8], out: &mut Vec<u8>) {
    let printable = std::str::from_utf8(frame).is_ok_and(|s| !s.chars().any(char::is_control))
        && find(frame, separator).is_none()
        && hex_payload(frame).is_none();
    if printable {
        out.extend_from_slice(frame);
    } else {
        out.extend_from_slice(b"0x");
        for byte in frame {
            out.extend_from_slice(format!("{byte:02x}").as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(frames: &[&[u8]]) -> String {
        let mut out = Vec::new();
        format_message(frames, b"\t", &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn parses_text_hex_and_separators() {
        assert_eq!(parse_line(b"hello", b"\t"), vec![b"hello".to_vec()]);
        assert_eq!(
            parse_line(b"a\t0x00ff\t", b"\t"),
            vec![b"a".to_vec(), vec![0, 255], vec![]]
        );
        assert_eq!(parse_line(b"0x", b"\t"), vec![Vec::<u8>::new()]);
        assert_eq!(parse_line(b"0xABcd", b"\t"), vec![vec![0xab, 0xcd]]);
        // not hex: odd digit count, bad digit, no prefix
        for text in [&b"0x123"[..], b"0xzz", b"x0", b"0X12"] {
            assert_eq!(parse_frame(text), text.to_vec());
        }
        assert_eq!(
            parse_line(b"a::b::", b"::"),
            vec![b"a".to_vec(), b"b".to_vec(), vec![]]
        );
    }

    #[test]
    fn prints_text_or_hex_so_that_lines_read_back() {
        assert_eq!(line(&[b"topic", b"hello world"]), "topic\thello world\n");
        assert_eq!(line(&[b"\x01topic"]), "0x01746f706963\n");
        assert_eq!(
            line(&[b"a\tb", b"x\ny", &[0xff]]),
            "0x610962\t0x780a79\t0xff\n"
        );
        assert_eq!(
            line(&[b"0x41"]),
            "0x30783431\n",
            "hex-looking text is escaped"
        );
        assert_eq!(line(&[b"", b"caf\xc3\xa9"]), "\tcafé\n");
        let frames: Vec<Vec<u8>> = vec![b"0x41".to_vec(), vec![0, 9, 10], b"ok".to_vec()];
        let text = line(&[&frames[0], &frames[1], &frames[2]]);
        assert_eq!(
            parse_line(text.trim_end_matches('\n').as_bytes(), b"\t"),
            frames
        );
    }

    #[test]
    fn a_custom_separator_is_escaped_in_frames() {
        let mut out = Vec::new();
        format_message(&[&b"a,b"[..], b"c"], b",", &mut out);
        assert_eq!(out, b"0x612c62,c\n");
    }
}
