//! The holes of issue 12, each attacked again: short codes that cannot be derived or harvested
//! (item 1), bounded metrics (2), no staff identity in public answers (5), copy signals and
//! report limits one host cannot fake (6, 7), stalled downloads (11), half-open connections
//! (12), bidi overrides (13), cache flushing (14), and the "also" line (no-store, `q=%00`).
//! Items 3, 4, 9, 10 and the Origin check are in `accounts`. Clients are told apart by the
//! socket address, set on each request as the server sets it; items 2 and 12 go through a real
//! socket.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};
use tasdiq::domain::humancode::{HumanCode, ShortCodeKey};
use tasdiq::domain::values::{CertificateNumber, Role};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

use crate::support::{Reply, TestApp, tamper};

fn peer(ip: &str) -> ConnectInfo<SocketAddr> {
    ConnectInfo(SocketAddr::new(ip.parse().unwrap(), 50_000))
}

/// A page or API request from `ip`.
async fn from(app: &TestApp, ip: &str, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::get(uri).extension(peer(ip));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

async fn html_from(app: &TestApp, ip: &str, uri: &str) -> Reply {
    from(app, ip, uri, &[("accept", "text/html")]).await
}

/// Whether `text` holds a run of 207 digits: a signed label code.
fn has_label_code(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 207 {
            return true;
        }
    }
    false
}

/// The short code as the service printed it before issue 12: Crockford base32 of
/// `(certificate << 20) | item` and a public Luhn mod 32 check, anyone could compute it.
fn unkeyed_short_code(certificate: u64, item: u32) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let n = (u128::from(certificate) << 20) | u128::from(item);
    let mut v: Vec<u8> = (0..17)
        .map(|i| ((n >> (5 * (16 - i))) & 31) as u8)
        .collect();
    let (mut sum, mut double) = (0u32, true);
    for x in v.iter().rev() {
        let mut a = u32::from(*x);
        if double {
            a *= 2;
            a = a / 32 + a % 32;
        }
        sum += a;
        double = !double;
    }
    v.push(((32 - sum % 32) % 32) as u8);
    let mut out = String::new();
    for (i, x) in v.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[usize::from(*x)]));
    }
    out
}

