use super::*;

fn at(start: Instant, secs: u64) -> Instant {
    start + Duration::from_secs(secs)
}

fn ev(kind: EventKind, id: &str) -> Event {
    Event::bare(kind, id)
}

fn ringing(id: &str) -> Event {
    let mut e = ev(EventKind::Ringing, id);
    e.incoming = Some(true);
    e.call_type = Some(CallType::External);
    e.display_number = Some("+33 1 23 45 67 89".into());
    e.display_number_e164 = Some("+33123456789".into());
    e.display_label = Some("ACME".into());
    e
}

fn dropped(id: &str, cause: &str, talk_ms: Option<u64>) -> Event {
    let mut e = ev(EventKind::Dropped, id);
    e.drop_cause = Some(cause.into());
    e.talking_time = talk_ms;
    e
}

#[test]
fn an_answered_call_goes_ringing_talking_ended_and_is_not_missed() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    let first = t.apply(&ringing("1"), t0).expect("new call");
    assert!(first.is_new);
    assert_eq!(first.call.state, CallState::Ringing);
    assert_eq!(first.call.direction, Direction::Incoming);
    assert_eq!(first.call.label.as_deref(), Some("ACME"));
    let talking = t.apply(&ev(EventKind::Talking, "1"), at(t0, 5)).expect("answered");
    assert_eq!(talking.call.state, CallState::Talking);
    assert!(!talking.is_new);
    let end = t.apply(&dropped("1", "disconnect", None), at(t0, 65)).expect("ended");
    assert_eq!(end.call.state, CallState::Ended);
    assert_eq!(end.call.ring_ms, Some(5_000));
    assert_eq!(end.call.talk_ms, Some(60_000));
    assert_eq!(end.call.end_cause, Some(EndCause::Disconnect));
    assert!(!end.call.missed);
    assert_eq!(t.active().count(), 0);
}

#[test]
fn ringing_then_dropped_without_talking_is_a_missed_call() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    t.apply(&ringing("1"), t0);
    let end = t.apply(&dropped("1", "noAnswer", Some(0)), at(t0, 20)).expect("ended");
    assert!(end.call.missed);
    assert_eq!(end.call.end_cause, Some(EndCause::NoAnswer));
    assert_eq!(end.call.ring_ms, Some(20_000));
}

#[test]
fn a_rejected_or_busy_incoming_call_is_missed_but_an_outgoing_one_never_is() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    t.apply(&ringing("in"), t0);
    assert!(t.apply(&dropped("in", "rejected", None), t0).expect("ended").call.missed);
    let mut out = ev(EventKind::Alerting, "out");
    out.incoming = Some(false);
    assert_eq!(t.apply(&out, t0).expect("new").call.direction, Direction::Outgoing);
    assert!(!t.apply(&dropped("out", "busy", None), t0).expect("ended").call.missed);
}

fn queue_ringing(id: &str) -> Event {
    let mut e = ringing(id);
    e.acd_id = Some("0900000171".into());
    e
}

#[test]
fn a_queue_call_given_to_a_colleague_is_taken_elsewhere_not_missed() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    t.apply(&queue_ringing("q"), t0);
    let end = t.apply(&dropped("q", "transferred", Some(0)), at(t0, 4)).expect("ended");
    assert!(end.call.taken_elsewhere);
    assert!(!end.call.missed);
}

#[test]
fn a_queue_call_nobody_took_or_the_caller_left_is_still_missed() {
    let t0 = Instant::now();
    for cause in ["noAnswer", "disconnect", "rejected"] {
        let mut t = CallTracker::default();
        t.apply(&queue_ringing("q"), t0);
        let end = t.apply(&dropped("q", cause, None), at(t0, 4)).expect("ended");
        assert!(end.call.missed && !end.call.taken_elsewhere, "{cause}");
    }
}

#[test]
fn only_a_queue_call_never_talked_on_here_is_taken_elsewhere() {
    let t0 = Instant::now();
    // Transferred without a queue: a direct call the user's rules sent on (still missed).
    let mut t = CallTracker::default();
    t.apply(&ringing("direct"), t0);
    let end = t.apply(&dropped("direct", "transferred", None), at(t0, 2)).expect("ended");
    assert!(end.call.missed && !end.call.taken_elsewhere);
    // A queue call answered here, then transferred by the user: answered.
    t.apply(&queue_ringing("q"), t0);
    t.apply(&ev(EventKind::Talking, "q"), at(t0, 1));
    let end = t.apply(&dropped("q", "transferred", Some(5000)), at(t0, 6)).expect("ended");
    assert!(!end.call.missed && !end.call.taken_elsewhere);
    assert!(!taken_elsewhere(Direction::Outgoing, Some("0900000171"), false, "transferred"));
    assert!(!taken_elsewhere(Direction::Incoming, Some(" "), false, "transferred"));
}

