//! `tel:`, `callto:` and `sip:` links: recognising them on the command line, and (on Linux)
//! making istra-tray the desktop's handler for them.
//!
//! The desktop learns about handlers from a desktop entry whose `MimeType` lists
//! `x-scheme-handler/<scheme>` and picks the default one from `mimeapps.list` (XDG MIME
//! Applications spec). istra-tray writes its own entry into the user's applications folder,
//! pointing at the running binary, and sets itself as default in the user's `mimeapps.list`;
//! turning the setting off removes both (other applications' defaults are left alone).
//! Packages install the same `MimeType` in their desktop file (see `src-tauri/linux/`).

use std::path::{Path, PathBuf};

/// The schemes istra-tray dials.
pub const SCHEMES: [&str; 4] = ["tel", "callto", "sip", "sips"];
/// The desktop entry's file name.
pub const DESKTOP_FILE: &str = "istra-tray-links.desktop";
/// Longest link accepted (the dial rules refuse longer text anyway).
const MAX_LINK_CHARS: usize = 2_000;

/// Whether a command-line argument is a link to dial.
pub fn is_link(arg: &str) -> bool {
    let Some((scheme, rest)) = arg.split_once(':') else { return false };
    SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) && !rest.is_empty() && arg.chars().count() <= MAX_LINK_CHARS
}