#[tokio::test]
async fn one_genuine_label_gives_no_second_signed_code() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    // The forger scans one genuine jar and reads the certificate number off the verdict.
    let v = app
        .get(&format!("/api/v1/verify/{}", app.code(&cert, 1)))
        .await
        .json();
    let number: u64 = v["label"]["certificate"].as_str().unwrap().parse().unwrap();
    for item in 1..=10 {
        // The old public form, and the new form under keys the forger might guess.
        for guess in [
            unkeyed_short_code(number, item),
            HumanCode::new(number, item)
                .unwrap()
                .encode(&ShortCodeKey::from_bytes([0; 32])),
        ] {
            let ip = format!("198.51.{item}.1");
            let res = html_from(&app, &ip, &format!("/v?code={guess}")).await;
            assert!(
                matches!(res.status.as_u16(), 400 | 404),
                "{guess}: {}",
                res.status
            );
            assert!(!has_label_code(&res.text()), "{guess} gave a signed code");
        }
    }
    // The printed short code shows the verdict, and nowhere a signed code: not in the page,
    // not in the report form, not in the language links.
    let short = HumanCode::new(number, 5)
        .unwrap()
        .encode(&app.state.shortcodes);
    let res = html_from(&app, "192.0.2.10", &format!("/v?code={short}&lang=fr")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let html = res.text();
    assert!(html.contains("data-status=\"authentic\""));
    assert!(!has_label_code(&html), "{html}");
    assert!(
        html.contains(&format!("action=\"&#x2f;v&#x2f;{short}&#x2f;report\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("&#x2f;v?code={short}&amp;lang=ar")),
        "{html}"
    );

    // A report from that page names the short code.
    let token = {
        let start = html.find("name=\"csrf\" value=\"").unwrap() + 19;
        html[start..].split('"').next().unwrap().to_owned()
    };
    let sent = app
        .send(
            Request::post(format!("/v/{short}/report"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .extension(peer("192.0.2.10"))
                .body(Body::from(
                    serde_urlencoded::to_string([
                        ("csrf", token.as_str()),
                        ("lang", "fr"),
                        ("place", "Souk Agadir"),
                    ])
                    .unwrap(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    let back = sent.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(back.starts_with(&format!("/v?code={short}&")), "{back}");
    assert!(!has_label_code(&back));
    let key = app.key(Role::Officer).await;
    let reports = app.get_as("/api/v1/reports", &key).await.json();
    assert_eq!(reports["items"][0]["code"], short);
    assert_eq!(reports["items"][0]["certificate"], number.to_string());
    assert_eq!(reports["items"][0]["item"], 5);
    assert_eq!(reports["items"][0]["verdict"], "authentic");
}

#[tokio::test]
async fn short_codes_resolve_on_a_node_without_signing_keys() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let short = HumanCode::new(cert.facts.number, 3)
        .unwrap()
        .encode(&app.state.shortcodes);
    let secret = app
        .db
        .config
        .keys_dir
        .join(tasdiq::keystore::SHORTCODE_FILE);
    let node_keys = tempfile::tempdir().unwrap();
    let copy = node_keys.path().join(tasdiq::keystore::SHORTCODE_FILE);
    let mut config = app.db.config.clone();
    config.keys_dir = node_keys.path().to_owned();

    // Without the secret the node refuses to start, and says what to copy.
    let err = tasdiq::AppState::build(app.conn().clone(), config.clone())
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("shortcode.secret"), "{err}");
    // With another secret too.
    write_private(&copy, &hex::encode([9u8; 32]));
    let err = tasdiq::AppState::build(app.conn().clone(), config.clone())
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("not the one"), "{err}");
    std::fs::remove_file(&copy).unwrap();
    // With the right one, readable by others: refused like a signing key.
    std::fs::copy(&secret, &copy).unwrap();
    set_mode(&copy, 0o644);
    let err = tasdiq::AppState::build(app.conn().clone(), config.clone())
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("chmod 600"), "{err}");
    set_mode(&copy, 0o600);

    let node = tasdiq::AppState::build(app.conn().clone(), config)
        .await
        .unwrap();
    assert!(
        node.key_ring().signer().is_none(),
        "this node holds no private key"
    );
    let res = tasdiq::app(node)
        .oneshot(
            Request::get(format!("/v?code={short}&lang=en"))
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("data-status=\"authentic\""));
}

fn write_private(path: &std::path::Path, text: &str) {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .unwrap();
    std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test]
async fn short_code_lookups_are_limited_per_network() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let short = HumanCode::new(cert.facts.number, 2)
        .unwrap()
        .encode(&app.state.shortcodes);
    let uri = format!("/v?code={short}");
    // A burst of 20, then one lookup each 3 s: on a slow machine the burst itself takes long
    // enough for a token or two to come back, so count the lookups served before the first
    // refusal and allow what the elapsed time refilled.
    let started = std::time::Instant::now();
    let mut served = 0u64;
    let limited = loop {
        let r = html_from(&app, "203.0.113.10", &uri).await;
        if r.status != 200 {
            break r;
        }
        served += 1;
        assert!(served <= 60, "never limited");
    };
    let refilled = started.elapsed().as_millis() as u64 / 3_000 + 1;
    assert!(
        (20..=20 + refilled).contains(&served),
        "{served} lookups served, {refilled} refilled"
    );
    assert_eq!(limited.status, 429);
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
    // Another address of the same /24 shares the limit; another network does not.
    assert_eq!(html_from(&app, "203.0.113.200", &uri).await.status, 429);
    assert_eq!(html_from(&app, "203.0.114.1", &uri).await.status, 200);
    // IPv6: a /48 is one network: once one address of it is refused, so is another.
    let mut tries = 0;
    while html_from(&app, "2001:db8:aa:1::1", &uri).await.status == 200 {
        tries += 1;
        assert!(tries <= 60, "never limited");
    }
    assert_eq!(
        html_from(&app, "2001:db8:aa:ffff::2", &uri).await.status,
        429
    );
    assert_eq!(html_from(&app, "2001:db8:ab::1", &uri).await.status, 200);
}

#[tokio::test]
async fn printed_short_codes_carry_the_keyed_check() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let csv = app
        .get_as(
            &format!(
                "/api/v1/certificates/{}/labels.csv?from=1&to=3",
                cert.view.number
            ),
            &key,
        )
        .await;
    assert_eq!(csv.status, 200);
    for (n, line) in csv.text().lines().skip(1).enumerate() {
        let short = line.split(',').nth(2).unwrap();
        let h = HumanCode::parse(short, &app.state.shortcodes).unwrap();
        assert_eq!((h.certificate, h.item), (cert.facts.number, n as u32 + 1));
        assert!(HumanCode::parse(short, &ShortCodeKey::from_bytes([0; 32])).is_err());
    }
}

/// A plain HTTP/1.1 exchange on a new connection, read to the end.
async fn raw_exchange(addr: SocketAddr, request: String) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut out))
        .await
        .expect("the server answers")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_clients_cannot_grow_metrics_or_hold_connections() {
    let mut app = TestApp::new().await;
    let mut config = app.db.config.clone();
    config.header_timeout_secs = 1;
    app.state = tasdiq::AppState::build(app.conn().clone(), config)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tasdiq::launch(listener, app.state.clone(), async {
        let _ = stopped.await;
    }));
    let metrics_len = || async {
        let text = raw_exchange(
            addr,
            "GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".into(),
        )
        .await;
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        text.len()
    };
    let invented = |i: usize| {
        raw_exchange(
            addr,
            format!(
                "X{i}{} / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                "Y".repeat(i % 200)
            ),
        )
    };

    // Item 2: invented methods share one label.
    for i in 0..10 {
        assert!(invented(i).await.starts_with("HTTP/1.1 4"));
    }
    // The first fetch adds /metrics's own series; measure from the second.
    metrics_len().await;
    let before = metrics_len().await;
    for i in 10..1010 {
        invented(i).await;
    }
    let after = metrics_len().await;
    assert!(after < 200 * 1024, "/metrics is {after} bytes");
    assert!(
        after < before + 1024,
        "/metrics grew from {before} to {after} bytes"
    );

    // Item 12: a connection that never finishes its headers, or sends nothing, is closed.
    for partial in ["GET /healthz HTTP/1.1\r\nHost: t\r\n", ""] {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(partial.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "the half-open connection was not closed");
    }
    // The socket address reaches the handlers: lookups from 127.0.0.1 count as one network.
    let ok = raw_exchange(
        addr,
        "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".into(),
    )
    .await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");

    // Shutdown is graceful and completes.
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn no_verdict_names_staff() {
    let app = TestApp::new().await;
    let officer_key = app.named_key("Marjane Central Buyer", Role::Officer).await;
    let retailer = app.key(Role::Retailer).await;
    let cert = app.authentic_certificate().await;
    let issued = app
        .json(
            Method::POST,
            "/api/v1/certificates",
            Some(&officer_key),
            &json!({"brand": cert.facts.brand, "producer": cert.view.producer.id, "product": "Huile",
                "lot": "L-STAFF", "quantity": 5, "produced_on": "2026-11-01", "expires_on": "2028-11-01"}),
        )
        .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let number: u64 = issued.json()["number"].as_str().unwrap().parse().unwrap();
    let rec = app
        .state
        .verifier
        .lookup(app.conn(), CertificateNumber(number))
        .await
        .unwrap()
        .unwrap();
    assert!(
        rec.issued_by.contains("Marjane"),
        "officers still know who issued it"
    );
    let code = app.code(&rec, 1);
    let short = HumanCode::new(number, 2)
        .unwrap()
        .encode(&app.state.shortcodes);
    let answers = [
        app.get(&format!("/api/v1/verify/{code}")).await.text(),
        from(
            &app,
            "192.0.2.1",
            &format!("/v/{code}"),
            &[("accept", "application/json")],
        )
        .await
        .text(),
        app.json_with(
            Method::POST,
            "/api/v1/verify",
            &retailer,
            &[],
            &json!({"codes": [code.clone()]}),
        )
        .await
        .text(),
        app.get_as(&format!("/api/v1/lots/{number}"), &retailer)
            .await
            .text(),
        html_from(&app, "192.0.2.1", &format!("/v/{code}"))
            .await
            .text(),
        html_from(&app, "192.0.2.1", &format!("/v?code={short}"))
            .await
            .text(),
    ];
    for a in &answers {
        assert!(a.contains(&number.to_string()), "{a}");
        for staff in [
            "Marjane",
            "apikey:",
            "issued_by",
            "admin@tasdiq.local",
            "officer:",
        ] {
            assert!(!a.contains(staff), "{staff} in {a}");
        }
    }
}

