//! LDAP lookup against 10,000 entries on loopback (a real slapd): the time of one lookup on a
//! kept connection, p50 / p95 / p99 / max, for found numbers, unknown numbers and StartTLS.
//! Target: p95 <= 20 ms. Run with `cargo bench -p lookup --bench ldap`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{BASE_DN, READER_DN, READER_PASSWORD, Slapd};
use lookup::Number;
use lookup::ldap::{DirectoryBind, DirectorySettings, DirectorySource};
use mycrm::Password;
use mycrm::dial::DialRules;
use mycrm::tls::TlsOptions;

const PEOPLE: usize = 10_000;
const LOOKUPS: usize = 2_000;

fn main() {
    if !common::slapd_installed() {
        return;
    }
    let seeding = Instant::now();
    let slapd = Slapd::start(PEOPLE, false);
    println!("slapd seeded with {PEOPLE} people and listening in {:?}", seeding.elapsed());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let rules = DialRules::new("FR").expect("FR");
    let settings = DirectorySettings {
        bind: Some(DirectoryBind { dn: READER_DN.to_owned(), password: Password::new(READER_PASSWORD) }),
        tls: TlsOptions::with_extra_ca_pem(slapd.ca_pem.clone()),
        ..DirectorySettings::new(slapd.ldap_url.clone(), BASE_DN)
    };
    let starttls = DirectorySettings { starttls: true, ..settings.clone() };
    runtime.block_on(async {
        for (label, settings, known) in
            [("found", &settings, true), ("unknown", &settings, false), ("found, StartTLS", &starttls, true)]
        {
            let source = DirectorySource::new(settings.clone()).expect("valid settings");
            let mut times = Vec::with_capacity(LOOKUPS);
            for k in 0..LOOKUPS + 50 {
                let i = (k * 7_919) % PEOPLE;
                let e164 = if known { common::office_e164(i) } else { format!("+3315{:07}", i) };
                let number = Number::new(&common::written(&e164, k), &rules).expect("digits");
                let started = Instant::now();
                let answer = source.lookup(&number).await.expect("lookup");
                let took = started.elapsed();
                assert_eq!(answer.is_some(), known, "{e164}");
                // The first lookups connect and bind; the figure is for the kept connection.
                if k >= 50 {
                    times.push(took);
                }
            }
            report(label, &mut times);
        }
    });
}

fn report(label: &str, times: &mut [Duration]) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    println!(
        "ldap lookup, {label:<16} n={:<5} p50 {:6.2} ms  p95 {:6.2} ms  p99 {:6.2} ms  max {:6.2} ms",
        times.len(),
        ms(at(0.50)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(times[times.len() - 1])
    );
}
