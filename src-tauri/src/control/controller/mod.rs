//! The app's one controller: owns the settings, the connection (a mycrm supervisor), the call
//! board, and turns call updates into popups, notifications, tray changes and UI events.
//! Tauri commands are thin calls into it. Here: the state, signing in and out, the connection,
//! settings and terminals; `calls` follows the connection and the calls, `dialing` dials and
//! carries out the shell's intents, `records` serves the journal and the contacts.

mod calls;
mod dialing;
mod notes;
mod records;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use mycrm::supervisor::{self, SupervisorConfig, SupervisorHandle};
use mycrm::{Client, Credentials, Password, Server};
use tauri::{AppHandle, Runtime, Wry};
use tokio::time::Instant;

use crate::control::desk::{self, AppDesk};
use crate::model::board::{CallBoard, RECENT_LEN};
use crate::model::error::{AppError, ErrorCode};
use crate::model::hooks::{HeldEnds, Moments};
use crate::model::i18n::{fill, words};
use crate::model::lookup::{LookupAnswer, LookupSource, SyncOutcome};
use crate::model::policy::{Alerts, Dials, ScreenPops};
use crate::model::settings::{Secret, SettingChange, Settings};
use crate::model::status::{HotkeyWay, ShortcutOffer, StatusView, TerminalView};
use crate::model::views;
use crate::model::views::CallView;
use crate::platform::calllog::CallLog;
use crate::platform::contacts::Contacts;
use crate::platform::hooks::{self, HookRunner};
use crate::platform::lookup::Lookups;
use crate::platform::settings_file::SettingsFiles;
use crate::platform::{launch, links, notifier, secrets};
use crate::shell::windows;

/// Where settings and the password go.
#[derive(Clone, Debug)]
pub enum Persistence {
    /// Settings files and keyring (normal use).
    Stored(SettingsFiles),
    /// Nothing is written (scripted start without --remember).
    Memory,
    /// Nothing is written, against the built-in simulator: the status says it is a demo.
    Demo,
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
    alerts: Alerts,
    /// The moments of each call the hooks have followed.
    moments: Moments,
    /// The ended hooks waiting for their call's note.
    held_ends: HeldEnds,
    /// The address book (URL, user) whose server refused the password: not synced by itself
    /// again (a server may lock the account) until the password or the address book changes.
    address_book_refused: Option<(String, String)>,
    /// What a lookup found about each call in progress, for its next updates.
    found: HashMap<String, lookup::Caller>,
    /// Whether the popup was made ready once since the app started (see `follow_state`).
    popup_readied: bool,
    /// No tray shows the app's icon (see `tray_missing`).
    tray_missing: bool,
    /// Signed in to the demo's built-in simulator.
    demo: bool,
    /// Which way the dial key works here, and the key the desktop gave when it holds it.
    hotkey_way: HotkeyWay,
    hotkey_given: String,
    shortcut_offer: ShortcutOffer,
    /// The dial shortcut the desktop's portal holds.
    #[cfg(target_os = "linux")]
    portal: Option<Arc<crate::shell::portal::Held>>,
}

impl Inner {
    /// The status as the pages and the tray show it now.
    fn status_now(&self) -> StatusView {
        let hotkey = match self.hotkey_way {
            HotkeyWay::Grab => self.status.hotkey.clone(),
            HotkeyWay::Portal => self.hotkey_given.clone(),
            HotkeyWay::DesktopShortcut => String::new(),
        };
        let status = StatusView {
            tray_missing: self.tray_missing,
            demo: self.demo,
            hotkey,
            hotkey_way: self.hotkey_way,
            shortcut_offer: self.shortcut_offer.clone(),
            hotkey_configurable: self.hotkey_configurable(),
            ..self.status.clone()
        };
        status.described(Instant::now(), words())
    }

    #[cfg(target_os = "linux")]
    fn hotkey_configurable(&self) -> bool {
        self.portal.as_ref().is_some_and(|held| held.configurable())
    }

    #[cfg(not(target_os = "linux"))]
    fn hotkey_configurable(&self) -> bool {
        false
    }

    /// Whether the app holds the dial key itself.
    fn holds_key(&self) -> bool {
        self.hotkey_way == HotkeyWay::Grab
    }
}