#[test]
fn a_dropped_call_reporting_talk_time_is_not_missed_even_if_talking_was_skipped() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    t.apply(&ringing("1"), t0);
    let end = t.apply(&dropped("1", "disconnect", Some(42_000)), at(t0, 50)).expect("ended");
    assert!(!end.call.missed);
    assert_eq!(end.call.talk_ms, Some(42_000));
}

#[test]
fn repeated_ringing_is_not_a_new_call() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    assert!(t.apply(&ringing("1"), t0).is_some());
    assert!(t.apply(&ringing("1"), at(t0, 1)).is_none());
    let mut labelled = ringing("1");
    labelled.display_label = Some("ACME Support".into());
    let update = t.apply(&labelled, at(t0, 2)).expect("the label changed");
    assert!(!update.is_new);
    assert_eq!(update.call.label.as_deref(), Some("ACME Support"));
}

#[test]
fn late_events_of_an_ended_call_do_not_revive_it() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    t.apply(&ringing("1"), t0);
    t.apply(&dropped("1", "noAnswer", None), at(t0, 1));
    assert!(t.apply(&ringing("1"), at(t0, 2)).is_none());
    assert!(t.apply(&dropped("1", "noAnswer", None), at(t0, 2)).is_none());
    assert_eq!(t.active().count(), 0);
}

#[test]
fn a_ringing_event_after_talking_does_not_move_the_call_back() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    t.apply(&ringing("1"), t0);
    t.apply(&ev(EventKind::Talking, "1"), at(t0, 1));
    assert!(t.apply(&ringing("1"), at(t0, 2)).is_none());
    assert_eq!(t.active().next().map(|c| c.state), Some(CallState::Talking));
}

#[test]
fn hold_and_resume_carry_only_the_call_id() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    t.apply(&ringing("1"), t0);
    t.apply(&ev(EventKind::Talking, "1"), at(t0, 1));
    let held = t.apply(&ev(EventKind::Held, "1"), at(t0, 2)).expect("held");
    assert_eq!(held.call.state, CallState::Held);
    assert_eq!(held.call.number.as_deref(), Some("+33 1 23 45 67 89"), "details survive a bare event");
    let mut resumed = ev(EventKind::Talking, "1");
    resumed.talk_cause = Some("unHold".into());
    assert_eq!(t.apply(&resumed, at(t0, 3)).expect("resumed").call.state, CallState::Talking);
}

#[test]
fn a_call_first_seen_talking_or_dropped_is_still_reported() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    let mid = t.apply(&ev(EventKind::Talking, "7"), t0).expect("new");
    assert!(mid.is_new);
    assert_eq!(mid.call.state, CallState::Talking);
    let mut lost_ringing = dropped("8", "noAnswer", None);
    lost_ringing.incoming = Some(true);
    let end = t.apply(&lost_ringing, t0).expect("reported");
    assert!(end.is_new);
    assert!(end.call.missed);
}

#[test]
fn unknown_events_update_known_calls_but_never_create_one() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    assert!(t.apply(&ev(EventKind::Unknown("callParked".into()), "1"), t0).is_none());
    t.apply(&ringing("2"), t0);
    let mut parked = ev(EventKind::Unknown("callParked".into()), "2");
    parked.display_label = Some("Parked: ACME".into());
    assert_eq!(t.apply(&parked, t0).expect("label").call.state, CallState::Ringing);
}

#[test]
fn a_call_whose_drop_was_lost_is_closed_after_the_timeout() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    t.apply(&ringing("1"), t0);
    t.apply(&ringing("2"), t0);
    t.apply(&ev(EventKind::Talking, "2"), t0);
    assert!(t.expire(at(t0, 179)).is_empty());
    let closed = t.expire(at(t0, 180));
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].call.id, "1");
    assert_eq!(closed[0].call.end_cause, Some(EndCause::TimedOut));
    assert!(closed[0].call.missed);
    assert_eq!(t.expire(at(t0, 12 * 3600)).len(), 1, "the talking call closes after the long limit");
    assert_eq!(t.active().count(), 0);
}

#[test]
fn memory_of_ended_calls_stays_bounded() {
    let t0 = Instant::now();
    let mut t = CallTracker::new(TrackerConfig { max_remembered: 100, ..TrackerConfig::default() });
    for i in 0..10_000u64 {
        let id = i.to_string();
        t.apply(&ringing(&id), t0);
        t.apply(&dropped(&id, "noAnswer", None), t0);
    }
    assert_eq!(t.remembered(), 100);
    t.expire(at(t0, 601));
    assert_eq!(t.remembered(), 0);
}

#[test]
fn unlisted_causes_are_kept_as_sent() {
    let t0 = Instant::now();
    let mut t = CallTracker::default();
    t.apply(&ringing("1"), t0);
    let end = t.apply(&dropped("1", "pickedUpElsewhere", None), t0).expect("ended");
    assert_eq!(end.call.end_cause, Some(EndCause::Other("pickedUpElsewhere".into())));
}
