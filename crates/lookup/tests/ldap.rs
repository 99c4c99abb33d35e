//! The directory source against a real OpenLDAP server (slapd) on loopback.

mod common;

use std::time::{Duration, Instant};

use common::{BASE_DN, READER_DN, READER_PASSWORD, Slapd};
use lookup::ldap::{DirectoryBind, DirectorySettings, DirectorySource};
use lookup::{Caller, LookupError, Number};
use mycrm::Password;
use mycrm::dial::DialRules;
use mycrm::tls::TlsOptions;

const PEOPLE: usize = 2_000;

fn number(text: &str) -> Number {
    let rules = DialRules::new("FR").and_then(|r| r.with_outside_line_prefix(Some("0"))).expect("rules");
    Number::new(text, &rules).expect("digits")
}

fn settings(slapd: &Slapd, url: &str) -> DirectorySettings {
    DirectorySettings {
        bind: Some(DirectoryBind { dn: READER_DN.to_owned(), password: Password::new(READER_PASSWORD) }),
        tls: TlsOptions::with_extra_ca_pem(slapd.ca_pem.clone()),
        ..DirectorySettings::new(url, BASE_DN)
    }
}

fn person(i: usize) -> Caller {
    Caller::new(&format!("Display {i}"), Some(&format!("Company {}", i % 50)), None).expect("named")
}

#[tokio::test]
async fn a_number_is_found_whichever_way_the_directory_wrote_it() {
    if !common::slapd_installed() {
        return;
    }
    let slapd = Slapd::start(PEOPLE, false);
    let source = DirectorySource::new(settings(&slapd, &slapd.ldap_url)).expect("valid");
    // People 0..5 have their office number written in the five usual ways, people 0, 5, 10…
    // their mobile; the caller's number comes as the PBX gives it, whichever way.
    for (i, received) in
        [(0, "+33140000000"), (1, "0140000001"), (2, "+33 1 40 00 00 02"), (3, "0033140000003"), (4, "01 40 00 00 04")]
    {
        assert_eq!(source.lookup(&number(received)).await, Ok(Some(person(i))), "{received}");
    }
    for i in [1_000, 1_005, 1_010, 1_015, 1_020] {
        let mobile = common::mobile_e164(i);
        assert_eq!(source.lookup(&number(&mobile)).await, Ok(Some(person(i))), "mobile {mobile}");
    }
    // Only a cn and a home phone: the name falls back to cn, no company.
    let plain = Caller::new("Plain Cn", None, None);
    assert_eq!(source.lookup(&number("04 91 00 00 01")).await, Ok(plain));
}

#[tokio::test]
async fn unknown_numbers_and_hostile_text_find_nobody() {
    if !common::slapd_installed() {
        return;
    }
    let slapd = Slapd::start(PEOPLE, false);
    let source = DirectorySource::new(settings(&slapd, &slapd.ldap_url)).expect("valid");
    assert_eq!(source.lookup(&number("+33 1 49 99 99 99")).await, Ok(None));
    assert_eq!(source.lookup(&number("104")).await, Ok(None));
    assert_eq!(source.lookup(&number("1*)(cn=*")).await, Ok(None));
    // A template value is escaped too: a form holding filter characters matches literally.
    let custom = DirectorySettings {
        filter: "(|(cn={number})(telephoneNumber={number}))".into(),
        ..settings(&slapd, &slapd.ldap_url)
    };
    let source = DirectorySource::new(custom).expect("valid");
    assert_eq!(source.lookup(&number("+3314000*")).await, Ok(None));
}

#[tokio::test]
async fn the_default_filter_works_with_and_without_active_directory_attributes() {
    if !common::slapd_installed() {
        return;
    }
    // Without ipPhone in the schema (OpenLDAP's core): the OR still matches the others.
    let core = Slapd::start(20, false);
    let source = DirectorySource::new(settings(&core, &core.ldap_url)).expect("valid");
    assert_eq!(source.lookup(&number("+33140000007")).await, Ok(Some(person(7))));
    // With it: a desk phone known only by ipPhone, its company in `company`.
    let ad = Slapd::start(20, true);
    let source = DirectorySource::new(settings(&ad, &ad.ldap_url)).expect("valid");
    assert_eq!(source.lookup(&number("2042")).await, Ok(Caller::new("Desk Phone", Some("Desk Company"), None)));
}

