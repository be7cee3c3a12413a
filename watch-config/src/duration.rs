//! Human durations: `"2s"`, `"500ms"`, `"10m"`, `"1h30m"`, `"1.5s"`.
//!
//! Pure string functions; the config keeps [`Duration`]s.

use std::time::Duration;

/// Parses a duration written as one or more `<number><unit>` groups,
/// optionally separated by spaces: `"2s"`, `"10 m"`, `"1h30m"`, `"0.5s"`.
///
/// Units: `ms`; `s`/`sec`/`secs`/`second`/`seconds`; `m`/`min`/`mins`/
/// `minute`/`minutes`; `h`/`hr`/`hour`/`hours`; `d`/`day`/`days`.
/// A bare number (`"2"`) is refused: the unit must be said.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        rest = rest[number_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = rest[unit_len..].trim_start();
        let nanos_per_unit: u128 = match unit {
            "ms" => 1_000_000,
            "s" | "sec" | "secs" | "second" | "seconds" => 1_000_000_000,
            "m" | "min" | "mins" | "minute" | "minutes" => 60_000_000_000,
            "h" | "hr" | "hour" | "hours" => 3_600_000_000_000,
            "d" | "day" | "days" => 86_400_000_000_000,
            _ => return None,
        };
        total = total.checked_add(scale(number, nanos_per_unit)?)?;
    }
    Some(total)
}

/// `number * nanos_per_unit` as a Duration, for a decimal `number` like
/// `"2"` or `"1.25"` (digits on both sides of the point are optional, not
/// both absent).
fn scale(number: &str, nanos_per_unit: u128) -> Option<Duration> {
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && frac.is_empty() || frac.contains('.') || frac.len() > 9 {
        return None;
    }
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut nanos = whole.checked_mul(nanos_per_unit)?;
    if !frac.is_empty() {
        let digits: u128 = frac.parse().ok()?;
        let denominator = 10u128.pow(frac.len() as u32);
        nanos = nanos.checked_add(digits * nanos_per_unit / denominator)?;
    }
    let secs = u64::try_from(nanos / 1_000_000_000).ok()?;
    Some(Duration::new(secs, (nanos % 1_000_000_000) as u32))
}

/// Writes a duration the way a config file would: `"2s"`, `"10m"`,
/// `"1h30m"`, `"500ms"`, `"0s"`. Sub-millisecond parts are dropped.
pub fn format_duration(d: Duration) -> String {
    let total_ms = d.as_millis();
    if total_ms == 0 {
        return "0s".to_owned();
    }
    let (h, rem) = (total_ms / 3_600_000, total_ms % 3_600_000);
    let (m, rem) = (rem / 60_000, rem % 60_000);
    let (s, ms) = (rem / 1000, rem % 1000);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s"), (ms, "ms")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_forms() {
        let cases = [
            ("2s", 2_000),
            ("10s", 10_000),
            ("5m", 300_000),
            ("500ms", 500),
            ("1h30m", 5_400_000),
            ("1m 30s", 90_000),
            ("10 m", 600_000),
            ("1.5s", 1_500),
            (".5s", 500),
            ("0s", 0),
            ("2 seconds", 2_000),
            ("1d", 86_400_000),
            (" 3min ", 180_000),
        ];
        for (text, ms) in cases {
            assert_eq!(
                parse_duration(text),
                Some(Duration::from_millis(ms)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for text in [
            "",
            "fast",
            "2",
            "s",
            "2x",
            "1.2.3s",
            "-1s",
            "2s fast",
            "1e3s",
            ".s",
            "99999999999999999999999h",
        ] {
            assert_eq!(parse_duration(text), None, "{text:?}");
        }
    }

    #[test]
    fn formats_back() {
        assert_eq!(format_duration(Duration::from_secs(2)), "2s");
        assert_eq!(format_duration(Duration::from_secs(600)), "10m");
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1s500ms");
        assert_eq!(format_duration(Duration::ZERO), "0s");
    }
}
