//! The `mycrm` command's contract: output, exit codes, signals.

mod common;

use std::process::{Output, Stdio};
use std::time::Duration;

use common::*;
use mycrm_sim::{Sim, SimConfig};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::process::Command;

fn mycrm(sim: &Sim) -> Command {
    let mut cmd = cli::program().command();
    cmd.env("MYCRM_SERVER", sim.base_url()).env("MYCRM_LOGIN", "alice").env("MYCRM_PASSWORD", "secret");
    cmd
}

async fn run(cmd: &mut Command) -> Output {
    tokio::time::timeout(Duration::from_secs(20), cmd.output()).await.expect("finishes").expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn terminals_prints_the_json_array() {
    let sim = sim(SimConfig::default()).await;
    let out = run(mycrm(&sim).arg("terminals")).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let terminals: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(terminals[0]["terminalId"], DESK);
    assert_eq!(terminals[1]["terminalName"], "Softphone");
    assert_eq!(sim.control().logout_count(), 1);
}

#[tokio::test]
async fn dial_normalises_places_and_prints_the_destination() {
    let sim = sim(SimConfig::default()).await;
    let out = run(mycrm(&sim).args(["--terminal", SOFT, "dial", "Tel.: +33 (0)1 23 45 67 89"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "+33123456789");
    let calls = sim.control().placed_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].destination, "+33123456789");
    assert_eq!(calls[0].terminal_id, SOFT);
}

#[tokio::test]
async fn dial_says_which_terminal_it_took_when_there_are_several() {
    let sim = sim(SimConfig::default()).await;
    let out = run(mycrm(&sim).args(["--country", "US", "dial", "(212) 555-0199 ext. 22"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "+12125550199");
    assert!(stderr(&out).contains(DESK), "{}", stderr(&out));
}

#[tokio::test]
async fn dial_with_no_number_exits_6_and_contacts_nobody() {
    let sim = sim(SimConfig::default()).await;
    let out = run(mycrm(&sim).args(["dial", "see you at 12:30"])).await;
    assert_eq!(out.status.code(), Some(6));
    assert!(stderr(&out).contains("no phone number"), "{}", stderr(&out));
    assert_eq!(sim.control().login_count(), 0);
}

#[tokio::test]
async fn exit_codes_follow_the_contract() {
    let sim = sim(SimConfig::default()).await;
    let bad_password = run(mycrm(&sim).env("MYCRM_PASSWORD", "wrong").arg("terminals")).await;
    assert_eq!(bad_password.status.code(), Some(3));
    assert!(!stderr(&bad_password).contains("wrong"));
    let bad_terminal = run(mycrm(&sim).args(["--terminal", "42", "dial", "104"])).await;
    assert_eq!(bad_terminal.status.code(), Some(4));
    sim.control().set_out_of_service(DESK, true);
    let out_of_service = run(mycrm(&sim).args(["dial", "104"])).await;
    assert_eq!(out_of_service.status.code(), Some(4));
    assert!(stderr(&out_of_service).contains("Terminal out of service"), "{}", stderr(&out_of_service));
    let usage = run(mycrm(&sim).args(["frobnicate"])).await;
    assert_eq!(usage.status.code(), Some(2));
    let no_password = run(mycrm(&sim).env_remove("MYCRM_PASSWORD").arg("terminals")).await;
    assert_eq!(no_password.status.code(), Some(2));
}

#[tokio::test]
async fn an_unreachable_server_exits_5_after_a_few_tries() {
    let sim = sim(SimConfig::default()).await;
    sim.control().set_iptc_down(true);
    let out = run(mycrm(&sim).arg("terminals")).await;
    assert_eq!(out.status.code(), Some(5));
    assert!(stderr(&out).contains("IPTC not started"), "{}", stderr(&out));
}

#[tokio::test]
async fn the_password_can_come_on_stdin() {
    let sim = sim(SimConfig::default()).await;
    let mut cmd = mycrm(&sim);
    cmd.env_remove("MYCRM_PASSWORD").args(["--password-stdin", "terminals"]).stdin(Stdio::piped());
    let mut child = cmd.spawn().expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"secret\n").await.expect("written");
    drop(stdin);
    let out =
        tokio::time::timeout(Duration::from_secs(20), child.wait_with_output()).await.expect("in time").expect("ran");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[tokio::test]
async fn listen_prints_one_json_line_per_item_and_cleans_up_when_asked_to_stop() {
    let sim = sim(SimConfig::default()).await;
    let mut child = mycrm(&sim).arg("listen").spawn().expect("runs");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    sim.control().send_items(
        DESK,
        vec![
            ringing("-428", "104", "ACD-171-S-0"),
            serde_json::json!({"event":"callParked","callId":12,"Incoming":"true"}),
        ],
    );
    let mut read = async || -> serde_json::Value {
        let line =
            tokio::time::timeout(WAIT, lines.next_line()).await.expect("line in time").expect("read").expect("a line");
        serde_json::from_str(&line).expect("JSON line")
    };
    let first = read().await;
    assert_eq!(first["listener"], "CallLines");
    assert_eq!(first["event"], "callRinging");
    assert_eq!(first["callId"], "-428");
    assert_eq!(first["incoming"], true);
    assert_eq!(first["talkingTime"], serde_json::Value::Null);
    let second = read().await;
    assert_eq!(second["event"], "callParked");
    assert_eq!(second["callId"], "12");
    assert_eq!(second["incoming"], true);
    cli::program().request_stop(&child).await;
    let status = tokio::time::timeout(WAIT, child.wait()).await.expect("exits in time").expect("waited");
    assert_eq!(status.code(), Some(0));
    assert_eq!(sim.control().deleted_listener_count(), 1);
    assert_eq!(sim.control().logout_count(), 1);
}

#[tokio::test]
async fn listen_stops_with_exit_3_on_a_wrong_password() {
    let sim = sim(SimConfig::default()).await;
    let out = run(mycrm(&sim).env("MYCRM_PASSWORD", "wrong").arg("listen")).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("bad login or password"), "{}", stderr(&out));
}

#[tokio::test]
async fn listen_says_when_it_is_online() {
    let sim = sim(SimConfig::default()).await;
    let started = std::time::Instant::now();
    let mut child = mycrm(&sim).arg("listen").spawn().expect("runs");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let online = format!("mycrm: online as alice on terminal {DESK} (");
    let mut before = Vec::new();
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.expect("read") {
            if line.starts_with(&online) {
                return true;
            }
            before.push(line);
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "no \"{online}\" line; stderr so far: {before:?}");
    // Start to online, through the runner when there is one (the figure scripts/windows.sh shows).
    println!("mycrm listen: online {} ms after start", started.elapsed().as_millis());
    cli::program().request_stop(&child).await;
    let status = tokio::time::timeout(WAIT, child.wait()).await.expect("exits in time").expect("waited");
    assert_eq!(status.code(), Some(0));
    assert_eq!(sim.control().logout_count(), 1);
}
