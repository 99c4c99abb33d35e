//! The app started on its own, signed in from the command line as a login script would, with
//! no WebDriver attached: for what WebDriver cannot watch (WebKit ends an automation session
//! when its network process ends, which an idle app does on purpose).

use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::AsyncWriteExt as _;
use tokio::process::{Child, Command};

use crate::desktop::{folder_env, fresh_folder, kill_tree};

/// One app process with its own HOME and XDG folders; it and its processes end on drop.
#[derive(Debug)]
pub struct Unattended {
    process: Child,
    pub folder: PathBuf,
}

impl Unattended {
    /// Starts the app as `istra-tray --server SERVER --login LOGIN --password-stdin`, in fresh
    /// folders.
    ///
    /// # Panics
    ///
    /// When the app cannot start (the test cannot go on).
    pub async fn sign_in(name: &str, server: &str, login: &str, password: &str) -> Unattended {
        Self::sign_in_within(fresh_folder(name), server, login, password, &[], &[]).await
    }

    /// An empty folder for an app called `name` (HOME and XDG folders under it), to prepare
    /// (settings, say) before [`Unattended::sign_in_within`].
    pub fn folder(name: &str) -> PathBuf {
        fresh_folder(name)
    }

    /// As [`Unattended::sign_in`], in `folder` (from [`Unattended::folder`]), with the extra
    /// arguments `args` (e.g. `--remember`) and environment variables `env`.
    ///
    /// # Panics
    ///
    /// When the app cannot start (the test cannot go on).
    pub async fn sign_in_within(
        folder: PathBuf,
        server: &str,
        login: &str,
        password: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Unattended {
        let mut command = Command::new(crate::app_binary());
        command.args(args).envs(folder_env(&folder)).envs(env.iter().copied());
        Unattended { process: signing_in(command, server, login, password).await, folder }
    }

    /// The app's process id (none once it ended).
    pub fn pid(&self) -> Option<u32> {
        self.process.id()
    }

    /// Starts the app a second time in the same folders, without arguments, as a user
    /// clicking its launcher: it hands over to this one, which opens its main window. Whether
    /// the second start ended well.
    pub fn start_again(&self) -> bool {
        self.start_again_with(&[])
    }

    /// Starts the app a second time with `--show=TAB`, as a user's launcher for one of its tabs
    /// would: it hands over to this one, which opens its main window there. Whether the second
    /// start ended well.
    pub fn show(&self, tab: &str) -> bool {
        self.start_again_with(&[&format!("--show={tab}")])
    }

    fn start_again_with(&self, args: &[&str]) -> bool {
        std::process::Command::new(crate::app_binary())
            .args(args)
            .envs(folder_env(&self.folder))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Whether the app has ended.
    pub fn has_exited(&mut self) -> bool {
        !matches!(self.process.try_wait(), Ok(None))
    }
}

/// Runs `command` (the app, or a runner with the app as its first argument) with
/// `--server SERVER --login LOGIN --password-stdin`, the password written to it; killed on drop.
///
/// # Panics
///
/// When it cannot start (the test cannot go on).
pub async fn signing_in(mut command: Command, server: &str, login: &str, password: &str) -> Child {
    let mut process = command
        .args(["--server", server, "--login", login, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the app starts");
    let mut stdin = process.stdin.take().expect("stdin");
    stdin.write_all(format!("{password}\n").as_bytes()).await.expect("password written");
    drop(stdin);
    process
}

impl Drop for Unattended {
    fn drop(&mut self) {
        if let Some(pid) = self.process.id() {
            kill_tree(pid);
        }
    }
}