/// Cheap to clone; all clones share one state.
pub struct Controller<R: Runtime = Wry> {
    app: AppHandle<R>,
    persistence: Persistence,
    /// `None` when the journal could not be opened: the app works on without it.
    calllog: Option<CallLog>,
    /// Kept in the journal's database: `None` with it.
    contacts: Option<Contacts>,
    /// Runs the call hooks, off the popup's path.
    hooks: HookRunner,
    /// The caller lookup sources as last built from the settings; `None` when none is set up.
    lookups: Arc<Mutex<Option<Arc<Lookups>>>>,
    /// The settings' secrets where nothing may be stored (a demo, a scripted start).
    kept_secrets: Arc<Mutex<HashMap<Secret, String>>>,
    inner: Arc<Mutex<Inner>>,
}

impl<R: Runtime> Clone for Controller<R> {
    fn clone(&self) -> Self {
        Self {
            app: self.app.clone(),
            persistence: self.persistence.clone(),
            calllog: self.calllog.clone(),
            contacts: self.contacts.clone(),
            hooks: self.hooks.clone(),
            lookups: Arc::clone(&self.lookups),
            kept_secrets: Arc::clone(&self.kept_secrets),
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
            alerts: Alerts::default(),
            moments: Moments::default(),
            held_ends: HeldEnds::default(),
            address_book_refused: None,
            found: HashMap::new(),
            popup_readied: false,
            tray_missing: false,
            demo: matches!(persistence, Persistence::Demo),
            hotkey_way: HotkeyWay::Grab,
            hotkey_given: String::new(),
            shortcut_offer: ShortcutOffer::None,
            #[cfg(target_os = "linux")]
            portal: None,
        };
        let hooks = HookRunner::new(None, hooks::Limits::default());
        Self {
            app,
            persistence,
            calllog,
            contacts,
            hooks,
            lookups: Arc::default(),
            kept_secrets: Arc::default(),
            inner: Arc::new(Mutex::new(inner)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The connection's state as the UI shows it now.
    pub fn status(&self) -> StatusView {
        self.lock().status_now()
    }

    /// The dial key works `way` on this desktop (`given`: the key the desktop gave; `offer`: how
    /// the app helps with a shortcut of the desktop's own). The user is told once when the
    /// desktop holds it, or when a shortcut of the desktop's own is needed.
    pub fn hotkey_held(&self, way: HotkeyWay, given: String, offer: ShortcutOffer) {
        let settings = {
            let mut inner = self.lock();
            inner.hotkey_way = way;
            inner.hotkey_given = given.clone();
            inner.shortcut_offer = offer;
            let tell = way != HotkeyWay::Grab && inner.settings.hotkey_way_told != Some(way);
            tell.then(|| {
                inner.settings.hotkey_way_told = Some(way);
                inner.settings.clone()
            })
        };
        self.status_changed();
        let Some(settings) = settings else { return };
        let w = &words().toast;
        match way {
            HotkeyWay::Portal if !given.is_empty() => {
                notifier::toast(fill(&w.hotkey_by_portal, &[("key", &given)]), &w.hotkey_by_portal_body);
            }
            HotkeyWay::Portal | HotkeyWay::DesktopShortcut => {
                notifier::toast(&w.hotkey_by_shortcut, &w.hotkey_by_shortcut_body);
            }
            HotkeyWay::Grab => {}
        }
        if let Err(e) = self.persist(&settings) {
            tracing::warn!(error = %e, "cannot remember that the user was told how the dial key works");
        }
    }

    /// The desktop's portal holds the dial key.
    #[cfg(target_os = "linux")]
    pub fn portal_held(&self, held: Arc<crate::shell::portal::Held>) {
        let given = held.given.clone();
        self.lock().portal = Some(held);
        self.hotkey_held(HotkeyWay::Portal, given, ShortcutOffer::None);
    }

    /// The user gave the dial key anew in the desktop's settings.
    pub fn dial_key_changed(&self, given: String) {
        self.lock().hotkey_given = given;
        self.status_changed();
    }

    /// Opens the desktop's own dialog to change the dial key, where it has one.
    pub async fn change_dial_key(&self) {
        #[cfg(target_os = "linux")]
        {
            let held = self.lock().portal.clone();
            if let Some(held) = held {
                if let Err(e) = held.configure().await {
                    tracing::warn!(error = %e, "the desktop did not open its shortcut dialog");
                    notifier::toast(&words().tray.dial_selection, &words().toast.hotkey_by_portal_body);
                }
            }
        }
    }

    /// Starts the app again in demo mode, against its built-in simulator (in builds with a
    /// demo only): the single-instance lock is let go first, so that the new start does not
    /// hand over to this one, which then ends.
    pub async fn try_demo(&self) {
        if !cfg!(feature = "demo") {
            tracing::warn!("this build has no demo");
            return;
        }
        self.shutdown().await;
        tauri_plugin_single_instance::destroy(&self.app);
        match launch::start_again(&["--demo"]) {
            Ok(()) => self.app.exit(0),
            Err(e) => {
                tracing::warn!(error = %e, "cannot start the demo");
                notifier::toast(&words().toast.demo_failed, e.to_string());
            }
        }
    }

    /// No tray shows the app's icon on this desktop: the main window opens, says so and offers
    /// what the tray's menu would; calls still pop up.
    pub fn tray_missing(&self) {
        self.lock().tray_missing = true;
        self.status_changed();
        windows::open_main(&self.app, "recent");
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
        let now = self.settings();
        let asked =
            Settings { server: server.trim().to_owned(), login: login.trim().to_owned(), ca_file, ..now.clone() };
        let settings = now.respecting_locks(asked)?.validated()?;
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
            Persistence::Stored(files) => files.save(settings),
            Persistence::Memory | Persistence::Demo => Ok(()),
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
                state: crate::model::status::ConnectionState::Connecting,
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

    /// One of the settings' secrets: from the keyring when settings are stored, else from
    /// memory. A keyring that fails is logged and gives none.
    async fn secret(&self, which: Secret) -> Option<Password> {
        if !matches!(self.persistence, Persistence::Stored(_)) {
            let kept = self.kept_secrets.lock().unwrap_or_else(PoisonError::into_inner);
            return kept.get(&which).map(|secret| Password::new(secret.clone()));
        }
        secrets::load_secret(which).await.unwrap_or_else(|e| {
            tracing::warn!(secret = which.key(), error = %e, "secret not read from the keyring");
            None
        })
    }

    /// Reads the secrets the settings need (the webhooks' signing key, the lookups'
    /// credentials) and makes the lookup sources: at start and after a change.
    pub async fn load_secrets(&self) {
        if !self.settings().hooks.is_empty() {
            let secret = self.secret(Secret::HooksSecret).await;
            self.hooks.set_secret(secret.as_ref().map_or("", |s| s.expose()));
        }
        self.rebuild_lookups().await;
    }

    /// Makes the lookup sources again from the settings in use.
    async fn rebuild_lookups(&self) {
        let settings = self.settings();
        let built = if settings.lookup.is_off() {
            Ok(None)
        } else {
            let token = self.secret(Secret::CrmToken).await;
            let password = self.secret(Secret::DirectoryPassword).await;
            Lookups::new(&settings, token, password)
        };
        let lookups = built.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "caller lookup not set up");
            None
        });
        *self.lookups.lock().unwrap_or_else(PoisonError::into_inner) = lookups.map(Arc::new);
    }

    /// Keeps one of the settings' secrets (empty: none) and uses it from now on.
    ///
    /// # Errors
    ///
    /// `keyring` when the keyring refuses it; then nothing changes.
    pub async fn set_secret(&self, which: Secret, secret: &str) -> Result<(), AppError> {
        if matches!(self.persistence, Persistence::Stored(_)) {
            secrets::store_secret(which, secret).await?;
        } else {
            self.kept_secrets.lock().unwrap_or_else(PoisonError::into_inner).insert(which, secret.to_owned());
        }
        match which {
            Secret::HooksSecret => self.hooks.set_secret(secret),
            Secret::CrmToken | Secret::DirectoryPassword => self.rebuild_lookups().await,
            Secret::AddressBookPassword => {
                self.lock().address_book_refused = None;
                let syncer = self.clone();
                tauri::async_runtime::spawn(async move { syncer.sync_and_log().await });
            }
        }
        Ok(())
    }

    /// Syncs the CardDAV address book into the contacts now.
    ///
    /// # Errors
    ///
    /// `lookup` saying what to check, `invalid_settings` when none is set up, `contacts`
    /// without the journal.
    pub async fn sync_address_book(&self) -> Result<SyncOutcome, AppError> {
        let settings = self.settings();
        let book = settings
            .lookup
            .address_book()
            .ok_or_else(|| AppError::new(ErrorCode::InvalidSettings, "no address book is set up"))?;
        let contacts = self
            .contacts
            .clone()
            .ok_or_else(|| AppError::new(ErrorCode::Contacts, "the contacts are not available"))?;
        let password = self.secret(Secret::AddressBookPassword).await.unwrap_or_else(|| Password::new(String::new()));
        let synced = contacts.sync_address_book(book, password, settings.tls()?, settings.dial_rules()?).await;
        self.lock().address_book_refused = match &synced {
            Err(e) if e.code == ErrorCode::BadCredentials => Some((book.0.to_owned(), book.1.to_owned())),
            _ => None,
        };
        synced
    }

    /// Syncs the address book, if one is set up, unless its user has no password yet or the
    /// server refused it (see `address_book_refused`); a failure is logged.
    pub async fn sync_and_log(&self) {
        let settings = self.settings();
        let Some((url, user)) = settings.lookup.address_book() else { return };
        let refused =
            self.lock().address_book_refused.as_ref().is_some_and(|(u, n)| (u.as_str(), n.as_str()) == (url, user));
        if refused {
            tracing::debug!("address book not synced: its server refused the password, which has not changed since");
            return;
        }
        if !user.is_empty() && self.secret(Secret::AddressBookPassword).await.is_none() {
            tracing::debug!("address book not synced: no password yet");
            return;
        }
        if let Err(e) = self.sync_address_book().await {
            tracing::warn!(error = %e, "address book not synced");
        }
    }

    /// Syncs the address book at start and then every few minutes (as the settings say at
    /// each turn), for as long as the app runs.
    pub async fn keep_address_book_synced(self) {
        loop {
            self.sync_and_log().await;
            let minutes = u64::from(self.settings().lookup.address_book_sync_minutes.max(1));
            tokio::time::sleep(std::time::Duration::from_secs(minutes * 60)).await;
        }
    }

    /// Asks one lookup source about a number typed in Settings.
    ///
    /// # Errors
    ///
    /// `lookup` saying why it failed or that the source is not set up, `invalid_number`.
    pub async fn test_lookup(&self, source: LookupSource, number: &str) -> Result<Option<LookupAnswer>, AppError> {
        let lookups = self.lookups.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let lookups = lookups.ok_or_else(|| AppError::new(ErrorCode::Lookup, "no lookup source is set up"))?;
        Ok(lookups.test(source, number).await?.map(LookupAnswer::from))
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

    /// Makes one change to the settings, saves them and applies them at once (hotkey, dial
    /// rules, popup, links, start at login).
    ///
    /// # Errors
    ///
    /// `invalid_settings` naming the field, `invalid_template`, `hotkey_taken`; saving them.
    pub async fn change_setting(&self, change: SettingChange) -> Result<Settings, AppError> {
        let old = self.settings();
        let new = old.respecting_locks(old.clone().with(change))?.validated()?;
        let holds_key = self.lock().holds_key();
        // A hotkey another program holds is refused before anything is written; when saving
        // fails, the desktop is put back as the file still says.
        let applied = desk::apply(&mut AppDesk(&self.app, holds_key), &old, &new)?;
        if let Err(e) = self.persist(&new) {
            applied.undo(&mut AppDesk(&self.app, holds_key));
            return Err(e);
        }
        {
            let mut inner = self.lock();
            inner.settings = new.clone();
            inner.status.hotkey = new.hotkey.clone();
        }
        if new.handle_links != old.handle_links {
            self.apply_link_handler();
        }
        let looks_up_otherwise = old.lookup != new.lookup || old.dial_rules().ok() != new.dial_rules().ok();
        if (old.hooks.is_empty() && !new.hooks.is_empty()) || looks_up_otherwise {
            self.load_secrets().await;
        }
        let (old_book, new_book) = (old.lookup.address_book(), new.lookup.address_book());
        if old_book != new_book {
            if let (Some(book), Some(contacts)) = (old_book, &self.contacts) {
                contacts.forget_address_book(book);
            }
            let syncer = self.clone();
            tauri::async_runtime::spawn(async move { syncer.sync_and_log().await });
        }
        self.status_changed();
        Ok(new)
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
