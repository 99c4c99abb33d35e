//! A real OpenLDAP server for the tests and the bench: `slapd` from Debian's package, started
//! on free loopback ports in a throwaway folder, seeded with entries whose numbers are written
//! the ways people write them, with StartTLS and `ldaps://` under a test authority.

#![allow(dead_code)] // Each test binary uses its own part of this module.

use std::fmt::Write as _;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SLAPD: &str = "/usr/sbin/slapd";
pub const SLAPADD: &str = "/usr/sbin/slapadd";
pub const BASE_DN: &str = "dc=example,dc=com";
pub const READER_DN: &str = "cn=reader,dc=example,dc=com";
pub const READER_PASSWORD: &str = "reader-secret-pw";

/// Active Directory's `ipPhone` and `company`, which OpenLDAP's core schema lacks.
const AD_SCHEMA: &str = "\
attributetype ( 1.2.840.113556.1.4.721 NAME 'ipPhone' EQUALITY telephoneNumberMatch
  SUBSTR telephoneNumberSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.50 )
attributetype ( 1.2.840.113556.1.2.146 NAME 'company' EQUALITY caseIgnoreMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
objectclass ( 1.3.6.1.4.1.55555.1.1 NAME 'adPhones' AUXILIARY MAY ( ipPhone $ company ) )
";

/// The person numbered `i`: an office number `+33 1 40 xx xx xx` and a mobile
/// `+33 6 12 xx xx xx`, each written in one of five usual ways.
pub fn office_e164(i: usize) -> String {
    format!("+3314{:07}", i)
}

pub fn mobile_e164(i: usize) -> String {
    format!("+3361{:07}", 2_000_000 + i)
}

/// `+33XYYYYYYYY` written the `style`-th usual way.
pub fn written(e164: &str, style: usize) -> String {
    let national = &e164[3..];
    let pairs: Vec<&str> = (1..national.len()).step_by(2).map(|at| &national[at..at + 2]).collect();
    let head = &national[..1];
    match style % 5 {
        0 => format!("+33 {head} {}", pairs.join(" ")),
        1 => format!("0{head} {}", pairs.join(" ")),
        2 => e164.to_owned(),
        3 => format!("0033 {head} {}", pairs.join(" ")),
        _ => format!("0{national}"),
    }
}

/// Who is seeded: `count` people, plus a few entries the tests name.
fn seed_ldif(count: usize, ad_schema: bool) -> String {
    let mut ldif = format!(
        "dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n\
         dn: ou=people,{BASE_DN}\nobjectClass: organizationalUnit\nou: people\n\n"
    );
    for i in 0..count {
        let _ = write!(
            ldif,
            "dn: uid=p{i},ou=people,{BASE_DN}\nobjectClass: inetOrgPerson\nuid: p{i}\ncn: Person {i}\nsn: {i}\n\
             displayName: Display {i}\no: Company {}\ntelephoneNumber: {}\nmobile: {}\n\n",
            i % 50,
            written(&office_e164(i), i),
            written(&mobile_e164(i), i / 5),
        );
    }
    // Only a cn, no company: the name falls back to cn.
    let _ = write!(
        ldif,
        "dn: uid=plain,ou=people,{BASE_DN}\nobjectClass: inetOrgPerson\nuid: plain\ncn: Plain Cn\nsn: Cn\n\
         homePhone: 04 91 00 00 01\n\n"
    );
    if ad_schema {
        let _ = write!(
            ldif,
            "dn: uid=desk,ou=people,{BASE_DN}\nobjectClass: inetOrgPerson\nobjectClass: adPhones\nuid: desk\n\
             cn: Desk Phone\nsn: Phone\ncompany: Desk Company\nipPhone: 2042\n\n"
        );
    }
    ldif
}

/// A free loopback port (the listener is closed at once; slapd takes it next).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Whether slapd is there; without it the directory tests are skipped loudly, except under CI.
pub fn slapd_installed() -> bool {
    if std::path::Path::new(SLAPD).exists() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "{SLAPD} is missing and CI is set: run scripts/setup.sh");
    // Straight to stderr: the test harness would swallow eprintln! output of a passing test.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "\n*** SKIPPED: {SLAPD} is missing, the LDAP tests did not run (install slapd: scripts/setup.sh) ***\n\n"
        )
        .as_bytes(),
    );
    false
}

