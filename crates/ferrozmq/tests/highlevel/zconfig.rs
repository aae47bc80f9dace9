//! ZPL with comments per node (`ferrozmq::zconfig`) against CZMQ's zconfig: CZMQ writes
//! node comments (`zconfig_set_comment`) exactly as we do and we read them back onto their
//! nodes; CZMQ reads what we write (all comment lines, as its reader gives them to the
//! root).

use crate::czmq_support::czmq_program;
use ferrozmq::zconfig::{Config, Node};
use std::io::Write;
use std::process::{Command, Stdio};

/// The tree `czmq_zconfig write` builds.
fn commented_tree() -> Config {
    let with = |comments: &[&str], node: Node| Node {
        comments: comments.iter().map(|c| c.to_string()).collect(),
        ..node
    };
    Config {
        comments: vec!["   the tree".into()],
        nodes: vec![with(
            &["  about the server"],
            Node::section(
                "server",
                vec![
                    with(&["  in ms", "  second line"], Node::leaf("timeout", "1000")),
                    Node::leaf("verbose", "1"),
                ],
            ),
        )],
    }
}

#[test]
fn czmq_writes_node_comments_as_we_do_and_we_read_them_onto_their_nodes() {
    let out = Command::new(czmq_program("czmq_zconfig"))
        .arg("write")
        .output()
        .expect("run czmq_zconfig");
    assert!(out.status.success(), "{out:?}");
    let czmq_text = String::from_utf8(out.stdout).unwrap();
    let ours = commented_tree();
    assert_eq!(ours.to_zpl().unwrap(), czmq_text);
    assert_eq!(Config::parse(&czmq_text).unwrap(), ours);
}

#[test]
fn czmq_reads_what_we_write_with_node_comments() {
    let mut czmq = Command::new(czmq_program("czmq_zconfig"))
        .arg("read")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run czmq_zconfig");
    let text = commented_tree().to_zpl().unwrap();
    czmq.stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = czmq.wait_with_output().unwrap();
    assert!(out.status.success(), "CZMQ refused our ZPL:\n{text}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "#   the tree\n#  about the server\n#  in ms\n#  second line\n"
    );
}
