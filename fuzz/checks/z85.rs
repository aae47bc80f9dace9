// The check behind the `z85_decode` fuzz target, shared (by `include!`) between the target
// and ferrozmq's stable corpus replay (`crates/ferrozmq/tests/robustness/fuzz_corpus.rs`),
// which cannot share code through the library without making it public API.

/// `z85_decode` target: decoding arbitrary text never panics, and text it accepts is exactly
/// what encoding the result gives back (the decoder accepts nothing it would not write).
fn z85_decode_check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ferrozmq::z85_decode(text) {
        Ok(bytes) => {
            assert_eq!(bytes.len(), text.len() / 5 * 4);
            assert_eq!(ferrozmq::z85_encode(&bytes).as_deref(), Ok(text));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}
