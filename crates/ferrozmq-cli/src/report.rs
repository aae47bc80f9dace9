//! The perf tools' result lines: written exactly as libzmq's `local_thr` and
//! `remote_lat` print them (so scripts written for libzmq keep working), and
//! read back by `ferrozmq bench` and by tests.

/// `local_thr`'s four result lines.
///
/// As in libzmq, the clock covers `count - 1` messages (it starts when the
/// first one arrives) but the rate divides `count` by it, and a zero elapsed
/// time counts as 1 µs. `%d` truncates, so does `as i64`.
pub fn thr_report(size: usize, count: u32, elapsed_us: u64) -> String {
    let elapsed = elapsed_us.max(1) as f64;
    let throughput = f64::from(count) / elapsed * 1_000_000.0;
    let megabits = throughput * size as f64 * 8.0 / 1_000_000.0;
    format!(
        "message size: {size} [B]\n\
         message count: {count}\n\
         mean throughput: {} [msg/s]\n\
         mean throughput: {megabits:.3} [Mb/s]\n",
        throughput as i64
    )
}

/// `remote_lat`'s three result lines; the latency is one-way:
/// elapsed / (2 × round trips).
pub fn lat_report(size: usize, roundtrips: u32, elapsed_us: u64) -> String {
    let latency = elapsed_us as f64 / (f64::from(roundtrips) * 2.0);
    format!(
        "message size: {size} [B]\n\
         roundtrip count: {roundtrips}\n\
         average latency: {latency:.3} [us]\n"
    )
}

/// What a throughput report says.
#[derive(Clone, Debug, PartialEq)]
pub struct ThrResult {
    /// `message size: N [B]`
    pub size: u64,
    /// `message count: N`
    pub count: u64,
    /// `mean throughput: N [msg/s]`
    pub msgs_per_sec: u64,
    /// `mean throughput: X [Mb/s]`
    pub megabits: f64,
}

/// What a latency report says.
#[derive(Clone, Debug, PartialEq)]
pub struct LatResult {
    /// `message size: N [B]`
    pub size: u64,
    /// `roundtrip count: N`
    pub roundtrips: u64,
    /// `average latency: X [us]` (one-way)
    pub latency_us: f64,
}

/// Reads a `local_thr` report (ours or libzmq's) from a process's stdout.
pub fn parse_thr(out: &str) -> Result<ThrResult, String> {
    Ok(ThrResult {
        size: field(out, "message size: ", " [B]")?,
        count: field(out, "message count: ", "")?,
        msgs_per_sec: field(out, "mean throughput: ", " [msg/s]")?,
        megabits: field(out, "mean throughput: ", " [Mb/s]")?,
    })
}

/// Reads a `remote_lat` report (ours or libzmq's) from a process's stdout.
pub fn parse_lat(out: &str) -> Result<LatResult, String> {
    Ok(LatResult {
        size: field(out, "message size: ", " [B]")?,
        roundtrips: field(out, "roundtrip count: ", "")?,
        latency_us: field(out, "average latency: ", " [us]")?,
    })
}

/// Finds the line `<prefix><value><suffix>` and parses its value.
fn field<T: std::str::FromStr>(out: &str, prefix: &str, suffix: &str) -> Result<T, String> {
    out.lines()
        .filter_map(|l| l.trim_end().strip_prefix(prefix)?.strip_suffix(suffix))
        .find_map(|v| v.parse().ok())
        .ok_or_else(|| format!("no '{prefix}…{suffix}' line in the output"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thr_report_matches_libzmq_and_parses_back() {
        let text = thr_report(16, 1000, 250);
        assert_eq!(
            text,
            "message size: 16 [B]\nmessage count: 1000\n\
             mean throughput: 4000000 [msg/s]\nmean throughput: 512.000 [Mb/s]\n"
        );
        let r = parse_thr(&text).unwrap();
        assert_eq!((r.size, r.count, r.msgs_per_sec), (16, 1000, 4_000_000));
        assert!((r.megabits - 512.0).abs() < 1e-9);
        // zero elapsed time counts as 1 µs, as in libzmq
        assert!(thr_report(1, 2, 0).contains("mean throughput: 2000000 [msg/s]"));
    }

    #[test]
    fn lat_report_matches_libzmq_and_parses_back() {
        let text = lat_report(64, 1000, 30_004);
        assert_eq!(
            text,
            "message size: 64 [B]\nroundtrip count: 1000\naverage latency: 15.002 [us]\n"
        );
        let r = parse_lat(&text).unwrap();
        assert_eq!((r.size, r.roundtrips), (64, 1000));
        assert!((r.latency_us - 15.002).abs() < 1e-9);
    }

    #[test]
    fn missing_lines_are_errors() {
        assert!(parse_thr("message size: 16 [B]\n").is_err());
        assert!(parse_lat("").is_err());
    }
}
