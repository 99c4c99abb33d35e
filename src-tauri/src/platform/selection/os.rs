//! The simulated copy's OS parts: arboard for the clipboard, enigo for the key presses.

use std::path::PathBuf;
use std::time::Duration;

use enigo::{Direction, Enigo, Key, Keyboard as _};

use super::{text_or_empty, unavailable};
use crate::model::error::{AppError, ErrorCode};

/// The user's clipboard in the richest form that can be put back. Not put back: formats
/// beside these (RTF, an application's own formats such as a spreadsheet range, the
/// cut-or-copy mark of files), an image's original encoding (it comes back as a bitmap), a
/// text's HTML when it also held files, and anything else: a clipboard holding none of these
/// is left empty.
pub enum Saved {
    Nothing,
    Files(Vec<PathBuf>),
    Html { html: String, text: Option<String> },
    Text(String),
    Image(arboard::ImageData<'static>),
}

pub struct Desk<'c> {
    clipboard: &'c mut arboard::Clipboard,
    enigo: Enigo,
    #[cfg(windows)]
    keys: device_query::DeviceState,
}

impl<'c> Desk<'c> {
    /// # Errors
    ///
    /// `accessibility_permission` on macOS until the user allows istra-tray to control the
    /// computer; `selection_unavailable` when key presses cannot be simulated otherwise.
    pub fn new(clipboard: &'c mut arboard::Clipboard) -> Result<Self, AppError> {
        let enigo = Enigo::new(&enigo::Settings::default()).map_err(|e| match e {
            enigo::NewConError::NoPermission => {
                tracing::warn!("not allowed to simulate Cmd+C: the accessibility permission is missing");
                AppError::new(
                    ErrorCode::AccessibilityPermission,
                    "istra-tray may not copy the selection: allow istra-tray under System Settings → \
                     Privacy & Security → Accessibility, then try again",
                )
            }
            e => unavailable(format!("cannot simulate the copy key: {e}")),
        })?;
        Ok(Self {
            clipboard,
            enigo,
            #[cfg(windows)]
            keys: device_query::DeviceState::new(),
        })
    }

    fn press(&mut self, key: Key, direction: Direction) -> Result<(), AppError> {
        self.enigo.key(key, direction).map_err(|e| unavailable(format!("cannot send the copy key: {e}")))
    }
}

/// Where supported, what we put back stays out of clipboard histories (it is there already).
#[cfg(windows)]
fn quiet(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtWindows as _;
    set.exclude_from_history().exclude_from_cloud()
}

#[cfg(target_os = "macos")]
fn quiet(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtApple as _;
    set.exclude_from_history()
}

impl super::simulated::Desk for Desk<'_> {
    type Saved = Saved;

    #[cfg(windows)]
    fn keys_held(&mut self) -> bool {
        use device_query::DeviceQuery as _;
        !self.keys.get_keys().is_empty()
    }

    #[cfg(target_os = "macos")]
    fn keys_held(&mut self) -> bool {
        use objc2_core_graphics::{CGEventFlags, CGEventSource, CGEventSourceStateID};
        let modifiers = CGEventFlags::MaskShift
            | CGEventFlags::MaskControl
            | CGEventFlags::MaskAlternate
            | CGEventFlags::MaskCommand;
        CGEventSource::flags_state(CGEventSourceStateID::HIDSystemState).intersects(modifiers)
    }

    fn save(&mut self) -> Result<Saved, AppError> {
        let clipboard = &mut *self.clipboard;
        if let Some(files) = clipboard.get().file_list().ok().filter(|files| !files.is_empty()) {
            return Ok(Saved::Files(files));
        }
        // Text is never lost: an error reading it (other than "no text") stops everything
        // before the clipboard is touched.
        let text = Some(text_or_empty(clipboard.get_text())?).filter(|text| !text.is_empty());
        if let Some(html) = clipboard.get().html().ok().filter(|html| !html.is_empty()) {
            return Ok(Saved::Html { html, text });
        }
        if let Some(text) = text {
            return Ok(Saved::Text(text));
        }
        Ok(clipboard.get_image().map_or(Saved::Nothing, Saved::Image))
    }

    fn restore(&mut self, saved: &Saved) -> Result<(), AppError> {
        let clipboard = &mut *self.clipboard;
        let restored = match saved {
            Saved::Nothing => clipboard.clear(),
            Saved::Files(files) => quiet(clipboard.set()).file_list(files),
            Saved::Html { html, text } => quiet(clipboard.set()).html(html.as_str(), text.as_deref()),
            Saved::Text(text) => quiet(clipboard.set()).text(text.as_str()),
            Saved::Image(image) => quiet(clipboard.set()).image(image.clone()),
        };
        restored.map_err(|e| unavailable(format!("cannot restore the clipboard: {e}")))
    }

    fn clear(&mut self) -> Result<(), AppError> {
        self.clipboard.clear().map_err(|e| unavailable(format!("cannot clear the clipboard: {e}")))
    }

    fn text(&mut self) -> Result<Option<String>, AppError> {
        match self.clipboard.get_text() {
            Ok(text) => Ok(Some(text)),
            Err(arboard::Error::ContentNotAvailable) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Ctrl+C with the virtual key C (any layout: Windows matches shortcuts by virtual key).
    /// Modifiers still held are released (as AutoHotkey does): Ctrl goes down first and
    /// masks the releases, so releasing Alt does not open the menu bar, nor Win the Start menu.
    #[cfg(windows)]
    fn press_copy(&mut self) -> Result<(), AppError> {
        use device_query::{DeviceQuery as _, Keycode};
        let held: Vec<Key> = self
            .keys
            .get_keys()
            .into_iter()
            .filter_map(|key| match key {
                Keycode::LAlt => Some(Key::LMenu),
                Keycode::RAlt => Some(Key::RMenu),
                Keycode::LShift => Some(Key::LShift),
                Keycode::RShift => Some(Key::RShift),
                Keycode::LMeta => Some(Key::LWin),
                Keycode::RMeta => Some(Key::RWin),
                _ => None,
            })
            .collect();
        self.press(Key::Control, Direction::Press)?;
        for key in held {
            self.press(key, Direction::Release)?;
        }
        self.press(Key::C, Direction::Click)?;
        self.press(Key::Control, Direction::Release)
    }

    /// Cmd with the C key's position (kVK_ANSI_C): what macOS reads for shortcuts under
    /// non-Latin layouts too, where looking the letter up in the layout would find no key.
    /// enigo posts its events with only the modifiers it pressed, so keys the user still
    /// holds do not join in.
    #[cfg(target_os = "macos")]
    fn press_copy(&mut self) -> Result<(), AppError> {
        const ANSI_C: u32 = 8;
        self.press(Key::Meta, Direction::Press)?;
        self.press(Key::Other(ANSI_C), Direction::Click)?;
        self.press(Key::Meta, Direction::Release)
    }

    fn pause(&mut self, time: Duration) {
        std::thread::sleep(time);
    }
}