#[tokio::test]
async fn one_host_with_many_user_agents_is_one_client() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 8);
    let uri = format!("/api/v1/verify/{code}");
    let mut last = Value::Null;
    for i in 0..20 {
        let ua = format!("Mozilla/5.0 phone {i}");
        last = from(&app, "203.0.113.7", &uri, &[("user-agent", &ua)])
            .await
            .json();
    }
    assert_eq!(
        last["warnings"],
        json!([]),
        "20 User-Agents from one IP are one client"
    );
    assert_eq!(last["label"]["scans"], 20);
    // Ten networks are ten clients: the signal still works.
    for n in 1..=10 {
        last = from(&app, &format!("198.51.{n}.9"), &uri, &[]).await.json();
    }
    // Eleven networks in a day: today's flag, and the copy detector's `many_networks`.
    assert_eq!(last["warnings"], json!(["suspected_copy", "many_networks"]));
    assert_eq!(last["risk"], "high");
}

#[tokio::test]
async fn the_report_limit_ignores_the_user_agent() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 11);
    let html = html_from(&app, "203.0.113.9", &format!("/v/{code}"))
        .await
        .text();
    let start = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let token = html[start..].split('"').next().unwrap().to_owned();
    let mut statuses = Vec::new();
    for i in 0..7 {
        let res = app
            .send(
                Request::post(format!("/v/{code}/report"))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::USER_AGENT, format!("bot {i}"))
                    .extension(peer(&format!("203.0.113.{}", 9 + i)))
                    .body(Body::from(
                        serde_urlencoded::to_string([("csrf", token.as_str()), ("place", "x")])
                            .unwrap(),
                    ))
                    .unwrap(),
            )
            .await;
        statuses.push(res.status.as_u16());
    }
    assert_eq!(statuses, [303, 303, 303, 303, 303, 429, 429]);
}

