// The check behind the `filemq` fuzz target, included by the target and by ferrozmq-filemq's
// stable replay test (`crates/ferrozmq-filemq/tests/fuzz_corpus.rs`).
//
// Input: byte 0 even = the rest is one frame; odd = byte 1 says where the rest after it is
// cut into two frames (modulo its length). Nothing may panic; an accepted command must read back equal after encoding.

/// Runs the `filemq` check on one input.
pub fn filemq_check(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let frames: Vec<&[u8]> = if selector % 2 == 0 {
        vec![rest]
    } else {
        let Some((&cut, rest)) = rest.split_first() else {
            return;
        };
        let (head, tail) = rest.split_at(usize::from(cut) % (rest.len() + 1));
        vec![head, tail]
    };
    if let Ok(command) = ferrozmq_filemq::msg::Command::decode(&frames) {
        let encoded = command.encode();
        assert_eq!(ferrozmq_filemq::msg::Command::decode(&encoded), Ok(command));
    }
}
