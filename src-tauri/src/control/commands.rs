//! The commands the UI invokes: each a few lines over the [`Controller`]. Arguments are
//! checked here or by the controller; errors reach the UI as `{code, message}`.

use tauri::{State, WebviewWindow};
use tokio::time::Instant;

use crate::control::controller::Controller;
use crate::model::error::{AppError, ErrorCode, off_thread};
use crate::model::intent::{Ask, Intents};
use crate::model::lookup::{LookupAnswer, LookupSource, SyncOutcome};
use crate::model::settings::{Secret, SettingChange, Settings};
use crate::model::status::StatusView;
use crate::model::views::{CallView, ContactImport, DialOutcome, HistoryFilter, HistoryPage, Painted, Suggestion};

/// Call ids are short strings of digits (possibly negative); anything else is refused.
fn check_call_id(call_id: &str) -> Result<(), AppError> {
    let plausible = !call_id.is_empty() && call_id.len() <= 64 && !call_id.chars().any(char::is_control);
    if plausible { Ok(()) } else { Err(AppError::new(ErrorCode::Internal, "not a call id")) }
}

#[tauri::command]
pub fn get_status(controller: State<'_, Controller>) -> StatusView {
    controller.status()
}

#[tauri::command]
pub async fn sign_in(
    controller: State<'_, Controller>,
    server: String,
    login: String,
    password: String,
    remember: bool,
    ca_file: Option<String>,
) -> Result<StatusView, AppError> {
    controller.sign_in(&server, &login, password, remember, ca_file).await
}

#[tauri::command]
pub async fn select_terminal(controller: State<'_, Controller>, terminal_id: String) -> Result<StatusView, AppError> {
    controller.select_terminal(&terminal_id).await
}

#[tauri::command]
pub async fn sign_out(controller: State<'_, Controller>) -> Result<(), AppError> {
    controller.sign_out().await;
    Ok(())
}

#[tauri::command]
pub fn popup_calls(controller: State<'_, Controller>) -> Vec<CallView> {
    controller.popup_calls()
}

/// The popup painted a call's card, or the name found for it: logged with the time since the
/// call's first event reached the app (`scripts/bench-app.sh` reads it).
#[tauri::command]
pub fn popup_painted(
    controller: State<'_, Controller>,
    call_id: String,
    painted_at_ms: f64,
    painted: Painted,
) -> Result<(), AppError> {
    check_call_id(&call_id)?;
    controller.popup_painted(&call_id, painted_at_ms, painted);
    Ok(())
}

#[tauri::command]
pub fn dismiss_call(controller: State<'_, Controller>, call_id: String) -> Result<(), AppError> {
    check_call_id(&call_id)?;
    controller.dismiss_call(&call_id);
    Ok(())
}

/// Keeps the outcome and note written for a call after it (empty: none).
#[tauri::command]
pub async fn save_note(
    controller: State<'_, Controller>,
    call_id: String,
    started_at_ms: u64,
    outcome: String,
    note: String,
) -> Result<CallView, AppError> {
    check_call_id(&call_id)?;
    controller.save_note(call_id, started_at_ms, &outcome, &note).await
}

/// Opens History on a call's note (from its ended card).
#[tauri::command]
pub fn open_note(controller: State<'_, Controller>, call_id: String) -> Result<(), AppError> {
    check_call_id(&call_id)?;
    controller.open_note(&call_id);
    Ok(())
}

#[tauri::command]
pub async fn copy_number(controller: State<'_, Controller>, call_id: String) -> Result<(), AppError> {
    check_call_id(&call_id)?;
    controller.copy_number(&call_id).await
}

/// Searches are short text; anything longer is refused rather than scanned.
fn check_search(search: Option<&str>) -> Result<(), AppError> {
    match search {
        Some(s) if s.chars().count() > 200 => Err(AppError::new(ErrorCode::TooLong, "the search is too long")),
        _ => Ok(()),
    }
}

// Commands that read or write the journal run off the main (GTK) thread, so a long import or
// export never freezes a popup or the tray while they wait for the database.

