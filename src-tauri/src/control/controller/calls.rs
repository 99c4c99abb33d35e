//! Following the connection and the calls: state → status and tray, call updates → board,
//! popup, notifications, journal and screen pop.

use std::sync::PoisonError;
use std::time::{Duration, SystemTime};

use mycrm::supervisor::SupervisorHandle;
use mycrm::{CallTracker, Event};
use tauri::{Emitter as _, Runtime};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use crate::model::board::Showing;
use crate::model::error::{AppError, ErrorCode};
use crate::model::i18n::words;
use crate::model::policy::Alert;
use crate::model::settings::PopupCorner;
use crate::model::views::{CallStateView, CallView, DirectionView, Painted};
use crate::model::{hooks, screenpop, views};
use crate::platform::calllog::record_of;
use crate::platform::{launch, notifier};
use crate::shell::{popup, tray};

use super::{Controller, unknown_call};

impl<R: Runtime> Controller<R> {
    pub(super) async fn follow_state(self, handle: SupervisorHandle, generation: u64) {
        let mut states = handle.subscribe();
        loop {
            let state = states.borrow_and_update().clone();
            let (counts_down, ready_popup) = {
                let mut inner = self.lock();
                if inner.generation != generation {
                    return;
                }
                inner.status.apply(&state, Instant::now());
                let mut ready_popup = None;
                if let mycrm::ConnectionState::Online(online) = &state {
                    inner.settings.terminal_id = Some(online.terminal.terminal_id.clone());
                    // The first popup in a process costs WebKit's own start in this process
                    // (~150 ms more than a later cold one): pay it at the first sign-in, when
                    // nobody waits, and have the popup ready for the calls that follow it.
                    if !inner.popup_readied && inner.settings.shows_popups() {
                        inner.popup_readied = true;
                        ready_popup = Some(inner.settings.popup_corner);
                    }
                }
                (inner.status.counts_down(), ready_popup)
            };
            if let Some(corner) = ready_popup {
                self.ready_popup(corner);
            }
            self.status_changed();
            // While waiting to reconnect, the status line counts the seconds down.
            let mut changed = std::pin::pin!(states.changed());
            loop {
                tokio::select! {
                    result = &mut changed => {
                        if result.is_err() {
                            return;
                        }
                        break;
                    }
                    () = tokio::time::sleep(Duration::from_secs(1)), if counts_down => {
                        if self.lock().generation != generation {
                            return;
                        }
                        self.status_changed();
                    }
                }
            }
        }
    }

    /// Makes the popup ready, hidden, for calls about to come.
    pub(super) fn ready_popup(&self, corner: PopupCorner) {
        let app = self.app.clone();
        let _ = self.app.run_on_main_thread(move || popup::prepare(&app, corner));
    }

    pub(super) async fn follow_calls(self, mut events: mpsc::Receiver<Event>, generation: u64) {
        let mut tracker = CallTracker::default();
        let mut next_expiry = Instant::now() + Duration::from_secs(30);
        let mut next_tick = Instant::now();
        loop {
            let (departure, ticking) = {
                let inner = self.lock();
                (inner.board.next_departure(), inner.board.has_running_timer())
            };
            let mut wake = departure.map_or(next_expiry, |d| d.min(next_expiry));
            if ticking {
                // A talking call's timer moves on in the popup once a second.
                wake = wake.min(next_tick);
            }
            tokio::select! {
                event = events.recv() => {
                    let Some(event) = event else { return };
                    if let Some(update) = tracker.apply(&event, Instant::now()) {
                        self.on_update(&update.call, update.is_new, generation);
                    }
                }
                () = sleep_until(wake) => {
                    let now = Instant::now();
                    if now >= next_expiry {
                        for update in tracker.expire(now) {
                            self.on_update(&update.call, false, generation);
                        }
                        next_expiry = now + Duration::from_secs(30);
                    }
                    let (left, ticking) = {
                        let mut inner = self.lock();
                        (inner.board.tick(now), inner.board.has_running_timer())
                    };
                    if left || (ticking && now >= next_tick) {
                        next_tick = now + Duration::from_secs(1);
                        self.popup_changed();
                    }
                }
            }
        }
    }

