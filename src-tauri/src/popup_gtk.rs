//! The incoming-call popup on Linux, drawn with GTK rather than a webview: it shows in a few
//! milliseconds, and the app that runs all day never loads WebKit for it (a webview leaves
//! ~70 MiB of WebKit and Mesa in the process for good, see the README's benchmarks).
//!
//! One window, created with the first call and hidden (not destroyed) between calls, holds a
//! card per call, newest on top. Everything here runs on the main thread, where GTK lives:
//! [`crate::popup::show`] sends the calls here. Caller labels are set as plain text (never
//! Pango markup), after [`crate::card::clip`].

use std::cell::RefCell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gtk::prelude::*;
use gtk::{gdk, glib, pango};
use tauri::{AppHandle, Manager as _, Runtime};

use crate::card::{CardText, TitleKind, state_text};
use crate::controller::Controller;
use crate::i18n::words;
use crate::popup::{CARD_HEIGHT, WIDTH, height, place};
use crate::settings::PopupCorner;
use crate::views::{AppError, CallStateView, CallView};

/// How long "Copied" or an error stays on a card.
const FEEDBACK: Duration = Duration::from_secs(2);
const ERROR: Duration = Duration::from_secs(4);

/// The popup's looks, on top of the desktop's theme: a coloured edge telling the call's state.
const CSS: &str = "
.istra-popup { background-color: @theme_base_color; }
.istra-popup .call { padding: 6px 8px 6px 10px; border-left: 4px solid #3584e4;
  border-bottom: 1px solid alpha(@theme_fg_color, 0.15); }
