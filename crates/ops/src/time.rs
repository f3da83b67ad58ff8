//! Times as people read them, and the clock incident records take their
//! times from (injected, so that tests fix it).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A block or wall-clock time in seconds since 1970, as RFC 3339 (UTC).
pub fn date(secs: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// A span of seconds in words, to the minute (`23 h 59 min`; seconds
/// only under a minute).
pub fn duration(secs: u64) -> String {
    let (hours, minutes) = (secs / 3600, secs % 3600 / 60);
    match (hours, minutes) {
        (0, 0) => format!("{secs} s"),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// Where incident records take the time from.
pub trait Clock: Sync {
    /// Seconds since 1970.
    fn now(&self) -> u64;
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_spans_read() {
        assert_eq!(date(86_400), "1970-01-02T00:00:00Z");
        assert_eq!(duration(86_399), "23 h 59 min");
        assert_eq!(duration(86_400), "24 h 0 min");
        assert_eq!(duration(61), "1 min");
        assert_eq!(duration(59), "59 s");
    }
}
