//! A W3C WebDriver client: just the endpoints the tests use.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key WebDriver uses to name an element in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

#[derive(Debug)]
pub struct WebDriver {
    http: reqwest::Client,
    session: String,
}

#[derive(Clone, Debug)]
pub struct Element(String);

type Result<T> = std::result::Result<T, String>;

impl WebDriver {
    /// Opens a session that starts `application` with `args`.
    pub async fn start(driver_url: &str, application: &str, args: &[&str]) -> Result<Self> {
        let http = reqwest::Client::new();
        let caps =
            json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": application, "args": args}}}});
        let answer: Value = http
            .post(format!("{driver_url}/session"))
            .json(&caps)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let session = answer["value"]["sessionId"].as_str().ok_or_else(|| format!("no session: {answer}"))?;
        Ok(Self { http, session: format!("{driver_url}/session/{session}") })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.session));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
        match answer["value"].get("error") {
            Some(error) => Err(format!("{error}: {}", answer["value"]["message"])),
            None => Ok(answer["value"].clone()),
        }
    }

    pub async fn quit(&self) {
        let _ = self.call(reqwest::Method::DELETE, "", None).await;
    }

    pub async fn windows(&self) -> Result<Vec<String>> {
        let handles = self.call(reqwest::Method::GET, "/window/handles", None).await?;
        Ok(handles.as_array().into_iter().flatten().filter_map(|h| h.as_str().map(str::to_owned)).collect())
    }

    pub async fn switch_to(&self, handle: &str) -> Result<()> {
        self.call(reqwest::Method::POST, "/window", Some(json!({"handle": handle}))).await.map(drop)
    }

    pub async fn title(&self) -> Result<String> {
        Ok(self.call(reqwest::Method::GET, "/title", None).await?.as_str().unwrap_or_default().to_owned())
    }

    /// Switches to the window whose title is `title`, waiting for it to open.
    pub async fn switch_to_titled(&self, title: &str, limit: Duration) -> Result<String> {
        let start = Instant::now();
        while start.elapsed() < limit {
            for handle in self.windows().await? {
                if self.switch_to(&handle).await.is_ok() && self.title().await.is_ok_and(|t| t == title) {
                    return Ok(handle);
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!("no window titled {title:?} within {limit:?}"))
    }

    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let found =
            self.call(reqwest::Method::POST, "/elements", Some(json!({"using": "css selector", "value": css}))).await?;
        Ok(found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT_KEY].as_str().map(|id| Element(id.to_owned())))
            .collect())
    }

    /// Waits for an element matching `css`.
    pub async fn wait_for(&self, css: &str, limit: Duration) -> Result<Element> {
        let start = Instant::now();
        loop {
            if let Some(found) = self.find_all(css).await.ok().and_then(|mut v| (!v.is_empty()).then(|| v.remove(0))) {
                return Ok(found);
            }
            if start.elapsed() > limit {
                return Err(format!("no element {css:?} within {limit:?}"));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits until the text of `css` satisfies `check`; returns it.
    pub async fn wait_for_text(&self, css: &str, limit: Duration, check: impl Fn(&str) -> bool) -> Result<String> {
        let start = Instant::now();
        let mut last = String::new();
        while start.elapsed() < limit {
            if let Ok(element) = self.wait_for(css, limit.saturating_sub(start.elapsed())).await {
                last = self.text(&element).await.unwrap_or_default();
                if check(&last) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Err(format!("text of {css:?} never matched; last {last:?}"))
    }

    /// The element's text content (WebKitWebDriver's rendered-text endpoint misses `<bdi>` runs).
    pub async fn text(&self, element: &Element) -> Result<String> {
        let script = json!({"script": "return arguments[0].textContent;", "args": [{ELEMENT_KEY: element.0}]});
        let text = self.call(reqwest::Method::POST, "/execute/sync", Some(script)).await?;
        Ok(text.as_str().unwrap_or_default().trim().to_owned())
    }

    pub async fn click(&self, element: &Element) -> Result<()> {
        self.call(reqwest::Method::POST, &format!("/element/{}/click", element.0), Some(json!({}))).await.map(drop)
    }

    pub async fn type_into(&self, element: &Element, text: &str) -> Result<()> {
        self.call(reqwest::Method::POST, &format!("/element/{}/clear", element.0), Some(json!({}))).await?;
        self.call(reqwest::Method::POST, &format!("/element/{}/value", element.0), Some(json!({"text": text})))
            .await
            .map(drop)
    }

    /// Runs `script` (a function body; `return` gives the answer) in the current window.
    pub async fn script(&self, script: &str) -> Result<Value> {
        self.call(reqwest::Method::POST, "/execute/sync", Some(json!({"script": script, "args": []}))).await
    }

    /// Resizes the current window (its outer size, in CSS pixels).
    pub async fn resize(&self, width: u32, height: u32) -> Result<()> {
        self.call(reqwest::Method::POST, "/window/rect", Some(json!({"width": width, "height": height})))
            .await
            .map(drop)
    }

    /// Invokes an app command from the current window and returns its answer (or its error).
    pub async fn invoke(&self, command: &str, args: Value) -> Result<Value> {
        let script = "const done = arguments[arguments.length - 1];
            window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(
                (value) => done({ ok: value === undefined ? null : value }),
                (error) => done({ err: error }));";
        let answer = self
            .call(reqwest::Method::POST, "/execute/async", Some(json!({"script": script, "args": [command, args]})))
            .await?;
        match answer.get("err") {
            Some(err) => Err(err.to_string()),
            None => Ok(answer["ok"].clone()),
        }
    }
}
