//! Dialling: text, a call back, the selection on a hotkey or a tray item, and what the user is
//! told; and carrying out the shell's intents.

use tauri::Runtime;
use tokio::time::Instant;

use crate::model::error::{AppError, ErrorCode};
use crate::model::i18n::{fill, words};
use crate::model::intent::{Intent, Source};
use crate::model::views::DialOutcome;
use crate::platform::notifier;
use crate::platform::selection;
use crate::shell::windows;

use super::{Controller, capitalise, not_signed_in};

impl<R: Runtime> Controller<R> {
    /// Finds the number in `text` and calls it from the watched terminal.
    ///
    /// # Errors
    ///
    /// Why nothing was dialed: no number, ambiguous, not signed in, the platform's refusal.
    pub async fn dial_text(&self, text: &str) -> Result<DialOutcome, AppError> {
        let (rules, handle) = {
            let inner = self.lock();
            (inner.settings.dial_rules()?, inner.connection.clone())
        };
        let started = Instant::now();
        let destination = rules.destination(text)?;
        let rules_took = started.elapsed();
        let handle = handle.ok_or_else(not_signed_in)?;
        let corner = {
            let mut inner = self.lock();
            if !inner.dials.take(&destination.dial, Instant::now()) {
                return Err(AppError::new(ErrorCode::Duplicate, format!("already calling {}", destination.display)));
            }
            inner.settings.shows_popups().then_some(inner.settings.popup_corner)
        };
        if let Some(corner) = corner {
            // The call's popup is about to show: have it ready.
            self.ready_popup(corner);
        }
        let placing = Instant::now();
        let placed = handle.place_call(destination.dial.clone()).await;
        tracing::info!(rules_us = rules_took.as_micros(), place_call_us = placing.elapsed().as_micros(), "PlaceCall");
        if let Err(e) = placed {
            self.lock().dials.failed(&destination.dial);
            return Err(e.into());
        }
        Ok(DialOutcome::from(&destination))
    }

    /// Calls back the party of a known call.
    ///
    /// # Errors
    ///
    /// As [`Controller::dial_text`]; `unknown_call`, or `call_without_number` when the call has
    /// no number.
    pub async fn call_back(&self, call_id: &str) -> Result<DialOutcome, AppError> {
        let number = self.number_of(call_id)?;
        let outcome = self.dial_text(&number).await?;
        if let Some(log) = &self.calllog {
            log.mark_seen_for_number(&number);
        }
        Ok(outcome)
    }

    /// Carries out what the user asked for through the tray or the hotkey.
    pub async fn carry_out(&self, intent: Intent) {
        match intent {
            Intent::Dial { source, asked } => self.dial_from(source, asked).await,
            Intent::ToggleDoNotDisturb => self.set_dnd(!self.settings().dnd),
            Intent::MarkMissedSeen => self.mark_missed_seen(),
            Intent::OpenRecent => {
                self.mark_missed_seen();
                windows::open_main(&self.app, "recent");
            }
            Intent::OpenSettings => windows::open_main(&self.app, "settings"),
            Intent::OpenAbout => windows::open_main(&self.app, "about"),
            Intent::OpenSignIn => windows::open_signin(&self.app),
            Intent::CopyDiagnostics => self.copy_diagnostics().await,
            Intent::SignOut => self.sign_out().await,
            Intent::ChangeDialKey => self.change_dial_key().await,
            Intent::TryDemo => self.try_demo().await,
            Intent::Quit => {
                self.shutdown().await;
                self.app.exit(0);
            }
            Intent::CallBack(call_id) => self.call_back_with_toast(&call_id).await,
            Intent::SelectTerminal(terminal) => {
                if let Err(e) = self.select_terminal(&terminal).await {
                    tracing::warn!(error = %e, "cannot switch terminal");
                }
            }
        }
    }

    pub async fn call_back_with_toast(&self, call_id: &str) {
        self.tell(self.call_back(call_id).await);
    }

    /// Reads the selection (or clipboard) and dials what it holds, with a toast either way.
    /// `asked` is when the user asked (the hotkey's key event, the menu click): the log tells
    /// where the time went from there (`scripts/bench-app.sh` reads it).
    pub async fn dial_from(&self, source: Source, asked: Instant) {
        let outcome = match selection::read(source).await {
            Ok(text) => {
                let read = asked.elapsed();
                let outcome = self.dial_text(&text).await;
                tracing::info!(
                    ?source,
                    selection_us = read.as_micros(),
                    total_us = asked.elapsed().as_micros(),
                    placed = outcome.is_ok(),
                    "dial from the selection"
                );
                outcome
            }
            Err(e) => Err(e),
        };
        self.tell(outcome);
    }

    /// Tells the user what a dial did: why nothing was dialled, in a notification; a call placed
    /// is shown by its popup, or in a notification when popups are off.
    pub fn tell(&self, outcome: Result<DialOutcome, AppError>) {
        let w = words();
        match outcome {
            Ok(outcome) => {
                let popups = self.lock().settings.shows_popups();
                if !popups {
                    notifier::toast(
                        fill(&w.toast.calling, &[("number", &outcome.display)]),
                        &w.toast.phone_rings_first,
                    );
                }
            }
            Err(e) => {
                let sentence = w.error(e.code).map_or_else(|| capitalise(&e.message), str::to_owned);
                notifier::toast(&w.toast.nothing_dialed, sentence);
            }
        }
    }
}
