//! The binary itself: serve's bootstrap and samples, key files, rotation across a restart, and
//! the offline verifier's exit codes.

use std::os::unix::fs::PermissionsExt;

use sea_orm::EntityTrait;

use crate::process::{Server, http_get, mode_of, run};
use crate::support::{TestApp, TestDb, tamper};

#[test]
fn serve_bootstraps_prints_samples_and_survives_rotation() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();

    let server = Server::start(&mut config);
    assert!(
        server
            .lines
            .iter()
            .any(|l| l.starts_with("admin officer: admin@tasdiq.local")),
        "{:?}",
        server.lines
    );
    let json_url = server.sample("JSON");
    let (status, body) = http_get(&json_url);
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "authentic");
    let (_, body) = http_get(&format!("{}/api/v1/brands?limit=500", server.base));
    let brands: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(brands["total"].as_u64().unwrap() >= 77);
    for k in std::fs::read_dir(&config.keys_dir).unwrap() {
        let path = k.unwrap().path();
        assert_eq!(mode_of(&path), 0o600, "{}", path.display());
    }
    let code = json_url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(server.stop(), Some(0), "SIGTERM is a clean stop");

    // Rotate with the server stopped, restart: both keys published, old labels authentic.
    let out = run(&config, &["keys", "rotate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Server::start(&mut config);
    let (_, body) = http_get(&format!("{}/.well-known/tasdiq/keys.json", server.base));
    let jwks: serde_json::Value = serde_json::from_str(&body).unwrap();
    let label_keys = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k.get("purpose").is_none());
    assert_eq!(label_keys.count(), 2, "{jwks}");
    let (_, body) = http_get(&format!("{}/api/v1/verify/{code}", server.base));
    assert!(body.contains("\"status\":\"authentic\""), "{body}");
    let listed = run(&config, &["keys", "list"]);
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        text.contains("active") && text.contains("retired"),
        "{text}"
    );
    server.stop();
}

#[test]
fn an_open_key_file_stops_the_service() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let config = db.config.clone();
    // `keys` needs an existing database: it refuses to make one by mistake.
    assert!(run(&config, &["migrate"]).status.success());
    let out = run(&config, &["keys", "generate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = std::fs::read_dir(&config.keys_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut config = config;
    config.addr = "127.0.0.1:0".parse().unwrap();
    let out = run(&config, &["serve"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to start") && err.contains("chmod 600"),
        "{err}"
    );
}

#[tokio::test]
async fn offline_verify_exit_codes() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 7);
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.json");
    std::fs::write(&keys, app.get("/.well-known/tasdiq/keys.json").await.bytes).unwrap();
    let keys = keys.to_str().unwrap();
    // No database and no server: the configuration points nowhere useful.
    let mut config = app.db.config.clone();
    config.database_url = "postgres://nobody@127.0.0.1:1/none".into();
    config.public_url = "http://127.0.0.1:1".into();

    let ok = run(&config, &["verify", &code, "--keys", keys]);
    let out = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{out}");
    assert!(
        out.contains(&cert.facts.number.to_string()) && out.contains("item         7"),
        "{out}"
    );
    let url = format!("https://tasdiq.example/v/{code}");
    assert_eq!(
        run(&config, &["verify", &url, "--keys", keys])
            .status
            .code(),
        Some(0)
    );

    assert_eq!(
        run(&config, &["verify", &tamper(&code, 150), "--keys", keys])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&config, &["verify", "12ab", "--keys", keys])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&config, &["verify", &code, "--keys", "/no/such/file.json"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&config, &["verify"]).status.code(), Some(2));
    // Without --keys it asks the (absent) server, and says how to check offline instead.
    let no_keys = run(&config, &["verify", &code]);
    assert_eq!(no_keys.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_keys.stderr).contains("--keys"));

    // A PNG QR code, read with a real decoder.
    let qr = qrcode::QrCode::new(format!("http://127.0.0.1:8080/v/{code}").as_bytes()).unwrap();
    let (w, colors) = (qr.width(), qr.to_colors());
    let (scale, quiet) = (8u32, 4u32);
    let side = (w as u32 + 2 * quiet) * scale;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (
            (x / scale).checked_sub(quiet),
            (y / scale).checked_sub(quiet),
        );
        match (mx, my) {
            (Some(mx), Some(my)) if (mx as usize) < w && (my as usize) < w => {
                if colors[my as usize * w + mx as usize] == qrcode::Color::Dark {
                    image::Luma([0])
                } else {
                    image::Luma([255])
                }
            }
            _ => image::Luma([255]),
        }
    });
    let png = dir.path().join("label.png");
    img.save(&png).unwrap();
    let out = run(&config, &["verify", png.to_str().unwrap(), "--keys", keys]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let not_png = dir.path().join("x.png");
    std::fs::write(&not_png, b"hello").unwrap();
    assert_eq!(
        run(
            &config,
            &["verify", not_png.to_str().unwrap(), "--keys", keys]
        )
        .status
        .code(),
        Some(2)
    );

    // A compromised key cannot confirm anything offline.
    tasdiq::keystore::revoke(
        app.state.writer(),
        cert.facts.kid,
        chrono::Utc::now(),
        "test",
    )
    .await
    .unwrap();
    app.state.poll_epoch().await.unwrap();
    std::fs::write(
        dir.path().join("keys.json"),
        app.get("/.well-known/tasdiq/keys.json").await.bytes,
    )
    .unwrap();
    let out = run(&config, &["verify", &code, "--keys", keys]);
    // Exit 3, "cannot decide offline" (contract, issue 18).
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("check online"));
}

