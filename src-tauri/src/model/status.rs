//! The connection as the pages and the tray see it: its state, the terminals, the dial key's
//! way on this desktop, and the state said in one line ([`StatusView::described`]).

use mycrm::Terminal;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use ts_rs::TS;

use crate::model::error::AppError;
use crate::model::i18n::fill;
use crate::model::text::{clip, present};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TerminalView {
    pub id: String,
    pub name: String,
}

impl From<&Terminal> for TerminalView {
    fn from(t: &Terminal) -> Self {
        Self { id: t.terminal_id.clone(), name: clip(t.describe()) }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConnectionState {
    SignedOut,
    Connecting,
    Online,
    Reconnecting,
    Failed,
    Stopped,
}

/// Which way the dial key works on this desktop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum HotkeyWay {
    /// The app holds the key itself (X11, Windows, macOS).
    #[default]
    Grab,
    /// The desktop holds it for the app, through its GlobalShortcuts portal (KDE, GNOME 48 and
    /// later, Hyprland, on Wayland); the key is the one the desktop gave.
    Portal,
    /// The desktop lets no app hold a key (GNOME 46 on Wayland, sway): a shortcut of the
    /// desktop's own runs `istra-tray dial-selection`.
    DesktopShortcut,
}

/// Where the desktop's own shortcut must run `istra-tray dial-selection`: what the app offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum ShortcutOffer {
    /// Nothing more than saying so.
    #[default]
    None,
    /// GNOME: the app can add the shortcut to GNOME's own, with the user's consent.
    Gnome,
    /// A tiling compositor: the line to add to its configuration.
    Line { line: String },
}

/// The connection as the tray, the status line and the sign-in window show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StatusView {
    pub state: ConnectionState,
    pub login: Option<String>,
    pub server: Option<String>,
    pub terminal: Option<TerminalView>,
    pub terminals: Vec<TerminalView>,
    pub detail: Option<String>,
    pub error: Option<AppError>,
    #[ts(type = "number | null")]
    pub retry_in_ms: Option<u64>,
    pub dnd: bool,
    pub missed_count: u32,
    /// The dial key in force ("" for none, or when the desktop's own shortcut holds it).
    pub hotkey: String,
    pub hotkey_way: HotkeyWay,
    /// The desktop has its own dialog to change the key it holds (`Ask::ChangeDialKey`).
    pub hotkey_configurable: bool,
    pub shortcut_offer: ShortcutOffer,
    /// The server address is plain http: the password travels unencrypted.
    pub plain_http: bool,
    /// No tray shows the app's icon on this desktop: the main window stands in for its menu.
    pub tray_missing: bool,
    /// Signed in to the demo's built-in simulator, not a real platform.
    pub demo: bool,
    /// This build has a demo the sign-in page may offer (`Ask::TryDemo`).
    pub can_try_demo: bool,
    /// The state in one line, in the user's language: what the main window's status line, the
    /// tray's first item and its tooltip say (see [`StatusView::described`]).
    pub line: String,
    /// When the next reconnection attempt is due.
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) retry_at: Option<Instant>,
}

impl StatusView {
    pub fn signed_out(hotkey: &str, dnd: bool) -> Self {
        Self {
            state: ConnectionState::SignedOut,
            login: None,
            server: None,
            terminal: None,
            terminals: Vec::new(),
            detail: None,
            error: None,
            retry_in_ms: None,
            dnd,
            missed_count: 0,
            hotkey: hotkey.to_owned(),
            hotkey_way: HotkeyWay::Grab,
            hotkey_configurable: false,
            shortcut_offer: ShortcutOffer::None,
            plain_http: false,
            tray_missing: false,
            demo: false,
            can_try_demo: cfg!(feature = "demo"),
            line: String::new(),
            retry_at: None,
        }
    }

    /// Folds a supervisor state, seen at `now`, into the view, keeping the terminal list of the
    /// last connection.
    pub fn apply(&mut self, state: &mycrm::ConnectionState, now: Instant) {
        use mycrm::ConnectionState as S;
        self.error = None;
        self.retry_at = None;
        self.detail = None;
        match state {
            S::Connecting => self.state = ConnectionState::Connecting,
            S::Online(online) => {
                self.state = ConnectionState::Online;
                self.login = Some(online.login.clone());
                self.terminal = Some(TerminalView::from(&online.terminal));
                self.terminals = online.terminals.iter().map(TerminalView::from).collect();
            }
            S::Reconnecting { delay, reason, .. } => {
                self.state = ConnectionState::Reconnecting;
                self.retry_at = Some(now + *delay);
                self.detail = Some(reason.to_string());
                self.error = Some(reason.clone().into());
            }
            S::Failed(e) => {
                self.state = ConnectionState::Failed;
                self.detail = Some(e.to_string());
                self.error = Some(e.clone().into());
            }
            S::Stopped => self.state = ConnectionState::Stopped,
        }
    }

