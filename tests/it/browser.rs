//! Pages in a real browser: Debian's Chromium, headless. `scripts/test` installs it.

use std::path::PathBuf;
use std::process::Command;

use tasdiq::i18n::{I18n, Lang};

use crate::process::Server;
use crate::support::{TestDb, repo};

/// Where screenshots go: `target/screenshots/`.
pub fn screenshots() -> PathBuf {
    let dir = repo().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs headless Chromium with the flags this machine needs, plus `args`.
pub fn chromium(args: &[String]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .expect("chromium is installed (scripts/test installs Debian's chromium)")
}

#[test]
fn chromium_renders_the_verdict_in_arabic_and_french() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();
    let server = Server::start(&mut config);
    let url = server.sample("authentic");

    for lang in [Lang::Ar, Lang::Fr] {
        let page = format!("{url}?lang={}", lang.code());
        let out = chromium(&["--dump-dom".into(), page.clone()]);
        let dom = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let want_dir = if lang == Lang::Ar {
            r#"dir="rtl""#
        } else {
            r#"dir="ltr""#
        };
        let html_tag = dom
            .lines()
            .find(|l| l.contains("<html"))
            .unwrap_or_default();
        assert!(html_tag.contains(want_dir), "{html_tag}");
        assert!(
            html_tag.contains(&format!(r#"lang="{}""#, lang.code())),
            "{html_tag}"
        );
        let title = I18n::global().t(lang, "verdict-authentic-title");
        assert!(
            dom.contains(&format!(">{title}</h1>")),
            "{lang:?}: no verdict title in the DOM"
        );
        assert!(dom.contains(r#"data-status="authentic""#));

        let shot = screenshots().join(format!("verify-{}.png", lang.code()));
        let _ = std::fs::remove_file(&shot);
        let out = chromium(&[
            format!("--screenshot={}", shot.display()),
            "--window-size=412,915".into(),
            page,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let png = std::fs::read(&shot).expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG") && png.len() > 5_000);
    }
    server.stop();
}

/// A chromedriver on a free port, stopped when dropped.
pub(crate) struct Driver(std::process::Child, pub(crate) u16);

impl Driver {
    pub(crate) fn start() -> Driver {
        let port = crate::process::free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver is installed (scripts/test installs chromium-driver)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Driver(child, port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) async fn browser(driver: &Driver) -> fantoccini::Client {
    let profile = std::env::temp_dir().join(format!("tasdiq-chrome-{}", driver.1));
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000", format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let caps = match caps {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    };
    fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("a WebDriver session")
}

pub(crate) async fn shot(c: &fantoccini::Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("officer-{name}.png")), png).unwrap();
}

pub(crate) async fn fill(c: &fantoccini::Client, id: &str, value: &str) {
    use fantoccini::Locator;
    let el = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    el.clear().await.unwrap();
    el.send_keys(value).await.unwrap();
}

/// Sets a date input: typing into one depends on the browser's locale, so set its value.
pub(crate) async fn set_date(c: &fantoccini::Client, id: &str, value: &str) {
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![serde_json::json!(id), serde_json::json!(value)],
    )
    .await
    .unwrap();
}

pub(crate) async fn submit(c: &fantoccini::Client, css: &str) {
    c.find(fantoccini::Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The whole certification workflow through the officer pages in Chromium: sign in, create a
/// producer, grant a right of use, issue 50 items, download the PDF, revoke, and see the label
/// revoked on the consumer page.
#[test]
fn an_officer_certifies_a_lot_in_the_browser() {
    use fantoccini::Locator;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();
    let server = Server::start(&mut config);
    let base = server.base.clone();
    let driver = Driver::start();
    rt.block_on(async {
        let c = browser(&driver).await;
        c.goto(&format!("{base}/officer")).await.unwrap();
        assert!(
            c.current_url()
                .await
                .unwrap()
                .path()
                .starts_with("/officer/login")
        );
        fill(&c, "email", "admin@tasdiq.local").await;
        fill(&c, "password", "correct horse battery staple").await;
        shot(&c, "1-sign-in").await;
        submit(&c, "form button[type=submit]").await;
        wait_for_text(&c, "action=\"/officer/logout\"").await;
        assert_eq!(c.current_url().await.unwrap().path(), "/officer");
        shot(&c, "2-dashboard").await;

        c.goto(&format!("{base}/officer/producers/new"))
            .await
            .unwrap();
        fill(&c, "name", "Coopérative Tamount").await;
        fill(&c, "ice", "999888777666555").await;
        fill(&c, "register_number", "ODCO-2026-4242").await;
        fill(&c, "province", "Taroudant").await;
        c.find(Locator::Css("select#region option[value='souss-massa']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.find(Locator::Css("input[name=women_led]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        submit(&c, "main form button[type=submit]").await;
        let producer = wait_for_id(&c, "/officer/producers/").await;
        shot(&c, "3-producer").await;

        c.goto(&format!("{base}/officer/brands/1")).await.unwrap();
        fill(&c, "producer", &producer).await;
        let today = chrono::Utc::now().date_naive();
        set_date(
            &c,
            "valid_from",
            &(today - chrono::Days::new(1)).to_string(),
        )
        .await;
        set_date(
            &c,
            "valid_until",
            &(today + chrono::Days::new(3 * 365)).to_string(),
        )
        .await;
        submit(&c, "form[action$='/members'] button").await;
        // The new member is listed once the answer has arrived.
        wait_for_text(&c, "Coopérative Tamount").await;
        shot(&c, "4-membership").await;

        c.goto(&format!("{base}/officer/certificates/new"))
            .await
            .unwrap();
        fill(&c, "brand", "1").await;
        fill(&c, "producer", &producer).await;
        fill(&c, "product", "Huile d'argan alimentaire 250 ml").await;
        fill(&c, "lot", "L-BROWSER-1").await;
        fill(&c, "quantity", "50").await;
        set_date(
            &c,
            "produced_on",
            &(today - chrono::Days::new(2)).to_string(),
        )
        .await;
        set_date(
            &c,
            "expires_on",
            &(today + chrono::Days::new(700)).to_string(),
        )
        .await;
        submit(&c, "#issue").await;
        wait_for_id(&c, "/officer/certificates/").await;
        let number = c
            .find(Locator::Id("number"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(number.parse::<u64>().is_ok(), "{number}");
        shot(&c, "5-certificate").await;

        // Download the PDF with the browser's session.
        let cookies = c.get_all_cookies().await.unwrap();
        let session = cookies
            .iter()
            .find(|k| k.name() == "tasdiq_session")
            .expect("a session cookie");
        assert!(session.http_only().unwrap_or(false));
        let cookie = format!("tasdiq_session={}", session.value());
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut pdf = agent
            .get(&format!(
                "{base}/api/v1/certificates/{number}/labels.pdf?layout=3x8&from=1&to=50"
            ))
            .header("Cookie", &cookie)
            .call()
            .unwrap();
        assert_eq!(pdf.status().as_u16(), 200);
        let bytes = pdf
            .body_mut()
            .with_config()
            .limit(50_000_000)
            .read_to_vec()
            .unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let mut csv = agent
            .get(&format!("{base}/api/v1/certificates/{number}/labels.csv"))
            .header("Cookie", &cookie)
            .call()
            .unwrap();
        let csv = csv.body_mut().read_to_string().unwrap();
        assert_eq!(csv.lines().count(), 51);
        let label_url = csv
            .lines()
            .nth(3)
            .unwrap()
            .split(',')
            .nth(1)
            .unwrap()
            .to_owned();

        fill(&c, "reason", "Lot rappelé après contrôle").await;
        submit(&c, "#revoke").await;
        // The second step names what revoking does; it revokes only when confirmed.
        wait_for_text(&c, "id=\"effect\"").await;
        submit(&c, "#confirm").await;
        wait_for_text(&c, "id=\"status\">revoked").await;
        let status = c
            .find(Locator::Id("status"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(status.starts_with("revoked"), "{status}");
        shot(&c, "6-revoked").await;

        c.goto(&format!("{label_url}?lang=fr")).await.unwrap();
        let verdict = c.find(Locator::Id("verdict")).await.unwrap();
        assert_eq!(
            verdict.attr("data-status").await.unwrap().as_deref(),
            Some("revoked")
        );
        assert_eq!(
            verdict.text().await.unwrap(),
            I18n::global().t(Lang::Fr, "verdict-revoked-title")
        );
        shot(&c, "7-consumer-revoked").await;
        c.close().await.unwrap();
    });
    drop(driver);
    server.stop();
}

/// Waits until the page's source contains `text` (a submitted form's answer has arrived).
pub(crate) async fn wait_for_text(c: &fantoccini::Client, text: &str) -> String {
    for _ in 0..100 {
        let source = c.source().await.unwrap();
        if source.contains(text) {
            return source;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "the page never showed {text:?}: {}",
        c.source().await.unwrap_or_default()
    );
}

/// Waits until the browser is on `prefix` followed by a number, and returns the number.
pub(crate) async fn wait_for_id(c: &fantoccini::Client, prefix: &str) -> String {
    for _ in 0..100 {
        let path = c.current_url().await.unwrap().path().to_owned();
        if let Some(id) = path
            .strip_prefix(prefix)
            .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        {
            return id.to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never reached {prefix}<id>");
}
