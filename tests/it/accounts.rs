//! Officer accounts under attack (issue 12, items 3, 4, 9, 10 and the Origin check): sign-in
//! limits that stop guessing without locking the owner out, sessions that end when they must,
//! password change, safe redirects, and cookie-authenticated writes from our pages only.
//! Clients are told apart by the socket address, set on each request as a real server would.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, header};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::support::{Reply, TestApp};

const ADMIN: &str = "admin@tasdiq.local";
const PASSWORD: &str = "correct horse battery staple";

fn peer(ip: &str) -> ConnectInfo<SocketAddr> {
    ConnectInfo(SocketAddr::new(ip.parse().unwrap(), 40_000))
}

fn set_cookie(r: &Reply, name: &str) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("hidden field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// A page request from `ip`, with an optional cookie.
async fn get(app: &TestApp, ip: &str, uri: &str, cookie: Option<&str>) -> Reply {
    let mut req = Request::get(uri)
        .header(header::ACCEPT, "text/html")
        .extension(peer(ip));
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

/// A form post from `ip`.
async fn post(
    app: &TestApp,
    ip: &str,
    uri: &str,
    cookie: Option<&str>,
    headers: &[(&str, &str)],
    fields: &[(&str, &str)],
) -> Reply {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .extension(peer(ip));
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.send(
        req.body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap(),
    )
    .await
}

/// One sign-in attempt from `ip`, with extra headers; the reply of the POST.
async fn attempt_with(
    app: &TestApp,
    ip: &str,
    headers: &[(&str, &str)],
    email: &str,
    password: &str,
    next: &str,
) -> Reply {
    let page = get(app, ip, "/officer/login", None).await;
    let csrf = hidden(&page.text(), "csrf");
    let login = set_cookie(&page, "tasdiq_login").unwrap();
    post(
        app,
        ip,
        "/officer/login",
        Some(&login),
        headers,
        &[
            ("csrf", &csrf),
            ("email", email),
            ("password", password),
            ("next", next),
        ],
    )
    .await
}

async fn attempt(app: &TestApp, ip: &str, email: &str, password: &str) -> Reply {
    attempt_with(app, ip, &[], email, password, "/officer").await
}

/// Signs in from `ip` and returns the session's `Cookie` value.
async fn session(app: &TestApp, ip: &str, email: &str, password: &str) -> String {
    let res = attempt(app, ip, email, password).await;
    assert_eq!(res.status, 303, "{}", res.text());
    set_cookie(&res, "tasdiq_session").expect("a session cookie")
}

#[tokio::test]
async fn an_attacked_account_still_signs_in_from_a_client_that_has_not_failed() {
    let app = TestApp::new().await;
    let mut refused = 0;
    for _ in 0..50 {
        let r = attempt(&app, "203.0.113.66", ADMIN, "a wrong guess").await;
        assert!(r.status == 401 || r.status == 429, "{}", r.status);
        refused += usize::from(r.status == 429);
    }
    assert_eq!(refused, 45, "5 guesses, then the attacking host is locked");
    // The attacker is locked even with the right password...
    assert_eq!(
        attempt(&app, "203.0.113.66", ADMIN, PASSWORD).await.status,
        429
    );
    // ...but the admin, elsewhere, signs in.
    let ok = attempt(&app, "198.51.100.20", ADMIN, PASSWORD).await;
    assert_eq!(ok.status, 303, "{}", ok.text());
    assert!(set_cookie(&ok, "tasdiq_session").is_some());
    // Failures are audited, without the password typed.
    let audit = tasdiq::store::audit::list(app.conn(), 100, 0)
        .await
        .unwrap();
    let failed: Vec<_> = audit
        .items
        .iter()
        .filter(|e| e.action == "officer.sign_in_failed")
        .collect();
    assert_eq!(failed.len(), 5, "one entry per evaluated failure");
    assert_eq!(failed[0].actor, "sign-in:203.0.113.66");
    assert_eq!(failed[0].target, format!("officer:{ADMIN}"));
    let dump = serde_json::to_string(&audit.items).unwrap();
    assert!(!dump.contains("a wrong guess"), "no password in the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_guesses_cannot_race_past_the_limit() {
    let app = std::sync::Arc::new(TestApp::new().await);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            attempt(&app, "203.0.113.77", ADMIN, &format!("guess {i}"))
                .await
                .status
        }));
    }
    let mut evaluated = 0;
    for t in tasks {
        let status = t.await.unwrap();
        assert!(status == 401 || status == 429, "{status}");
        evaluated += usize::from(status == 401);
    }
    assert_eq!(
        evaluated, 5,
        "the token is taken before the password is checked"
    );
}

