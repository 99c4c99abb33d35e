//! The user's settings as data: their fields, defaults and rules, how a settings file's text is
//! read field by field, and the layers administrators add (defaults under the user's settings,
//! locked settings over them: see [`Settings::layered`]). No I/O: the files, the CA file and the
//! keyring are `platform::settings_file`'s. The password is never here (it lives in the keyring).

use mycrm::dial::DialRules;
use serde::{Deserialize, Serialize};
use tauri_plugin_global_shortcut::Shortcut;
use ts_rs::TS;

use crate::model::error::{AppError, ErrorCode};
use crate::model::hooks::Hooks;
use crate::model::lookup::LookupSettings;
use crate::model::screenpop::ScreenPopTrigger;
use crate::model::status::HotkeyWay;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum PopupCorner {
    /// The top or bottom right corner, whichever the desktop's notifications do not use.
    #[default]
    Auto,
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

impl PopupCorner {
    /// The corner to use when notifications show in `notifications` (when known): `Auto`
    /// keeps out of their corner.
    pub fn resolved(self, notifications: Option<Self>) -> Self {
        match (self, notifications) {
            (Self::Auto, Some(Self::TopRight)) => Self::BottomRight,
            (Self::Auto, _) => Self::TopRight,
            (chosen, _) => chosen,
        }
    }
}

/// Everything the user can change. Unknown or missing fields in the file take their defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Settings {
    pub server: String,
    pub login: String,
    pub terminal_id: Option<String>,
    pub hotkey: String,
    pub popup_enabled: bool,
    pub popup_corner: PopupCorner,
    pub popup_linger_secs: u32,
    pub notify_incoming: bool,
    pub notify_missed: bool,
    /// The old rule: a queue call the platform gave to a colleague counts as missed here too
    /// (see [`mycrm::taken_elsewhere`]).
    pub queue_taken_elsewhere_missed: bool,
    pub default_country: String,
    pub outside_line_prefix: Option<String>,
    pub start_at_login: bool,
    pub dnd: bool,
    /// The CRM page to open for a call (see [`crate::model::screenpop`]); empty for none.
    pub screen_pop_url: String,
    pub screen_pop_on: ScreenPopTrigger,
    /// istra-tray is the desktop's handler for tel:, callto: and sip: links.
    pub handle_links: bool,
    /// A PEM file with an extra certificate authority to trust, for on-premises servers;
    /// `None` for the system's trust store only.
    pub ca_file: Option<String>,
    /// On GNOME without a GlobalShortcuts portal: the user asked for a GNOME keyboard shortcut
    /// (the hotkey) that runs `istra-tray dial-selection`.
    pub gnome_shortcut: bool,
    /// What runs or is posted when a call rings, is answered, ends or is missed (off: empty).
    pub hooks: Hooks,
    /// Where callers' names are looked up besides the contacts.
    pub lookup: LookupSettings,
    /// The outcomes a call's note offers, in order; `None` for the built-in list in the
    /// user's language (the catalog's `history.note.outcomes`, one per line).
    pub outcomes: Option<Vec<String>>,
    /// The way of the dial key the user was last told of (see `Controller::hotkey_held`): told
    /// once, not at every start. Kept by the app, not set from the pages.
    #[ts(skip)]
    pub hotkey_way_told: Option<HotkeyWay>,
    /// What the administrators locked, from the policy file; never read from a settings file
    /// (and not written to the user's).
    #[serde(skip_deserializing)]
    pub managed: Managed,
}

/// A secret a setting needs, kept in the keyring only (never in the settings file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Secret {
    /// The key the webhooks are signed with.
    HooksSecret,
    /// The value of the CRM lookup's header.
    CrmToken,
    /// The password of the directory's bind DN.
    DirectoryPassword,
    /// The password of the CardDAV address book's user.
    AddressBookPassword,
}