/// The value of a gauge in the metrics text.
fn gauge(text: &str, name: &str) -> Option<i64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

#[tokio::test]
async fn an_unread_download_releases_its_thread() {
    let mut app = TestApp::new().await;
    let mut config = app.db.config.clone();
    config.request_timeout_secs = 1;
    app.state = tasdiq::AppState::build(app.conn().clone(), config)
        .await
        .unwrap();
    let key = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let running = || gauge(&app.state.metrics.render(), "tasdiq_label_jobs_running");
    assert_eq!(running(), Some(0));
    // The response is taken and its body never read, as by a client that stalls.
    let res = tasdiq::app(app.state.clone())
        .oneshot(
            Request::get(format!(
                "/api/v1/certificates/{}/labels.pdf?from=1&to=480",
                cert.view.number
            ))
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .body(Body::empty())
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut seen = Vec::new();
    for _ in 0..200 {
        let now = running();
        if seen.last() != Some(&now) {
            seen.push(now);
        }
        if seen.len() > 1 && now == Some(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        seen,
        [Some(1), Some(0)],
        "the job ran, then gave up on the reader"
    );
    // What the client gets afterwards is a broken transfer, not a plausible short file.
    let body = http_body_util::BodyExt::collect(res.into_body()).await;
    assert!(body.is_err());
}

#[tokio::test]
async fn bidi_overrides_are_not_shown_on_pages() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let renamed = app
        .json(
            Method::PATCH,
            &format!("/api/v1/producers/{}", cert.view.producer.id),
            Some(&key),
            &json!({"name": "Coop \u{202E}nagra\u{202C} Tiznit"}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    let issued = app
        .json(
            Method::POST,
            "/api/v1/certificates",
            Some(&key),
            &json!({"brand": cert.facts.brand, "producer": cert.view.producer.id,
                "product": "Huile \u{2067}bio\u{2069} 250 ml", "lot": "L\u{202D}42", "quantity": 3,
                "produced_on": "2026-11-01", "expires_on": "2028-11-01"}),
        )
        .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let number: u64 = issued.json()["number"].as_str().unwrap().parse().unwrap();
    let rec = app
        .state
        .verifier
        .lookup(app.conn(), CertificateNumber(number))
        .await
        .unwrap()
        .unwrap();
    // Stored as sent...
    assert!(rec.view.product.contains('\u{2067}'));
    // ...shown without the controls, every value in its own isolate.
    let html = html_from(
        &app,
        "192.0.2.2",
        &format!("/v/{}?lang=fr", app.code(&rec, 1)),
    )
    .await
    .text();
    for c in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}',
    ] {
        assert!(!html.contains(c), "U+{:04X} on the page", c as u32);
    }
    assert!(html.contains("<bdi>Coop nagra Tiznit</bdi>"), "{html}");
    assert!(
        html.contains(&format!(
            "<bdi>{}</bdi>",
            rec.view.brand.names.fr.replace('\'', "&#x27;")
        )),
        "{html}"
    );
}

#[tokio::test]
async fn made_up_numbers_never_crowd_real_certificates_out_of_the_cache() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    app.get(&format!("/api/v1/verify/{}", app.code(&cert, 1)))
        .await;
    let cached = app.state.verifier.certs.len();
    assert!(app.state.verifier.certs.get(cert.facts.number).is_some());
    // Made-up short codes, each from its own network so the limit does not stop them.
    for i in 0..200u32 {
        let text: String = (0..25)
            .map(|_| char::from(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"[rand::random_range(0..32)]))
            .collect();
        let res = html_from(
            &app,
            &format!("10.{}.{}.1", i / 256, i % 256),
            &format!("/v?code={text}"),
        )
        .await;
        assert_eq!(res.status, 404);
    }
    // And numbers looked up directly, as officer pages and lot queries do.
    for _ in 0..500 {
        let n = rand::random::<u64>() >> 1;
        assert!(
            app.state
                .verifier
                .lookup(app.conn(), CertificateNumber(n))
                .await
                .unwrap()
                .is_none()
        );
    }
    assert_eq!(
        app.state.verifier.certs.len(),
        cached,
        "misses are not cached"
    );
    assert!(app.state.verifier.certs.get(cert.facts.number).is_some());
}

#[tokio::test]
async fn authenticated_answers_are_not_cached_and_nul_matches_nothing() {
    let app = TestApp::new().await;
    let officer = app.key(Role::Officer).await;
    let retailer = app.key(Role::Retailer).await;
    let cert = app.authentic_certificate().await;
    for (uri, key) in [
        (format!("/api/v1/lots/{}", cert.view.number), &retailer),
        (
            format!("/api/v1/certificates/{}/labels/1.png", cert.view.number),
            &officer,
        ),
        ("/api/v1/audit?limit=1".to_owned(), &officer),
    ] {
        let res = app.get_as(&uri, key).await;
        assert_eq!(res.status, 200, "{uri}");
        assert_eq!(res.headers[header::CACHE_CONTROL], "no-store", "{uri}");
    }
    // Public answers keep their own caching.
    let jwks = app.get("/.well-known/tasdiq/keys.json").await;
    assert_eq!(jwks.headers[header::CACHE_CONTROL], "public, max-age=300");

    app.get("/api/v1/brands?q=%00").await.problem(400);
    let filter = tasdiq::store::registry::BrandFilter {
        q: Some("\0".into()),
        ..Default::default()
    };
    let page = tasdiq::store::registry::list_brands(app.conn(), &filter, 10, 0)
        .await
        .unwrap();
    assert_eq!(page.total, 0, "a NUL matches no brand");
    let producers = tasdiq::store::producers::search(app.conn(), Some("a\0"), None, 10, 0)
        .await
        .unwrap();
    assert_eq!(producers.total, 0);
}

#[tokio::test]
async fn a_node_with_public_keys_only_verifies_labels_and_short_codes() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 4);
    let short = HumanCode::new(cert.facts.number, 5)
        .unwrap()
        .encode(&app.state.shortcodes);
    // The node's keys folder holds the short-code secret and no private signing key.
    let node_keys = tempfile::tempdir().unwrap();
    let secret = app
        .db
        .config
        .keys_dir
        .join(tasdiq::keystore::SHORTCODE_FILE);
    let copy = node_keys.path().join(tasdiq::keystore::SHORTCODE_FILE);
    std::fs::copy(&secret, &copy).unwrap();
    set_mode(&copy, 0o600);
    let files: Vec<_> = std::fs::read_dir(node_keys.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, [tasdiq::keystore::SHORTCODE_FILE]);
    let mut config = app.db.config.clone();
    config.keys_dir = node_keys.path().to_owned();
    let node = tasdiq::AppState::build(app.conn().clone(), config)
        .await
        .unwrap();
    assert!(node.key_ring().all().iter().all(|k| k.secret.is_none()));

    let router = tasdiq::app(node);
    let get = |uri: String, accept: &'static str| {
        let router = router.clone();
        async move {
            let res = router
                .oneshot(
                    Request::get(uri)
                        .header(header::ACCEPT, accept)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let status = res.status();
            let body = http_body_util::BodyExt::collect(res.into_body())
                .await
                .unwrap()
                .to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let (status, body) = get(format!("/api/v1/verify/{code}"), "application/json").await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "authentic", "{v}");
    let (status, body) = get(format!("/v/{code}?lang=en"), "text/html").await;
    assert_eq!(status, 200);
    assert!(body.contains("data-status=\"authentic\""));
    let (status, body) = get(format!("/v?code={short}&lang=en"), "text/html").await;
    assert_eq!(status, 200);
    assert!(body.contains("data-status=\"authentic\""));
    // A forged label is still refused there.
    let (_, body) = get(
        format!("/api/v1/verify/{}", tamper(&code, 150)),
        "application/json",
    )
    .await;
    assert!(body.contains("\"counterfeit\""), "{body}");
}