/// Writes a path for a desktop entry's `Exec` key: `%` doubled (it introduces field codes),
/// and, only when the path holds a character the spec reserves, double quotes with `"`,
/// `` ` ``, `$` and `\` escaped by a backslash. A plain path stays unquoted because some
/// launchers (xdg-open's generic mode) do not understand quotes.
pub(crate) fn exec_quote(path: &str) -> String {
    const RESERVED: &[char] =
        &[' ', '\t', '\n', '"', '\'', '\\', '>', '<', '~', '|', '&', ';', '$', '*', '?', '#', '(', ')', '`'];
    if !path.contains(RESERVED) {
        return path.replace('%', "%%");
    }
    let mut out = String::from("\"");
    for c in path.chars() {
        match c {
            '"' | '`' | '$' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '%' => out.push_str("%%"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The desktop entry that hands links to `exe`.
pub fn desktop_entry(exe: &str) -> String {
    let mime: String = SCHEMES.iter().map(|s| format!("x-scheme-handler/{s};")).collect();
    format!(
        "[Desktop Entry]\nType=Application\nName=istra-tray\nComment=Dial phone links through your Istra \
         phone\nExec={} %u\nIcon=istra-tray\nTerminal=false\nNoDisplay=true\nMimeType={mime}\n",
        exec_quote(exe)
    )
}

/// `mimeapps.list` text with istra-tray made (`on`) or no longer (`!on`) the default for
/// its schemes; every other line is kept as it was.
pub fn with_defaults(list: &str, on: bool) -> String {
    let ours = |line: &str| {
        line.split_once('=').is_some_and(|(key, _)| {
            SCHEMES.iter().any(|s| key.trim().eq_ignore_ascii_case(&format!("x-scheme-handler/{s}")))
        })
    };
    let mut out = Vec::new();
    let mut in_defaults = false;
    let mut wrote = false;
    for line in list.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            if in_defaults && on && !wrote {
                out.extend(SCHEMES.iter().map(|s| format!("x-scheme-handler/{s}={DESKTOP_FILE}")));
                wrote = true;
            }
            in_defaults = trimmed == "[Default Applications]";
        }
        if in_defaults && ours(trimmed) {
            // Another handler's default is replaced only when turning ours on.
            if on || trimmed.ends_with(DESKTOP_FILE) {
                continue;
            }
        }
        out.push(line.to_owned());
    }
    if on && !wrote {
        if !in_defaults {
            if out.last().is_some_and(|l| !l.trim().is_empty()) {
                out.push(String::new());
            }
            out.push("[Default Applications]".to_owned());
        }
        out.extend(SCHEMES.iter().map(|s| format!("x-scheme-handler/{s}={DESKTOP_FILE}")));
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("istra-tray.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Where the desktop entry and the defaults go: `$XDG_DATA_HOME/applications` and
/// `$XDG_CONFIG_HOME/mimeapps.list`.
fn locations() -> Option<(PathBuf, PathBuf)> {
    Some((dirs::data_dir()?.join("applications").join(DESKTOP_FILE), dirs::config_dir()?.join("mimeapps.list")))
}

/// The path that starts this app again, for the desktop entries that launch it (phone links,
/// start at login): the image itself under an AppImage, whose running binary sits on a
/// temporary mount that is gone at the next login; the running binary otherwise.
///
/// # Errors
///
/// When the running binary's path cannot be known.
pub fn app_path() -> std::io::Result<PathBuf> {
    stable_path(std::env::var_os("APPIMAGE"), std::env::current_exe)
}

/// The command line that runs the app with `argument`, as a desktop file or a desktop's own
/// shortcut writes it (the app's stable path, quoted where needed).
///
/// # Errors
///
/// When the running binary's path cannot be known.
pub fn app_command(argument: &str) -> std::io::Result<String> {
    Ok(format!("{} {argument}", exec_quote(&app_path()?.to_string_lossy())))
}

fn stable_path(
    appimage: Option<std::ffi::OsString>,
    current_exe: impl FnOnce() -> std::io::Result<PathBuf>,
) -> std::io::Result<PathBuf> {
    appimage.filter(|image| !image.is_empty()).map(PathBuf::from).map_or_else(current_exe, Ok)
}

/// Makes istra-tray (`on`) or no longer the handler of phone links for this user.
///
/// # Errors
///
/// The file that could not be written.
pub fn set_handler(on: bool) -> std::io::Result<()> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let (entry, list_path) =
        locations().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no home folder"))?;
    let list = match std::fs::read_to_string(&list_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    if on {
        let text = desktop_entry(&app_path()?.to_string_lossy());
        // Every start lands here: leave an entry that is already right alone.
        if std::fs::read_to_string(&entry).ok().as_deref() != Some(text.as_str()) {
            write_atomically(&entry, &text)?;
        }
    } else if entry.exists() {
        std::fs::remove_file(&entry)?;
    }
    let updated = with_defaults(&list, on);
    if updated != list {
        write_atomically(&list_path, &updated)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_an_appimage_the_image_starts_the_app_not_its_temporary_mount() {
        let mount = || Ok(PathBuf::from("/tmp/.mount_istraX/usr/bin/istra-tray"));
        let image = Some(std::ffi::OsString::from("/home/alice/Apps/istra-tray.AppImage"));
        assert_eq!(stable_path(image, mount).expect("path"), PathBuf::from("/home/alice/Apps/istra-tray.AppImage"));
        assert_eq!(stable_path(None, mount).expect("path"), PathBuf::from("/tmp/.mount_istraX/usr/bin/istra-tray"));
        assert_eq!(
            stable_path(Some("".into()), mount).expect("path"),
            PathBuf::from("/tmp/.mount_istraX/usr/bin/istra-tray")
        );
    }

    #[test]
    fn links_are_told_from_other_arguments() {
        for link in ["tel:+33123456789", "TEL:0123", "callto://0123456789", "sip:204@pbx.example", "sips:1@x"] {
            assert!(is_link(link), "{link}");
        }
        for other in ["tel:", "dial", "--show", "http://x", "+33123456789", "telephone:1"] {
            assert!(!is_link(other), "{other}");
        }
        assert!(!is_link(&format!("tel:{}", "1".repeat(MAX_LINK_CHARS))));
    }

    #[test]
    fn the_desktop_entry_quotes_the_binary_path() {
        let entry = desktop_entry("/opt/my \"apps\"/$HOME/100%/istra-tray");
        assert!(entry.contains("Exec=\"/opt/my \\\"apps\\\"/\\$HOME/100%%/istra-tray\" %u\n"), "{entry}");
        assert!(desktop_entry("/usr/bin/istra-tray").contains("Exec=/usr/bin/istra-tray %u\n"));
        assert!(desktop_entry("/opt/100%/istra-tray").contains("Exec=/opt/100%%/istra-tray %u\n"));
        assert!(entry.contains(
            "MimeType=x-scheme-handler/tel;x-scheme-handler/callto;x-scheme-handler/sip;x-scheme-handler/sips;\n"
        ));
    }

    #[test]
    fn defaults_are_added_replaced_and_removed_without_touching_the_rest() {
        let empty = with_defaults("", true);
        assert_eq!(empty.lines().next(), Some("[Default Applications]"));
        assert!(empty.contains("x-scheme-handler/tel=istra-tray-links.desktop\n"));

        let existing = "[Added Associations]\ntext/plain=gedit.desktop\n\n[Default Applications]\n\
                        x-scheme-handler/tel=skype.desktop\ntext/html=firefox.desktop\n";
        let on = with_defaults(existing, true);
        assert!(!on.contains("skype"), "{on}");
        assert!(on.contains("text/plain=gedit.desktop") && on.contains("text/html=firefox.desktop"));
        assert_eq!(on.matches("x-scheme-handler/sip=").count(), 1);
        assert_eq!(with_defaults(&on, true), on, "turning on twice changes nothing");

        let off = with_defaults(&on, false);
        assert!(!off.contains(DESKTOP_FILE), "{off}");
        assert!(off.contains("text/html=firefox.desktop"));
        let foreign = "[Default Applications]\nx-scheme-handler/tel=skype.desktop\n";
        assert_eq!(with_defaults(foreign, false), foreign, "another app's default is not ours to remove");

        let other_section_last = "[Default Applications]\ntext/html=firefox.desktop\n[Added Associations]\nx=y\n";
        let on = with_defaults(other_section_last, true);
        let defaults = on.split("[Added Associations]").next().unwrap_or_default();
        assert!(defaults.contains("x-scheme-handler/callto=istra-tray-links.desktop"), "{on}");
    }
}