impl Secret {
    /// Its name in the keyring.
    pub fn key(self) -> &'static str {
        match self {
            Self::HooksSecret => "webhooks-signing-secret",
            Self::CrmToken => "crm-lookup-token",
            Self::DirectoryPassword => "directory-bind-password",
            Self::AddressBookPassword => "address-book-password",
        }
    }
}

/// Settings the computer's administrators locked (`policy.json`, see
/// `platform::settings_file`): shown read-only in Settings, with the reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Managed {
    /// The locked fields, named as in the settings file (`server`, `hotkey`, …).
    pub locked: Vec<String>,
    /// Why, in the administrators' words (text, never HTML); `None` when they gave none.
    pub reason: Option<String>,
}

/// The administrators' policy file: the settings they lock, to these values, and why.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Policy {
    locked: serde_json::Map<String, serde_json::Value>,
    reason: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            server: String::new(),
            login: String::new(),
            terminal_id: None,
            hotkey: "Ctrl+Alt+D".to_owned(),
            popup_enabled: true,
            popup_corner: PopupCorner::default(),
            popup_linger_secs: 5,
            notify_incoming: true,
            notify_missed: true,
            queue_taken_elsewhere_missed: false,
            default_country: "FR".to_owned(),
            outside_line_prefix: None,
            start_at_login: false,
            dnd: false,
            screen_pop_url: String::new(),
            screen_pop_on: ScreenPopTrigger::default(),
            handle_links: true,
            ca_file: None,
            gnome_shortcut: false,
            hooks: Hooks::default(),
            lookup: LookupSettings::default(),
            outcomes: None,
            hotkey_way_told: None,
            managed: Managed::default(),
        }
    }
}

/// One setting changed on the Settings page, which applies each change as it is made. The
/// account (server, login, CA file) is not among them: it changes by signing in again; the
/// terminal and Do not disturb have their own commands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "field", content = "value", rename_all = "camelCase")]
#[ts(export)]
pub enum SettingChange {
    Hotkey(String),
    PopupEnabled(bool),
    PopupCorner(PopupCorner),
    PopupLingerSecs(u32),
    NotifyIncoming(bool),
    NotifyMissed(bool),
    QueueTakenElsewhereMissed(bool),
    DefaultCountry(String),
    OutsideLinePrefix(Option<String>),
    StartAtLogin(bool),
    ScreenPopUrl(String),
    ScreenPopOn(ScreenPopTrigger),
    HandleLinks(bool),
    GnomeShortcut(bool),
    Hooks(Hooks),
    Lookup(LookupSettings),
    Outcomes(Option<Vec<String>>),
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidSettings, message)
}

impl Settings {
    /// The dial rules these settings describe.
    ///
    /// # Errors
    ///
    /// `invalid_settings` for an unknown country or a prefix that is not digits.
    pub fn dial_rules(&self) -> Result<DialRules, AppError> {
        DialRules::new(&self.default_country)
            .and_then(|rules| rules.with_outside_line_prefix(self.outside_line_prefix.as_deref()))
            .map_err(|e| invalid(e.to_string()))
    }

    /// These settings with one `change` made (not checked yet: see [`Settings::validated`]).
    #[must_use]
    pub fn with(mut self, change: SettingChange) -> Self {
        match change {
            SettingChange::Hotkey(hotkey) => self.hotkey = hotkey,
            SettingChange::PopupEnabled(on) => self.popup_enabled = on,
            SettingChange::PopupCorner(corner) => self.popup_corner = corner,
            SettingChange::PopupLingerSecs(secs) => self.popup_linger_secs = secs,
            SettingChange::NotifyIncoming(on) => self.notify_incoming = on,
            SettingChange::NotifyMissed(on) => self.notify_missed = on,
            SettingChange::QueueTakenElsewhereMissed(on) => self.queue_taken_elsewhere_missed = on,
            SettingChange::DefaultCountry(country) => self.default_country = country,
            SettingChange::OutsideLinePrefix(prefix) => self.outside_line_prefix = prefix,
            SettingChange::StartAtLogin(on) => self.start_at_login = on,
            SettingChange::ScreenPopUrl(url) => self.screen_pop_url = url,
            SettingChange::ScreenPopOn(trigger) => self.screen_pop_on = trigger,
            SettingChange::HandleLinks(on) => self.handle_links = on,
            SettingChange::GnomeShortcut(on) => self.gnome_shortcut = on,
            SettingChange::Hooks(hooks) => self.hooks = hooks,
            SettingChange::Lookup(lookup) => self.lookup = lookup,
            SettingChange::Outcomes(outcomes) => self.outcomes = outcomes,
        }
        self
    }