    pub(super) fn on_update(&self, call: &mycrm::Call, is_new: bool, generation: u64) {
        let now = Instant::now();
        let wall_now = SystemTime::now();
        let mut view = CallView::from_call(call, now, wall_now);
        let (change, settings, record, pop, alert, (hook_jobs, held, ended, look_up)) = {
            let mut inner = self.lock();
            if inner.generation != generation {
                return;
            }
            if let (Some(contacts), Ok(rules)) = (&self.contacts, inner.settings.dial_rules()) {
                view.name = contacts.name_for(&rules, &view);
            }
            view.screen_pop = !inner.settings.screen_pop_url.is_empty();
            if view.name.is_none() {
                if let Some(caller) = inner.found.get(&view.id) {
                    view.found(caller);
                }
            }
            if view.state == CallStateView::Ended {
                inner.found.remove(&view.id);
            }
            // A party the contacts do not name (a caller, or a number dialled) is looked up,
            // without making the popup wait.
            let look_up =
                is_new && view.name.is_none() && view.callback_number().is_some() && !inner.settings.lookup.is_off();
            let view = view.counted(inner.settings.queue_taken_elsewhere_missed).described(views::wall_ms(wall_now));
            let pop = {
                let inner = &mut *inner;
                inner.screen_pops.should_pop(&inner.settings, &view, is_new).then(|| view.clone())
            };
            let terminal = inner.status.terminal.as_ref().map(|t| t.id.as_str());
            let record = self.calllog.as_ref().map(|_| record_of(&view, terminal));
            let (hook_jobs, held) = if inner.settings.hooks.is_empty() {
                (Vec::new(), None)
            } else {
                let journal_call = serde_json::to_value(record_of(&view, terminal)).unwrap_or_default();
                let inner = &mut *inner;
                let moments = inner.moments.reached(&view);
                let (moments, held) = inner.held_ends.split(&inner.settings.hooks, &view, moments);
                let jobs = hooks::jobs(&inner.settings.hooks, moments, &view, &journal_call, &inner.settings.login);
                (jobs, held)
            };
            let ended = view.state == CallStateView::Ended;
            let to_look_up = look_up.then(|| view.clone());
            let placed_here =
                is_new && view.direction == DirectionView::Outgoing && inner.dials.placed_here(&view, now);
            let showing = Showing {
                popups: inner.settings.shows_popups(),
                linger: Duration::from_secs(u64::from(inner.settings.popup_linger_secs)),
            };
            let mut change = inner.board.apply(view, is_new, placed_here, showing, now);
            inner.status.missed_count = inner.board.missed_count();
            let still_ringing = call.state == mycrm::CallState::Ringing;
            let inner = &mut *inner;
            let alert = inner.alerts.after(change.notice.take(), &call.id, still_ringing, &inner.settings);
            (change, inner.settings.clone(), record, pop, alert, (hook_jobs, held, ended, to_look_up))
        };
        if let Some(view) = look_up {
            self.look_up(view);
        }
        // A call whose ended hooks wait for its note keeps its queue until they ran.
        let ended = ended && held.is_none();
        if !hook_jobs.is_empty() || ended {
            self.hooks.send(&call.id, hook_jobs, ended);
        }
        if let Some(token) = held {
            self.wait_for_note(&call.id, token);
        }
        if let Some(call) = pop {
            self.open_screen_pop(&settings.screen_pop_url, &call);
        }
        if change.popup {
            self.popup_changed();
        }
        if change.recent {
            let _ = self.app.emit("recent-calls-changed", self.recent_calls());
        }
        if change.tray {
            self.status_changed();
        }
        if let Some(alert) = alert {
            self.notify(alert);
        }
        if let (Some(log), Some(record)) = (&self.calllog, record) {
            log.write(record);
        }
    }

    /// Asks the lookup sources who `call` is, in a task of its own; names it when one knows.
    fn look_up(&self, call: CallView) {
        let Some(lookups) = self.lookups.lock().unwrap_or_else(PoisonError::into_inner).clone() else { return };
        let controller = self.clone();
        tauri::async_runtime::spawn(async move {
            if let Some(caller) = lookups.find(&call).await {
                controller.name_found(&call.id, &caller);
            }
        });
    }

    /// A lookup found who calls: the call's card, its line in History and the journal say it,
    /// and its next updates keep it.
    fn name_found(&self, call_id: &str, caller: &lookup::Caller) {
        let now_ms = views::wall_ms(SystemTime::now());
        let (change, record) = {
            let mut inner = self.lock();
            if let Some(call) = inner.board.find(call_id) {
                // For the log and `scripts/bench-app.sh`: the lookup's time, from the call's
                // first event.
                let after_frame_ms = now_ms.saturating_sub(call.started_at_ms);
                tracing::info!(call_id, after_frame_ms, "name found");
            }
            let in_progress = inner.board.find(call_id).is_some_and(|call| call.state != CallStateView::Ended);
            if in_progress {
                inner.found.insert(call_id.to_owned(), caller.clone());
            }
            let change = inner.board.rename(call_id, |call| {
                if call.name.is_none() {
                    call.found(caller);
                    *call = call.clone().described(now_ms);
                }
            });
            let terminal = inner.status.terminal.as_ref().map(|t| t.id.as_str());
            let record = inner.board.find(call_id).map(|call| record_of(call, terminal));
            (change, record)
        };
        if change.popup {
            self.popup_changed();
        }
        if change.recent {
            let _ = self.app.emit("recent-calls-changed", self.recent_calls());
        }
        if change.tray {
            self.status_changed();
        }
        if let (Some(log), Some(record)) = (&self.calllog, record) {
            log.write(record);
        }
    }

