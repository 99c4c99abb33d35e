//! The password in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows), and nowhere else. Every call is bounded in time: a locked keyring can
//! block for seconds, and the app must never hang on it.

use std::time::Duration;

use mycrm::Password;

use crate::model::error::{AppError, ErrorCode, within};
use crate::model::settings::Secret;

const SERVICE: &str = "istra-tray";
const LIMIT: Duration = Duration::from_secs(5);

/// The keyring entry of one account on one server.
fn entry(server: &str, login: &str) -> Result<keyring::Entry, AppError> {
    keyring::Entry::new(SERVICE, &format!("{login}@{server}")).map_err(keyring_error)
}

fn keyring_error(e: keyring::Error) -> AppError {
    // keyring's messages describe the store, never the secret.
    AppError::new(ErrorCode::Keyring, format!("the system keyring refused: {e}"))
}

async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    within(LIMIT, work, |why| {
        AppError::new(ErrorCode::Keyring, format!("the system keyring did not answer ({why}; is it locked?)"))
    })
    .await
}

/// Stores the password for `login` on `server`.
///
/// # Errors
///
/// `keyring` when the store refuses or does not answer in time.
pub async fn store(server: &str, login: &str, password: &Password) -> Result<(), AppError> {
    let (server, login, password) = (server.to_owned(), login.to_owned(), password.clone());
    bounded(move || entry(&server, &login)?.set_password(password.expose()).map_err(keyring_error)).await
}

/// The stored password, or `None` when there is none.
///
/// # Errors
///
/// `keyring` when the store fails or does not answer in time.
pub async fn load(server: &str, login: &str) -> Result<Option<Password>, AppError> {
    let (server, login) = (server.to_owned(), login.to_owned());
    bounded(move || match entry(&server, &login)?.get_password() {
        Ok(secret) => Ok(Some(Password::new(secret))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(e)),
    })
    .await
}

/// Where the settings' secrets are kept, beside the passwords.
const SETTINGS_SECRETS: &str = "settings";

/// Stores one of the settings' secrets; an empty one removes it.
///
/// # Errors
///
/// `keyring` when the store refuses or does not answer in time.
pub async fn store_secret(which: Secret, secret: &str) -> Result<(), AppError> {
    if secret.is_empty() {
        forget(SETTINGS_SECRETS, which.key()).await
    } else {
        store(SETTINGS_SECRETS, which.key(), &Password::new(secret.to_owned())).await
    }
}

/// One of the settings' secrets, when it is stored.
///
/// # Errors
///
/// `keyring` when the store fails or does not answer in time.
pub async fn load_secret(which: Secret) -> Result<Option<Password>, AppError> {
    load(SETTINGS_SECRETS, which.key()).await
}

/// Removes the stored password (sign-out); a missing one is fine.
///
/// # Errors
///
/// `keyring` when the store fails or does not answer in time.
pub async fn forget(server: &str, login: &str) -> Result<(), AppError> {
    let (server, login) = (server.to_owned(), login.to_owned());
    bounded(move || match entry(&server, &login)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    })
    .await
}