    /// Calls pop up: popups are on and the user is not in Do not disturb.
    pub fn shows_popups(&self) -> bool {
        self.popup_enabled && !self.dnd
    }

    /// As [`Settings::validated`], without reading the CA file: a file missing for a while (an
    /// unmounted share at login) is reported when connecting, not by dropping the settings.
    pub(crate) fn checked_apart_from_files(mut self) -> Result<Self, AppError> {
        self.server = self.server.trim().to_owned();
        self.login = self.login.trim().to_owned();
        self.hotkey = self.hotkey.trim().to_owned();
        self.default_country = self.default_country.trim().to_ascii_uppercase();
        self.outside_line_prefix = self.outside_line_prefix.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        self.terminal_id = self.terminal_id.filter(|t| !t.trim().is_empty());
        if !self.server.is_empty() {
            mycrm::Server::parse(&self.server).map_err(|e| invalid(format!("server: {}", e.message)))?;
        }
        if self.login.chars().any(char::is_control) || self.login.len() > 256 {
            return Err(invalid("login: not a valid login"));
        }
        if !(1..=120).contains(&self.popup_linger_secs) {
            return Err(invalid("popup linger: between 1 and 120 seconds"));
        }
        if !self.hotkey.is_empty() {
            parse_hotkey(&self.hotkey).map_err(|e| invalid(format!("hotkey: {}", e.message)))?;
        }
        self.dial_rules()?;
        self.ca_file = self.ca_file.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        self.screen_pop_url = self.screen_pop_url.trim().to_owned();
        if !self.screen_pop_url.is_empty() {
            crate::model::screenpop::validate(&self.screen_pop_url)
                .map_err(|e| AppError::new(e.code, format!("screen pop: {}", e.message)))?;
        }
        self.hooks = self.hooks.checked()?;
        self.lookup = self.lookup.checked()?;
        self.outcomes = self.outcomes.map(crate::model::notes::outcomes_checked).transpose()?;
        Ok(self)
    }

    /// The settings a file's `text` holds over the defaults, and the fields it holds that were
    /// refused (`*` for a file that is no JSON object).
    #[cfg(test)]
    pub(crate) fn from_text(text: &str) -> (Self, Vec<String>) {
        let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(text) else {
            return (Self::default(), vec!["*".to_owned()]);
        };
        Self::default().over(fields)
    }

    /// The settings in use, from the layers' texts (each may be missing): the administrators'
    /// `defaults`, under the `user`'s settings, under the administrators' `policy`
    /// (`{"locked": {field: value, …}, "reason": "…"}`), whose fields are then locked. Each
    /// layer is read field by field (see [`Settings::over`]); also returns what each layer
    /// refused, as `(layer, field)`.
    pub fn layered(
        defaults: Option<&str>,
        user: Option<&str>,
        policy: Option<&str>,
    ) -> (Self, Vec<(&'static str, String)>) {
        let mut refusals = Vec::new();
        let mut layer = |name: &'static str, base: Self, text: Option<&str>| -> Self {
            let Some(text) = text else { return base };
            let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(text) else {
                refusals.push((name, "*".to_owned()));
                return base;
            };
            let (settings, refused) = base.over(fields);
            refusals.extend(refused.into_iter().map(|field| (name, field)));
            settings
        };
        let base = layer("defaults", Self::default(), defaults);
        let mine = layer("user", base, user);
        let Some(policy) = policy else { return (mine, refusals) };
        let Ok(policy) = serde_json::from_str::<Policy>(policy) else {
            refusals.push(("policy", "*".to_owned()));
            return (mine, refusals);
        };
        let (mut settings, refused) = mine.over(policy.locked.clone());
        let known = serde_json::to_value(&settings).ok();
        let locked = policy.locked.into_iter().map(|(field, _)| field).filter(|field| {
            field != "managed"
                && !refused.contains(field)
                && known.as_ref().is_some_and(|known| known.get(field).is_some())
        });
        settings.managed = Managed {
            locked: locked.collect(),
            reason: policy.reason.map(|reason| crate::model::text::clip(&reason)).filter(|reason| !reason.is_empty()),
        };
        refusals.extend(refused.into_iter().map(|field| ("policy", field)));
        (settings, refusals)
    }

