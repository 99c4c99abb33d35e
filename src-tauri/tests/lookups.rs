//! The controller's lookups on Tauri's mock runtime, against the simulator over real loopback
//! HTTP and websockets and small HTTP servers on loopback: a number the user dials is looked
//! up like a caller's; the address book's own syncs never try without a password and stop
//! once the server refused it, until the password changes ("Sync now" always tries).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::routing::{any, get};
use common::{DESK, Signed, controller, eventually, signed_in_with};
use istra_tray::control::controller::Persistence;
use istra_tray::model::error::ErrorCode;
use istra_tray::model::settings::{Secret, Settings};
use istra_tray::model::views::{DirectionView, HistoryFilter};

/// Serves `app` on a loopback port; its base address.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

#[tokio::test]
async fn a_number_dialled_is_looked_up_like_a_caller() {
    // The CRM knows one number and remembers each number it was asked about.
    let asked: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&asked);
    let crm = serve(Router::new().route(
        "/callers",
        get(move |Query(query): Query<Vec<(String, String)>>| {
            let seen = Arc::clone(&seen);
            async move {
                let phone = query.into_iter().find(|(k, _)| k == "phone").map(|(_, v)| v).unwrap_or_default();
                seen.lock().expect("asked").push(phone.clone());
                if phone == "+33612345678" {
                    (StatusCode::OK, r#"{"name":"Dana Supplier","company":"Parts & Co"}"#)
                } else {
                    (StatusCode::NOT_FOUND, "{}")
                }
            }
        }),
    ))
    .await;
    let Signed { sim, app: _app, controller } = signed_in_with(|mut settings| {
        settings.lookup.crm_url = format!("{crm}/callers?phone={{e164}}");
        settings
    })
    .await;

    // The platform reports a call the user placed from the desk phone, and its end.
    let alerting = serde_json::json!({"event":"callAlerting","callId":"-31","displayNumber":"06 12 34 56 78",
        "displayNumberE164":"+33612345678","displayLabel":"","type":"external"});
    sim.control().send_items(DESK, vec![alerting]);
    eventually("the CRM is asked", || !asked.lock().expect("asked").is_empty()).await;
    sim.control()
        .send_items(DESK, vec![serde_json::json!({"event":"callDropped","callId":"-31","dropCause":"normal"})]);
    eventually("the call dialled is named by the CRM in the recent calls", || {
        controller.recent_calls().iter().any(|c| c.id == "-31" && c.name.as_deref() == Some("Dana Supplier"))
    })
    .await;
    let call = controller.recent_calls().into_iter().find(|c| c.id == "-31").expect("the call");
    assert_eq!(call.direction, DirectionView::Outgoing);
    assert_eq!(call.company.as_deref(), Some("Parts & Co"));
    assert_eq!(*asked.lock().expect("asked"), ["+33612345678"], "asked once, about the number dialled");
    eventually("History keeps the name found", || {
        let page = controller.history_page(HistoryFilter::All, None, None);
        page.is_ok_and(|p| p.calls.iter().any(|c| c.id == "-31" && c.name.as_deref() == Some("Dana Supplier")))
    })
    .await;
}

#[tokio::test]
async fn the_address_book_is_not_synced_without_a_password_nor_again_after_the_server_refused_it() {
    // A CardDAV server that refuses every request, counting them.
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&requests);
    let server = serve(Router::new().fallback(any(move || {
        counted.fetch_add(1, Ordering::SeqCst);
        async { (StatusCode::UNAUTHORIZED, [("WWW-Authenticate", r#"Basic realm="contacts""#)], "locked") }
    })))
    .await;
    let mut settings = Settings::default();
    settings.lookup.address_book_url = format!("{server}/ada/contacts/");
    settings.lookup.address_book_user = "ada".into();
    let (_app, controller) = controller(settings, Persistence::Memory).await;
    let sent = || requests.load(Ordering::SeqCst);

    controller.sync_and_log().await;
    assert_eq!(sent(), 0, "no password yet: no request");

    controller.set_secret(Secret::AddressBookPassword, "wrong").await.expect("kept");
    eventually("a password given is tried at once", || sent() == 1).await;
    let now = controller.sync_address_book().await;
    assert_eq!(now.map_err(|e| e.code), Err(ErrorCode::BadCredentials), "Sync now tries and says why");
    assert_eq!(sent(), 2);
    controller.sync_and_log().await;
    controller.sync_and_log().await;
    assert_eq!(sent(), 2, "the app's own syncs stop after the server refused the password");

    controller.set_secret(Secret::AddressBookPassword, "right at last").await.expect("kept");
    eventually("a new password is tried", || sent() == 3).await;
}
