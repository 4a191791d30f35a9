//! `/scan`, the scanner web app, as the service serves it: every file of `src/http/scan/` (the
//! README aside) with its type, the app's own CSP (scripts from our origin only, no inline
//! script), the worker's scope header, and a total under 300 KB. Every other page keeps the
//! site's script-free CSP. The app itself is tested in node and Chromium (`tests/scan`).

use crate::support::{TestApp, repo};

fn files_on_disk() -> Vec<String> {
    let dir = repo().join("src/http/scan");
    let mut out = Vec::new();
    for sub in ["", "vendor/"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                let name = format!("{sub}{}", e.file_name().to_string_lossy());
                if name != "README.md" {
                    out.push(name);
                }
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn every_app_file_is_served_with_the_apps_own_csp() {
    let app = TestApp::new().await;
    let mut served: Vec<String> = tasdiq::http::scan::FILES
        .iter()
        .map(|(n, _, _)| (*n).to_owned())
        .collect();
    served.sort();
    assert_eq!(
        served,
        files_on_disk(),
        "every file of src/http/scan is served"
    );
    let mut total = 0;
    for name in &served {
        let url = if name == "index.html" {
            "/scan".to_owned()
        } else {
            format!("/scan/{name}")
        };
        let res = app.get(&url).await;
        assert_eq!(res.status, 200, "{url}");
        let on_disk = std::fs::read(repo().join("src/http/scan").join(name)).unwrap();
        assert_eq!(res.bytes, on_disk, "{url}");
        total += res.bytes.len();
        let h = |n: &str| res.headers.get(n).map(|v| v.to_str().unwrap().to_owned());
        let csp = h("content-security-policy").unwrap();
        assert!(csp.contains("script-src 'self'"), "{url}: {csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(h("cache-control").as_deref(), Some("no-cache"));
        let expected_type = match name.rsplit('.').next().unwrap() {
            "html" => "text/html; charset=utf-8",
            "js" => "text/javascript; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            "png" => "image/png",
            "ttf" => "font/ttf",
            "txt" => "text/plain; charset=utf-8",
            "webmanifest" => "application/manifest+json",
            other => panic!("unexpected file type {other}"),
        };
        assert_eq!(res.content_type(), expected_type, "{url}");
        if name == "sw.js" {
            assert_eq!(h("service-worker-allowed").as_deref(), Some("/scan"));
        }
        if name == "index.html" {
            assert!(h("permissions-policy").unwrap().contains("camera=(self)"));
            // No inline script or handler: every script comes from our origin by src.
            let html = res.text();
            for tag in html.split("<script").skip(1) {
                let open = tag.split('>').next().unwrap();
                assert!(
                    open.contains("src=\"/scan/"),
                    "inline script: <script{open}>"
                );
            }
            assert!(
                !html.contains(" onclick=") && !html.contains(" onload="),
                "handler"
            );
        }
    }
    assert!(
        total < 300 * 1024,
        "the whole app is {total} bytes, over 300 KB"
    );
    assert_eq!(app.get("/scan/").await.status, 200);
    // index.html has one address; nothing outside the app, no README.
    for path in [
        "/scan/index.html",
        "/scan/README.md",
        "/scan/..%2FCargo.toml",
        "/scan/vendor/x.js",
    ] {
        assert_eq!(app.get(path).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn other_pages_stay_script_free() {
    let app = TestApp::new().await;
    for path in ["/", "/officer", "/v/123", "/api/docs"] {
        let res = app.get(path).await;
        let csp = res
            .headers
            .get("content-security-policy")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        assert!(!csp.is_empty(), "{path} has a CSP");
        assert!(!csp.contains("script-src 'self'"), "{path}: {csp}");
    }
}

/// The labels the browser checks need, made on the server's database: two items of an
/// authentic lot, a counterfeit of the first, a lot to revoke, a lot of a suspended brand, a
/// label of a key reported compromised (issued before), and an expired label.
struct Labels {
    a: (String, u64),
    b: String,
    r: (String, u64),
    s: (String, u64),
    k: (String, u64),
    e: (String, u64),
}

fn make_labels(db: &crate::support::TestDb, config: &tasdiq::config::Config) -> Labels {
    use chrono::{Days, Utc};
    use tasdiq::domain::code::LabelHeader;
    use tasdiq::domain::lifecycle::CertificateRequest;
    use tasdiq::domain::values::{CertificateStatus, label_days};
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let conn = db.connect().await;
        let numbers = tasdiq::store::certificates::recent(&conn, 50)
            .await
            .unwrap();
        let demo = tasdiq::store::certificates::records(&conn, &numbers)
            .await
            .unwrap();
        let ring = tasdiq::keystore::load_ring(&conn, &config.keys_dir)
            .await
            .unwrap();
        let signer = ring.signer().unwrap();
        let of_brand = |b: u16| {
            demo.values()
                .find(|r| r.facts.brand == b && r.facts.status == CertificateStatus::Issued)
                .unwrap()
        };
        let old = of_brand(1);
        assert_ne!(
            old.facts.kid, signer.kid,
            "the demo lots are under the first key"
        );
        let today = Utc::now().date_naive();
        let issue = async |brand: u16, lot: &str| {
            let req = CertificateRequest {
                brand,
                producer: of_brand(brand).view.producer.id,
                product: "Safran en filaments 1 g".into(),
                lot: lot.into(),
                quantity: 10,
                produced_on: today - Days::new(2),
                expires_on: today + Days::new(365),
            };
            let tx = sea_orm::TransactionTrait::begin(&conn).await.unwrap();
            let rec =
                tasdiq::service::issuance::issue_in(&tx, &req, signer.kid, "test", Utc::now())
                    .await
                    .unwrap();
            tx.commit().await.unwrap();
            rec.facts
        };
        let a = issue(2, "SCAN-A").await;
        let r = issue(2, "SCAN-R").await;
        let s = issue(3, "SCAN-S").await;
        let code = |f: &tasdiq::domain::verdict::CertFacts, item| {
            ring.sign_label(f, item).unwrap().to_code()
        };
        let secret = signer.secret.as_ref().unwrap();
        let expired = LabelHeader {
            kid: signer.kid,
            certificate: a.number,
            item: 3,
            brand: a.brand,
            expiry_days: label_days(today - Days::new(30)).unwrap(),
        }
        .sign(secret.signing_key())
        .to_code();
        Labels {
            a: (code(&a, 1), a.number),
            b: code(&a, 2),
            r: (code(&r, 1), r.number),
            s: (code(&s, 1), s.number),
            k: (code(&old.facts, 1), old.facts.number),
            e: (expired, a.number),
        }
    })
}

/// `tests/scan/checks` in real Chromium against the running service (SQLite or PostgreSQL):
/// the app served by us, keys.json and the status list made by us, a revocation through the
/// officer API reaching the phone by a delta, offline, retailer mode, a stale list.
#[test]
fn the_scanner_app_works_against_the_service_in_chromium() {
    use crate::process::{Server, run};
    let scan_dir = repo().join("tests/scan");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !std::path::Path::new(&chromium).exists()
        || !scan_dir.join("node_modules/playwright-core").is_dir()
    {
        eprintln!(
            "SKIPPED: needs Chromium ({chromium}) and tests/scan/node_modules (scripts/test installs both)"
        );
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(crate::support::TestDb::new());
    let mut config = db.config.clone();
    config.api_rate = 1000;
    config.api_burst = 1000;
    let server = Server::start(&mut config);
    let cli = |args: &[&str]| {
        let out = run(&config, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    // A second key signs the new lots; the first is then reported compromised from now on.
    let first_kid = {
        let (_, body) =
            crate::process::http_get(&format!("{}/.well-known/tasdiq/keys.json", server.base));
        let jwks: serde_json::Value = serde_json::from_str(&body).unwrap();
        jwks["keys"][0]["kid"].as_str().unwrap().to_owned()
    };
    cli(&["keys", "rotate"]);
    let labels = make_labels(&db, &config);
    cli(&[
        "keys",
        "revoke",
        &first_kid,
        "--compromised-since",
        &chrono::Utc::now().to_rfc3339(),
    ]);
    let officer = cli(&[
        "apikey",
        "create",
        "--role",
        "officer",
        "--name",
        "scan-officer",
    ]);
    let retailer = cli(&[
        "apikey",
        "create",
        "--role",
        "retailer",
        "--name",
        "scan-retailer",
    ]);
    // The retailer's receiving location: retailer mode sends a carton as a `receiving` event
    // there, and the service takes only a retailer's own locations.
    let location = "urn:epc:id:sgln:0614141.00777.0";
    let res = crate::process::agent()
        .post(&format!("{}/api/v1/locations", server.base))
        .header("Authorization", &format!("Bearer {retailer}"))
        .send_json(
            serde_json::json!({"id": location, "name": "Épicerie fine (test)", "city": "Agadir"}),
        )
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = crate::process::agent()
        .patch(&format!("{}/api/v1/brands/3", server.base))
        .header("Authorization", &format!("Bearer {officer}"))
        .send_json(serde_json::json!({"status": "suspended", "reason": "contrôle"}))
        .unwrap();
    assert_eq!(res.status(), 200);
    // Wait until the list holds all of that, so that the revocation below is its next version.
    let start = std::time::Instant::now();
    loop {
        let (_, latest) =
            crate::process::http_get(&format!("{}/.well-known/tasdiq/status/latest", server.base));
        let v = latest
            .lines()
            .find_map(|l| l.strip_prefix("version "))
            .unwrap_or("0")
            .to_owned();
        let (_, snap) =
            crate::process::http_get(&format!("{}/.well-known/tasdiq/status/{v}", server.base));
        if snap.contains("\nbrand 3 suspended ")
            && snap.contains(&format!("\nkey {first_kid} compromised "))
        {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "the list did not follow: {snap}"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }

    let tmp = tempfile::tempdir().unwrap();
    let video = tmp.path().join("camera.y4m");
    let prefix = format!("{}/v/", server.base);
    let counterfeit = crate::support::tamper(&labels.a.0, 200);
    let out = std::process::Command::new("node")
        .current_dir(&scan_dir)
        .arg("gen/camera.js")
        .arg(&video)
        .arg(&prefix)
        .args([
            &labels.a.0,
            &labels.b,
            &counterfeit,
            &labels.r.0,
            &labels.a.0,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let label = |code: &str, number: u64, item: u32| serde_json::json!({"code": code, "certificate": number.to_string(), "item": item});
    let manifest = serde_json::json!({
        "prefix": prefix,
        "video": video,
        "retailer_key": retailer,
        "location": location,
        "labels": {
            "authentic": label(&labels.a.0, labels.a.1, 1),
            "authentic2": label(&labels.b, labels.a.1, 2),
            "counterfeit": label(&counterfeit, labels.a.1, 1),
            "to_revoke": label(&labels.r.0, labels.r.1, 1),
            "brand_suspended": label(&labels.s.0, labels.s.1, 1),
            "key_compromised": label(&labels.k.0, labels.k.1, 1),
            "expired": label(&labels.e.0, labels.e.1, 3),
        },
        "revoke": {
            "method": "POST",
            "path": format!("/api/v1/certificates/{}/revoke", labels.r.1),
            "headers": {"Authorization": format!("Bearer {officer}"), "Content-Type": "application/json"},
            "body": {"reason": "rappel"},
        },
        "fixture_server": false,
    });
    let manifest_path = tmp.path().join("manifest.json");
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let out = std::process::Command::new("node")
        .current_dir(&scan_dir)
        .args(["--test", "checks/"])
        .env("SCAN_BASE_URL", &server.base)
        .env("SCAN_MANIFEST", &manifest_path)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("# pass 7") && text.contains("# fail 0"),
        "{text}"
    );
    server.stop();
}
