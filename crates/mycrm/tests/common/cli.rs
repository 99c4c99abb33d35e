//! The `mycrm` program the command-line tests run: the one cargo built for this test run, or
//! another build named by the environment, such as the Windows `.exe` run under Wine by the
//! Linux test harness (`scripts/windows.sh`):
//!
//! - `MYCRM_CLI`: path of the program to run instead of cargo's `mycrm`;
//! - `MYCRM_CLI_RUNNER`: a command that runs it, with its arguments split at spaces (`wine`).
//!
//! A `.exe` run from a Unix harness is a Windows program: paths handed to it are written the
//! way Wine maps the Unix root (`Z:\...`), and it is stopped with Ctrl+C (SIGINT, which Wine
//! turns into `CTRL_C_EVENT`): Windows has no SIGTERM, and Wine lets SIGTERM kill the process
//! outright, without the cleanup.
//!
//! Under Wine, start the prefix's server first (`wineserver -p`): a wineserver that a test's
//! `wine` starts inherits that test's output pipes, and the test then waits for it to exit.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;

use tokio::process::{Child, Command};

/// The program under test and how to start it.
#[derive(Debug)]
pub struct Program {
    path: PathBuf,
    runner: Vec<OsString>,
    windows: bool,
}

/// The program the command-line tests run, chosen once per test binary.
pub fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let path = std::env::var_os("MYCRM_CLI")
            .filter(|p| !p.is_empty())
            .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_mycrm")), PathBuf::from);
        let runner = std::env::var("MYCRM_CLI_RUNNER")
            .unwrap_or_default()
            .split_whitespace()
            .map(OsString::from)
            .collect::<Vec<_>>();
        let windows = !cfg!(windows) && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("exe"));
        Program { path, runner, windows }
    })
}

impl Program {
    /// Whether this is a Windows program run from a Unix harness (under Wine).
    pub fn is_windows(&self) -> bool {
        self.windows
    }

    /// A command for the program with an empty environment, but for what its runner needs
    /// (`PATH`, `HOME`, `TMPDIR` and the `WINE*` settings), and piped output.
    pub fn command(&self) -> Command {
        let mut cmd = match self.runner.split_first() {
            Some((runner, args)) => {
                let mut cmd = Command::new(runner);
                cmd.args(args).arg(&self.path);
                cmd
            }
            None => Command::new(&self.path),
        };
        cmd.env_clear();
        if !self.runner.is_empty() {
            for (name, value) in std::env::vars_os() {
                if runner_needs(&name) {
                    cmd.env(name, value);
                }
            }
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        cmd
    }

    /// `path` (absolute) as the program sees it: unchanged, or `Z:\...` for a Windows program.
    pub fn path_arg(&self, path: &Path) -> OsString {
        assert!(path.is_absolute(), "{}", path.display());
        if !self.windows {
            return path.as_os_str().to_owned();
        }
        let unix = path.to_str().expect("a UTF-8 path");
        format!("Z:{}", unix.replace('/', "\\")).into()
    }

    /// Asks the running program to stop the way its platform does: SIGTERM, or Ctrl+C for a
    /// Windows program.
    pub async fn request_stop(&self, child: &Child) {
        let signal = if self.windows { "-INT" } else { "-TERM" };
        let pid = child.id().expect("running").to_string();
        let sent = Command::new("kill").args([signal, &pid]).status().await.expect("kill runs");
        assert!(sent.success(), "kill {signal} {pid}");
    }
}

fn runner_needs(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    matches!(name.as_ref(), "PATH" | "HOME" | "TMPDIR" | "USER") || name.starts_with("WINE")
}