    /// Whether the view counts down to a reconnection attempt (its line changes every second).
    pub fn counts_down(&self) -> bool {
        self.retry_at.is_some()
    }

    /// This view as seen at `now`: the time left before the next attempt, and its line in
    /// `words`' language.
    #[must_use]
    pub fn described(mut self, now: Instant, words: &crate::model::i18n::Words) -> Self {
        self.retry_in_ms =
            self.retry_at.map(|at| u64::try_from(at.saturating_duration_since(now).as_millis()).unwrap_or(u64::MAX));
        self.line = self.line_in(words);
        self
    }

    fn line_in(&self, words: &crate::model::i18n::Words) -> String {
        let w = &words.status;
        let present = |text: &Option<String>| present(text.as_deref()).map(str::to_owned);
        // Why, in words: the sentence for the error's code, else what the server said.
        let reason =
            self.error.as_ref().and_then(|e| words.error(e.code)).map(str::to_owned).or_else(|| present(&self.detail));
        let with_reason = |text: String| match &reason {
            Some(reason) => format!("{text} — {reason}"),
            None => text,
        };
        match self.state {
            ConnectionState::SignedOut => w.signed_out.clone(),
            ConnectionState::Connecting => match present(&self.server) {
                Some(server) => fill(&w.connecting_to, &[("server", &server)]),
                None => w.connecting.clone(),
            },
            ConnectionState::Online => match (present(&self.login), &self.terminal) {
                (Some(login), Some(t)) => fill(&w.online_on, &[("login", &login), ("terminal", &t.name)]),
                (Some(login), None) => fill(&w.online_no_terminal, &[("login", &login)]),
                (None, _) => w.online.clone(),
            },
            ConnectionState::Reconnecting => with_reason(match self.retry_in_ms.filter(|ms| *ms > 0) {
                Some(ms) => fill(&w.reconnecting_in, &[("seconds", &ms.div_ceil(1000).to_string())]),
                None => w.reconnecting.clone(),
            }),
            ConnectionState::Failed => fill(&w.failed, &[("reason", reason.as_deref().unwrap_or(&w.no_reason))]),
            ConnectionState::Stopped => with_reason(w.stopped.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_status_line_says_the_state_in_words() {
        use crate::model::i18n::{Lang, words_of};
        let en = words_of(Lang::En);
        let now = Instant::now();
        let mut status = StatusView::signed_out("Ctrl+Alt+D", false);
        assert_eq!(status.clone().described(now, en).line, "Signed out");
        status.state = ConnectionState::Connecting;
        status.server = Some("https://pbx.example.com".into());
        assert_eq!(status.clone().described(now, en).line, "Connecting to https://pbx.example.com…");
        let reason = mycrm::Error::new(mycrm::ErrorKind::Network, "error sending request for url (http://x/Login)");
        status.apply(
            &mycrm::ConnectionState::Reconnecting { attempt: 2, delay: Duration::from_millis(4_200), reason },
            now,
        );
        let line = status.clone().described(now + Duration::from_millis(1_100), en).line;
        assert!(line.starts_with("Reconnecting in 4 s — "), "counts down: {line}");
        assert!(!line.contains("error sending request"), "a sentence, not the library's words: {line}");
        assert!(status.counts_down());
        let failed = mycrm::Error::new(mycrm::ErrorKind::NotAllowed, "user extension not allowed for myCRM");
        status.apply(&mycrm::ConnectionState::Failed(failed), now);
        let line = status.clone().described(now, en).line;
        assert!(line.starts_with("Failed: ") && line.contains("myCRM"), "{line}");
        assert!(!status.counts_down());
        let mut online = StatusView { state: ConnectionState::Online, login: Some("alice".into()), ..status.clone() };
        online.error = None;
        online.terminal = Some(TerminalView { id: "1".into(), name: "Desk phone".into() });
        assert_eq!(online.clone().described(now, en).line, "Online — alice on Desk phone");
        assert_eq!(online.clone().described(now, words_of(Lang::Fr)).line, "En ligne — alice sur Desk phone");
        online.terminal = None;
        assert_eq!(online.described(now, en).line, "Online — alice (no terminal chosen)");
        status.error = None;
        status.detail = None;
        assert_eq!(status.described(now, en).line, "Failed: no reason given");
    }
}
