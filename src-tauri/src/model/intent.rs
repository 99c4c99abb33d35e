//! What the user asks for through the shell (the tray menu, the global hotkey), as data. The
//! shell sends intents over a channel and the controller carries them out: the shell never
//! calls back into the controller, and what each menu item asks for is a table tested without a
//! desktop (`tray::intent_for`).

use serde::Deserialize;
use tokio::sync::mpsc;
use tokio::time::Instant;
use ts_rs::TS;

/// Where to read the text from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The text selected anywhere on screen.
    Selection,
    /// The clipboard (what the user copied).
    Clipboard,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Dial what the user selected (or copied); `asked` is when the key or item was pressed.
    Dial {
        source: Source,
        asked: Instant,
    },
    ToggleDoNotDisturb,
    MarkMissedSeen,
    /// The recent calls, the missed ones then counted as seen.
    OpenRecent,
    OpenSettings,
    /// Settings, at its About section (the version, diagnostics).
    OpenAbout,
    OpenSignIn,
    CopyDiagnostics,
    SignOut,
    Quit,
    /// Call back the other party of this call (by id).
    CallBack(String),
    /// Watch this terminal (by id) from now on.
    SelectTerminal(String),
    /// Open the desktop's own dialog to change the dial key (where the desktop holds it).
    ChangeDialKey,
    /// Start again in demo mode, against the built-in simulator (builds with a demo only).
    TryDemo,
}

/// Where the shell sends intents; kept in the app's state.
#[derive(Clone, Debug)]
pub struct Intents(mpsc::UnboundedSender<Intent>);

impl Intents {
    /// The sending side, and the receiving side for the controller.
    pub fn channel() -> (Self, mpsc::UnboundedReceiver<Intent>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Self(sender), receiver)
    }

    /// Hands `intent` to the controller; lost (and logged) only once the app is ending.
    pub fn send(&self, intent: Intent) {
        if let Err(e) = self.0.send(intent) {
            tracing::warn!(intent = ?e.0, "nobody carries out intents any more");
        }
    }
}

/// What a page may ask for as the tray menu would (the main window where no tray shows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Ask {
    ToggleDoNotDisturb,
    DialClipboard,
    SignOut,
    Quit,
    ChangeDialKey,
    TryDemo,
    CopyDiagnostics,
}

impl Ask {
    /// The intent, asked for at `now`.
    pub fn intent(self, now: Instant) -> Intent {
        match self {
            Self::ToggleDoNotDisturb => Intent::ToggleDoNotDisturb,
            Self::DialClipboard => Intent::Dial { source: Source::Clipboard, asked: now },
            Self::SignOut => Intent::SignOut,
            Self::Quit => Intent::Quit,
            Self::ChangeDialKey => Intent::ChangeDialKey,
            Self::TryDemo => Intent::TryDemo,
            Self::CopyDiagnostics => Intent::CopyDiagnostics,
        }
    }
}
