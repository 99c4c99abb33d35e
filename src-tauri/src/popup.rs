//! The incoming-call popup: one small always-on-top window in a screen corner, holding a card
//! per call, newest on top. On Linux it is drawn with GTK ([`crate::popup_gtk`]); on Windows
//! and macOS it is a webview (`ui/popup.html`, [`crate::popup_web`]).

use tauri::{AppHandle, Runtime};

use crate::settings::PopupCorner;
use crate::views::CallView;

pub const WIDTH: f64 = 340.0;
/// Each call card is exactly this tall.
pub const CARD_HEIGHT: f64 = 110.0;
const MARGIN: f64 = 16.0;
const MAX_VISIBLE_CARDS: usize = 4;

/// The window's height for `cards` cards: it grows with the stack up to four, then scrolls.
pub fn height(cards: usize) -> f64 {
    CARD_HEIGHT * cards.clamp(1, MAX_VISIBLE_CARDS) as f64
}

/// Where the window goes on a screen of `screen` logical size at `origin`.
pub fn place(corner: PopupCorner, origin: (f64, f64), screen: (f64, f64), size: (f64, f64)) -> (f64, f64) {
    let left = origin.0 + MARGIN;
    let right = origin.0 + (screen.0 - size.0 - MARGIN).max(0.0);
    let top = origin.1 + MARGIN;
    let bottom = origin.1 + (screen.1 - size.1 - MARGIN).max(0.0);
    match corner {
        PopupCorner::TopLeft => (left, top),
        PopupCorner::TopRight => (right, top),
        PopupCorner::BottomLeft => (left, bottom),
        PopupCorner::BottomRight => (right, bottom),
    }
}

/// Shows `calls` (newest first) in the popup, opening, resizing or hiding it as needed.
pub fn show<R: Runtime>(app: &AppHandle<R>, calls: &[CallView], corner: PopupCorner) {
    #[cfg(target_os = "linux")]
    {
        // GTK lives on the main thread; this runs at once when already there.
        let (handle, calls) = (app.clone(), calls.to_vec());
        if let Err(e) = app.run_on_main_thread(move || crate::popup_gtk::show(&handle, &calls, corner)) {
            tracing::warn!(error = %e, "cannot show the popup");
        }
    }
    #[cfg(not(target_os = "linux"))]
    crate::popup_web::show(app, calls, corner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_popup_sits_in_the_chosen_corner_inside_the_screen() {
        let screen = (1280.0, 800.0);
        let size = (340.0, 110.0);
        assert_eq!(place(PopupCorner::TopRight, (0.0, 0.0), screen, size), (924.0, 16.0));
        assert_eq!(place(PopupCorner::BottomLeft, (0.0, 0.0), screen, size), (16.0, 674.0));
        assert_eq!(place(PopupCorner::BottomRight, (1280.0, 0.0), screen, size), (2204.0, 674.0));
        assert_eq!(place(PopupCorner::TopLeft, (0.0, 0.0), (100.0, 100.0), size), (16.0, 16.0));
    }

    #[test]
    fn the_window_grows_with_the_stack_up_to_four_cards() {
        assert_eq!(height(1), 110.0);
        assert_eq!(height(2), 220.0);
        assert_eq!(height(9), height(4));
    }
}
