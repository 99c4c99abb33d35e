//! The app's one controller: owns the settings, the connection (a mycrm supervisor), the call
//! board, and turns call updates into popups, notifications, tray changes and UI events.
//! Tauri commands are thin calls into it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use mycrm::supervisor::{self, SupervisorConfig, SupervisorHandle};
use mycrm::{CallTracker, Client, Credentials, Event, Password, Server};
use tauri::{AppHandle, Emitter as _, Runtime, Wry};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use crate::board::{CallBoard, Notice, RECENT_LEN, Showing};
use crate::calllog::{CallLog, record_of};
use crate::contacts::Contacts;
use crate::desk::{self, AppDesk};
use crate::error::{AppError, ErrorCode};
use crate::i18n::{fill, words};
use crate::intent::Intent;
use crate::policy::{Dials, ScreenPops};
use crate::selection::{self, Source};
use crate::settings::{PopupCorner, Settings};
use crate::views::{
    CallView, ContactImport, DialOutcome, DirectionView, HistoryFilter, HistoryPage, StatusView, Suggestion,
    TerminalView,
};
use crate::{links, notifier, popup, screenpop, secrets, tray, views, windows};

/// Where settings and the password go.
#[derive(Clone, Debug)]
pub enum Persistence {
    /// Settings file and keyring (normal use).
    Stored(PathBuf),
    /// Nothing is written (demo mode, scripted start without --remember).
    Memory,
}

struct Inner {
    settings: Settings,
    status: StatusView,
    board: CallBoard,
    connection: Option<SupervisorHandle>,
    /// Bumped at every (re)connection so tasks of an old one stop touching the state.
    generation: u64,
    /// The repeat-dial guard and the app's own outgoing calls.
    dials: Dials,
    screen_pops: ScreenPops,
    /// Whether the popup was made ready once since the app started (see `follow_state`).
    popup_readied: bool,
}

/// Cheap to clone; all clones share one state.
pub struct Controller<R: Runtime = Wry> {
    app: AppHandle<R>,
    persistence: Persistence,
    /// `None` when the journal could not be opened: the app works on without it.
    calllog: Option<CallLog>,
    /// Kept in the journal's database: `None` with it.
    contacts: Option<Contacts>,
    inner: Arc<Mutex<Inner>>,
}

impl<R: Runtime> Clone for Controller<R> {
    fn clone(&self) -> Self {
        Self {
            app: self.app.clone(),
            persistence: self.persistence.clone(),
            calllog: self.calllog.clone(),
            contacts: self.contacts.clone(),
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<R: Runtime> std::fmt::Debug for Controller<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Controller").field("persistence", &self.persistence).finish_non_exhaustive()
    }
}

impl<R: Runtime> Controller<R> {
    pub fn new(
        app: AppHandle<R>,
        settings: Settings,
        persistence: Persistence,
        journal: Option<Arc<journal::Journal>>,
    ) -> Self {
        let calllog = journal.clone().map(CallLog::new);
        let contacts = journal.map(Contacts::new);
        let mut status = StatusView::signed_out(&settings.hotkey, settings.dnd);
        let mut board = CallBoard::default();
        if let Some(log) = &calllog {
            board.seed(log.recent(RECENT_LEN), log.missed_unseen());
            status.missed_count = board.missed_count();
        }
        let inner = Inner {
            settings,
            status,
            board,
            connection: None,
            generation: 0,
            dials: Dials::default(),
            screen_pops: ScreenPops::default(),
            popup_readied: false,
        };
        Self { app, persistence, calllog, contacts, inner: Arc::new(Mutex::new(inner)) }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The connection's state as the UI shows it now.
    pub fn status(&self) -> StatusView {
        self.lock().status.clone().described(Instant::now(), words())
    }

    pub fn settings(&self) -> Settings {
        self.lock().settings.clone()
    }

    /// The popup's calls, newest first, described now: a talking call's timer reads this moment.
    pub fn popup_calls(&self) -> Vec<CallView> {
        let now_ms = views::wall_ms(SystemTime::now());
        self.lock().board.popup().iter().map(|call| call.clone().described(now_ms)).collect()
    }

    pub fn recent_calls(&self) -> Vec<CallView> {
        self.lock().board.recent()
    }

    /// Starts from the stored settings: connects silently when a password is in the keyring,
    /// otherwise opens the sign-in window.
    pub async fn start_from_storage(&self) {
        let settings = self.settings();
        if settings.server.is_empty() || settings.login.is_empty() {
            windows::open_signin(&self.app);
            return;
        }
        match secrets::load(&settings.server, &settings.login).await {
            Ok(Some(password)) => {
                if let Err(e) = self.connect(Credentials { login: settings.login.clone(), password }).await {
                    tracing::warn!(error = %e, "cannot connect with the stored settings");
                    windows::open_signin(&self.app);
                }
            }
            Ok(None) => windows::open_signin(&self.app),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the keyring");
                windows::open_signin(&self.app);
            }
        }
    }