#[tauri::command]
pub async fn suggest_numbers(controller: State<'_, Controller>, text: String) -> Result<Vec<Suggestion>, AppError> {
    check_search(Some(&text))?;
    let controller = controller.inner().clone();
    off_thread(move || controller.suggest(&text)).await
}

#[tauri::command]
pub async fn import_contacts(
    controller: State<'_, Controller>,
    file_name: String,
    content: String,
) -> Result<ContactImport, AppError> {
    if content.len() > crate::platform::contacts::MAX_FILE_BYTES {
        return Err(AppError::new(ErrorCode::ContactsFile, "the file is too large (20 MiB at most)"));
    }
    if file_name.chars().count() > 255 {
        return Err(AppError::new(ErrorCode::ContactsFile, "the file name is too long"));
    }
    controller.import_contacts(file_name, content).await
}

#[tauri::command]
pub async fn clear_contacts(controller: State<'_, Controller>) -> Result<(), AppError> {
    let controller = controller.inner().clone();
    off_thread(move || controller.clear_contacts()).await
}

#[tauri::command]
pub async fn contact_count(controller: State<'_, Controller>) -> Result<u32, AppError> {
    let controller = controller.inner().clone();
    off_thread(move || controller.contact_count()).await
}

#[tauri::command]
pub async fn screen_pop(controller: State<'_, Controller>, call_id: String) -> Result<(), AppError> {
    check_call_id(&call_id)?;
    let controller = controller.inner().clone();
    off_thread(move || controller.screen_pop(&call_id)).await
}

#[tauri::command]
pub async fn history_page(
    controller: State<'_, Controller>,
    filter: HistoryFilter,
    search: Option<String>,
    cursor: Option<String>,
) -> Result<HistoryPage, AppError> {
    check_search(search.as_deref())?;
    let controller = controller.inner().clone();
    off_thread(move || controller.history_page(filter, search.as_deref(), cursor.as_deref())).await
}

#[tauri::command]
pub async fn export_history(
    controller: State<'_, Controller>,
    filter: HistoryFilter,
    search: Option<String>,
) -> Result<String, AppError> {
    check_search(search.as_deref())?;
    controller.export_history(filter, search).await
}

#[tauri::command]
pub async fn mark_all_seen(controller: State<'_, Controller>) -> Result<(), AppError> {
    let controller = controller.inner().clone();
    off_thread(move || {
        controller.mark_missed_seen();
        Ok(())
    })
    .await
}

#[tauri::command]
pub async fn call_back(controller: State<'_, Controller>, call_id: String) -> Result<DialOutcome, AppError> {
    check_call_id(&call_id)?;
    controller.call_back(&call_id).await
}

#[tauri::command]
pub async fn dial_text(controller: State<'_, Controller>, text: String) -> Result<DialOutcome, AppError> {
    controller.dial_text(&text).await
}

#[tauri::command]
pub fn get_settings(controller: State<'_, Controller>) -> Settings {
    controller.settings()
}

#[tauri::command]
pub async fn change_setting(controller: State<'_, Controller>, change: SettingChange) -> Result<Settings, AppError> {
    controller.change_setting(change).await
}

/// Keeps one of the settings' secrets in the keyring (empty: none); it never comes back.
#[tauri::command]
pub async fn set_secret(controller: State<'_, Controller>, which: Secret, secret: String) -> Result<(), AppError> {
    controller.set_secret(which, &secret).await
}

/// Syncs the CardDAV address book into the contacts now ("Sync now").
#[tauri::command]
pub async fn sync_address_book(controller: State<'_, Controller>) -> Result<SyncOutcome, AppError> {
    controller.sync_address_book().await
}

/// Asks one caller lookup source about a number typed in Settings.
#[tauri::command]
pub async fn test_lookup(
    controller: State<'_, Controller>,
    source: LookupSource,
    number: String,
) -> Result<Option<LookupAnswer>, AppError> {
    controller.test_lookup(source, &number).await
}

#[tauri::command]
pub fn close_window(window: WebviewWindow) -> Result<(), AppError> {
    window.destroy().map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))
}

/// What the tray menu would do, asked from a page (the main window where no tray shows).
#[tauri::command]
pub fn ask(intents: State<'_, Intents>, asked: Ask) {
    intents.send(asked.intent(Instant::now()));
}
