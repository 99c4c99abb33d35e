//! Black-box tests of the simulator over real HTTP and websockets.

mod client;
mod control;
mod events;
mod place_call;
mod session;
mod tls;
