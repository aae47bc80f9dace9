//! The guide's Zyre `listener`: joins the Zyre network and reports every event, including
//! each file received from a sender (`DELIVER filename fullname`, into `.inbox/UUID`). See
//! `support/zre_files.rs` for how Zyre and FileMQ are put together.

#[path = "support/zre_files.rs"]
#[allow(dead_code)] // publishing is the sender's
mod zre_files;

fn main() {
    let mut node = zre_files::FileNode::start().unwrap_or_else(|e| {
        eprintln!("E: cannot start the node: {e}");
        std::process::exit(1)
    });
    node.run();
}
