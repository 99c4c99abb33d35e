//! A call's outcome and note, written after it from History or from its ended card, and the
//! ended hooks that wait for them.

use tauri::{Emitter as _, Runtime};

use crate::model::error::{AppError, ErrorCode, off_thread};
use crate::model::hooks::{self, Held, NOTE_WAIT};
use crate::model::notes::Note;
use crate::model::views::CallView;
use crate::platform::calllog::{record_of, view_of};
use crate::shell::windows;

use super::Controller;

impl<R: Runtime> Controller<R> {
    /// Keeps the outcome and note the desk worker wrote for the call `call_id` that started at
    /// `started_at_ms` (replacing what was written before; empty for none), and sends its
    /// ended hooks when they waited for it. Returns the call as History now lists it.
    ///
    /// # Errors
    ///
    /// `invalid_note` for a note too long or a call the history does not have, `journal` when
    /// the history is unavailable.
    pub async fn save_note(
        &self,
        call_id: String,
        started_at_ms: u64,
        outcome: &str,
        note: &str,
    ) -> Result<CallView, AppError> {
        let note = Note::checked(outcome, note)?;
        let log = self.calllog()?.clone();
        let id = call_id.clone();
        let record = off_thread(move || log.annotate(&id, started_at_ms, &note))
            .await?
            .ok_or_else(|| AppError::new(ErrorCode::InvalidNote, "this call is not in the history"))?;
        let noted = view_of(&record);
        let held = self.lock().held_ends.release(&call_id);
        if let Some(held) = held {
            let body = serde_json::to_value(&record).unwrap_or_default();
            let call = CallView { outcome: noted.outcome.clone(), note: noted.note.clone(), ..held.call.clone() };
            self.run_held(&Held { call, ..held }, &body);
        }
        let _ = self.app.emit("recent-calls-changed", self.recent_calls());
        Ok(noted)
    }

    /// Opens History on the call's note (the ended card's "Note").
    pub fn open_note(&self, call_id: &str) {
        windows::open_main(&self.app, &format!("note/{call_id}"));
    }

    /// Sends the call's held ended hooks after [`NOTE_WAIT`] if no note came by then.
    pub(super) fn wait_for_note(&self, call_id: &str, token: u64) {
        let controller = self.clone();
        let call_id = call_id.to_owned();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(NOTE_WAIT).await;
            let held = controller.lock().held_ends.expire(&call_id, token);
            if let Some(held) = held {
                let terminal = controller.lock().status.terminal.as_ref().map(|t| t.id.clone());
                let body = serde_json::to_value(record_of(&held.call, terminal.as_deref())).unwrap_or_default();
                controller.run_held(&held, &body);
            }
        });
    }

    /// Queues a call's held moments after its earlier hooks, the call as `body` (the journal's).
    fn run_held(&self, held: &Held, body: &serde_json::Value) {
        let jobs = {
            let inner = self.lock();
            let moments = held.moments.iter().copied();
            hooks::jobs(&inner.settings.hooks, moments, &held.call, body, &inner.settings.login)
        };
        self.hooks.send(&held.call.id, jobs, true);
    }
}
