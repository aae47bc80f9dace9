//! `ferrozmq zyre` as a process with a pyre node (PyPI `zeromq-pyre`): each sees the
//! other's ENTER (headers included) and JOIN; stdin lines are shouted to pyre and, with
//! `--whisper-to`, whispered; pyre's shout and whisper are printed; the CLI's exit is
//! pyre's EXIT.
//!
//! **Network rule**: this runs inside a network namespace it makes itself, holding only
//! loopback (ferrozmq-zyre's `namespace.rs`, included by path); pyre never runs elsewhere.

#[allow(dead_code)]
#[path = "../../ferrozmq-zyre/tests/zyre/namespace.rs"]
mod namespace;
#[path = "../../ferrozmq-zyre/tests/zyre/pyre_support.rs"]
mod pyre_support;

use pyre_support::Pyre;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ferrozmq");

/// A running `ferrozmq zyre`: its stdin and printed lines.
struct Cli {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Vec<String>>,
}

impl Cli {
    fn start(args: &[&str]) -> Cli {
        let mut child = Command::new(BIN)
            .arg("zyre")
            .args([
                "--interface",
                "lo",
                "--interval",
                "100",
                "--timeout",
                "30000",
            ])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = tx.send(line.split('\t').map(str::to_string).collect());
            }
        });
        Cli {
            child,
            stdin,
            lines,
        }
    }

    fn expect(&self, kind: &str) -> Vec<String> {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(15)) {
                Ok(line) if line[0] == kind => return line,
                Ok(_) => {}
                Err(_) => panic!("ferrozmq zyre printed no {kind}"),
            }
        }
    }

    fn type_line(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Interrupts the process (it leaves politely) and waits for it.
    fn interrupt(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(self.child.wait().unwrap().success());
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn ferrozmq_zyre_and_pyre_shout_and_whisper_both_ways() {
    namespace::in_namespace("ferrozmq_zyre_and_pyre_shout_and_whisper_both_ways", || {
        let mut pyre = Pyre::start("pyrenode", &["X-FROM=pyre"]);
        let pyre_uuid = pyre.expect("READY")[1].to_uppercase();
        pyre.say("JOIN CHAT");
        let mut cli = Cli::start(&["--name", "cli", "--join", "CHAT", "--header", "X-FROM=cli"]);
        let enter = cli.expect("ENTER");
        assert_eq!(
            (enter[1].as_str(), enter[2].as_str()),
            (pyre_uuid.as_str(), "pyrenode")
        );
        assert!(enter[3].starts_with("tcp://127.0.0.1:"), "{enter:?}");
        assert_eq!(enter[4], "X-FROM=pyre");
        assert_eq!(cli.expect("JOIN")[3], "CHAT");
        let enter = pyre.expect("ENTER");
        let cli_uuid = enter[1].clone();
        assert_eq!(
            (enter[2].as_str(), enter[3].as_str()),
            ("cli", r#"{"X-FROM": "cli"}"#)
        );
        pyre.expect("JOIN");

        cli.type_line("hello pyre");
        assert_eq!(pyre.expect("SHOUT")[3..], ["CHAT", "hello pyre"]);
        pyre.say("SHOUT CHAT hello cli");
        assert_eq!(cli.expect("SHOUT")[3..], ["CHAT", "hello cli"]);
        pyre.say(&format!("WHISPER {cli_uuid} psst cli"));
        assert_eq!(cli.expect("WHISPER")[3..], ["psst cli"]);

        let mut whisperer = Cli::start(&["--name", "whisperer", "--whisper-to", "pyrenode"]);
        whisperer.type_line("psst pyre");
        let whisper = loop {
            let line = pyre.expect("WHISPER");
            if line[2] == "whisperer" {
                break line;
            }
        };
        assert_eq!(whisper[3], "psst pyre");
        whisperer.interrupt();
        cli.interrupt();
        let gone: Vec<String> = (0..2).map(|_| pyre.expect("EXIT")[2].clone()).collect();
        assert!(gone.contains(&"cli".to_string()), "{gone:?}");
        pyre.say("QUIT");
    });
}
