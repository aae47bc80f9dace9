//! The guide's Zyre `sender`: `sender filename virtualname` joins the Zyre network and
//! publishes one file under a virtual name, for every listener to receive; prints
//! `Publishing FILENAME as VIRTUALNAME` and then its node's events. See
//! `support/zre_files.rs` for how Zyre and FileMQ are put together.

#[path = "support/zre_files.rs"]
mod zre_files;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [filename, virtualname] = &args[..] else {
        println!("Syntax: sender filename virtualname");
        return;
    };
    println!("Publishing {filename} as {virtualname}");
    let mut node = zre_files::FileNode::start().unwrap_or_else(|e| {
        eprintln!("E: cannot start the node: {e}");
        std::process::exit(1)
    });
    if let Err(e) = node.publish(filename, virtualname) {
        eprintln!("E: cannot publish {filename}: {e}");
        std::process::exit(1);
    }
    node.run();
}