    /// These settings as the user's file keeps them: the fields that differ from `base` (the
    /// defaults they lie on), without what the administrators locked.
    pub fn file_fields(&self, base: &Self) -> serde_json::Map<String, serde_json::Value> {
        let (Ok(serde_json::Value::Object(mut fields)), Ok(serde_json::Value::Object(under))) =
            (serde_json::to_value(self), serde_json::to_value(base))
        else {
            return serde_json::Map::new();
        };
        fields.remove("managed");
        fields.retain(|name, value| under.get(name) != Some(value));
        fields
    }

    /// `changed`, which the user asked for, unless it changes a field the administrators
    /// locked; it keeps what they locked.
    ///
    /// # Errors
    ///
    /// `locked_setting` naming the first locked field it changes.
    pub fn respecting_locks(&self, changed: Self) -> Result<Self, AppError> {
        let (Ok(serde_json::Value::Object(now)), Ok(serde_json::Value::Object(asked))) =
            (serde_json::to_value(self), serde_json::to_value(&changed))
        else {
            return Ok(changed);
        };
        match self.managed.locked.iter().find(|field| now.get(*field) != asked.get(*field)) {
            Some(field) => Err(AppError::new(ErrorCode::LockedSetting, format!("{field}: set by your administrators"))),
            None => Ok(Self { managed: self.managed.clone(), ..changed }),
        }
    }

    /// These settings with the `fields` of a settings file over them, and the fields refused.
    /// Unknown fields are ignored. Each field, in name order, is kept when the settings with it
    /// and those kept before still check (`checked_apart_from_files`).
    fn over(self, fields: serde_json::Map<String, serde_json::Value>) -> (Self, Vec<String>) {
        let managed = self.managed.clone();
        let mut kept = match serde_json::to_value(&self) {
            Ok(serde_json::Value::Object(defaults)) => defaults,
            _ => return (self, vec!["*".to_owned()]),
        };
        kept.remove("managed");
        let mut refused = Vec::new();
        for (name, value) in fields {
            if !kept.contains_key(&name) {
                continue;
            }
            let mut tried = kept.clone();
            tried.insert(name.clone(), value);
            let fits = serde_json::from_value::<Self>(serde_json::Value::Object(tried.clone()))
                .is_ok_and(|settings| settings.checked_apart_from_files().is_ok());
            if fits {
                kept = tried;
            } else {
                refused.push(name);
            }
        }
        let settings = serde_json::from_value::<Self>(serde_json::Value::Object(kept))
            .ok()
            .and_then(|settings| settings.checked_apart_from_files().ok());
        match settings {
            Some(settings) => (Self { managed, ..settings }, refused),
            None => (self, vec!["*".to_owned()]),
        }
    }
}

/// A modifier of an accelerator, as the desktops' notations name them differently.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Modifier {
    Ctrl,
    Alt,
    Shift,
    Super,
    /// A name none of the above (lowercase); the hotkey's own check refuses those.
    Other(String),
}

