//! `include/zmq.h` is generated from the Rust declarations: this regenerates it with cbindgen
//! (installed by scripts/test.sh) and fails if the checked-in copy has drifted, printing the
//! command that refreshes it.

use std::path::Path;
use std::process::Command;

#[test]
fn checked_in_zmq_h_is_what_cbindgen_generates_from_the_sources() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("cbindgen")
        .args(["--config", "cbindgen.toml", "src/lib.rs"])
        .current_dir(dir)
        .output()
        .expect("cbindgen is installed (scripts/test.sh: cargo install cbindgen --locked)");
    assert!(
        output.status.success(),
        "cbindgen: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let checked_in = std::fs::read(dir.join("include/zmq.h")).unwrap();
    assert!(
        output.stdout == checked_in,
        "include/zmq.h is stale: in crates/ferrozmq-ffi run \
         `cbindgen --config cbindgen.toml src/lib.rs --output include/zmq.h`"
    );
}
