//! Starting other programs for the user: the browser for a screen pop, in the user's own
//! environment, never through a shell.

use crate::model::error::{AppError, ErrorCode};

/// How long a launcher (xdg-open…) has to fail before it counts as having opened the page.
const LAUNCHER_FAILURE_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// Opens `url` in the default browser (never through a shell): the desktop's launchers in turn
/// (xdg-open first on Linux) until one starts and does not fail at once. The browser gets the
/// user's environment (without the app's own `GDK_GL`) in a process group of its own.
///
/// # Errors
///
/// `browser` when no browser could be started.
pub fn open(url: &str) -> Result<(), AppError> {
    let mut failures = Vec::new();
    for mut launcher in open::commands(url) {
        crate::users_environment(&mut launcher);
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut launcher, 0);
        let name = launcher.get_program().to_string_lossy().into_owned();
        let spawned = launcher
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let started = std::time::Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    failures.push(format!("{name}: {status}"));
                    break;
                }
                Ok(None) if started.elapsed() < LAUNCHER_FAILURE_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                // Still running: it is the browser, or hands over to it; reaped when it ends.
                Ok(None) | Err(_) => {
                    let reaper = std::thread::Builder::new().name("browser-launcher".into());
                    let _ = reaper.spawn(move || child.wait());
                    return Ok(());
                }
            }
        }
    }
    Err(AppError::new(ErrorCode::Browser, format!("cannot open the browser: {}", failures.join("; "))))
}

/// Starts this program again with `args`, in the user's environment (this one is about to end).
///
/// # Errors
///
/// When the program cannot be found or started.
pub fn start_again(args: &[&str]) -> std::io::Result<()> {
    let mut command = std::process::Command::new(std::env::current_exe()?);
    command.args(args).stdin(std::process::Stdio::null());
    crate::users_environment(&mut command);
    command.spawn().map(drop)
}
