//! Call hooks: what the user set up to happen when a call rings, is answered, ends or is
//! missed (a command run, a webhook posted), and which of those moments each call update is.
//! No I/O: `platform::hooks` runs the jobs decided here.
//!
//! A command is an argument vector, never given to a shell: the line the user typed is split
//! here (spaces separate, `'…'` and `"…"` keep spaces, `\` outside quotes takes the next
//! character as it is), and each placeholder is filled inside its own argument, so a caller's
//! label with spaces or quotes stays one argument and runs nothing.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::error::{AppError, ErrorCode};
use crate::model::screenpop;
use crate::model::views::{CallStateView, CallView, DirectionView};

/// The moments of a call a hook can follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HookEvent {
    /// An incoming call starts ringing here.
    Ringing,
    /// A call is answered (incoming) or the other party picks up (outgoing).
    Answered,
    /// A call ended, however it went.
    Ended,
    /// An incoming call ended missed (after its `ended`).
    Missed,
}

impl HookEvent {
    /// Every moment, in the order a call goes through them.
    pub const ALL: [Self; 4] = [Self::Ringing, Self::Answered, Self::Ended, Self::Missed];

    /// The name webhooks and commands see.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ringing => "ringing",
            Self::Answered => "answered",
            Self::Ended => "ended",
            Self::Missed => "missed",
        }
    }
}

/// What happens at one moment: a command line and/or a webhook address; empty for nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HookAction {
    /// The command, as the user typed it (see the module's notes); placeholders as in screen
    /// pops (`{number}`, `{e164}`, `{label}`, `{name}`, `{acd}`, `{callId}`, `{direction}`).
    pub command: String,
    /// An http(s) address the call is posted to as JSON.
    pub url: String,
}

/// The hooks of each moment. Off (all empty) by default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, rename_all = "camelCase")]
#[ts(export)]
pub struct Hooks {
    pub ringing: HookAction,
    pub answered: HookAction,
    pub ended: HookAction,
    pub missed: HookAction,
    /// The `ended` hooks (and `missed` after them) wait until the desk worker saved the call's
    /// note, at most [`NOTE_WAIT`], so that they carry it.
    pub ended_after_note: bool,
}

/// How long `ended` hooks set to wait for the call's note wait at most.
pub const NOTE_WAIT: std::time::Duration = std::time::Duration::from_secs(10 * 60);

impl Hooks {
    /// The action of one moment.
    pub fn of(&self, event: HookEvent) -> &HookAction {
        match event {
            HookEvent::Ringing => &self.ringing,
            HookEvent::Answered => &self.answered,
            HookEvent::Ended => &self.ended,
            HookEvent::Missed => &self.missed,
        }
    }

    /// No hook is set.
    pub fn is_empty(&self) -> bool {
        HookEvent::ALL.iter().all(|event| {
            let action = self.of(*event);
            action.command.trim().is_empty() && action.url.trim().is_empty()
        })
    }

    /// These hooks trimmed, each command and address checked.
    ///
    /// # Errors
    ///
    /// `invalid_settings` naming the moment and what is wrong.
    pub fn checked(mut self) -> Result<Self, AppError> {
        for event in HookEvent::ALL {
            let action = match event {
                HookEvent::Ringing => &mut self.ringing,
                HookEvent::Answered => &mut self.answered,
                HookEvent::Ended => &mut self.ended,
                HookEvent::Missed => &mut self.missed,
            };
            action.command = action.command.trim().to_owned();
            action.url = action.url.trim().to_owned();
            let wrong = |what: &str, e: AppError| {
                AppError::new(ErrorCode::InvalidSettings, format!("{} {what}: {}", event.name(), e.message))
            };
            if !action.command.is_empty() {
                for argument in argv_of(&action.command).map_err(|e| wrong("command", e))? {
                    screenpop::check_placeholders(&argument).map_err(|e| wrong("command", e))?;
                }
            }
            if !action.url.is_empty() {
                let url = url::Url::parse(&action.url)
                    .map_err(|e| wrong("webhook", AppError::new(ErrorCode::InvalidSettings, e.to_string())))?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    let why =
                        AppError::new(ErrorCode::InvalidSettings, "the address must start with http:// or https://");
                    return Err(wrong("webhook", why));
                }
            }
        }
        Ok(self)
    }
}

