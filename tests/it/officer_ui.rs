//! The officer web interface, in-process: sign-in and its protections, sessions, CSRF on every
//! form, pages that answer, and roles enforced by the server.

use axum::body::Body;
use axum::http::{Method, Request, header};

use crate::support::{Reply, TestApp};

const PASSWORD: &str = "correct horse battery staple";

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

fn set_cookie(r: &Reply, name: &str) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned()
}

async fn get(app: &TestApp, uri: &str, cookie: Option<&str>) -> Reply {
    let mut req = Request::get(uri).header(header::ACCEPT, "text/html");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

async fn post(app: &TestApp, uri: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Reply {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.send(
        req.body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap(),
    )
    .await
}

/// Signs in and returns the `Cookie` header value of the session.
pub async fn sign_in(app: &TestApp, email: &str, password: &str) -> Result<String, Reply> {
    let page = get(app, "/officer/login", None).await;
    let csrf = hidden(&page.text(), "csrf");
    let login_cookie = format!(
        "tasdiq_login={}",
        cookie_value(&set_cookie(&page, "tasdiq_login").unwrap())
    );
    let res = post(
        app,
        "/officer/login",
        Some(&login_cookie),
        &[
            ("csrf", &csrf),
            ("email", email),
            ("password", password),
            ("next", "/officer"),
        ],
    )
    .await;
    if res.status != 303 {
        return Err(res);
    }
    let session = set_cookie(&res, "tasdiq_session").expect("a session cookie");
    Ok(format!("tasdiq_session={}", cookie_value(&session)))
}

#[tokio::test]
async fn sign_in_is_protected() {
    let app = TestApp::new().await;
    let anon = get(&app, "/officer", None).await;
    assert_eq!(anon.status, 303);
    assert!(
        anon.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/officer/login")
    );
    for page in [
        "/officer/brands",
        "/officer/certificates/new",
        "/officer/admin/keys",
    ] {
        assert_eq!(get(&app, page, None).await.status, 303, "{page}");
    }

    let page = get(&app, "/officer/login", None).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("type=\"hidden\" name=\"csrf\""));
    let login = set_cookie(&page, "tasdiq_login").unwrap();
    assert!(login.contains("HttpOnly") && login.contains("SameSite=Strict"));

    // No CSRF field: refused, even with the right password.
    let res = post(
        &app,
        "/officer/login",
        None,
        &[("email", "admin@tasdiq.local"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(res.status, 403);
    assert!(set_cookie(&res, "tasdiq_session").is_none());
    // Wrong password: refused.
    let err = sign_in(&app, "admin@tasdiq.local", "wrong password")
        .await
        .unwrap_err();
    assert_eq!(err.status, 401);
    // The admin's password works; the cookie is HttpOnly and SameSite=Strict.
    let page = get(&app, "/officer/login", None).await;
    let csrf = hidden(&page.text(), "csrf");
    let lc = format!(
        "tasdiq_login={}",
        cookie_value(&set_cookie(&page, "tasdiq_login").unwrap())
    );
    let ok = post(
        &app,
        "/officer/login",
        Some(&lc),
        &[
            ("csrf", &csrf),
            ("email", "ADMIN@tasdiq.local"),
            ("password", PASSWORD),
            ("next", "https://evil.example/"),
        ],
    )
    .await;
    assert_eq!(ok.status, 303);
    assert_eq!(
        ok.headers[header::LOCATION],
        "/officer",
        "never redirected off-site"
    );
    let session = set_cookie(&ok, "tasdiq_session").unwrap();
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Strict")
            && !session.contains("Secure")
    );
    let cookie = format!("tasdiq_session={}", cookie_value(&session));
    assert_eq!(get(&app, "/officer", Some(&cookie)).await.status, 200);

    // Sign-out needs the session's CSRF token, then ends the session.
    assert_eq!(
        post(&app, "/officer/logout", Some(&cookie), &[])
            .await
            .status,
        403
    );
    let dash = get(&app, "/officer", Some(&cookie)).await.text();
    let out = post(
        &app,
        "/officer/logout",
        Some(&cookie),
        &[("csrf", &hidden(&dash, "csrf"))],
    )
    .await;
    assert_eq!(out.status, 303);
    assert_eq!(get(&app, "/officer", Some(&cookie)).await.status, 303);
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        assert_eq!(
            sign_in(&app, "admin@tasdiq.local", "nope")
                .await
                .unwrap_err()
                .status,
            401
        );
    }
    let limited = sign_in(&app, "admin@tasdiq.local", "nope")
        .await
        .unwrap_err();
    assert_eq!(limited.status, 429);
    // Even the right password waits now.
    assert_eq!(
        sign_in(&app, "admin@tasdiq.local", PASSWORD)
            .await
            .unwrap_err()
            .status,
        429
    );
}

#[tokio::test]
async fn idle_sessions_end() {
    let mut app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let mut config = app.db.config.clone();
    config.session_idle_minutes = 1;
    app.state = tasdiq::AppState::build(app.conn().clone(), config)
        .await
        .unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(
        app.conn(),
        &format!(
            "UPDATE officer_sessions SET last_seen_at = '{}'",
            (chrono::Utc::now() - chrono::Duration::minutes(5))
                .format("%Y-%m-%d %H:%M:%S%.f+00:00")
        ),
    )
    .await
    .unwrap();
    assert_eq!(get(&app, "/officer", Some(&cookie)).await.status, 303);
}

#[tokio::test]
async fn the_dashboard_links_to_pages_that_answer() {
    let app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let cert = app.authentic_certificate().await;
    app.get(&format!("/api/v1/verify/{}", app.code(&cert, 1)))
        .await;
    app.state
        .verifier
        .scans
        .flush(app.state.writer())
        .await
        .unwrap();
    let dash = get(&app, "/officer?lang=ar", Some(&cookie)).await;
    assert_eq!(dash.status, 200);
    let html = dash.text();
    assert!(html.contains(r#"dir="rtl""#));
    assert!(
        html.contains("<svg") && html.contains("<rect"),
        "server-rendered charts"
    );
    let mut links: Vec<String> = html
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with("&#x2f;officer") || h.starts_with("/officer"))
        .map(|h| h.replace("&#x2f;", "/").replace("&amp;", "&"))
        .collect();
    links.sort();
    links.dedup();
    assert!(links.len() >= 5, "{links:?}");
    for link in links.iter().cloned().chain([
        format!("/officer/certificates/{}", cert.view.number),
        "/officer/producers/new".into(),
    ]) {
        let r = get(&app, &link, Some(&cookie)).await;
        assert!(r.status.is_success(), "{link}: {}", r.status);
    }
}

async fn producer_count(app: &TestApp) -> u64 {
    tasdiq::store::producers::search(app.conn(), None, None, 1, 0)
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn forms_need_the_csrf_token_and_roles_are_enforced() {
    let app = TestApp::new().await;
    let admin = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let csrf = hidden(&get(&app, "/officer", Some(&admin)).await.text(), "csrf");
    // Create an ordinary officer through the admin page.
    let created = post(
        &app,
        "/officer/admin/officers",
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("email", "agent@tasdiq.local"),
            ("role", "officer"),
            ("password", "another long password"),
        ],
    )
    .await;
    assert_eq!(created.status, 303, "{}", created.text());
    let agent = sign_in(&app, "agent@tasdiq.local", "another long password")
        .await
        .unwrap();
    let dash = get(&app, "/officer", Some(&agent)).await.text();
    assert!(
        !dash.contains("/officer/admin/") && !dash.contains("&#x2f;officer&#x2f;admin"),
        "no admin links for officers"
    );
    for page in [
        "/officer/admin/officers",
        "/officer/admin/apikeys",
        "/officer/admin/keys",
    ] {
        assert_eq!(get(&app, page, Some(&agent)).await.status, 403, "{page}");
    }
    let agent_csrf = hidden(&dash, "csrf");
    assert_eq!(
        post(
            &app,
            "/officer/admin/keys/rotate",
            Some(&agent),
            &[("csrf", &agent_csrf)]
        )
        .await
        .status,
        403
    );
    // Without the token, or with another session's, a form is refused and nothing changes.
    let before = producer_count(&app).await;
    let fields = [
        ("name", "Coopérative Test"),
        ("kind", "cooperative"),
        ("ice", "999000000000777"),
        ("register_number", "R1"),
        ("region", "oriental"),
        ("province", "Oujda"),
    ];
    assert_eq!(
        post(&app, "/officer/producers", Some(&agent), &fields)
            .await
            .status,
        403
    );
    let mut forged = fields.to_vec();
    forged.push(("csrf", &csrf));
    assert_eq!(
        post(&app, "/officer/producers", Some(&agent), &forged)
            .await
            .status,
        403
    );
    assert_eq!(producer_count(&app).await, before);
    let mut good = fields.to_vec();
    good.push(("csrf", &agent_csrf));
    let made = post(&app, "/officer/producers", Some(&agent), &good).await;
    assert_eq!(made.status, 303, "{}", made.text());
    // An ICE another producer holds: the form comes back with the error at the ICE field,
    // whether registering or editing producer 1, and nothing is written.
    let count = producer_count(&app).await;
    let first = tasdiq::store::producers::get(app.conn(), 1).await.unwrap();
    for path in ["/officer/producers", "/officer/producers/1"] {
        let taken = post(&app, path, Some(&agent), &good).await;
        assert_eq!(taken.status, 409, "{path}: {}", taken.text());
        assert!(
            taken.text().contains("class=\"field-error\""),
            "{path}: {}",
            taken.text()
        );
    }
    assert_eq!(producer_count(&app).await, count);
    assert_eq!(
        tasdiq::store::producers::get(app.conn(), 1).await.unwrap(),
        first
    );

    // The admin creates an API key; it is shown once.
    let res = post(
        &app,
        "/officer/admin/apikeys",
        Some(&admin),
        &[("csrf", &csrf), ("name", "Label Vie"), ("role", "retailer")],
    )
    .await;
    assert_eq!(res.status, 200);
    let key = res
        .text()
        .split("id=\"new-key\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(key.starts_with("tsq_"));
    assert_eq!(
        app.get_as("/api/v1/audit", &key).await.status,
        403,
        "a retailer key"
    );
    let listing = get(&app, "/officer/admin/apikeys", Some(&admin))
        .await
        .text();
    assert!(!listing.contains(&key), "never shown again");
}

#[tokio::test]
async fn issuing_shows_errors_next_to_the_fields() {
    let app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let csrf = hidden(
        &get(&app, "/officer/certificates/new", Some(&cookie))
            .await
            .text(),
        "csrf",
    );
    let cert = app.authentic_certificate().await;
    let brand = cert.facts.brand.to_string();
    let producer = cert.view.producer.id.to_string();
    let res = post(
        &app,
        "/officer/certificates",
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("brand", &brand),
            ("producer", &producer),
            ("product", "Miel"),
            ("lot", ""),
            ("quantity", "0"),
            ("produced_on", "2026-11-01"),
            ("expires_on", "2028-11-01"),
        ],
    )
    .await;
    assert_eq!(res.status, 422);
    let html = res.text();
    assert!(html.contains("id=\"lot-error\"") && html.contains("id=\"quantity-error\""));
    assert!(!html.contains("id=\"product-error\""));
    assert!(html.contains("value=\"Miel\""), "what was typed is kept");
    let ok = post(
        &app,
        "/officer/certificates",
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("brand", &brand),
            ("producer", &producer),
            ("product", "Miel"),
            ("lot", "L-1"),
            ("quantity", "50"),
            ("produced_on", "2026-11-01"),
            ("expires_on", "2028-11-01"),
        ],
    )
    .await;
    assert_eq!(ok.status, 303);
    let page = get(
        &app,
        ok.headers[header::LOCATION].to_str().unwrap(),
        Some(&cookie),
    )
    .await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("labels.pdf") && html.contains("labels.csv") && html.contains("1.png"));
    // The session also authorises the label downloads of the API.
    let number = html
        .split("id=\"number\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let pdf = get(
        &app,
        &format!("/api/v1/certificates/{number}/labels.pdf?layout=2x5&from=1&to=10"),
        Some(&cookie),
    )
    .await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.bytes.starts_with(b"%PDF"));
}