    /// Checks the credentials against the server (showing its own reason when it refuses),
    /// then connects and, when asked, remembers the password in the keyring.
    ///
    /// # Errors
    ///
    /// The server's refusal, an invalid address, or a keyring failure.
    pub async fn sign_in(
        &self,
        server: &str,
        login: &str,
        password: String,
        remember: bool,
        ca_file: Option<String>,
    ) -> Result<StatusView, AppError> {
        let settings =
            Settings { server: server.trim().to_owned(), login: login.trim().to_owned(), ca_file, ..self.settings() }
                .validated()?;
        if settings.login.is_empty() || password.is_empty() {
            return Err(AppError::new(ErrorCode::BadCredentials, "enter your login and password"));
        }
        let credentials = Credentials { login: settings.login.clone(), password: Password::new(password) };
        let parsed = Server::parse(&settings.server)?;
        let probe = Client::with_tls(parsed, &settings.tls()?)?.login(&credentials).await?;
        let terminals = probe.terminals().await;
        let _ = probe.logout().await;
        let terminals = terminals?;
        if remember {
            if let Persistence::Stored(_) = self.persistence {
                secrets::store(&settings.server, &settings.login, &credentials.password).await?;
            }
        }
        let keep_terminal =
            settings.terminal_id.as_ref().is_some_and(|id| terminals.iter().any(|t| &t.terminal_id == id));
        let settings = Settings { terminal_id: if keep_terminal { settings.terminal_id } else { None }, ..settings };
        self.persist(&settings)?;
        self.lock().settings = settings;
        self.connect(credentials).await?;
        let mut status = self.status();
        if status.terminals.is_empty() {
            status.terminals = terminals.iter().map(TerminalView::from).collect();
        }
        Ok(status)
    }

    fn persist(&self, settings: &Settings) -> Result<(), AppError> {
        match &self.persistence {
            Persistence::Stored(path) => settings.save(path),
            Persistence::Memory => Ok(()),
        }
    }

    /// (Re)starts the connection with these credentials.
    ///
    /// # Errors
    ///
    /// An invalid server address in the settings.
    pub async fn connect(&self, credentials: Credentials) -> Result<(), AppError> {
        let settings = self.settings();
        let server = Server::parse(&settings.server)?;
        let plain_http = server.is_plain_http();
        if plain_http {
            tracing::warn!("plain http server: the password travels unencrypted");
        }
        let mut config = SupervisorConfig::new(server, credentials);
        config.terminal = settings.terminal_id.clone();
        config.tls = settings.tls()?;
        let (handle, events) = supervisor::spawn(config)?;
        let (old, generation) = {
            let mut inner = self.lock();
            inner.generation += 1;
            inner.status = StatusView {
                state: crate::views::ConnectionState::Connecting,
                server: Some(settings.server.clone()),
                login: Some(settings.login.clone()),
                missed_count: inner.board.missed_count(),
                plain_http,
                ..StatusView::signed_out(&settings.hotkey, settings.dnd)
            };
            (inner.connection.replace(handle.clone()), inner.generation)
        };
        if let Some(old) = old {
            old.shutdown().await;
        }
        tauri::async_runtime::spawn(self.clone().follow_state(handle, generation));
        tauri::async_runtime::spawn(self.clone().follow_calls(events, generation));
        self.status_changed();
        Ok(())
    }

