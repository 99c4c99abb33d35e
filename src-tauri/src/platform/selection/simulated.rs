//! The selection read by a simulated copy, where the desktop has no primary selection: what to
//! do and in which order, apart from the OS (the `Desk` trait), so it is tested anywhere.
//!
//! 1. Wait until the user lets go of the hotkey (at most `KEYS_WAIT`): the hotkey fires while
//!    Ctrl+Alt are still down, and a Ctrl+C sent then would reach the application as
//!    Ctrl+Alt+C. Keys still held after that are released by `Desk::press_copy`.
//! 2. Save the user's clipboard. Done after the wait, so the clipboard is out of place for as
//!    short a time as possible.
//! 3. Clear the clipboard, make sure it stays empty, press Ctrl+C.
//! 4. Poll for text, at most `COPY_WAIT`. Only text that appeared in the cleared clipboard is
//!    returned: when the copy produced nothing the answer is "", never the old clipboard.
//! 5. Put the user's clipboard back: always, whether the copy worked, failed or panicked.
//!
//! Everything here stays well within the caller's 2 s `LIMIT`; if that limit still runs out,
//! this goes on in its blocking thread and still restores the clipboard.

use std::time::Duration;

use super::unavailable;
use crate::model::error::AppError;

/// How long to wait for the user to release the hotkey's keys.
pub const KEYS_WAIT: Duration = Duration::from_millis(500);
const KEYS_POLL: Duration = Duration::from_millis(10);
/// How long the application has to put the copied text on the clipboard.
pub const COPY_WAIT: Duration = Duration::from_millis(400);
const COPY_POLL: Duration = Duration::from_millis(20);
/// A clipboard manager that refills a cleared clipboard does so at once; this long after
/// clearing the clipboard must still be empty.
const CLEAR_SETTLE: Duration = Duration::from_millis(20);
/// Putting the clipboard back is tried this often (another program may hold it open).
const RESTORE_TRIES: u32 = 3;
const RESTORE_RETRY: Duration = Duration::from_millis(20);

/// The OS parts of a simulated copy.
pub trait Desk {
    /// The user's clipboard, as saved.
    type Saved;
    /// Whether the user still holds keys down (the hotkey's).
    fn keys_held(&mut self) -> bool;
    /// Reads the whole clipboard, to put it back later.
    fn save(&mut self) -> Result<Self::Saved, AppError>;
    /// Puts a saved clipboard back.
    fn restore(&mut self, saved: &Self::Saved) -> Result<(), AppError>;
    fn clear(&mut self) -> Result<(), AppError>;
    /// The clipboard's text; `None` when it holds none.
    fn text(&mut self) -> Result<Option<String>, AppError>;
    /// Sends Ctrl+C (Cmd+C), first releasing modifier keys the user still holds.
    fn press_copy(&mut self) -> Result<(), AppError>;
    fn pause(&mut self, time: Duration);
}

/// Copies the selection and returns its text ("" when nothing was copied), the user's
/// clipboard put back.
pub fn copy_selection<D: Desk>(desk: &mut D) -> Result<String, AppError> {
    let mut waited = Duration::ZERO;
    while waited < KEYS_WAIT && desk.keys_held() {
        desk.pause(KEYS_POLL);
        waited += KEYS_POLL;
    }
    let saved = desk.save()?;
    let mut restoring = Restoring { desk, saved: Some(saved) };
    let copied = copy_and_read(restoring.desk);
    if let Err(e) = restoring.restore() {
        // The copy's text is still the selection: it is dialled; the user's clipboard is lost.
        tracing::warn!(error = %e, "cannot put the clipboard back after copying the selection");
    }
    copied
}

fn copy_and_read<D: Desk>(desk: &mut D) -> Result<String, AppError> {
    desk.clear()?;
    desk.pause(CLEAR_SETTLE);
    if desk.text()?.is_some_and(|text| !text.is_empty()) {
        // Something (a clipboard manager) refills it: what it holds after the copy could be
        // the old text, not the selection.
        return Err(unavailable("the clipboard cannot be emptied"));
    }
    desk.press_copy()?;
    let mut waited = Duration::ZERO;
    loop {
        match desk.text() {
            Ok(Some(text)) if !text.is_empty() => return Ok(text),
            Ok(_) if waited >= COPY_WAIT => return Ok(String::new()),
            Err(e) if waited >= COPY_WAIT => return Err(e),
            // Not yet copied, or the clipboard is busy (the application is writing it).
            Ok(_) | Err(_) => {}
        }
        desk.pause(COPY_POLL);
        waited += COPY_POLL;
    }
}

