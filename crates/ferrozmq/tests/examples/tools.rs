//! Smoke tests of the examples that are not the guide's: the event-loop integration
//! (`fd_event_loop`) and the two measuring programs (`resource_usage`, `reactor_timers`), so
//! that what docs/PERFORMANCE.md runs still runs.

use crate::harness::Proc;

#[test]
fn fd_event_loop_receives_through_mio() {
    let done = Proc::start("fd_event_loop", &["3"]).finish_ok();
    for n in 0..3 {
        assert_eq!(
            done.count(&format!("received message {n}")),
            1,
            "message {n}"
        );
    }
    assert_eq!(done.lines().last(), Some(&"done: 3 messages through mio"));
}

#[test]
fn resource_usage_prints_both_libraries_table() {
    let done = Proc::start("resource_usage", &["10"]).finish_ok();
    let rows = done.starting_with("| ");
    assert_eq!(
        rows.first(),
        Some(&"| per socket / per idle tcp connection (10 of each) | ferrozmq | libzmq |")
    );
    for name in [
        "memory per socket (KiB)",
        "fds per socket",
        "memory per connection, both ends (KiB)",
        "fds per connection, both ends",
    ] {
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| done.fail(&format!("no row {name}")));
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        for value in &cells[1..] {
            let value: f64 = value
                .parse()
                .unwrap_or_else(|_| done.fail(&format!("{name}: {value} is no number")));
            assert!(value > 0.0, "{name}: {value}");
        }
    }
}

#[test]
fn reactor_timers_reports_idle_and_loaded_runs() {
    let done = Proc::start("reactor_timers", &["1"]).finish_ok();
    for run in ["idle", "loaded"] {
        let line = done
            .starting_with(run)
            .first()
            .copied()
            .unwrap_or_else(|| done.fail(&format!("no {run} line")));
        let firings: u64 = line
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| done.fail(&format!("{run}: no firing count")));
        assert!(firings > 0, "{run}: no timer fired");
    }
}
