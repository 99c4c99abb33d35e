//! The words the Rust side shows (tray menu, notifications, toasts, window titles), in English
//! and French, following the OS locale like the web pages do (`navigator.languages` there, the
//! same `LANGUAGE`/`LC_*`/`LANG` settings here).

use std::sync::OnceLock;

/// The languages istra-tray speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// French for any `fr` tag (`fr`, `fr-FR`, `fr_CA.UTF-8`), English otherwise.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_', '.', '@']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("fr") { Self::Fr } else { Self::En }
    }

    /// The user's first preferred language, read once.
    pub fn current() -> Self {
        static LANG: OnceLock<Lang> = OnceLock::new();
        *LANG.get_or_init(|| sys_locale::get_locale().map_or(Self::En, |tag| Self::from_tag(&tag)))
    }
}

/// Every sentence, one set per language. `{}` marks where a value goes (see [`fill`]).
#[derive(Debug)]
pub struct Words {
    pub dial_selection: &'static str,
    pub dial_selection_with_key: &'static str,
    pub dial_clipboard: &'static str,
    pub no_calls_yet: &'static str,
    pub recent_calls: &'static str,
    pub missed_suffix: &'static str,
    pub no_missed_calls: &'static str,
    pub mark_missed_seen: &'static str,
    pub missed_count: &'static str,
    pub terminal: &'static str,
    pub do_not_disturb: &'static str,
    pub open: &'static str,
    pub settings: &'static str,
    pub copy_diagnostics: &'static str,
    pub diagnostics_copied: &'static str,
    pub diagnostics_paste: &'static str,
    pub sign_out: &'static str,
    pub sign_in: &'static str,
    pub quit: &'static str,
    pub signed_out: &'static str,
    pub connecting: &'static str,
    pub online: &'static str,
    pub reconnecting: &'static str,
    pub reconnecting_in: &'static str,
    pub failed: &'static str,
    pub stopped: &'static str,
    pub on_terminal: &'static str,
    pub incoming_call: &'static str,
    pub missed_call: &'static str,
    pub call_back: &'static str,
    pub via: &'static str,
    pub unknown_caller: &'static str,
    pub incoming_ringing: &'static str,
    pub outgoing_ringing: &'static str,
    pub talking: &'static str,
    pub on_hold: &'static str,
    pub ended: &'static str,
    pub ended_after: &'static str,
    pub internal: &'static str,
    pub external: &'static str,
    pub copy_number: &'static str,
    pub copied: &'static str,
    pub dismiss: &'static str,
    pub open_in_crm: &'static str,
    pub calling: &'static str,
    pub phone_rings_first: &'static str,
    pub nothing_dialed: &'static str,
    pub history_unavailable: &'static str,
    pub hotkey_unavailable: &'static str,
    pub sign_in_title: &'static str,
    pub main_title: &'static str,
    pub browser_failed: &'static str,
    /// Sentences for the error codes a toast may carry; other codes show the error's message.
    pub errors: &'static [(&'static str, &'static str)],
}

impl Words {
    /// The sentence for an error code, if this language has one.
    pub fn error(&self, code: &str) -> Option<&'static str> {
        self.errors.iter().find(|(c, _)| *c == code).map(|(_, sentence)| *sentence)
    }
}