/// Puts the user's clipboard back when told to, or at the latest when dropped (a panic).
struct Restoring<'d, D: Desk> {
    desk: &'d mut D,
    saved: Option<D::Saved>,
}

impl<D: Desk> Restoring<'_, D> {
    fn restore(&mut self) -> Result<(), AppError> {
        let Some(saved) = self.saved.take() else { return Ok(()) };
        let mut tries = 1;
        loop {
            match self.desk.restore(&saved) {
                Err(_) if tries < RESTORE_TRIES => {
                    tries += 1;
                    self.desk.pause(RESTORE_RETRY);
                }
                result => return result,
            }
        }
    }
}

impl<D: Desk> Drop for Restoring<'_, D> {
    fn drop(&mut self) {
        if let Err(e) = self.restore() {
            tracing::warn!(error = %e, "cannot put the clipboard back");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{COPY_WAIT, Desk, KEYS_WAIT, copy_selection};
    use crate::model::error::{AppError, ErrorCode};

    #[derive(Clone, Debug, PartialEq)]
    enum Clip {
        Empty,
        Text(String),
        Image,
    }

    /// The OS as the simulated copy sees it, on a clock that only moves when it pauses.
    struct FakeDesk {
        now: Duration,
        clipboard: Clip,
        /// The user lets go of the keys at this time.
        keys_released_at: Duration,
        /// What the focused application copies on Ctrl+C, and how long it takes.
        copies: Option<(String, Duration)>,
        pressed_at: Option<Duration>,
        /// A clipboard manager that puts the old text back this long after the clipboard is cleared.
        refills_after: Option<Duration>,
        cleared_at: Option<Duration>,
        fail_save: bool,
        fail_clear: bool,
        fail_press: bool,
        panic_press: bool,
        /// Reading the clipboard after the key press fails until this time.
        reads_fail_until: Duration,
        fail_restores: u32,
        log: Vec<String>,
    }

    impl FakeDesk {
        fn new(clipboard: Clip) -> Self {
            Self {
                now: Duration::ZERO,
                clipboard,
                keys_released_at: Duration::ZERO,
                copies: None,
                pressed_at: None,
                refills_after: None,
                cleared_at: None,
                fail_save: false,
                fail_clear: false,
                fail_press: false,
                panic_press: false,
                reads_fail_until: Duration::ZERO,
                fail_restores: 0,
                log: Vec::new(),
            }
        }

        fn copying(mut self, text: &str, after: Duration) -> Self {
            self.copies = Some((text.to_owned(), after));
            self
        }

        fn step(&mut self, what: &str) {
            self.log.push(what.to_owned());
        }

        fn steps(&self) -> Vec<&str> {
            let mut steps: Vec<&str> = self.log.iter().map(String::as_str).collect();
            steps.dedup();
            steps
        }
    }

    fn failure(what: &str) -> AppError {
        AppError::new(ErrorCode::SelectionUnavailable, what)
    }

    impl Desk for FakeDesk {
        type Saved = Clip;

        fn keys_held(&mut self) -> bool {
            self.step("keys?");
            self.now < self.keys_released_at
        }

        fn save(&mut self) -> Result<Clip, AppError> {
            self.step("save");
            if self.fail_save {
                return Err(failure("cannot save"));
            }
            Ok(self.clipboard.clone())
        }

        fn restore(&mut self, saved: &Clip) -> Result<(), AppError> {
            self.step("restore");
            if self.fail_restores > 0 {
                self.fail_restores -= 1;
                return Err(failure("busy"));
            }
            self.clipboard = saved.clone();
            Ok(())
        }

        fn clear(&mut self) -> Result<(), AppError> {
            self.step("clear");
            if self.fail_clear {
                return Err(failure("cannot clear"));
            }
            self.clipboard = Clip::Empty;
            self.cleared_at = Some(self.now);
            Ok(())
        }

        fn text(&mut self) -> Result<Option<String>, AppError> {
            self.step("text?");
            if let (Some(cleared), Some(after)) = (self.cleared_at, self.refills_after) {
                if self.now >= cleared + after && self.clipboard == Clip::Empty {
                    self.clipboard = Clip::Text(OLD.into());
                }
            }
            if let (Some(pressed), Some((copied, after))) = (self.pressed_at, &self.copies) {
                if self.now >= pressed + *after {
                    self.clipboard = Clip::Text(copied.clone());
                }
            }
            if self.pressed_at.is_some() && self.now < self.reads_fail_until {
                return Err(failure("cannot read"));
            }
            Ok(match &self.clipboard {
                Clip::Text(text) => Some(text.clone()),
                Clip::Empty | Clip::Image => None,
            })
        }

        fn press_copy(&mut self) -> Result<(), AppError> {
            self.step("press");
            if self.panic_press {
                panic!("the key press panicked");
            }
            if self.fail_press {
                return Err(failure("cannot press"));
            }
            self.pressed_at = Some(self.now);
            Ok(())
        }

        fn pause(&mut self, time: Duration) {
            self.now += time;
        }
    }

    const OLD: &str = "+33 1 23 45 67 89";

    #[test]
    fn the_copied_text_is_returned_and_the_clipboard_put_back() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into())).copying("+41 22 555 01 02", Duration::from_millis(60));
        assert_eq!(copy_selection(&mut desk).unwrap(), "+41 22 555 01 02");
        assert_eq!(desk.steps(), ["keys?", "save", "clear", "text?", "press", "text?", "restore"]);
        assert_eq!(desk.clipboard, Clip::Text(OLD.into()));
        assert!(desk.now >= Duration::from_millis(60) && desk.now < COPY_WAIT, "{:?}", desk.now);
    }

    #[test]
    fn nothing_copied_gives_empty_text_never_the_old_clipboard() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into()));
        assert_eq!(copy_selection(&mut desk).unwrap(), "");
        assert_eq!(desk.clipboard, Clip::Text(OLD.into()));
        assert!(desk.now >= COPY_WAIT && desk.now < COPY_WAIT + Duration::from_millis(50), "{:?}", desk.now);
    }

    #[test]
    fn a_copy_later_than_the_wait_is_not_taken() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into())).copying("+41 22 555 01 02", COPY_WAIT * 2);
        assert_eq!(copy_selection(&mut desk).unwrap(), "");
        assert_eq!(desk.clipboard, Clip::Text(OLD.into()));
    }

    #[test]
    fn the_copy_waits_until_the_hotkey_is_released() {
        let mut desk = FakeDesk::new(Clip::Empty).copying("0612345678", Duration::ZERO);
        desk.keys_released_at = Duration::from_millis(230);
        assert_eq!(copy_selection(&mut desk).unwrap(), "0612345678");
        let pressed = desk.pressed_at.unwrap();
        assert!(pressed >= Duration::from_millis(230) && pressed < Duration::from_millis(260), "{pressed:?}");
    }

    #[test]
    fn keys_held_too_long_do_not_stop_the_copy() {
        let mut desk = FakeDesk::new(Clip::Empty).copying("0612345678", Duration::ZERO);
        desk.keys_released_at = Duration::from_secs(60);
        assert_eq!(copy_selection(&mut desk).unwrap(), "0612345678");
        let pressed = desk.pressed_at.unwrap();
        assert!(pressed >= KEYS_WAIT && pressed < KEYS_WAIT + Duration::from_millis(50), "{pressed:?}");
    }

    #[test]
    fn everything_ends_well_within_the_caller_limit() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into()));
        desk.keys_released_at = Duration::from_secs(60);
        desk.reads_fail_until = Duration::MAX;
        desk.fail_restores = 2;
        assert!(copy_selection(&mut desk).is_err());
        assert!(desk.now < crate::platform::selection::LIMIT / 2, "{:?}", desk.now);
    }

    #[test]
    fn an_empty_clipboard_is_left_empty_and_an_image_is_put_back() {
        let mut desk = FakeDesk::new(Clip::Empty).copying("0612345678", Duration::ZERO);
        assert_eq!(copy_selection(&mut desk).unwrap(), "0612345678");
        assert_eq!(desk.clipboard, Clip::Empty);

        let mut desk = FakeDesk::new(Clip::Image).copying("0612345678", Duration::ZERO);
        assert_eq!(copy_selection(&mut desk).unwrap(), "0612345678");
        assert_eq!(desk.clipboard, Clip::Image);
    }

    #[test]
    fn a_clipboard_that_cannot_be_saved_is_not_touched() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into())).copying("0612345678", Duration::ZERO);
        desk.fail_save = true;
        assert_eq!(copy_selection(&mut desk).unwrap_err().message, "cannot save");
        assert_eq!(desk.steps(), ["keys?", "save"]);
        assert_eq!(desk.clipboard, Clip::Text(OLD.into()));
    }

    #[test]
    fn a_clipboard_that_cannot_be_cleared_gives_an_error_not_its_text() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into())).copying("0612345678", Duration::ZERO);
        desk.fail_clear = true;
        assert_eq!(copy_selection(&mut desk).unwrap_err().message, "cannot clear");
        assert!(!desk.log.contains(&"press".to_owned()));
        assert_eq!(desk.clipboard, Clip::Text(OLD.into()));
    }

    #[test]
    fn a_clipboard_manager_refilling_the_clipboard_gives_an_error_not_the_old_text() {
        for after in [Duration::ZERO, Duration::from_millis(5)] {
            let mut desk = FakeDesk::new(Clip::Text(OLD.into()));
            desk.refills_after = Some(after);
            let e = copy_selection(&mut desk).unwrap_err();
            assert_eq!(e.code, ErrorCode::SelectionUnavailable);
            assert!(!desk.log.contains(&"press".to_owned()));
            assert_eq!(desk.clipboard, Clip::Text(OLD.into()));
        }
    }

    #[test]
    fn a_failed_key_press_still_puts_the_clipboard_back() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into()));
        desk.fail_press = true;
        assert_eq!(copy_selection(&mut desk).unwrap_err().message, "cannot press");
        assert_eq!(desk.log.last().map(String::as_str), Some("restore"));
        assert_eq!(desk.clipboard, Clip::Text(OLD.into()));
    }

    #[test]
    fn a_panic_still_puts_the_clipboard_back() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into()));
        desk.panic_press = true;
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| copy_selection(&mut desk)));
        assert!(panicked.is_err());
        assert_eq!(desk.log.last().map(String::as_str), Some("restore"));
        assert_eq!(desk.clipboard, Clip::Text(OLD.into()));
    }

    #[test]
    fn a_clipboard_unreadable_after_the_copy_gives_an_error() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into()));
        desk.reads_fail_until = Duration::MAX;
        assert_eq!(copy_selection(&mut desk).unwrap_err().message, "cannot read");
        assert_eq!(desk.clipboard, Clip::Text(OLD.into()));
    }

    #[test]
    fn a_busy_clipboard_is_read_once_free() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into())).copying("0612345678", Duration::from_millis(40));
        desk.reads_fail_until = Duration::from_millis(200);
        assert_eq!(copy_selection(&mut desk).unwrap(), "0612345678");
        assert!(desk.now >= Duration::from_millis(200), "{:?}", desk.now);
        assert_eq!(desk.clipboard, Clip::Text(OLD.into()));
    }

    #[test]
    fn putting_the_clipboard_back_is_retried() {
        let mut desk = FakeDesk::new(Clip::Text(OLD.into())).copying("0612345678", Duration::ZERO);
        desk.fail_restores = 2;
        assert_eq!(copy_selection(&mut desk).unwrap(), "0612345678");
        assert_eq!(desk.clipboard, Clip::Text(OLD.into()));

        // Never put back: the selection is still what was copied.
        let mut desk = FakeDesk::new(Clip::Text(OLD.into())).copying("0612345678", Duration::ZERO);
        desk.fail_restores = u32::MAX;
        assert_eq!(copy_selection(&mut desk).unwrap(), "0612345678");
        assert_eq!(desk.log.iter().filter(|step| *step == "restore").count(), 3);
    }
}