.istra-popup .call.talking, .istra-popup .call.held { border-left-color: #2ec27e; }
.istra-popup .call.ended { border-left-color: alpha(@theme_fg_color, 0.3); }
.istra-popup .call.missed { border-left-color: #e01b24; }
.istra-popup .title { font-size: larger; font-weight: bold; }
.istra-popup .badge { font-size: smaller; padding: 0 6px; border-radius: 8px;
  background-color: alpha(@theme_fg_color, 0.08); }
.istra-popup .call.missed .state, .istra-popup .state.error { color: #e01b24; }
.istra-popup button { padding: 1px 8px; min-height: 0; font-size: smaller; }
";

thread_local! {
    static POPUP: RefCell<Option<Popup>> = const { RefCell::new(None) };
}

struct Popup {
    window: gtk::Window,
    list: gtk::Box,
    cards: Vec<Card>,
    ticker: Option<glib::SourceId>,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn label(classes: &[&str]) -> gtk::Label {
    let label = gtk::Label::new(None);
    label.set_use_markup(false);
    label.set_xalign(0.0);
    label.set_single_line_mode(true);
    label.set_ellipsize(pango::EllipsizeMode::End);
    for class in classes {
        label.style_context().add_class(class);
    }
    label
}

/// Sets `label` to `text` and shows it, or hides it when there is none.
fn set_optional(label: &gtk::Label, text: Option<&str>) {
    label.set_text(text.unwrap_or_default());
    label.set_visible(text.is_some());
}

fn button(text: &str) -> gtk::Button {
    let button = gtk::Button::with_label(text);
    button.set_focus_on_click(false);
    button
}

/// One call's card.
struct Card {
    call: CallView,
    root: gtk::Box,
    title: gtk::Label,
    label: gtk::Label,
    number: gtk::Label,
    e164: gtk::Label,
    call_type: gtk::Label,
    acd: gtk::Label,
    state: gtk::Label,
    crm: gtk::Button,
    copy: gtk::Button,
    dismiss: gtk::Button,
    /// An error shown instead of the state for a while, and which one it is (of `errors`).
    error: Option<(String, u64)>,
    errors: u64,
    /// How many times "Copied" was shown: only the latest showing's timer puts the label back.
    copies: u64,
}

impl Card {
    fn new<R: Runtime>(app: &AppHandle<R>, call: CallView) -> Self {
        let w = words();
        let card = Card {
            root: gtk::Box::new(gtk::Orientation::Horizontal, 8),
            title: label(&["title"]),
            label: label(&["dim-label"]),
            number: label(&["dim-label", "number"]),
            e164: label(&["dim-label", "e164"]),
            call_type: label(&["badge"]),
            acd: label(&["badge"]),
            state: label(&["state"]),
            crm: button(w.open_in_crm),
            copy: button(w.copy_number),
            dismiss: button(w.dismiss),
            call,
            error: None,
            errors: 0,
            copies: 0,
        };
        // Numbers read left to right in every language.
        for number in [&card.number, &card.e164] {
            number.set_direction(gtk::TextDirection::Ltr);
        }
        let subtitle = gtk::Box::new(gtk::Orientation::Horizontal, 8);
        for part in [&card.label, &card.number, &card.e164] {
            subtitle.pack_start(part, false, true, 0);
        }
        let meta = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        meta.set_valign(gtk::Align::End);
        meta.set_vexpand(true);
        meta.pack_start(&card.call_type, false, false, 0);
        meta.pack_start(&card.acd, false, true, 0);
        meta.pack_start(&card.state, true, true, 0);
        let details = gtk::Box::new(gtk::Orientation::Vertical, 2);
        details.set_hexpand(true);
        details.pack_start(&card.title, false, true, 0);
        details.pack_start(&subtitle, false, true, 0);
        details.pack_start(&meta, true, true, 0);
        let actions = gtk::Box::new(gtk::Orientation::Vertical, 4);
        actions.set_valign(gtk::Align::Center);
        for action in [&card.crm, &card.copy, &card.dismiss] {
            actions.pack_start(action, false, false, 0);
        }
        card.root.pack_start(&details, true, true, 0);
        card.root.pack_start(&actions, false, false, 0);
        card.root.set_size_request(-1, CARD_HEIGHT as i32);
        card.root.style_context().add_class("call");
        card.connect(app);
        card.root.show_all();
        card.render();
        card
    }

    fn connect<R: Runtime>(&self, app: &AppHandle<R>) {
        let id = self.call.id.clone();
        let on_dismiss = app.clone();
        self.dismiss.connect_clicked(move |dismiss| {
            // The card goes when the controller sends the calls without it.
            dismiss.set_sensitive(false);
            on_dismiss.state::<Controller>().dismiss_call(&id);
        });
        let (id, on_copy) = (self.call.id.clone(), app.clone());
        self.copy.connect_clicked(move |copy| {
            copy.set_sensitive(false);
            let (id, app) = (id.clone(), on_copy.clone());
            tauri::async_runtime::spawn(async move {
                let copied = app.state::<Controller>().copy_number(&id).await;
                let _ = app.run_on_main_thread(move || with_card(&id, |card| card.copied(copied)));
            });
        });
        let (id, on_crm) = (self.call.id.clone(), app.clone());
        self.crm.connect_clicked(move |crm| {
            crm.set_sensitive(false);
            let (id, app) = (id.clone(), on_crm.clone());
            tauri::async_runtime::spawn_blocking(move || {
                let opened = app.state::<Controller>().screen_pop(&id);
                let _ = app.run_on_main_thread(move || {
                    with_card(&id, |card| {
                        card.crm.set_sensitive(true);
                        if let Err(e) = opened {
                            card.show_error(&e);
                        }
                    });
                });
            });
        });
    }

    /// Draws the call's lines, state and buttons.
    fn render(&self) {
        let text = CardText::of(&self.call, words());
        self.title.set_text(&text.title);
        // A number as the title reads left to right; a name or label follows its own script.
        self.title.set_direction(if text.title_kind == TitleKind::Number {
            gtk::TextDirection::Ltr
        } else {
            gtk::TextDirection::None
        });
        set_optional(&self.label, text.label.as_deref());
        set_optional(&self.number, text.number.as_deref());
        set_optional(&self.e164, text.e164.as_deref());
        set_optional(&self.call_type, text.call_type.as_deref());
        set_optional(&self.acd, text.acd.as_deref());
        let style = self.root.style_context();
        for class in ["ringing", "talking", "held", "ended", "missed"] {
            style.remove_class(class);
        }
        style.add_class(match self.call.state {
            CallStateView::Ringing => "ringing",
            CallStateView::Talking => "talking",
            CallStateView::Held => "held",
            CallStateView::Ended => "ended",
        });
        if self.call.missed {
            style.add_class("missed");
        }
        self.crm.set_visible(self.call.screen_pop);
        self.enable_copy();
        self.show_state(now_ms());
    }

    /// Copy number can be pressed when the call has a number.
    fn enable_copy(&self) {
        self.copy.set_sensitive(crate::card::displayed_number(&self.call).is_some());
    }

    fn show_state(&self, now: u64) {
        let state = match &self.error {
            Some((error, _)) => error.clone(),
            None => state_text(&self.call, now, words()),
        };
        self.state.set_text(&state);
        let style = self.state.style_context();
        if self.error.is_some() { style.add_class("error") } else { style.remove_class("error") }
    }

    fn show_error(&mut self, error: &AppError) {
        let sentence = words().error(&error.code).unwrap_or(&error.message);
        self.errors += 1;
        self.error = Some((sentence.to_owned(), self.errors));
        self.show_state(now_ms());
        let (id, shown) = (self.call.id.clone(), self.errors);
        glib::timeout_add_local_once(ERROR, move || {
            with_card(&id, |card| {
                if card.error.as_ref().is_some_and(|(_, n)| *n == shown) {
                    card.error = None;
                    card.show_state(now_ms());
                }
            });
        });
    }

    fn copied(&mut self, copied: Result<(), AppError>) {
        self.enable_copy();
        if let Err(e) = copied {
            self.show_error(&e);
            return;
        }
        self.copy.set_label(words().copied);
        self.copies += 1;
        let (id, shown) = (self.call.id.clone(), self.copies);
        glib::timeout_add_local_once(FEEDBACK, move || {
            with_card(&id, |card| {
                if card.copies == shown {
                    card.copy.set_label(words().copy_number);
                }
            });
        });
    }
}

/// Runs `f` on the card of call `id`, if the popup still shows it.
fn with_card(id: &str, f: impl FnOnce(&mut Card)) {
    POPUP.with_borrow_mut(|popup| {
        if let Some(card) = popup.as_mut().and_then(|p| p.cards.iter_mut().find(|c| c.call.id == id)) {
            f(card);
        }
    });
}

impl Popup {
    fn new() -> Self {
        let window = gtk::Window::new(gtk::WindowType::Toplevel);
        window.set_title(words().incoming_call);
        window.set_type_hint(gdk::WindowTypeHint::Notification);
        window.set_decorated(false);
        window.set_keep_above(true);
        window.set_skip_taskbar_hint(true);
        window.set_skip_pager_hint(true);
        // Shown without taking the focus from what the user is typing into.
        window.set_accept_focus(false);
        window.set_focus_on_map(false);
        window.stick();
        window.style_context().add_class("istra-popup");
        window.connect_delete_event(|window, _| {
            window.hide();
            glib::Propagation::Stop
        });
        let provider = gtk::CssProvider::new();
        if let Err(e) = provider.load_from_data(CSS.as_bytes()) {
            tracing::warn!(error = %e, "the popup's style was refused");
        }
        if let Some(screen) = gtk::prelude::WidgetExt::screen(&window) {
            gtk::StyleContext::add_provider_for_screen(&screen, &provider, gtk::STYLE_PROVIDER_PRIORITY_APPLICATION);
        }
        let list = gtk::Box::new(gtk::Orientation::Vertical, 0);
        let scroll = gtk::ScrolledWindow::new(None::<&gtk::Adjustment>, None::<&gtk::Adjustment>);
        scroll.set_policy(gtk::PolicyType::Never, gtk::PolicyType::Automatic);
        scroll.add(&list);
        window.add(&scroll);
        scroll.show_all();
        Popup { window, list, cards: Vec::new(), ticker: None }
    }

    /// Makes the cards those of `calls`, in that order, keeping the cards of calls still shown
    /// (with their "Copied" or error line).
    fn update<R: Runtime>(&mut self, app: &AppHandle<R>, calls: &[CallView]) {
        let mut kept = std::mem::take(&mut self.cards);
        for call in calls {
            let card = match kept.iter().position(|c| c.call.id == call.id) {
                Some(at) => {
                    let mut card = kept.swap_remove(at);
                    if card.call != *call {
                        card.call = call.clone();
                        card.render();
                    }
                    card
                }
                None => {
                    let card = Card::new(app, call.clone());
                    self.list.pack_start(&card.root, false, false, 0);
                    card
                }
            };
            self.list.reorder_child(&card.root, self.cards.len() as i32);
            self.cards.push(card);
        }
        for gone in kept {
            self.list.remove(&gone.root);
        }
    }

    /// Ticks the talking timers once a second while the popup is shown.
    fn tick(&mut self, shown: bool) {
        match (&self.ticker, shown) {
            (None, true) => {
                self.ticker = Some(glib::timeout_add_seconds_local(1, || {
                    POPUP.with_borrow(|popup| {
                        let now = now_ms();
                        for card in popup.iter().flat_map(|p| &p.cards) {
                            if card.call.state == CallStateView::Talking {
                                card.show_state(now);
                            }
                        }
                    });
                    glib::ControlFlow::Continue
                }));
            }
            (Some(_), false) => {
                if let Some(ticker) = self.ticker.take() {
                    ticker.remove();
                }
            }
            _ => {}
        }
    }
}

/// Where the popup goes: the chosen corner of the primary monitor's work area (panels excluded).
fn position(corner: PopupCorner, size: (f64, f64)) -> (i32, i32) {
    let area = gdk::Display::default().and_then(|d| d.primary_monitor().or_else(|| d.monitor(0))).map(|m| m.workarea());
    let (origin, screen) = area.map_or(((0.0, 0.0), (1280.0, 800.0)), |a| {
        ((f64::from(a.x()), f64::from(a.y())), (f64::from(a.width()), f64::from(a.height())))
    });
    let (x, y) = place(corner, origin, screen, size);
    (x.round() as i32, y.round() as i32)
}

/// Shows `calls` (newest first), or hides the popup when there are none. Main thread only.
pub fn show<R: Runtime>(app: &AppHandle<R>, calls: &[CallView], corner: PopupCorner) {
    POPUP.with_borrow_mut(|popup| {
        if calls.is_empty() && popup.is_none() {
            return;
        }
        let popup = popup.get_or_insert_with(Popup::new);
        popup.update(app, calls);
        popup.tick(!calls.is_empty());
        if calls.is_empty() {
            popup.window.hide();
            return;
        }
        let size = (WIDTH, height(calls.len()));
        let (x, y) = position(corner, size);
        popup.window.resize(size.0 as i32, size.1 as i32);
        popup.window.move_(x, y);
        popup.window.show();
    });
}