/// A running slapd, stopped and removed on drop.
pub struct Slapd {
    child: Child,
    dir: PathBuf,
    /// `ldap://127.0.0.1:PORT` (StartTLS offered).
    pub ldap_url: String,
    /// `ldaps://127.0.0.1:PORT`.
    pub ldaps_url: String,
    ports: [u16; 2],
    /// The test authority's certificate: the extra CA a client must trust.
    pub ca_pem: String,
}

impl Slapd {
    /// Starts slapd seeded with `count` people (and the AD attributes when `ad_schema`).
    pub fn start(count: usize, ad_schema: bool) -> Self {
        let dir = std::env::temp_dir().join(format!("lookup-slapd-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(dir.join("db")).expect("folder");
        let authority = mycrm_sim::Authority::new("Lookup test CA").expect("authority");
        let identity = authority.identity("127.0.0.1").expect("identity");
        std::fs::write(dir.join("server.pem"), &identity.cert_chain_pem).expect("cert");
        std::fs::write(dir.join("server.key"), &identity.key_pem).expect("key");
        let mut includes = ["core", "cosine", "inetorgperson"]
            .iter()
            .map(|s| format!("include /etc/ldap/schema/{s}.schema\n"))
            .collect::<String>();
        if ad_schema {
            std::fs::write(dir.join("ad.schema"), AD_SCHEMA).expect("schema");
            includes.push_str(&format!("include {}/ad.schema\n", dir.display()));
        }
        let d = dir.display();
        let conf = format!(
            "{includes}pidfile {d}/slapd.pid\nmodulepath /usr/lib/ldap\nmoduleload back_mdb\n\
             TLSCertificateFile {d}/server.pem\nTLSCertificateKeyFile {d}/server.key\n\
             database mdb\nmaxsize 1073741824\nsuffix \"{BASE_DN}\"\nrootdn \"{READER_DN}\"\nrootpw {READER_PASSWORD}\n\
             directory {d}/db\nindex telephoneNumber,mobile,homePhone eq\nindex objectClass eq\n\
             access to * by * read\n"
        );
        std::fs::write(dir.join("slapd.conf"), conf).expect("conf");
        std::fs::write(dir.join("seed.ldif"), seed_ldif(count, ad_schema)).expect("ldif");
        let added = Command::new(SLAPADD)
            .args(["-q", "-f"])
            .arg(dir.join("slapd.conf"))
            .arg("-l")
            .arg(dir.join("seed.ldif"))
            .output()
            .expect("slapadd runs");
        assert!(added.status.success(), "slapadd: {}", String::from_utf8_lossy(&added.stderr));
        let (port, tls_port) = (free_port(), free_port());
        let ldap_url = format!("ldap://127.0.0.1:{port}");
        let ldaps_url = format!("ldaps://127.0.0.1:{tls_port}");
        let child = spawn_slapd(&dir, &ldap_url, &ldaps_url, [port, tls_port]);
        Self { child, dir, ldap_url, ldaps_url, ports: [port, tls_port], ca_pem: authority.pem }
    }

    /// Stops slapd (connections drop) and starts it again on the same ports.
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = spawn_slapd(&self.dir, &self.ldap_url, &self.ldaps_url, self.ports);
    }
}

fn spawn_slapd(dir: &std::path::Path, ldap_url: &str, ldaps_url: &str, ports: [u16; 2]) -> Child {
    let child = Command::new(SLAPD)
        .arg("-f")
        .arg(dir.join("slapd.conf"))
        .arg("-h")
        .arg(format!("{ldap_url}/ {ldaps_url}/"))
        .args(["-d", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("slapd starts");
    let deadline = Instant::now() + Duration::from_secs(15);
    for p in ports {
        while TcpStream::connect(("127.0.0.1", p)).is_err() {
            assert!(Instant::now() < deadline, "slapd did not listen on {p}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    child
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
