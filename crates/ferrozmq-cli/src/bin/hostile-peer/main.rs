//! `hostile-peer`: the attacking side of the hostile-peer benchmark (`bench/hostile.sh`). It
//! starts a victim (ferrozmq's `hostile-victim` or libzmq's `libzmq-hostile-victim`, given
//! after `--`), attacks it over loopback with raw ZMTP (no ZeroMQ library on this side, so
//! both victims meet the same bytes), and prints one Markdown table row: attack, label, peak
//! RSS, RSS after the attacker left, fds, and what the legit peer got.
//!
//! ```text
//! hostile-peer subs <endpoint> <count> <label> -- <victim pub command…>
//! hostile-peer multipart <endpoint> <MiB> <label> -- <victim pull command…>
//! hostile-peer conflate <endpoint> <seconds> <label> -- <victim pull command…>
//! hostile-peer fds <endpoint> <connections> <label> -- <victim pull command…>
//! ```

mod attacks;
mod victim;
mod zmtp;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(split) = args.iter().position(|a| a == "--") else {
        eprintln!("hostile-peer: usage: <attack> <endpoint> <amount> <label> -- <victim…>");
        return ExitCode::from(2);
    };
    let (ours, command) = (&args[..split], &args[split + 1..]);
    let [attack, endpoint, amount, label] = ours else {
        eprintln!("hostile-peer: usage: <attack> <endpoint> <amount> <label> -- <victim…>");
        return ExitCode::from(2);
    };
    let Ok(amount) = amount.parse::<u64>() else {
        eprintln!("hostile-peer: bad <amount> {amount}");
        return ExitCode::from(2);
    };
    let row = victim::Victim::start(command).and_then(|v| match attack.as_str() {
        "subs" => attacks::subscriptions(v, endpoint, amount),
        "multipart" => attacks::endless_multipart(v, endpoint, amount),
        "conflate" => attacks::conflate(v, endpoint, amount),
        "fds" => attacks::fd_exhaustion(v, endpoint, amount as usize),
        other => Err(format!("unknown attack {other}")),
    });
    match row {
        Ok(row) => {
            println!(
                "| {attack} {amount} | {label} | {} | {} | {} | {} |",
                row.peak_mib, row.after_mib, row.fds, row.notes
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("| {attack} {amount} | {label} | - | - | - | failed: {e} |");
            ExitCode::FAILURE
        }
    }
}
