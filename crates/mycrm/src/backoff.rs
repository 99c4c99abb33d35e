//! Reconnect delays: exponential, capped, with jitter so that many clients cut off together do
//! not come back together.

use std::time::Duration;

/// Exponential backoff settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// Delay before the first retry (before jitter).
    pub base: Duration,
    /// No delay exceeds this.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { base: Duration::from_millis(500), cap: Duration::from_secs(30) }
    }
}

impl Backoff {
    /// The delay before retry number `attempt` (1 for the first retry). `jitter` in `[0, 1)`
    /// picks a point in the upper half of the exponential step, so the delay is never less
    /// than half the step and never more than the cap.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let step = self.base.saturating_mul(1u32 << exponent).min(self.cap);
        let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        step.div_f64(2.0) + step.div_f64(2.0).mul_f64(jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_then_stay_at_the_cap() {
        let b = Backoff::default();
        let ms = |attempt, jitter| b.delay(attempt, jitter).as_millis();
        let table = [
            (1, 0.0, 250),
            (1, 1.0, 500),
            (2, 0.0, 500),
            (3, 0.5, 1_500),
            (4, 1.0, 4_000),
            (7, 1.0, 30_000),
            (8, 0.0, 15_000),
            (40, 1.0, 30_000),
            (u32::MAX, 1.0, 30_000),
            (0, 1.0, 500),
            (2, f64::NAN, 500),
            (2, 7.0, 1_000),
        ];
        for (attempt, jitter, expected) in table {
            assert_eq!(ms(attempt, jitter), expected, "attempt {attempt}, jitter {jitter}");
        }
    }
}
