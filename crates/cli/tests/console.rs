//! The console in a real browser: headless Chromium driven through
//! chromedriver against `judicial dev`, with a screenshot of each page
//! written to `target/console-screenshots/`. Skips, saying so, when Chromium
//! or chromedriver is not installed (`.ci/run` installs both).
//!
//! Also checks that `judicial dev`'s JSON/HTTP address (printed at start)
//! answers the README's curl with what the gRPC call answers.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_judicial");
const CHROMIUM: &str = "/usr/bin/chromium";

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `judicial dev` on an ephemeral port and returns it with the HTTP
/// address its banner prints.
fn start_dev(dir: &Path) -> (Process, String) {
    let mut child = Command::new(BIN)
        .args(["dev", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start judicial dev");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let http = loop {
        let line = lines.next().expect("judicial dev exited early").unwrap();
        if let Some(rest) = line.strip_prefix("JSON/HTTP on ") {
            break rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches("/v1/")
                .to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (Process(child), http)
}

/// Starts chromedriver on a free port; its "started successfully" line
/// means it accepts sessions.
fn start_chromedriver(driver: &Path) -> (Process, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("chromedriver exited early").unwrap();
        if line.contains("started successfully") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (Process(child), format!("http://127.0.0.1:{port}"))
}

fn find_chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn screenshots_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp: the screenshots go beside it.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("console-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(browser: &Client, name: &str) {
    let png = browser.screenshot().await.expect("screenshot");
    let path = screenshots_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    println!("screenshot: {}", path.display());
}

async fn wait_for(browser: &Client, css: &str) -> fantoccini::elements::Element {
    browser
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
}

async fn class_of(browser: &Client, css: &str) -> String {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn get_json(url: &str) -> Value {
    use http_body_util::BodyExt;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let response = client.get(url.parse().unwrap()).await.unwrap();
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).unwrap()
}

/// The gRPC answer through the CLI (its `--json` form), which also waits
/// until the router has synced the seed.
fn grpc_route(http: &str) -> Value {
    let out = Command::new(BIN)
        .args(["--endpoint", http, "--json", "route", "FR", "civil"])
        .args(["service-of-documents", "--min-revision", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_in_headless_chromium() {
    let Some(driver) = find_chromedriver().filter(|_| Path::new(CHROMIUM).exists()) else {
        println!(
            "SKIPPED: the console's browser tests need {CHROMIUM} and chromedriver \
             (apt-get install chromium chromium-driver; .ci/run installs them)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_dev, http) = start_dev(dir.path());

    // The README's curl answers what the gRPC call answers.
    let over_grpc = grpc_route(&http);
    let over_json = get_json(&format!(
        "{http}/v1/route?counterpart=FR&matter=MATTER_CIVIL_COMMERCIAL&assistance=ASSISTANCE_SERVICE_OF_DOCUMENTS"
    ))
    .await;
    let names = |channels: &Value, key: &str| -> Vec<String> {
        channels
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c[key].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        names(&over_json["channels"], "instrument"),
        names(&over_grpc["channels"], "instrument")
    );
    assert_eq!(
        names(&over_json["channels"], "title"),
        names(&over_grpc["channels"], "title")
    );

    let (_chromedriver, webdriver) = start_chromedriver(&driver);
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=en-US"],
        }),
    );
    let browser = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&webdriver)
        .await
        .expect("a chromium session");
    let result = drive(&browser, &http).await;
    browser.close().await.ok();
    result
}

async fn drive(browser: &Client, http: &str) {
    // Route: a state searched by name, the defaults (civil, service).
    browser.goto(&format!("{http}/")).await.unwrap();
    wait_for(browser, "body[data-ready='route']").await;
    let state = browser
        .find(Locator::Id("route-counterpart"))
        .await
        .unwrap();
    state.send_keys("France").await.unwrap();
    browser
        .find(Locator::Id("route-matter"))
        .await
        .unwrap()
        .select_by_value("MATTER_CIVIL_COMMERCIAL")
        .await
        .unwrap();
    browser
        .find(Locator::Id("route-assistance"))
        .await
        .unwrap()
        .select_by_value("ASSISTANCE_SERVICE_OF_DOCUMENTS")
        .await
        .unwrap();
    browser
        .find(Locator::Id("route-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let first = wait_for(browser, "#channels > li").await;
    assert_eq!(
        first.attr("data-instrument").await.unwrap().as_deref(),
        Some("instruments/cn-fr-civil-1987")
    );
    assert_eq!(
        first.attr("data-kind").await.unwrap().as_deref(),
        Some("CHANNEL_KIND_BILATERAL_TREATY")
    );
    let text = first.text().await.unwrap();
    assert!(
        text.contains("中华人民共和国和法兰西共和国关于民事、商事司法协助的协定"),
        "{text}"
    );
    wait_for(browser, "#not-applicable").await;
    screenshot(browser, "route").await;

    // The instrument behind the first channel: parties, dates, sources.
    first
        .find(Locator::Css("a[href^='#instrument/']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let title = wait_for(browser, "#instrument-title").await;
    assert!(title.text().await.unwrap().contains("法兰西共和国"));
    let parties = wait_for(browser, "#parties").await.text().await.unwrap();
    assert!(parties.contains("1988-02-08"), "{parties}");
    screenshot(browser, "instrument").await;

    // The map on today's date: FR by treaty, a state with no instrument on
    // reciprocity, HK, MO and TW there and selectable.
    browser.goto(&format!("{http}/console/#map")).await.unwrap();
    wait_for(browser, "#map-svg[data-drawn]").await;
    assert!(
        class_of(browser, "#world [data-code='FR']")
            .await
            .contains("k-treaty")
    );
    // Afghanistan has no instrument with China: today the Service
    // Convention may apply (its party list does not record AF), so the
    // map hatches it as an uncertain convention.
    let af = class_of(browser, "#world path[data-code='AF']").await;
    assert!(
        af.contains("k-convention") && af.contains("uncertain"),
        "{af}"
    );
    for code in ["HK", "MO", "TW"] {
        let class = class_of(browser, &format!("#world [data-code='{code}']")).await;
        assert!(class.contains("k-arrangement"), "{code}: {class:?}");
    }
    browser
        .find(Locator::Id("hk-marker"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let detail = wait_for(browser, "#map-detail-title").await;
    assert!(detail.text().await.unwrap().contains("(HK)"));
    let legend = browser
        .find(Locator::Id("map-legend"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(legend.contains("Treaty: "), "{legend}");
    screenshot(browser, "map").await;

    // 1987: before the French treaty entered into force (1988-02-08).
    browser
        .execute(
            "const y = document.getElementById('map-year'); y.value = '1987';\
             y.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .unwrap();
    wait_for(browser, "#map-svg[data-drawn='1987-12-31']").await;
    // Before the treaty, and before the Service Convention bound China
    // (1992), France and a state with no instrument are on reciprocity.
    let fr_1987 = class_of(browser, "#world [data-code='FR']").await;
    assert!(fr_1987.contains("k-reciprocity"), "{fr_1987}");
    let af_1987 = class_of(browser, "#world path[data-code='AF']").await;
    assert!(af_1987.contains("k-reciprocity"), "{af_1987}");
    screenshot(browser, "map-1987").await;

    // Stats by year, drawn as charts.
    browser
        .goto(&format!("{http}/console/#stats"))
        .await
        .unwrap();
    wait_for(browser, "body[data-ready='stats'] #stats-charts svg").await;
    screenshot(browser, "stats").await;

    // Changes: the seed's import, newest first, filterable.
    browser
        .goto(&format!("{http}/console/#changes"))
        .await
        .unwrap();
    let table = wait_for(browser, "body[data-ready='changes'] #changes-table").await;
    let rows = table
        .find_all(Locator::Css("tbody tr"))
        .await
        .unwrap()
        .len();
    assert!(rows > 0);
    browser
        .find(Locator::Id("changes-filter"))
        .await
        .unwrap()
        .send_keys("cn-fr-civil-1987")
        .await
        .unwrap();
    let filtered = browser
        .find_all(Locator::Css("#changes-table tbody tr"))
        .await
        .unwrap()
        .len();
    assert!(filtered >= 1 && filtered < rows, "{filtered} of {rows}");
    screenshot(browser, "changes").await;

    // A server error is shown, with the server's message.
    browser
        .goto(&format!("{http}/console/#instrument/no-such-treaty"))
        .await
        .unwrap();
    let error = wait_for(browser, "#error:not([hidden])").await;
    let message = error.text().await.unwrap();
    assert!(message.contains("HTTP 404"), "{message}");
    assert!(message.contains("no-such-treaty"), "{message}");
}