/// A command line split into its arguments.
///
/// # Errors
///
/// `invalid_settings` for a quote left open or a line with no command.
pub fn argv_of(line: &str) -> Result<Vec<String>, AppError> {
    let mut argv = Vec::new();
    let mut current: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(argument) = current.take() {
                    argv.push(argument);
                }
            }
            '\'' | '"' => {
                let argument = current.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some(end) if end == c => break,
                        Some(other) => argument.push(other),
                        None => return Err(AppError::new(ErrorCode::InvalidSettings, format!("a {c} is not closed"))),
                    }
                }
            }
            '\\' => {
                let argument = current.get_or_insert_with(String::new);
                argument.extend(chars.next());
            }
            c => current.get_or_insert_with(String::new).push(c),
        }
    }
    argv.extend(current);
    if argv.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidSettings, "no command"));
    }
    Ok(argv)
}

/// One thing to do for one moment of one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    /// Run `argv` (the program first) with `env` added to the app's environment.
    Run { argv: Vec<String>, env: Vec<(String, String)> },
    /// Post `body` (JSON) to `url`.
    Post { url: String, body: String },
}

/// The environment a hook's command gets: the call, one variable per placeholder.
fn call_env(event: HookEvent, call: &CallView) -> Vec<(String, String)> {
    let mut env = vec![("ISTRA_EVENT".to_owned(), event.name().to_owned())];
    for (variable, placeholder) in [
        ("ISTRA_CALL_ID", "callId"),
        ("ISTRA_DIRECTION", "direction"),
        ("ISTRA_NUMBER", "number"),
        ("ISTRA_E164", "e164"),
        ("ISTRA_LABEL", "label"),
        ("ISTRA_NAME", "name"),
        ("ISTRA_ACD", "acd"),
    ] {
        env.push((variable.to_owned(), screenpop::value_of(call, placeholder)));
    }
    for (variable, value) in [("ISTRA_OUTCOME", &call.outcome), ("ISTRA_NOTE", &call.note)] {
        env.push((variable.to_owned(), value.clone().unwrap_or_default()));
    }
    env
}

/// The jobs for `moments` of `call`, in order: each moment's command and webhook, whose body is
/// the call as the journal has it (`record`, JSON), the moment and the user's `login`. A command
/// that no longer reads (the settings were checked when saved) is left out.
pub fn jobs(
    hooks: &Hooks,
    moments: impl IntoIterator<Item = HookEvent>,
    call: &CallView,
    record: &serde_json::Value,
    login: &str,
) -> Vec<Job> {
    let mut jobs = Vec::new();
    for event in moments {
        let action = hooks.of(event);
        if !action.command.is_empty() {
            let argv = argv_of(&action.command).and_then(|argv| {
                argv.iter().map(|argument| screenpop::fill_argument(argument, call)).collect::<Result<Vec<_>, _>>()
            });
            match argv {
                Ok(argv) => jobs.push(Job::Run { argv, env: call_env(event, call) }),
                Err(e) => tracing::warn!(event = event.name(), error = %e.message, "hook command not run"),
            }
        }
        if !action.url.is_empty() {
            let body = serde_json::json!({ "event": event.name(), "login": login, "call": record });
            jobs.push(Job::Post { url: action.url.clone(), body: body.to_string() });
        }
    }
    jobs
}

/// Which moments each call update is: remembers, per call in progress, the moments already
/// passed, so a call resumed from hold is not answered twice.
#[derive(Debug, Default)]
pub struct Moments {
    passed: HashMap<String, Vec<HookEvent>>,
}