#[tokio::test]
async fn apikey_and_officer_accounts_from_the_command_line() {
    use std::io::Write;
    let app = TestApp::new().await;
    let config = app.db.config.clone();
    let out = run(
        &config,
        &[
            "apikey",
            "create",
            "--role",
            "retailer",
            "--name",
            "Marjane Agadir",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let key = stdout.lines().last().unwrap().trim().to_owned();
    assert!(key.starts_with("tsq_") && !key.contains(' '), "{stdout}");
    // It authenticates as a retailer: retailer routes let it in, officer routes refuse it.
    app.get_as("/api/v1/audit", &key).await.problem(403);
    // Only a hash is stored.
    let rows = tasdiq::entity::api_key::Entity::find()
        .all(app.conn())
        .await
        .unwrap();
    assert!(
        rows.iter()
            .all(|r| !key.contains(&r.secret_hash) && r.secret_hash.len() == 64)
    );
    assert_eq!(
        run(
            &config,
            &["apikey", "create", "--role", "admin", "--name", "x"]
        )
        .status
        .code(),
        Some(2)
    );

    let mut child = crate::process::tasdiq(&config)
        .args([
            "officer",
            "create",
            "--email",
            "Amina@Example.ma",
            "--role",
            "officer",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let who = tasdiq::service::accounts::check_password(
        &app.state,
        "amina@example.ma",
        "a long enough password",
    )
    .await
    .unwrap()
    .expect("the new officer signs in");
    assert_eq!(who.role, tasdiq::domain::values::Role::Officer);
    assert!(
        tasdiq::service::accounts::check_password(&app.state, "amina@example.ma", "wrong")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn labels_export_from_the_command_line() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let config = app.db.config.clone();
    let dir = tempfile::tempdir().unwrap();
    let n = cert.view.number.clone();
    let csv = dir.path().join("labels.csv");
    let out = run(
        &config,
        &[
            "labels",
            "export",
            &n,
            "--csv",
            csv.to_str().unwrap(),
            "--from",
            "5",
            "--to",
            "14",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 11);
    assert_eq!(
        lines[1].split(',').nth(1).unwrap(),
        format!("{}/v/{}", config.public_base(), app.code(&cert, 5))
    );
    let pdf = dir.path().join("labels.pdf");
    let out = run(
        &config,
        &[
            "labels",
            "export",
            &n,
            "--pdf",
            pdf.to_str().unwrap(),
            "--layout",
            "2x5",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let pngs = dir.path().join("png");
    let out = run(
        &config,
        &[
            "labels",
            "export",
            &n,
            "--png-dir",
            pngs.to_str().unwrap(),
            "--to",
            "3",
        ],
    );
    assert!(out.status.success());
    assert_eq!(std::fs::read_dir(&pngs).unwrap().count(), 3);
    assert_eq!(
        run(
            &config,
            &["labels", "export", &n, "--csv", "x.csv", "--to", "999999"]
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        run(&config, &["labels", "export", "12x", "--csv", "x.csv"])
            .status
            .code(),
        Some(2)
    );
    // A disk that fills up stops the export with the system's error, not a short file.
    for flag in ["--pdf", "--csv"] {
        let out = run(&config, &["labels", "export", &n, flag, "/dev/full"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{flag}: {stderr}");
        assert!(
            stderr.contains("No space left on device"),
            "{flag}: {stderr}"
        );
    }
}
