//! Logs and the diagnostics report.
//!
//! Log lines go to standard error and to a file per day in the OS state directory
//! (`$XDG_STATE_HOME/istra-tray/logs` on Linux), the last [`KEPT_FILES`] days kept. Secrets
//! never reach a log by construction (the password's `Debug` prints `<redacted>`, HTTP
//! credentials are marked sensitive); every line still passes through [`redact`], which masks
//! the value after any key that names a secret, in case a server echoes one. "Copy
//! diagnostics" in the tray builds a report of the app's state and the log's last lines,
//! redacted the same way, for a support ticket.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Days of log files kept.
pub const KEPT_FILES: usize = 7;
/// Log lines included in a diagnostics report.
const REPORT_LINES: usize = 200;
const FILE_PREFIX: &str = "istra-tray";
const FILE_SUFFIX: &str = "log";
/// Keys whose values are secrets, lower case.
const SECRET_KEYS: [&str; 9] =
    ["password", "passwd", "pwd", "authorization", "cookie", "token", "secret", "jsessionid", "set-cookie"];
const MASK: &str = "<redacted>";

/// `<state dir>/istra-tray/logs`.
pub fn folder() -> PathBuf {
    dirs::state_dir().or_else(dirs::data_local_dir).unwrap_or_else(std::env::temp_dir).join("istra-tray").join("logs")
}

/// Masks the value that follows any key naming a secret (`password=…`, `"token": "…"`,
/// `Authorization: Basic …`, `Cookie: …`), up to the end of that value.
pub fn redact(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some((start, key)) = SECRET_KEYS
        .iter()
        .filter_map(|key| lower[search..].find(key).map(|at| (search + at, *key)))
        .min_by_key(|(at, key)| (*at, usize::MAX - key.len()))
    {
        let after_key = start + key.len();
        search = after_key;
        // The key, optional closing quote and spaces, then `=` or `:`, then spaces / a quote.
        let rest = &line[after_key..];
        let separator = rest.trim_start_matches(['"', '\'', ' ']);
        let Some(value_part) = separator.strip_prefix(['=', ':']) else { continue };
        let value_start = line.len() - value_part.trim_start_matches([' ', '"', '\'']).len();
        let value = &line[value_start..];
        // Authorization values are "<scheme> <credentials>": mask both words.
        let scheme_len = if key == "authorization" {
            value.find(' ').filter(|&sp| value[..sp].chars().all(|c| c.is_ascii_alphabetic())).map_or(0, |sp| sp + 1)
        } else {
            0
        };
        let end_in_value = value[scheme_len..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '&' | ';' | ',' | '}' | ')'))
            .map_or(value.len(), |end| end + scheme_len);
        if end_in_value == 0 {
            continue;
        }
        out.push_str(&line[copied..value_start]);
        out.push_str(MASK);
        copied = value_start + end_in_value;
        search = copied;
    }
    out.push_str(&line[copied..]);
    out
}

/// A writer that redacts each buffered write before passing it on.
struct Redacting<W: Write> {
    inner: W,
}

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.inner.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Makes [`Redacting`] writers around another writer maker.
struct RedactingMaker<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMaker<M> {
    type Writer = Redacting<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        Redacting { inner: self.0.make_writer() }
    }
}

/// Starts logging to standard error and (when the folder can be made) to the daily files.
/// Keep the returned guard alive: dropping it flushes the file.
pub fn init() -> Option<WorkerGuard> {
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "warn,istra_tray=info,mycrm=info".into())
    };
    let stderr = tracing_subscriber::fmt::layer().with_writer(RedactingMaker(std::io::stderr));
    let file = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix(FILE_SUFFIX)
        .max_log_files(KEPT_FILES)
        .build(folder());
    match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let to_file = tracing_subscriber::fmt::layer().with_ansi(false).with_writer(RedactingMaker(writer));
            tracing_subscriber::registry().with(filter()).with(stderr).with(to_file).init();
            Some(guard)
        }
        Err(e) => {
            tracing_subscriber::registry().with(filter()).with(stderr).init();
            tracing::warn!(error = %e, "logging to standard error only");
            None
        }
    }
}

/// The newest log file's last `REPORT_LINES` lines.
fn last_lines(dir: &Path) -> String {
    let newest = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(FILE_PREFIX))
        .max_by_key(|e| e.file_name());
    let Some(entry) = newest else { return "(no log file)\n".to_owned() };
    let text = std::fs::read(entry.path()).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(REPORT_LINES);
    lines[from..].iter().map(|l| format!("{l}\n")).collect()
}

/// The OS's own name for itself (`PRETTY_NAME` of os-release on Linux).
fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release").ok().and_then(|text| {
        text.lines().find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_owned()))
    });
    format!("{} ({} {})", pretty.unwrap_or_default(), std::env::consts::OS, std::env::consts::ARCH)
}

/// A redacted report for support: version, system, `state` (the app's own summary lines),
/// and the log's last lines.
pub fn report(state: &[(&str, String)]) -> String {
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let mut out = String::new();
    let mut line = |key: &str, value: &str| {
        let _ = writeln!(out, "{key}: {value}");
    };
    line("istra-tray", env!("CARGO_PKG_VERSION"));
    line("system", &os_name());
    line("desktop", &format!("{} / {}", env("XDG_CURRENT_DESKTOP"), env("XDG_SESSION_TYPE")));
    line("locale", &sys_locale::get_locale().unwrap_or_default());
    for (key, value) in state {
        line(key, value);
    }
    let _ = writeln!(out, "\n--- last log lines ({}) ---", folder().display());
    out.push_str(&last_lines(&folder()));
    out.lines().map(|l| redact(l) + "\n").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_after_their_keys_are_masked() {
        let cases = [
            ("login password=pw-7f3c9a:x ok", "login password=<redacted> ok"),
            (r#"{"password": "hunter2", "login": "alice"}"#, r#"{"password": "<redacted>", "login": "alice"}"#),
            ("Authorization: Basic RU5EVVNFUjphbGljZTpzZWNyZXQ= next", "Authorization: <redacted> next"),
            ("cookie: JSESSIONID=abc123; Path=/", "cookie: <redacted>; Path=/"),
            ("url ?x=1&token=abc.def&y=2", "url ?x=1&token=<redacted>&y=2"),
            ("TOKEN=zzz PASSWD=yyy", "TOKEN=<redacted> PASSWD=<redacted>"),
        ];
        for (line, expected) in cases {
            assert_eq!(redact(line), expected, "{line}");
        }
    }

    #[test]
    fn lines_without_secrets_are_unchanged() {
        for line in [
            "online terminal=5985841581756135023 mode=service",
            "the password travels unencrypted",
            "token",
            "password:",
            "tokens are fine ünïcödé ✓",
            "",
        ] {
            assert_eq!(redact(line), line);
        }
    }

    #[test]
    fn the_report_names_the_app_and_redacts() {
        let report = report(&[("server", "https://pbx.example.com".into()), ("note", "password=pw1".into())]);
        assert!(report.starts_with("istra-tray: "));
        assert!(report.contains("server: https://pbx.example.com"));
        assert!(!report.contains("pw1"), "{report}");
    }
}