    async fn follow_state(self, handle: SupervisorHandle, generation: u64) {
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
    fn ready_popup(&self, corner: PopupCorner) {
        let app = self.app.clone();
        let _ = self.app.run_on_main_thread(move || popup::prepare(&app, corner));
    }

    async fn follow_calls(self, mut events: mpsc::Receiver<Event>, generation: u64) {
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

    fn on_update(&self, call: &mycrm::Call, is_new: bool, generation: u64) {
        let now = Instant::now();
        let wall_now = SystemTime::now();
        let mut view = CallView::from_call(call, now, wall_now);
        let (change, settings, record, pop) = {
            let mut inner = self.lock();
            if inner.generation != generation {
                return;
            }
            if let (Some(contacts), Ok(rules)) = (&self.contacts, inner.settings.dial_rules()) {
                view.name = contacts.name_for(&rules, &view);
            }
            view.screen_pop = !inner.settings.screen_pop_url.is_empty();
            let view = view.described(views::wall_ms(wall_now));
            let pop = {
                let inner = &mut *inner;
                inner.screen_pops.should_pop(&inner.settings, &view, is_new).then(|| view.clone())
            };
            let terminal = inner.status.terminal.as_ref().map(|t| t.id.as_str());
            let record = self.calllog.as_ref().map(|_| record_of(&view, terminal));
            let placed_here =
                is_new && view.direction == DirectionView::Outgoing && inner.dials.placed_here(&view, now);
            let showing = Showing {
                popups: inner.settings.shows_popups(),
                linger: Duration::from_secs(u64::from(inner.settings.popup_linger_secs)),
            };
            let change = inner.board.apply(view, is_new, placed_here, showing, now);
            inner.status.missed_count = inner.board.missed_count();
            (change, inner.settings.clone(), record, pop)
        };
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
        self.notify(call, change.notice, &settings);
        if let (Some(log), Some(record)) = (&self.calllog, record) {
            log.write(record);
        }
    }

    /// One alert per call: "Incoming call" when no popup shows a ringing call, replaced by
    /// "Missed call" or closed when the call moves on.
    fn notify(&self, call: &mycrm::Call, notice: Option<Notice>, settings: &Settings) {
        let quiet = settings.dnd;
        match notice {
            Some(Notice::Incoming(call)) if settings.notify_incoming && !quiet => {
                tauri::async_runtime::spawn_blocking(move || notifier::incoming(&call));
            }
            Some(Notice::Missed(call)) if settings.notify_missed && !quiet => {
                let controller = self.clone();
                let id = call.id.clone();
                tauri::async_runtime::spawn_blocking(move || {
                    notifier::missed(&call, move || {
                        tauri::async_runtime::spawn(async move { controller.call_back_with_toast(&id).await });
                    });
                });
            }
            _ if call.state != mycrm::CallState::Ringing && notifier::is_ringing(&call.id) => {
                let id = call.id.clone();
                tauri::async_runtime::spawn_blocking(move || notifier::settled(&id));
            }
            _ => {}
        }
    }

    /// Opens the CRM page for a call in the background; a failure is told in a toast.
    fn open_screen_pop(&self, template: &str, call: &CallView) {
        let url = screenpop::expand(template, call);
        tauri::async_runtime::spawn_blocking(move || {
            if let Err(e) = url.and_then(|url| screenpop::open(&url)) {
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
        let template = self.settings().screen_pop_url;
        if template.is_empty() {
            return Err(AppError::new(ErrorCode::InvalidTemplate, "no screen pop address is set"));
        }
        let call = self.find_call(call_id).ok_or_else(unknown_call)?;
        screenpop::open(&screenpop::expand(&template, &call)?)
    }

    fn contacts(&self) -> Result<&Contacts, AppError> {
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
        crate::error::off_thread(move || contacts.import(&rules, &file_name, &content)).await
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
        ];
        let report = crate::logs::report(&state);
        match selection::copy(report).await {
            Ok(()) => notifier::toast(&words().tray.diagnostics_copied, &words().tray.diagnostics_paste),
            Err(e) => notifier::toast(&words().tray.copy_diagnostics, e.message),
        }
    }

    /// Makes istra-tray the handler of phone links (or not), when its settings are stored: a
    /// demo or a scripted start without --remember leaves the desktop alone.
    pub fn apply_link_handler(&self) {
        if let Persistence::Stored(_) = self.persistence {
            let on = self.settings().handle_links;
            if let Err(e) = links::set_handler(on) {
                tracing::warn!(error = %e, "cannot register istra-tray for phone links");
            }
        }
    }

    fn popup_changed(&self) {
        let corner = self.lock().settings.popup_corner;
        popup::show(&self.app, &self.popup_calls(), corner);
    }

    fn status_changed(&self) {
        let (status, recent, ringing) = {
            let inner = self.lock();
            (inner.status.clone().described(Instant::now(), words()), inner.board.recent(), inner.board.is_ringing())
        };
        tray::refresh(&self.app, &status, &recent, ringing);
        let _ = self.app.emit("status-changed", &status);
    }

    /// Watches another terminal and remembers the choice.
    ///
    /// # Errors
    ///
    /// `not_signed_in`, or `bad_terminal` for an id not in the user's list.
    pub async fn select_terminal(&self, terminal_id: &str) -> Result<StatusView, AppError> {
        let (handle, settings) = {
            let inner = self.lock();
            let known = inner.status.terminals.is_empty() || inner.status.terminals.iter().any(|t| t.id == terminal_id);
            if !known {
                return Err(AppError::new(
                    ErrorCode::BadTerminal,
                    format!("terminal {terminal_id} is not one of yours"),
                ));
            }
            let handle = inner.connection.clone().ok_or_else(not_signed_in)?;
            (handle, Settings { terminal_id: Some(terminal_id.to_owned()), ..inner.settings.clone() })
        };
        self.persist(&settings)?;
        self.lock().settings = settings;
        handle.select_terminal(terminal_id).await;
        Ok(self.status())
    }

    /// Stops the connection, forgets the stored password and the calls, opens the sign-in window.
    pub async fn sign_out(&self) {
        let (handle, settings) = {
            let mut inner = self.lock();
            inner.generation += 1;
            inner.board.clear();
            inner.status = StatusView::signed_out(&inner.settings.hotkey, inner.settings.dnd);
            (inner.connection.take(), inner.settings.clone())
        };
        if let Some(handle) = handle {
            handle.shutdown().await;
        }
        if let Persistence::Stored(_) = self.persistence {
            if let Err(e) = secrets::forget(&settings.server, &settings.login).await {
                tracing::warn!(error = %e, "cannot remove the stored password");
            }
        }
        self.popup_changed();
        self.status_changed();
        windows::open_signin(&self.app);
    }

    /// Stops everything before the app exits.
    pub async fn shutdown(&self) {
        let handle = self.lock().connection.take();
        if let Some(handle) = handle {
            handle.shutdown().await;
        }
    }

    /// Saves new settings and applies them at once (hotkey, dial rules, popup, reconnect when
    /// the account changed).
    ///
    /// # Errors
    ///
    /// `invalid_settings` naming the field, `hotkey_taken`, `keyring`.
    pub async fn save_settings(&self, new: Settings, password: Option<String>) -> Result<Settings, AppError> {
        let new = new.validated()?;
        let old = self.settings();
        // A hotkey another program holds is refused before anything is written; when saving
        // fails, the desktop is put back as the file still says.
        let applied = desk::apply(&mut AppDesk(&self.app), &old, &new)?;
        let links_changed = new.handle_links != old.handle_links;
        let account_changed = new.server != old.server || new.login != old.login || new.ca_file != old.ca_file;
        let password = password.filter(|p| !p.is_empty()).map(Password::new);
        let saved = async {
            if let (Some(password), Persistence::Stored(_)) = (&password, &self.persistence) {
                secrets::store(&new.server, &new.login, password).await?;
            }
            self.persist(&new)
        };
        if let Err(e) = saved.await {
            applied.undo(&mut AppDesk(&self.app));
            return Err(e);
        }
        let terminal_changed = new.terminal_id != old.terminal_id;
        {
            let mut inner = self.lock();
            inner.settings = new.clone();
            inner.status.hotkey = new.hotkey.clone();
            inner.status.dnd = new.dnd;
        }
        if links_changed {
            self.apply_link_handler();
        }
        if account_changed || password.is_some() {
            let stored = match password {
                Some(p) => Some(p),
                None => secrets::load(&new.server, &new.login).await?,
            };
            match stored {
                Some(password) => self.connect(Credentials { login: new.login.clone(), password }).await?,
                None => windows::open_signin(&self.app),
            }
        } else if terminal_changed {
            if let Some(id) = &new.terminal_id {
                self.select_terminal(id).await?;
            }
        }
        self.status_changed();
        Ok(new)
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

    /// The popup painted `call_id`'s card at `painted_at_ms` (the page's clock, Unix ms).
    pub fn popup_painted(&self, call_id: &str, painted_at_ms: f64, cold: bool) {
        let Some(started) = self.lock().board.find(call_id).map(|call| call.started_at_ms) else { return };
        // Started is when the call's first event reached the app.
        let after_frame_ms = painted_at_ms - started as f64;
        tracing::info!(call_id, after_frame_ms, cold, "popup painted");
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

    /// A call on the board or, failing that, in the journal.
    fn find_call(&self, call_id: &str) -> Option<CallView> {
        let on_board = self.lock().board.find(call_id).cloned();
        on_board.or_else(|| self.calllog.as_ref().and_then(|log| log.find(call_id)))
    }

    /// The number to call back for a known call.
    fn number_of(&self, call_id: &str) -> Result<String, AppError> {
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

    fn calllog(&self) -> Result<&CallLog, AppError> {
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
        crate::error::off_thread(move || log.export(filter, search.as_deref(), &written)).await?;
        Ok(path.to_string_lossy().into_owned())
    }

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
            Intent::OpenSignIn => windows::open_signin(&self.app),
            Intent::CopyDiagnostics => self.copy_diagnostics().await,
            Intent::SignOut => self.sign_out().await,
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

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn unknown_call() -> AppError {
    AppError::new(ErrorCode::UnknownCall, "this call is not known (any more)")
}

fn not_signed_in() -> AppError {
    AppError::new(ErrorCode::NotSignedIn, "sign in first")
}