/// An accelerator (`Ctrl+Alt+D`) read once for every desktop notation: its modifiers, and its
/// key with a single character in lowercase (its keysym name). `None` when it is empty.
fn accelerator_parts(accelerator: &str) -> Option<(Vec<Modifier>, String)> {
    let parts: Vec<&str> = accelerator.split('+').map(str::trim).filter(|p| !p.is_empty()).collect();
    let (key, modifiers) = parts.split_last()?;
    let modifiers = modifiers
        .iter()
        .map(|m| match m.to_ascii_lowercase().as_str() {
            "ctrl" | "control" | "commandorcontrol" | "cmdorctrl" => Modifier::Ctrl,
            "alt" | "option" => Modifier::Alt,
            "shift" => Modifier::Shift,
            "super" | "meta" | "cmd" | "command" => Modifier::Super,
            other => Modifier::Other(other.to_owned()),
        })
        .collect();
    let key = if key.chars().count() == 1 { key.to_lowercase() } else { (*key).to_owned() };
    Some((modifiers, key))
}

/// An accelerator (`Ctrl+Alt+D`) as a trigger for the desktop portal, in the XDG shortcuts
/// notation (`CTRL+ALT+d`): modifiers in capitals, the key as its keysym name.
pub fn portal_trigger(accelerator: &str) -> String {
    let Some((modifiers, key)) = accelerator_parts(accelerator) else { return String::new() };
    let mut trigger: Vec<String> = modifiers
        .into_iter()
        .map(|m| match m {
            Modifier::Ctrl => "CTRL".to_owned(),
            Modifier::Alt => "ALT".to_owned(),
            Modifier::Shift => "SHIFT".to_owned(),
            Modifier::Super => "LOGO".to_owned(),
            Modifier::Other(other) => other.to_ascii_uppercase(),
        })
        .collect();
    trigger.push(key);
    trigger.join("+")
}

/// An accelerator (`Ctrl+Alt+D`) as GNOME writes a binding (`<Control><Alt>d`).
pub fn gnome_binding(accelerator: &str) -> String {
    let Some((modifiers, key)) = accelerator_parts(accelerator) else { return String::new() };
    let mut binding: String = modifiers
        .into_iter()
        .map(|m| match m {
            Modifier::Ctrl => "<Control>".to_owned(),
            Modifier::Alt => "<Alt>".to_owned(),
            Modifier::Shift => "<Shift>".to_owned(),
            Modifier::Super => "<Super>".to_owned(),
            Modifier::Other(other) => format!("<{other}>"),
        })
        .collect();
    binding.push_str(&key);
    binding
}

/// The countries the dial rules know (ISO 3166 alpha-2), in code order: what Settings offers
/// as the default country.
pub fn dial_countries() -> Vec<String> {
    let letters = || (b'A'..=b'Z').map(char::from);
    letters()
        .flat_map(|first| letters().map(move |second| format!("{first}{second}")))
        .filter(|code| DialRules::new(code).is_ok())
        .collect()
}

/// The compositors whose configuration binds keys to commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compositor {
    Sway,
    Hyprland,
}

/// The line that binds `accelerator` to `command` in `compositor`'s configuration.
pub fn binding_line(compositor: Compositor, accelerator: &str, command: &str) -> String {
    let (modifiers, key) = accelerator_parts(accelerator).unwrap_or_default();
    let named = |m: &Modifier| match m {
        Modifier::Ctrl => "Ctrl",
        Modifier::Alt => "Alt",
        Modifier::Shift => "Shift",
        Modifier::Super | Modifier::Other(_) => "Super",
    };
    match compositor {
        Compositor::Sway => {
            let mut keys: Vec<String> = modifiers.iter().map(|m| named(m).to_owned()).collect();
            keys.push(key);
            format!("bindsym {} exec {command}", keys.join("+"))
        }
        Compositor::Hyprland => {
            let mods: Vec<String> = modifiers.iter().map(|m| named(m).to_ascii_uppercase()).collect();
            format!("bind = {}, {}, exec, {command}", mods.join(" "), key.to_uppercase())
        }
    }
}