impl Moments {
    /// The moments `call` (just updated) reaches now, in order; an ended call is forgotten.
    pub fn reached(&mut self, call: &CallView) -> Vec<HookEvent> {
        let due: Vec<HookEvent> = match call.state {
            CallStateView::Ringing if call.direction == DirectionView::Incoming => vec![HookEvent::Ringing],
            CallStateView::Ringing | CallStateView::Held => vec![],
            CallStateView::Talking => vec![HookEvent::Answered],
            CallStateView::Ended if call.missed => vec![HookEvent::Ended, HookEvent::Missed],
            CallStateView::Ended => vec![HookEvent::Ended],
        };
        if call.state == CallStateView::Ended {
            self.passed.remove(&call.id);
            return due;
        }
        let passed = self.passed.entry(call.id.clone()).or_default();
        let reached: Vec<HookEvent> = due.into_iter().filter(|event| !passed.contains(event)).collect();
        passed.extend(&reached);
        reached
    }
}

/// The ended moments of calls held until their note is saved (see [`Hooks::ended_after_note`]).
#[derive(Debug, Default)]
pub struct HeldEnds {
    held: HashMap<String, (u64, Held)>,
    tokens: u64,
}

/// A call's moments held for its note.
#[derive(Clone, Debug)]
pub struct Held {
    pub call: CallView,
    pub moments: Vec<HookEvent>,
}

impl HeldEnds {
    /// Of the `moments` `call` just reached, those to run now; the ended ones are held instead
    /// when the hooks wait for the note. Also returns the hold's token (for [`HeldEnds::expire`]).
    pub fn split(&mut self, hooks: &Hooks, call: &CallView, moments: Vec<HookEvent>) -> (Vec<HookEvent>, Option<u64>) {
        if !hooks.ended_after_note || !moments.contains(&HookEvent::Ended) {
            return (moments, None);
        }
        let (held, now): (Vec<HookEvent>, Vec<HookEvent>) =
            moments.into_iter().partition(|moment| matches!(moment, HookEvent::Ended | HookEvent::Missed));
        self.tokens += 1;
        self.held.insert(call.id.clone(), (self.tokens, Held { call: call.clone(), moments: held }));
        (now, Some(self.tokens))
    }

    /// The call's held moments, now its note is saved.
    pub fn release(&mut self, call_id: &str) -> Option<Held> {
        self.held.remove(call_id).map(|(_, held)| held)
    }

