//! Answers remembered for a while, misses too, so that a caller who rings again (or a number
//! nobody knows) does not cost another round trip. Pure: the caller passes the time in.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::Caller;

/// What the cache remembers about a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cached {
    /// A source knew the caller.
    Found(Caller),
    /// The sources were asked and knew nobody.
    Miss,
}

/// Number key ([`crate::Number::key`]) to the last answer, each kept for `lifetime`, at most
/// `capacity` numbers (the oldest answer makes room).
#[derive(Debug)]
pub struct CallerCache {
    lifetime: Duration,
    capacity: usize,
    entries: HashMap<String, (Instant, Cached)>,
}

impl CallerCache {
    /// An empty cache keeping answers for `lifetime`, for at most `capacity` numbers (at
    /// least one).
    pub fn new(lifetime: Duration, capacity: usize) -> Self {
        Self { lifetime, capacity: capacity.max(1), entries: HashMap::new() }
    }

    /// The answer remembered for `key` at `now`, unless it is older than the lifetime.
    pub fn get(&self, key: &str, now: Instant) -> Option<&Cached> {
        self.entries
            .get(key)
            .filter(|(at, _)| now.saturating_duration_since(*at) < self.lifetime)
            .map(|(_, cached)| cached)
    }

    /// Remembers `answer` (`None`: a miss) for `key` from `now`.
    pub fn insert(&mut self, key: &str, answer: Option<Caller>, now: Instant) {
        if !self.entries.contains_key(key) && self.entries.len() >= self.capacity {
            self.entries.retain(|_, (at, _)| now.saturating_duration_since(*at) < self.lifetime);
            if self.entries.len() >= self.capacity {
                let oldest = self.entries.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    self.entries.remove(&oldest);
                }
            }
        }
        let cached = answer.map_or(Cached::Miss, Cached::Found);
        self.entries.insert(key.to_owned(), (now, cached));
    }

    /// Forgets everything (the user changed a source's settings).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// How many numbers are remembered, expired ones included until they make room.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> Caller {
        Caller::new("Ada", Some("Engines"), None).expect("named")
    }

    #[test]
    fn an_answer_and_a_miss_are_remembered_for_the_lifetime_only() {
        let start = Instant::now();
        let mut cache = CallerCache::new(Duration::from_secs(60), 10);
        cache.insert("+33123456789", Some(ada()), start);
        cache.insert("+33987654321", None, start);
        let later = start + Duration::from_secs(59);
        assert_eq!(cache.get("+33123456789", later), Some(&Cached::Found(ada())));
        assert_eq!(cache.get("+33987654321", later), Some(&Cached::Miss));
        assert_eq!(cache.get("+33000000000", later), None);
        let expired = start + Duration::from_secs(60);
        assert_eq!(cache.get("+33123456789", expired), None);
        assert_eq!(cache.get("+33987654321", expired), None);
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn a_full_cache_drops_expired_answers_then_the_oldest() {
        let start = Instant::now();
        let mut cache = CallerCache::new(Duration::from_secs(60), 2);
        cache.insert("a", None, start);
        cache.insert("b", Some(ada()), start + Duration::from_secs(10));
        cache.insert("c", None, start + Duration::from_secs(20));
        assert_eq!(cache.len(), 2);
        let now = start + Duration::from_secs(21);
        assert_eq!(cache.get("a", now), None);
        assert_eq!(cache.get("b", now), Some(&Cached::Found(ada())));
        // Refreshing a remembered number makes no room.
        cache.insert("b", None, now);
        assert_eq!((cache.len(), cache.get("c", now)), (2, Some(&Cached::Miss)));
        // Both expired: both make room at once.
        let much_later = start + Duration::from_secs(200);
        cache.insert("d", None, much_later);
        assert_eq!(cache.len(), 1);
    }
}