pub static EN: Words = Words {
    dial_selection: "Dial selection",
    dial_selection_with_key: "Dial selection ({})",
    dial_clipboard: "Dial clipboard",
    no_calls_yet: "No calls yet",
    recent_calls: "Recent calls",
    missed_suffix: " (missed)",
    no_missed_calls: "No missed calls",
    mark_missed_seen: "Mark {} missed as seen",
    missed_count: " · {} missed",
    terminal: "Terminal",
    do_not_disturb: "Do not disturb",
    open: "Open…",
    settings: "Settings…",
    copy_diagnostics: "Copy diagnostics",
    diagnostics_copied: "Diagnostics copied",
    diagnostics_paste: "Paste them into your message to support. They hold no password.",
    sign_out: "Sign out",
    sign_in: "Sign in…",
    quit: "Quit",
    signed_out: "Signed out",
    connecting: "Connecting…",
    online: "Online",
    reconnecting: "Reconnecting…",
    reconnecting_in: "Reconnecting in {} s",
    failed: "Failed",
    stopped: "Stopped",
    on_terminal: "{} on {}",
    incoming_call: "Incoming call",
    missed_call: "Missed call",
    call_back: "Call back",
    via: "via {}",
    unknown_caller: "Unknown caller",
    incoming_ringing: "Incoming call…",
    outgoing_ringing: "Calling…",
    talking: "Talking {}",
    on_hold: "On hold",
    ended: "Ended",
    ended_after: "Ended · {}",
    internal: "Internal",
    external: "External",
    copy_number: "Copy number",
    copied: "Copied",
    dismiss: "Dismiss",
    open_in_crm: "Open in CRM",
    calling: "Calling {}",
    phone_rings_first: "Your phone rings first, then the number is called.",
    nothing_dialed: "Nothing dialed",
    history_unavailable: "Call history unavailable",
    hotkey_unavailable: "Hotkey not available",
    sign_in_title: "Sign in — istra-tray",
    main_title: "istra-tray",
    browser_failed: "The CRM page could not be opened",
    errors: &[
        ("no_number", "No phone number in the selection"),
        ("invalid_number", "This is not a valid phone number"),
        ("ambiguous_number", "The selection holds several numbers"),
        ("too_long", "The selection is too long to be a phone number"),
        ("selection_unavailable", "The selection or the clipboard cannot be read"),
        (
            "accessibility_permission",
            "Allow istra-tray under System Settings → Privacy & Security → Accessibility, then try again",
        ),
        ("not_signed_in", "You are not signed in"),
        ("duplicate", "This number is already being called"),
        ("terminal_out_of_service", "Terminal out of service"),
        ("bad_terminal", "This terminal is not available to your account"),
        ("session_lost", "The connection to the server was lost"),
        ("network", "Cannot reach the server"),
        ("server_not_ready", "The server is not ready yet"),
        ("not_allowed", "Your account may not place calls"),
        ("tls", "The server's certificate is not trusted"),
    ],
};