    /// The hold `token`'s moments, when they still wait after [`NOTE_WAIT`].
    pub fn expire(&mut self, call_id: &str, token: u64) -> Option<Held> {
        match self.held.get(call_id) {
            Some((held_token, _)) if *held_token == token => self.release(call_id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::views::sample_call;

    #[test]
    fn a_command_line_splits_into_arguments_as_typed() {
        assert_eq!(
            argv_of("  log-call  {number} 'a b' \"c 'd'\" e\\ f").expect("split"),
            ["log-call", "{number}", "a b", "c 'd'", "e f"]
        );
        assert_eq!(argv_of("x ''").expect("split"), ["x", ""], "an empty quoted argument is kept");
        assert!(argv_of("x 'open").is_err());
        assert!(argv_of("   ").is_err());
    }

    #[test]
    fn a_label_with_spaces_and_quotes_stays_one_argument_and_runs_nothing() {
        let hooks = Hooks {
            ringing: HookAction {
                command: "/usr/bin/logger -t istra {label} --id={callId}".into(),
                url: String::new(),
            },
            ..Hooks::default()
        };
        let mut call = sample_call("-7", CallStateView::Ringing);
        call.label = Some("ACME'; rm -rf ~ #\"$(x)".into());
        let jobs = jobs(&hooks, [HookEvent::Ringing], &call, &serde_json::Value::Null, "alice");
        let [Job::Run { argv, env }] = jobs.as_slice() else { panic!("one command: {jobs:?}") };
        assert_eq!(argv, &["/usr/bin/logger", "-t", "istra", "ACME'; rm -rf ~ #\"$(x)", "--id=-7"]);
        assert!(env.contains(&("ISTRA_EVENT".to_owned(), "ringing".to_owned())));
        assert!(env.contains(&("ISTRA_E164".to_owned(), "+33123456789".to_owned())));
    }

    #[test]
    fn a_webhook_posts_the_moment_the_login_and_the_journals_call() {
        let hooks = Hooks {
            missed: HookAction { command: String::new(), url: "https://hooks.example.com/x".into() },
            ..Hooks::default()
        };
        let record = serde_json::json!({"callId": "-7", "missed": true});
        let jobs = jobs(&hooks, [HookEvent::Missed], &sample_call("-7", CallStateView::Ended), &record, "alice");
        let [Job::Post { url, body }] = jobs.as_slice() else { panic!("one post: {jobs:?}") };
        assert_eq!(url, "https://hooks.example.com/x");
        let body: serde_json::Value = serde_json::from_str(body).expect("json");
        assert_eq!(body, serde_json::json!({"event": "missed", "login": "alice", "call": record}));
        assert!(
            super::jobs(&hooks, [HookEvent::Ringing], &sample_call("-7", CallStateView::Ringing), &record, "a")
                .is_empty()
        );
    }

    #[test]
    fn settings_refuse_an_unknown_placeholder_an_open_quote_or_another_scheme() {
        let with = |command: &str, url: &str| {
            Hooks { ended: HookAction { command: command.into(), url: url.into() }, ..Hooks::default() }.checked()
        };
        assert!(with(" notify {name} ", " https://x.example.com/h ").is_ok_and(|h| h.ended.command == "notify {name}"));
        assert!(with("notify {password}", "").unwrap_err().message.contains("ended command"));
        assert!(with("notify 'x", "").is_err());
        assert!(with("", "file:///etc/passwd").unwrap_err().message.contains("ended webhook"));
        assert!(Hooks::default().is_empty() && Hooks::default().checked().is_ok());
    }

    #[test]
    fn each_moment_is_reached_once_per_call() {
        let mut moments = Moments::default();
        let mut call = sample_call("-1", CallStateView::Ringing);
        assert_eq!(moments.reached(&call), [HookEvent::Ringing]);
        assert_eq!(moments.reached(&call), [], "a repeated ringing update");
        call.state = CallStateView::Talking;
        assert_eq!(moments.reached(&call), [HookEvent::Answered]);
        call.state = CallStateView::Held;
        assert_eq!(moments.reached(&call), []);
        call.state = CallStateView::Talking;
        assert_eq!(moments.reached(&call), [], "resumed from hold: not answered again");
        call.state = CallStateView::Ended;
        assert_eq!(moments.reached(&call), [HookEvent::Ended]);
        let mut missed = sample_call("-2", CallStateView::Ended);
        missed.missed = true;
        assert_eq!(moments.reached(&missed), [HookEvent::Ended, HookEvent::Missed]);
        let mut outgoing = sample_call("3", CallStateView::Ringing);
        outgoing.direction = DirectionView::Outgoing;
        assert_eq!(moments.reached(&outgoing), [], "an outgoing call's far end ringing is not 'ringing'");
        assert!(moments.passed.is_empty() || moments.passed.keys().all(|id| id == "3"), "ended calls forgotten");
    }

    #[test]
    fn ended_moments_wait_for_the_note_when_asked_and_go_once() {
        let mut hooks = Hooks::default();
        let mut held = HeldEnds::default();
        let mut missed = sample_call("-2", CallStateView::Ended);
        missed.missed = true;
        let reached = vec![HookEvent::Ended, HookEvent::Missed];
        assert_eq!(held.split(&hooks, &missed, reached.clone()), (reached.clone(), None), "not asked: at once");

        hooks.ended_after_note = true;
        let talking = sample_call("-1", CallStateView::Talking);
        assert_eq!(held.split(&hooks, &talking, vec![HookEvent::Answered]), (vec![HookEvent::Answered], None));
        let (now, token) = held.split(&hooks, &missed, reached.clone());
        assert!(now.is_empty());
        let token = token.expect("held");
        assert_eq!(held.release("-2").map(|h| h.moments), Some(reached.clone()), "the note came");
        assert!(held.expire("-2", token).is_none(), "and the wait ends with nothing left");

        let (_, first) = held.split(&hooks, &missed, reached.clone());
        let (_, second) = held.split(&hooks, &missed, reached.clone());
        assert!(held.expire("-2", first.expect("held")).is_none(), "an older wait does not release a newer hold");
        assert!(held.expire("-2", second.expect("held")).is_some());
    }
}