#[tokio::test]
async fn rotating_forwarded_for_does_not_reset_the_limit() {
    let mut app = TestApp::new().await;
    let mut config = app.db.config.clone();
    config.trust_forwarded = true;
    app.state = tasdiq::AppState::build(app.conn().clone(), config)
        .await
        .unwrap();
    // The client writes what it likes on the left; our proxy appends the address it saw.
    let mut statuses = Vec::new();
    for i in 0..8 {
        let xff = format!("10.9.{i}.1, 192.0.2.{i}, 203.0.113.88");
        let r = attempt_with(
            &app,
            "10.0.0.1",
            &[("x-forwarded-for", &xff)],
            ADMIN,
            "guess",
            "/officer",
        )
        .await;
        statuses.push(r.status.as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    // Another client behind the same proxy is not affected.
    let ok = attempt_with(
        &app,
        "10.0.0.1",
        &[("x-forwarded-for", "203.0.113.89")],
        ADMIN,
        PASSWORD,
        "/officer",
    )
    .await;
    assert_eq!(ok.status, 303);
}

#[tokio::test]
async fn a_control_character_in_next_is_not_followed() {
    let app = TestApp::new().await;
    let res = attempt_with(&app, "198.51.100.1", &[], ADMIN, PASSWORD, "/officer\nX: y").await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(res.headers[header::LOCATION], "/officer");
    let page = get(
        &app,
        "198.51.100.1",
        "/officer/login?next=/officer%0AX:%20y",
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert_eq!(hidden(&page.text(), "next"), "&#x2f;officer");
}

async fn admin_page_csrf(app: &TestApp, ip: &str, cookie: &str) -> String {
    hidden(
        &get(app, ip, "/officer/admin/officers", Some(cookie))
            .await
            .text(),
        "csrf",
    )
}

async fn new_officer(app: &TestApp, ip: &str, admin: &str, email: &str) -> i64 {
    let csrf = admin_page_csrf(app, ip, admin).await;
    let made = post(
        app,
        ip,
        "/officer/admin/officers",
        Some(admin),
        &[],
        &[
            ("csrf", &csrf),
            ("email", email),
            ("role", "officer"),
            ("password", "amina's long password"),
        ],
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.text());
    tasdiq::store::officers::by_email(app.conn(), email)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn a_disabled_officer_is_refused_at_once_and_can_be_enabled_again() {
    let app = TestApp::new().await;
    let ip = "198.51.100.2";
    let admin = session(&app, ip, ADMIN, PASSWORD).await;
    let id = new_officer(&app, ip, &admin, "amina@example.ma").await;
    let amina = session(
        &app,
        "198.51.100.3",
        "amina@example.ma",
        "amina's long password",
    )
    .await;
    assert_eq!(
        get(&app, ip, "/officer/brands", Some(&amina)).await.status,
        200
    );
    let cert = app.authentic_certificate().await;
    let api = |cookie: String| {
        let uri = format!("/api/v1/lots/{}", cert.view.number);
        let app = &app;
        async move {
            app.send(
                Request::get(uri)
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    assert_eq!(api(amina.clone()).await.status, 200);

    let csrf = admin_page_csrf(&app, ip, &admin).await;
    // An admin cannot disable their own account.
    let me = tasdiq::store::officers::by_email(app.conn(), ADMIN)
        .await
        .unwrap()
        .unwrap();
    let selfish = post(
        &app,
        ip,
        &format!("/officer/admin/officers/{}/disable", me.id),
        Some(&admin),
        &[],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(selfish.status, 409);
    let off = post(
        &app,
        ip,
        &format!("/officer/admin/officers/{id}/disable"),
        Some(&admin),
        &[],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(off.status, 303, "{}", off.text());
    // Her session is refused on its next request, on pages and on the API.
    let page = get(&app, ip, "/officer/brands", Some(&amina)).await;
    assert_eq!(page.status, 303);
    assert!(
        page.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/officer/login")
    );
    api(amina.clone()).await.problem(401);
    assert_eq!(
        attempt(
            &app,
            "198.51.100.3",
            "amina@example.ma",
            "amina's long password"
        )
        .await
        .status,
        401
    );
    let listed = get(&app, ip, "/officer/admin/officers", Some(&admin))
        .await
        .text();
    assert!(listed.contains(&format!("/officer/admin/officers/{id}/enable")));
    let on = post(
        &app,
        ip,
        &format!("/officer/admin/officers/{id}/enable"),
        Some(&admin),
        &[],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(on.status, 303);
    session(
        &app,
        "198.51.100.3",
        "amina@example.ma",
        "amina's long password",
    )
    .await;
}

#[test]
fn officers_are_disabled_and_enabled_from_the_command_line() {
    use crate::process::run;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(TestApp::new());
    let config = app.db.config.clone();
    let admin = rt.block_on(session(&app, "198.51.100.4", ADMIN, PASSWORD));
    assert_eq!(
        rt.block_on(get(&app, "198.51.100.4", "/officer", Some(&admin)))
            .status,
        200
    );
    // The only admin cannot be disabled: nobody could enable anyone again.
    let last = run(&config, &["officer", "disable", "--email", ADMIN]);
    assert_eq!(
        last.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    let mut child = crate::process::tasdiq(&config)
        .args([
            "officer",
            "create",
            "--email",
            "second@tasdiq.local",
            "--role",
            "admin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"second admin password\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let off = run(&config, &["officer", "disable", "--email", ADMIN]);
    assert!(
        off.status.success(),
        "{}",
        String::from_utf8_lossy(&off.stderr)
    );
    assert_eq!(
        rt.block_on(get(&app, "198.51.100.4", "/officer", Some(&admin)))
            .status,
        303,
        "the session ended"
    );
    assert_eq!(
        rt.block_on(attempt(&app, "198.51.100.4", ADMIN, PASSWORD))
            .status,
        401
    );
    let on = run(&config, &["officer", "enable", "--email", ADMIN]);
    assert!(on.status.success());
    rt.block_on(session(&app, "198.51.100.4", ADMIN, PASSWORD));
    assert_eq!(
        run(&config, &["officer", "enable", "--email", "nobody@x.ma"])
            .status
            .code(),
        Some(2)
    );
}

#[tokio::test]
async fn sessions_end_after_their_absolute_lifetime() {
    let app = TestApp::new().await;
    let cookie = session(&app, "198.51.100.5", ADMIN, PASSWORD).await;
    assert_eq!(
        get(&app, "198.51.100.5", "/officer", Some(&cookie))
            .await
            .status,
        200
    );
    // Busy all along (just seen), but signed in 13 hours ago: past the 12-hour default.
    let started = (chrono::Utc::now() - chrono::Duration::hours(13))
        .format("%Y-%m-%d %H:%M:%S%.f+00:00")
        .to_string();
    app.conn()
        .execute_unprepared(&format!(
            "UPDATE officer_sessions SET created_at = '{started}'"
        ))
        .await
        .unwrap();
    assert_eq!(
        get(&app, "198.51.100.5", "/officer", Some(&cookie))
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn officers_change_their_password_and_other_sessions_end() {
    let app = TestApp::new().await;
    let ip = "198.51.100.6";
    let here = session(&app, ip, ADMIN, PASSWORD).await;
    let elsewhere = session(&app, "198.51.100.7", ADMIN, PASSWORD).await;
    let page = get(&app, ip, "/officer/account", Some(&here)).await;
    assert_eq!(page.status, 200);
    let csrf = hidden(&page.text(), "csrf");
    let change = |current: &'static str, new: &'static str, again: &'static str| {
        let (app, here, csrf) = (&app, here.clone(), csrf.clone());
        async move {
            post(
                app,
                ip,
                "/officer/account/password",
                Some(&here),
                &[],
                &[
                    ("csrf", &csrf),
                    ("current", current),
                    ("new", new),
                    ("again", again),
                ],
            )
            .await
        }
    };
    assert_eq!(
        change("not it", "a brand new passphrase", "a brand new passphrase")
            .await
            .status,
        401
    );
    assert_eq!(change(PASSWORD, "short", "short").await.status, 422);
    assert_eq!(
        change(PASSWORD, "a brand new passphrase", "a different one!!")
            .await
            .status,
        422
    );
    let done = change(PASSWORD, "a brand new passphrase", "a brand new passphrase").await;
    assert_eq!(done.status, 303, "{}", done.text());
    assert_eq!(
        get(&app, ip, "/officer", Some(&here)).await.status,
        200,
        "this session stays"
    );
    assert_eq!(
        get(&app, ip, "/officer", Some(&elsewhere)).await.status,
        303,
        "others end"
    );
    assert_eq!(
        attempt(&app, "198.51.100.8", ADMIN, PASSWORD).await.status,
        401
    );
    session(&app, "198.51.100.8", ADMIN, "a brand new passphrase").await;
    // Without the session's CSRF token, nothing changes.
    let forged = post(
        &app,
        ip,
        "/officer/account/password",
        Some(&here),
        &[],
        &[
            ("current", "a brand new passphrase"),
            ("new", "x".repeat(20).as_str()),
            ("again", "x".repeat(20).as_str()),
        ],
    )
    .await;
    assert_eq!(forged.status, 403);
}

#[tokio::test]
async fn cookie_authenticated_writes_must_come_from_our_pages() {
    let app = TestApp::new().await;
    let cookie = session(&app, "198.51.100.9", ADMIN, PASSWORD).await;
    let body = json!({"name": "Coop Origin", "kind": "cooperative", "ice": "001234567000089",
        "register_number": "R-1", "region": "oriental", "province": "Oujda"});
    let write = |origin: Option<&'static str>| {
        let (app, cookie, body) = (&app, cookie.clone(), body.clone());
        async move {
            let mut req = Request::post("/api/v1/producers")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::COOKIE, cookie);
            if let Some(o) = origin {
                req = req.header(header::ORIGIN, o);
            }
            app.send(req.body(Body::from(body.to_string())).unwrap())
                .await
        }
    };
    write(None).await.problem(403);
    write(Some("https://evil.example")).await.problem(403);
    let ok = write(Some("http://127.0.0.1:8080")).await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    // Reads need no Origin; the answers are not cacheable.
    let read = app
        .send(
            Request::get("/api/v1/audit?limit=1")
                .header(header::COOKIE, cookie.clone())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.headers[header::CACHE_CONTROL], "no-store");
}