#[tokio::test]
async fn starttls_and_ldaps_trust_the_extra_authority_only() {
    if !common::slapd_installed() {
        return;
    }
    let slapd = Slapd::start(20, false);
    let starttls = DirectorySettings { starttls: true, ..settings(&slapd, &slapd.ldap_url) };
    let ldaps = settings(&slapd, &slapd.ldaps_url);
    for secured in [starttls, ldaps] {
        let url = secured.url.clone();
        let source = DirectorySource::new(secured.clone()).expect("valid");
        assert_eq!(source.lookup(&number("+33140000003")).await, Ok(Some(person(3))), "{url}");
        let untrusted =
            DirectorySource::new(DirectorySettings { tls: TlsOptions::default(), ..secured }).expect("valid");
        let e = untrusted.lookup(&number("+33140000003")).await.expect_err("refused");
        assert!(matches!(e, LookupError::Tls { .. }), "{url}: {e:?}");
        assert_eq!(
            e.to_string(),
            "the secure connection to the directory failed: the server's certificate is not trusted: it is \
             issued by an authority this computer does not trust (for a private authority, add its certificate \
             as the extra CA file)",
            "{url}"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_is_told_and_never_shown() {
    if !common::slapd_installed() {
        return;
    }
    let slapd = Slapd::start(20, false);
    let wrong = DirectorySettings {
        bind: Some(DirectoryBind { dn: READER_DN.to_owned(), password: Password::new("not-the-pw-42") }),
        ..settings(&slapd, &slapd.ldap_url)
    };
    let e = DirectorySource::new(wrong).expect("valid").lookup(&number("+33140000003")).await.expect_err("refused");
    assert!(matches!(e, LookupError::Refused { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "the directory refused the bind DN or password (invalid credentials): check them in Settings"
    );
    assert!(!format!("{e} {e:?}").contains("not-the-pw-42"));
    let no_base =
        DirectorySettings { base_dn: "ou=nowhere,dc=example,dc=com".into(), ..settings(&slapd, &slapd.ldap_url) };
    let e = DirectorySource::new(no_base).expect("valid").lookup(&number("+33140000003")).await.expect_err("refused");
    assert!(e.to_string().contains("the base DN \"ou=nowhere,dc=example,dc=com\" does not exist"), "{e}");
}

#[tokio::test]
async fn an_unreachable_directory_fails_within_the_time_limit() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let settings = DirectorySettings {
        timeout: Duration::from_millis(500),
        ..DirectorySettings::new(format!("ldap://127.0.0.1:{closed}"), BASE_DN)
    };
    let source = DirectorySource::new(settings).expect("valid");
    let started = Instant::now();
    let e = source.lookup(&number("+33140000003")).await.expect_err("refused");
    assert!(started.elapsed() < Duration::from_millis(700));
    assert!(e.to_string().starts_with("cannot connect to the directory"), "{e}");
    // A server that accepts and never answers: the time limit.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listener");
    let settings = DirectorySettings {
        timeout: Duration::from_millis(300),
        ..DirectorySettings::new(format!("ldap://{}", silent.local_addr().expect("addr")), BASE_DN)
    };
    let started = Instant::now();
    let e = DirectorySource::new(settings).expect("valid").lookup(&number("+33140000003")).await.expect_err("silent");
    assert!(started.elapsed() < Duration::from_millis(600));
    assert!(matches!(e, LookupError::Timeout { .. }), "{e:?}");
}

#[tokio::test]
async fn the_connection_is_kept_and_opened_again_after_the_server_restarts() {
    if !common::slapd_installed() {
        return;
    }
    let slapd = Slapd::start(20, false);
    let source = DirectorySource::new(settings(&slapd, &slapd.ldap_url)).expect("valid");
    assert_eq!(source.lookup(&number("+33140000001")).await, Ok(Some(person(1))));
    let started = Instant::now();
    for _ in 0..20 {
        assert_eq!(source.lookup(&number("+33140000002")).await, Ok(Some(person(2))));
    }
    assert!(started.elapsed() < Duration::from_secs(1), "kept connection: {:?}", started.elapsed());
    // The server restarts: the kept connection broke, the next lookup opens another.
    let mut slapd = slapd;
    slapd.restart();
    assert_eq!(source.lookup(&number("+33140000001")).await, Ok(Some(person(1))));
    drop(slapd);
    let e = source.lookup(&number("+33140000001")).await.expect_err("down");
    assert!(e.to_string().starts_with("cannot connect to the directory"), "{e}");
}