/// Parses an accelerator such as `Ctrl+Alt+D`.
///
/// # Errors
///
/// `invalid_settings` when it is not a valid key combination.
pub fn parse_hotkey(accelerator: &str) -> Result<Shortcut, AppError> {
    accelerator.parse::<Shortcut>().map_err(|e| {
        AppError::new(ErrorCode::InvalidSettings, format!("hotkey {accelerator:?} is not a key combination: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_wrong_field_costs_only_itself() {
        let text = r#"{"server":"https://pbx.example.com","login":"alice","hotkey":"Ctrl+Banana",
                       "popupLingerSecs":0,"defaultCountry":"BE","outsideLinePrefix":"0",
                       "caFile":"/nowhere/company-ca.pem","dnd":"yes","unknown":1}"#;
        let (settings, refused) = Settings::from_text(text);
        assert_eq!(refused, ["dnd", "hotkey", "popupLingerSecs"]);
        assert_eq!((settings.server.as_str(), settings.login.as_str()), ("https://pbx.example.com", "alice"));
        assert_eq!((settings.default_country.as_str(), settings.outside_line_prefix.as_deref()), ("BE", Some("0")));
        assert_eq!(settings.hotkey, Settings::default().hotkey, "the wrong hotkey takes its default");
        assert_eq!(settings.popup_linger_secs, Settings::default().popup_linger_secs);
        assert_eq!(settings.ca_file.as_deref(), Some("/nowhere/company-ca.pem"), "a missing CA file is kept");
        assert_eq!(settings.clone().validated().map_err(|e| e.code), Err(ErrorCode::CaFile), "and reported on use");
        assert_eq!(Settings::from_text("[1, 2]"), (Settings::default(), vec!["*".to_owned()]));
    }

    #[test]
    fn the_layers_go_defaults_then_the_user_then_the_locks_each_field_by_field() {
        let defaults = r#"{"hotkey":"Ctrl+Alt+P","popupLingerSecs":500,"defaultCountry":"BE"}"#;
        let user = r#"{"hotkey":"Ctrl+Alt+K","login":"bob","managed":{"locked":["login"]}}"#;
        let policy = r#"{"locked":{"defaultCountry":"CH","popupLingerSecs":0,"nonsense":1},"reason":"IT\nsays"}"#;
        let (settings, refused) = Settings::layered(Some(defaults), Some(user), Some(policy));
        assert_eq!(settings.hotkey, "Ctrl+Alt+K", "the user's own over the administrators' default");
        assert_eq!(settings.default_country, "CH", "locked over both");
        assert_eq!(settings.popup_linger_secs, Settings::default().popup_linger_secs, "no wrong value anywhere");
        assert_eq!(settings.managed.locked, ["defaultCountry"], "only what was locked to a valid value");
        assert_eq!(settings.managed.reason.as_deref(), Some("IT says"), "one line of text");
        assert_eq!(refused, [("defaults", "popupLingerSecs".to_owned()), ("policy", "popupLingerSecs".to_owned())]);
        let (alone, refused) = Settings::layered(None, Some(user), Some("locked"));
        assert!(alone.managed.locked.is_empty(), "a user's file cannot lock anything");
        assert_eq!(refused, [("policy", "*".to_owned())]);
    }

    #[test]
    fn a_locked_setting_cannot_change_and_the_others_keep_the_locks() {
        let managed = Managed { locked: vec!["hotkey".into()], reason: None };
        let settings = Settings { managed: managed.clone(), ..Settings::default() };
        let asked = settings.clone().with(SettingChange::Hotkey("Ctrl+Alt+K".into()));
        assert_eq!(settings.respecting_locks(asked).map_err(|e| e.code), Err(ErrorCode::LockedSetting));
        let other =
            Settings { managed: Managed::default(), ..settings.clone().with(SettingChange::NotifyMissed(false)) };
        assert_eq!(settings.respecting_locks(other).map(|s| s.managed), Ok(managed));
    }

    #[test]
    fn validation_names_the_wrong_field() {
        let bad = [
            Settings { server: "ftp://x".into(), ..Settings::default() },
            Settings { popup_linger_secs: 0, ..Settings::default() },
            Settings { default_country: "XX".into(), ..Settings::default() },
            Settings { outside_line_prefix: Some("9a".into()), ..Settings::default() },
            Settings { hotkey: "Ctrl+Banana".into(), ..Settings::default() },
        ];
        for settings in bad {
            let e = settings.clone().validated().expect_err("refused");
            assert_eq!(e.code, ErrorCode::InvalidSettings, "{settings:?}");
        }
        let ok =
            Settings { default_country: " de ".into(), outside_line_prefix: Some(" ".into()), ..Settings::default() }
                .validated()
                .expect("valid");
        assert_eq!(ok.default_country, "DE");
        assert_eq!(ok.outside_line_prefix, None);
        let no_hotkey =
            Settings { hotkey: " ".into(), ..Settings::default() }.validated().expect("no hotkey is allowed");
        assert_eq!(no_hotkey.hotkey, "");
        let ca = Settings { ca_file: Some("/nonexistent/ca.pem".into()), ..Settings::default() };
        assert_eq!(ca.validated().expect_err("refused").code, ErrorCode::CaFile);
        let no_ca = Settings { ca_file: Some("  ".into()), ..Settings::default() }.validated().expect("blank is none");
        assert_eq!(no_ca.ca_file, None);
        let pop = Settings { screen_pop_url: "javascript:alert({label})".into(), ..Settings::default() };
        assert_eq!(pop.validated().expect_err("refused").code, ErrorCode::InvalidTemplate);
        let pop = Settings { screen_pop_url: " https://crm.example.com/?p={e164} ".into(), ..Settings::default() };
        assert_eq!(pop.validated().expect("valid").screen_pop_url, "https://crm.example.com/?p={e164}");
    }

    #[test]
    fn an_accelerator_becomes_the_portals_trigger() {
        for (accelerator, trigger) in [
            ("Ctrl+Alt+D", "CTRL+ALT+d"),
            ("Control+Shift+F9", "CTRL+SHIFT+F9"),
            ("Super+Alt+Space", "LOGO+ALT+Space"),
            ("CmdOrCtrl+Alt+1", "CTRL+ALT+1"),
            (" ctrl + alt + d ", "CTRL+ALT+d"),
            ("", ""),
        ] {
            assert_eq!(portal_trigger(accelerator), trigger, "{accelerator:?}");
        }
    }

    #[test]
    fn the_countries_offered_are_those_the_dial_rules_know() {
        let countries = dial_countries();
        assert!(countries.len() > 200, "{}", countries.len());
        for known in ["FR", "DE", "US", "GB", "BE", "CH", "CA"] {
            assert!(countries.iter().any(|c| c == known), "{known}");
        }
        assert!(!countries.iter().any(|c| c == "XX" || c == "ZZ"));
        assert!(
            countries
                .iter()
                .all(|c| Settings { default_country: c.clone(), ..Settings::default() }.dial_rules().is_ok())
        );
    }

    #[test]
    fn a_tiling_compositor_gets_the_line_for_its_configuration() {
        let command = "/usr/bin/istra-tray dial-selection";
        assert_eq!(
            binding_line(Compositor::Sway, "Ctrl+Alt+D", command),
            "bindsym Ctrl+Alt+d exec /usr/bin/istra-tray dial-selection"
        );
        assert_eq!(
            binding_line(Compositor::Hyprland, "Ctrl+Alt+D", command),
            "bind = CTRL ALT, D, exec, /usr/bin/istra-tray dial-selection"
        );
        assert_eq!(
            binding_line(Compositor::Sway, "Super+F9", command),
            "bindsym Super+F9 exec /usr/bin/istra-tray dial-selection"
        );
    }

    #[test]
    fn an_accelerator_becomes_gnomes_binding() {
        for (accelerator, binding) in
            [("Ctrl+Alt+D", "<Control><Alt>d"), ("Super+Shift+F9", "<Super><Shift>F9"), ("", "")]
        {
            assert_eq!(gnome_binding(accelerator), binding, "{accelerator:?}");
        }
    }
}