/// Issue 14: in French and Arabic, a refused form says what the field takes in the officer's
/// language (no English sentence from the rules), and the registry's words (kinds, statuses,
/// roles) are shown translated, never as their machine word.
#[tokio::test]
async fn refusals_and_registry_words_are_in_the_officers_language() {
    use tasdiq::i18n::{I18n, Lang};
    let app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let i18n = I18n::global();
    let number = app.authentic_certificate().await.view.number;
    let csrf = hidden(&get(&app, "/officer", Some(&cookie)).await.text(), "csrf");
    let res = post(
        &app,
        &format!("/officer/certificates/{number}/revoke"),
        Some(&cookie),
        &[("csrf", &csrf), ("reason", "Contrôle"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(res.status, 303, "{res:?}");
    for lang in [Lang::Fr, Lang::Ar] {
        let code = lang.code();
        let page = get(
            &app,
            &format!("/officer/brands/1?lang={code}"),
            Some(&cookie),
        )
        .await;
        assert_eq!(page.status, 200);
        let html = page.text();
        for raw in [
            ">collective_mark<",
            ">igp<",
            ">aop<",
            ">active<",
            ">food<",
            "(admin)",
        ] {
            assert!(!html.contains(raw), "{code}: {raw} shown as is");
        }
        assert!(html.contains(&i18n.t(lang, "o-standing-active")), "{code}");
        assert!(html.contains(&i18n.t(lang, "o-role-admin")), "{code}");
        let res = post(
            &app,
            &format!("/officer/brands/1/members?lang={code}"),
            Some(&cookie),
            &[
                ("csrf", &csrf),
                ("producer", "1"),
                ("valid_from", "2027-01-01"),
                ("valid_until", "2026-01-01"),
            ],
        )
        .await;
        assert_eq!(res.status, 422, "{code}");
        let text = res.text();
        assert!(
            text.contains(&i18n.t(lang, "o-invalid-valid_until")),
            "{code}: {text}"
        );
        assert!(!text.contains("must be after"), "{code}: English rule text");
        // A rule of the registry (revoking twice) is refused in words of the language too.
        let res = post(
            &app,
            &format!("/officer/certificates/{number}/revoke?lang={code}"),
            Some(&cookie),
            &[("csrf", &csrf), ("reason", "Contrôle"), ("confirm", "yes")],
        )
        .await;
        assert_eq!(res.status, 409, "{code}: {res:?}");
        let text = res.text();
        assert!(
            text.contains(&i18n.t(lang, "o-conflict-already_revoked")),
            "{code}: {text}"
        );
        assert!(
            !text.contains("is already revoked"),
            "{code}: English rule text"
        );
    }
}

/// Issue 14: a producer's details are part of every verdict of its labels, so a change of them
/// bumps the cache epoch (other nodes then drop their cached statuses); before, only the node
/// that made the change dropped its cache.
#[tokio::test]
async fn a_producer_change_bumps_the_cache_epoch() {
    let app = TestApp::new().await;
    let key = app.key(tasdiq::domain::values::Role::Officer).await;
    let before = tasdiq::store::signing_keys::epoch(app.conn())
        .await
        .unwrap();
    let res = app
        .json(
            Method::PATCH,
            "/api/v1/producers/1",
            Some(&key),
            &serde_json::json!({ "province": "Essaouira" }),
        )
        .await;
    assert_eq!(res.status, 200, "{res:?}");
    let after = tasdiq::store::signing_keys::epoch(app.conn())
        .await
        .unwrap();
    assert!(after > before, "epoch {before} → {after}");
}
