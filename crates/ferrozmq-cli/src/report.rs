//! The perf tools' result lines: written exactly as libzmq's `local_thr` and
//! `remote_lat` print them (so scripts written for libzmq keep working), and
//! read back by `ferrozmq bench` and by tests.
//!
//! `libzmq-perf` includes this file too (with `#[path]`), so both binaries
//! print the very same lines.

/// Messages per second as libzmq computes it: `count / elapsed`, a zero
/// elapsed time counting as 1 µs, truncated to an integer (`unsigned long`).
fn rate(count: u64, elapsed_us: u64) -> u64 {
    (count as f64 / elapsed_us.max(1) as f64 * 1_000_000.0) as u64
}

/// Mb/s of `msgs_per_sec` messages of `size` bytes, from the truncated
/// rate as libzmq does (`throughput * message_size * 8 / 1000000`).
fn megabits(msgs_per_sec: u64, size: usize) -> f64 {
    msgs_per_sec as f64 * size as f64 * 8.0 / 1_000_000.0
}

/// `local_thr`'s four result lines.
///
/// As in libzmq, the clock covers `count - 1` messages (it starts when the
/// first one arrives) but the rate divides `count` by it, and a zero elapsed
/// time counts as 1 µs.
pub fn thr_report(size: usize, count: u32, elapsed_us: u64) -> String {
    let throughput = rate(count.into(), elapsed_us);
    format!(
        "message size: {size} [B]\n\
         message count: {count}\n\
         mean throughput: {throughput} [msg/s]\n\
         mean throughput: {:.3} [Mb/s]\n",
        megabits(throughput, size)
    )
}

/// `sub-thr`'s result lines: `local_thr`'s, with `count` per subscriber and
/// the throughput being the aggregate delivered rate, `subscribers × count`
/// over `span_us` (first message at any subscriber to last at all), then the
/// subscriber count and the min / median / max of the per-subscriber rates
/// (`count` over each subscriber's own first-to-last span in `each_us`).
pub fn fanout_report(
    size: usize,
    count: u32,
    subscribers: u32,
    span_us: u64,
    each_us: &[u64],
) -> String {
    let total = u64::from(count) * u64::from(subscribers);
    let aggregate = rate(total, span_us);
    let mut each: Vec<u64> = each_us.iter().map(|&us| rate(count.into(), us)).collect();
    each.sort_unstable();
    let pick = |i: usize| each.get(i).copied().unwrap_or(0);
    format!(
        "message size: {size} [B]\n\
         message count: {count}\n\
         mean throughput: {aggregate} [msg/s]\n\
         mean throughput: {:.3} [Mb/s]\n\
         subscribers: {subscribers}\n\
         per-subscriber throughput: min {}, median {}, max {} [msg/s]\n",
        megabits(aggregate, size),
        pick(0),
        pick(each.len().saturating_sub(1) / 2),
        pick(each.len().saturating_sub(1)),
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
    fn megabits_come_from_the_truncated_rate_as_in_libzmq() {
        // 3 msgs in 7 µs: 428571.43 msg/s, truncated before the Mb/s.
        let text = thr_report(65536, 3, 7);
        assert!(text.contains("mean throughput: 428571 [msg/s]"), "{text}");
        assert!(
            text.contains("mean throughput: 224694.632 [Mb/s]"),
            "{text}"
        );
    }

    #[test]
    fn fanout_report_gives_aggregate_and_spread() {
        let text = fanout_report(16, 1000, 3, 1000, &[500, 1000, 250]);
        assert_eq!(
            text,
            "message size: 16 [B]\nmessage count: 1000\n\
             mean throughput: 3000000 [msg/s]\nmean throughput: 384.000 [Mb/s]\n\
             subscribers: 3\n\
             per-subscriber throughput: min 1000000, median 2000000, max 4000000 [msg/s]\n"
        );
        let r = parse_thr(&text).unwrap();
        assert_eq!((r.count, r.msgs_per_sec), (1000, 3_000_000));
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