    /// Raises, replaces or closes the call's desktop notification (`policy::Alerts` decided).
    pub(super) fn notify(&self, alert: Alert) {
        match alert {
            Alert::Incoming(call) => {
                tauri::async_runtime::spawn_blocking(move || notifier::incoming(&call));
            }
            Alert::Missed(call) => {
                let controller = self.clone();
                let id = call.id.clone();
                tauri::async_runtime::spawn_blocking(move || {
                    notifier::missed(&call, move || {
                        tauri::async_runtime::spawn(async move { controller.call_back_with_toast(&id).await });
                    });
                });
            }
            Alert::Close(id) => {
                tauri::async_runtime::spawn_blocking(move || notifier::settled(&id));
            }
        }
    }

    /// Opens the CRM page for a call in the background; a failure is told in a toast.
    pub(super) fn open_screen_pop(&self, template: &str, call: &CallView) {
        let url = screenpop::expand(template, call);
        tauri::async_runtime::spawn_blocking(move || {
            if let Err(e) = url.and_then(|url| launch::open(&url)) {
                tracing::warn!(error = %e, "screen pop not opened");
                notifier::toast(&words().toast.browser_failed, e.message);
            }
        });
    }

    /// Opens the CRM page for a call on the board or in the journal (the popup's button).
    ///
    /// # Errors
    ///
    /// `invalid_template` when no screen pop address is set, `unknown_call` for an unknown call,
    /// `browser` when no browser starts.
    pub fn screen_pop(&self, call_id: &str) -> Result<(), AppError> {
        let call = self.find_call(call_id).ok_or_else(unknown_call)?;
        if let Some(page) = &call.crm_url {
            // The caller's own page, as the CRM lookup answered it.
            return launch::open(page);
        }
        let template = self.settings().screen_pop_url;
        if template.is_empty() {
            return Err(AppError::new(ErrorCode::InvalidTemplate, "no screen pop address is set"));
        }
        launch::open(&screenpop::expand(&template, &call)?)
    }

    pub(super) fn popup_changed(&self) {
        let corner = self.lock().settings.popup_corner;
        popup::show(&self.app, &self.popup_calls(), corner);
    }

    pub(super) fn status_changed(&self) {
        let (status, recent, ringing) = {
            let inner = self.lock();
            (inner.status_now(), inner.board.recent(), inner.board.is_ringing())
        };
        tray::refresh(&self.app, &status, &recent, ringing);
        let _ = self.app.emit("status-changed", &status);
    }

    pub fn set_dnd(&self, dnd: bool) {
        let settings = {
            let mut inner = self.lock();
            inner.settings.dnd = dnd;
            inner.status.dnd = dnd;
            inner.settings.clone()
        };
        if let Err(e) = self.persist(&settings) {
            tracing::warn!(error = %e, "cannot save do-not-disturb");
        }
        self.status_changed();
    }

    /// The popup painted `call_id`'s card, or its name, at `painted_at_ms` (the page's clock,
    /// Unix ms).
    pub fn popup_painted(&self, call_id: &str, painted_at_ms: f64, painted: Painted) {
        let Some(started) = self.lock().board.find(call_id).map(|call| call.started_at_ms) else { return };
        // Started is when the call's first event reached the app.
        let after_frame_ms = painted_at_ms - started as f64;
        tracing::info!(call_id, after_frame_ms, ?painted, "popup painted");
    }

    pub fn dismiss_call(&self, call_id: &str) {
        let removed = self.lock().board.dismiss(call_id);
        if removed {
            self.popup_changed();
        }
    }

    pub fn mark_missed_seen(&self) {
        let changed = {
            let mut inner = self.lock();
            let changed = inner.board.mark_missed_seen();
            inner.status.missed_count = 0;
            changed
        };
        if let Some(log) = &self.calllog {
            log.mark_all_seen();
        }
        if changed {
            self.status_changed();
        }
    }
}
