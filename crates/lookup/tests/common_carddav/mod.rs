//! A real Radicale CardDAV server for tests and the bench: started in a temporary directory
//! with its own storage and an htpasswd file, on a free loopback port, stopped on drop.
//!
//! Radicale is found at `$ISTRA_RADICALE` (the `radicale` program), else at
//! `~/.cache/istra-tray/radicale-venv/bin/radicale` (where `scripts/setup.sh` installs it),
//! else as `radicale` on the `PATH`. Without it, [`Radicale::start`] returns `None` after a
//! loud message, unless `CI` is set: then it panics.

#![allow(dead_code)] // Each test target uses part of the helpers.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The user the server knows, and the password.
pub const USER: &str = "ada";
pub const PASSWORD: &str = "lovelace-1815";

/// A running Radicale.
pub struct Radicale {
    child: Child,
    dir: PathBuf,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    http: reqwest::Client,
}

fn program() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ISTRA_RADICALE") {
        return Some(PathBuf::from(path));
    }
    let cached = std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".cache/istra-tray/radicale-venv/bin/radicale"))
        .filter(|p| p.is_file());
    cached.or_else(|| {
        Command::new("radicale")
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| "radicale".into())
    })
}

impl Radicale {
    /// Starts a fresh server, or `None` (with a loud message) when Radicale is missing and
    /// `CI` is unset.
    pub fn start() -> Option<Self> {
        Self::start_with("")
    }

    /// [`Radicale::start`] with `storage` (lines of Radicale's `[storage]` options) added to
    /// its configuration.
    pub fn start_with(storage: &str) -> Option<Self> {
        let Some(program) = program() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "Radicale is missing: run scripts/setup.sh or set ISTRA_RADICALE (CI must run the CardDAV tests)"
            );
            eprintln!("\n!!!!! SKIPPED: Radicale is missing (run scripts/setup.sh or set ISTRA_RADICALE) !!!!!\n");
            return None;
        };
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("free port").local_addr().expect("addr").port();
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("radicale-{}-{port}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("users"), format!("{USER}:{PASSWORD}\n")).expect("htpasswd");
        let config = format!(
            "[server]\nhosts = 127.0.0.1:{port}\nmax_content_length = 200000000\n\
             [auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\ndelay = 0\n\
             [storage]\nfilesystem_folder = {folder}\n{storage}[rights]\ntype = owner_only\n[logging]\nlevel = warning\n",
            users = dir.join("users").display(),
            folder = dir.join("collections").display(),
        );
        std::fs::write(dir.join("config"), config).expect("config");
        let child = Command::new(&program)
            .arg("--config")
            .arg(dir.join("config"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let started = Instant::now();
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "Radicale did not listen within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Self { child, dir, base: format!("http://127.0.0.1:{port}"), http: reqwest::Client::new() })
    }

    /// The URL of `path` on the server.
    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("{}{path}", self.base)).expect("url")
    }

    async fn send(&self, method: &str, path: &str, content_type: &str, body: String) -> u16 {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let response = self
            .http
            .request(method, self.url(path))
            .basic_auth(USER, Some(PASSWORD))
            .header("Content-Type", content_type)
            .header("Depth", "0")
            .body(body)
            .send()
            .await
            .expect("request to Radicale");
        response.status().as_u16()
    }

    /// Creates the address book `path` (`/ada/name/`).
    pub async fn create_address_book(&self, path: &str) {
        // The principal's own collection comes into being on its first PROPFIND.
        self.send("PROPFIND", &format!("/{USER}/"), "application/xml", String::new()).await;
        let body = r#"<?xml version="1.0"?><mkcol xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><set><prop><resourcetype><collection/><C:addressbook/></resourcetype></prop></set></mkcol>"#.to_owned();
        let status = self.send("MKCOL", path, "application/xml", body).await;
        assert_eq!(status, 201, "MKCOL {path}");
    }

    /// Puts one card at `path`.
    pub async fn put_card(&self, path: &str, card: String) {
        let status = self.send("PUT", path, "text/vcard", card).await;
        assert!(matches!(status, 201 | 204), "PUT {path}: {status}");
    }

    /// Replaces the whole address book at `path` with `cards` (one PUT, as an upload).
    pub async fn upload(&self, path: &str, cards: &str) {
        let status = self.send("PUT", path, "text/vcard", cards.to_owned()).await;
        assert!(matches!(status, 201 | 204), "PUT {path}: {status}");
    }

    /// Deletes the card at `path`.
    pub async fn delete(&self, path: &str) {
        let status = self.send("DELETE", path, "text/plain", String::new()).await;
        assert!(matches!(status, 200 | 204), "DELETE {path}: {status}");
    }
}

impl Drop for Radicale {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A vCard 3.0 with the uid, name and phone numbers given.
pub fn vcard(uid: &str, name: &str, numbers: &[&str]) -> String {
    let tels: String = numbers.iter().map(|n| format!("TEL;TYPE=WORK:{n}\r\n")).collect();
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\n{tels}END:VCARD\r\n")
}

/// The key function of the tests: the number's digits, with its `+`.
pub fn key_of(number: &str) -> Option<String> {
    let key: String = number.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    (!key.is_empty()).then_some(key)
}