pub static FR: Words = Words {
    dial_selection: "Appeler la sélection",
    dial_selection_with_key: "Appeler la sélection ({})",
    dial_clipboard: "Appeler le presse-papiers",
    no_calls_yet: "Aucun appel pour l'instant",
    recent_calls: "Appels récents",
    missed_suffix: " (manqué)",
    no_missed_calls: "Aucun appel manqué",
    mark_missed_seen: "Marquer {} appel(s) manqué(s) comme vu(s)",
    missed_count: " · {} manqué(s)",
    terminal: "Poste",
    do_not_disturb: "Ne pas déranger",
    open: "Ouvrir…",
    settings: "Paramètres…",
    copy_diagnostics: "Copier le diagnostic",
    diagnostics_copied: "Diagnostic copié",
    diagnostics_paste: "Collez-le dans votre message au support. Il ne contient aucun mot de passe.",
    sign_out: "Se déconnecter",
    sign_in: "Se connecter…",
    quit: "Quitter",
    signed_out: "Déconnecté",
    connecting: "Connexion…",
    online: "En ligne",
    reconnecting: "Reconnexion…",
    reconnecting_in: "Reconnexion dans {} s",
    failed: "Échec",
    stopped: "Arrêté",
    on_terminal: "{} sur {}",
    incoming_call: "Appel entrant",
    missed_call: "Appel manqué",
    call_back: "Rappeler",
    via: "via {}",
    unknown_caller: "Appelant inconnu",
    incoming_ringing: "Appel entrant…",
    outgoing_ringing: "Appel en cours…",
    talking: "En communication {}",
    on_hold: "En attente",
    ended: "Terminé",
    ended_after: "Terminé · {}",
    internal: "Interne",
    external: "Externe",
    copy_number: "Copier le numéro",
    copied: "Copié",
    dismiss: "Ignorer",
    open_in_crm: "Ouvrir dans le CRM",
    calling: "Appel vers {}",
    phone_rings_first: "Votre téléphone sonne d'abord, puis le numéro est appelé.",
    nothing_dialed: "Aucun appel passé",
    history_unavailable: "Historique des appels indisponible",
    hotkey_unavailable: "Raccourci clavier indisponible",
    sign_in_title: "Connexion — istra-tray",
    main_title: "istra-tray",
    browser_failed: "La page du CRM n'a pas pu être ouverte",
    errors: &[
        ("no_number", "Aucun numéro de téléphone dans la sélection"),
        ("invalid_number", "Ce n'est pas un numéro de téléphone valide"),
        ("ambiguous_number", "La sélection contient plusieurs numéros"),
        ("too_long", "La sélection est trop longue pour être un numéro"),
        ("selection_unavailable", "La sélection ou le presse-papiers ne peut pas être lu"),
        (
            "accessibility_permission",
            "Autorisez istra-tray dans Réglages Système → Confidentialité et sécurité → Accessibilité, puis réessayez",
        ),
        ("not_signed_in", "Vous n'êtes pas connecté"),
        ("duplicate", "Ce numéro est déjà en cours d'appel"),
        ("terminal_out_of_service", "Poste hors service"),
        ("bad_terminal", "Ce poste n'est pas disponible pour votre compte"),
        ("session_lost", "La connexion au serveur a été perdue"),
        ("network", "Le serveur est injoignable"),
        ("server_not_ready", "Le serveur n'est pas encore prêt"),
        ("not_allowed", "Votre compte ne peut pas passer d'appels"),
        ("tls", "Le certificat du serveur n'est pas reconnu"),
    ],
};

/// The words of the user's language.
pub fn words() -> &'static Words {
    match Lang::current() {
        Lang::En => &EN,
        Lang::Fr => &FR,
    }
}

/// `template` with each `{}` replaced by the next value, in order.
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + values.iter().map(|v| v.len()).sum::<usize>());
    let mut values = values.iter();
    let mut parts = template.split("{}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str(values.next().copied().unwrap_or_default());
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_is_chosen_for_any_french_locale() {
        for tag in ["fr", "fr-FR", "fr_CA.UTF-8", "FR", "fr@euro"] {
            assert_eq!(Lang::from_tag(tag), Lang::Fr, "{tag}");
        }
        for tag in ["en-US", "de_DE.UTF-8", "C", "", "fry"] {
            assert_eq!(Lang::from_tag(tag), Lang::En, "{tag}");
        }
    }

    #[test]
    fn values_fill_the_holes_in_order() {
        assert_eq!(fill(EN.on_terminal, &["alice", "Desk 1"]), "alice on Desk 1");
        assert_eq!(fill(FR.reconnecting_in, &["3"]), "Reconnexion dans 3 s");
        assert_eq!(fill("{} and {}", &["a"]), "a and ", "a missing value is empty");
        assert_eq!(fill("{}", &["{}"]), "{}", "values are not read as templates");
    }

    #[test]
    fn both_languages_say_everything_with_the_same_holes() {
        let lines = |w: &Words| format!("{w:?}");
        let holes = |w: &Words| lines(w).matches("{}").count();
        assert_eq!(holes(&EN), holes(&FR));
        assert_eq!(EN.errors.len(), FR.errors.len());
        for ((en_code, _), (fr_code, fr)) in EN.errors.iter().zip(FR.errors) {
            assert_eq!(en_code, fr_code);
            assert!(!fr.is_empty());
        }
        assert_eq!(FR.error("no_number"), Some("Aucun numéro de téléphone dans la sélection"));
        assert_eq!(EN.error("unheard_of"), None);
    }
}
