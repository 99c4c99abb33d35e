//! The journal and the contacts as the pages ask for them (History, export, suggestions,
//! imports), and the diagnostics report.

use std::time::SystemTime;

use mycrm::Server;
use tauri::Runtime;

use crate::model::error::{AppError, ErrorCode};
use crate::model::i18n::words;
use crate::model::views::{CallView, ContactImport, HistoryFilter, HistoryPage, Suggestion};
use crate::platform::calllog::CallLog;
use crate::platform::contacts::Contacts;
use crate::platform::notifier;
use crate::platform::selection;

use super::{Controller, Persistence, unknown_call};

impl<R: Runtime> Controller<R> {
    pub(super) fn contacts(&self) -> Result<&Contacts, AppError> {
        self.contacts.as_ref().ok_or_else(|| AppError::new(ErrorCode::Contacts, "the contacts are unavailable"))
    }

    /// Numbers for the dial pad matching what the user typed.
    ///
    /// # Errors
    ///
    /// `contacts` when the database cannot be read.
    pub fn suggest(&self, text: &str) -> Result<Vec<Suggestion>, AppError> {
        self.contacts()?.suggest(text)
    }

    /// Adds the contacts of a CSV or vCard file.
    ///
    /// # Errors
    ///
    /// `contacts_file` for a file with no readable contacts, `contacts` when they cannot be stored.
    pub async fn import_contacts(&self, file_name: String, content: String) -> Result<ContactImport, AppError> {
        let contacts = self.contacts()?.clone();
        let rules = self.settings().dial_rules()?;
        crate::model::error::off_thread(move || contacts.import(&rules, &file_name, &content)).await
    }

    /// Removes every contact.
    ///
    /// # Errors
    ///
    /// `contacts` when they cannot be removed.
    pub fn clear_contacts(&self) -> Result<(), AppError> {
        self.contacts()?.clear()
    }

    /// How many contacts are stored.
    ///
    /// # Errors
    ///
    /// `contacts` when they cannot be read.
    pub fn contact_count(&self) -> Result<u32, AppError> {
        self.contacts()?.count()
    }

    /// Copies a redacted diagnostics report (state, settings without secrets, last log
    /// lines) to the clipboard, with a toast.
    pub async fn copy_diagnostics(&self) {
        let (status, settings) = {
            let inner = self.lock();
            (inner.status.clone(), inner.settings.clone())
        };
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
        let state = [
            ("state", status.line.clone()),
            ("error", status.error.as_ref().map(|e| format!("{}: {}", e.code, e.message)).unwrap_or_default()),
            ("server", settings.server.clone()),
            ("plain http", yes_no(Server::parse(&settings.server).is_ok_and(|s| s.is_plain_http()))),
            ("login", settings.login.clone()),
            ("terminal", settings.terminal_id.clone().unwrap_or_default()),
            ("terminals", status.terminals.len().to_string()),
            ("hotkey", settings.hotkey.clone()),
            ("do not disturb", yes_no(settings.dnd)),
            (
                "popups",
                format!(
                    "{} ({:?}, {} s)",
                    yes_no(settings.popup_enabled),
                    settings.popup_corner,
                    settings.popup_linger_secs
                ),
            ),
            (
                "country / prefix",
                format!("{} / {}", settings.default_country, settings.outside_line_prefix.unwrap_or_default()),
            ),
            ("screen pop", format!("{} ({:?})", yes_no(!settings.screen_pop_url.is_empty()), settings.screen_pop_on)),
            ("phone links", yes_no(settings.handle_links)),
            ("call journal", yes_no(self.calllog.is_some())),
            ("missed unseen", status.missed_count.to_string()),
            ("settings stored", yes_no(matches!(self.persistence, Persistence::Stored(_)))),
            ("locked by administrators", settings.managed.locked.join(", ")),
            ("call hooks", yes_no(!settings.hooks.is_empty())),
            ("call hook failures", self.hooks.failures().join(" | ")),
        ];
        let report = crate::platform::logs::report(&state);
        match selection::copy(report).await {
            Ok(()) => notifier::toast(&words().tray.diagnostics_copied, &words().tray.diagnostics_paste),
            Err(e) => notifier::toast(&words().tray.copy_diagnostics, e.message),
        }
    }

    /// A call on the board or, failing that, in the journal.
    pub(super) fn find_call(&self, call_id: &str) -> Option<CallView> {
        let on_board = self.lock().board.find(call_id).cloned();
        on_board.or_else(|| self.calllog.as_ref().and_then(|log| log.find(call_id)))
    }

    /// The number to call back for a known call.
    pub(super) fn number_of(&self, call_id: &str) -> Result<String, AppError> {
        let call = self.find_call(call_id).ok_or_else(unknown_call)?;
        call.callback_number()
            .map(str::to_owned)
            .ok_or_else(|| AppError::new(ErrorCode::CallWithoutNumber, "this call has no number"))
    }

    /// Copies the call's number (E.164 when known) to the clipboard.
    ///
    /// # Errors
    ///
    /// `unknown_call` when the call is unknown, `call_without_number` when it has no number.
    pub async fn copy_number(&self, call_id: &str) -> Result<(), AppError> {
        selection::copy(self.number_of(call_id)?).await
    }

    pub(super) fn calllog(&self) -> Result<&CallLog, AppError> {
        self.calllog.as_ref().ok_or_else(|| AppError::new(ErrorCode::Journal, "the call history is unavailable"))
    }

    /// A page of the History view.
    ///
    /// # Errors
    ///
    /// `journal` when the history is unavailable.
    pub fn history_page(
        &self,
        filter: HistoryFilter,
        search: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<HistoryPage, AppError> {
        self.calllog()?.page(filter, search, cursor)
    }

    /// Exports the listed calls as CSV into the Downloads folder; returns the file's path.
    ///
    /// # Errors
    ///
    /// `journal` when the history is unavailable or the file cannot be written.
    pub async fn export_history(&self, filter: HistoryFilter, search: Option<String>) -> Result<String, AppError> {
        let log = self.calllog()?.clone();
        let dir = dirs::download_dir().or_else(dirs::home_dir).unwrap_or_else(std::env::temp_dir);
        let stamp = SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let path = dir.join(format!("istra-tray-calls-{stamp}.csv"));
        let written = path.clone();
        crate::model::error::off_thread(move || log.export(filter, search.as_deref(), &written)).await?;
        Ok(path.to_string_lossy().into_owned())
    }
}
