//! What every integration test needs: a simulator on loopback and a client for it.
#![allow(dead_code)] // each test file uses its own subset

pub mod cli;

use std::time::Duration;

use mycrm::{Client, Credentials, Server, Session};
use mycrm_sim::{Sim, SimConfig};
use serde_json::{Value, json};

pub const DESK: &str = "5985841581756135023";
pub const SOFT: &str = "5985841581756135024";
pub const WAIT: Duration = Duration::from_secs(5);

pub fn alice() -> Credentials {
    Credentials::new("alice", "secret")
}

pub async fn sim(config: SimConfig) -> Sim {
    Sim::start(config).await.expect("simulator starts on loopback")
}

pub fn server(sim: &Sim) -> Server {
    Server::parse(&sim.base_url()).expect("simulator URL")
}

pub async fn login(sim: &Sim) -> Session {
    Client::new(server(sim)).expect("client").login(&alice()).await.expect("alice signs in")
}

pub fn ringing(call_id: &str, number: &str, label: &str) -> Value {
    json!({"event":"callRinging","callId":call_id,"displayNumber":number,"displayNumberE164":number,
           "displayLabel":label,"incoming":true,"type":"external"})
}

pub fn dropped(call_id: &str, cause: &str) -> Value {
    json!({"event":"callDropped","callId":call_id,"dropCause":cause,"ringingTime":"1200","talkingTime":0,"incoming":true})
}
