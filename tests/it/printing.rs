//! Printing you can trust (issue #15): the public URL is the deployment's, stored once; every
//! path that prints or links uses it, and a run told another refuses. Read back with real
//! decoders (zbarimg on a page rasterised by poppler) and `pdftotext`. Also the CLI's manners:
//! no database made by mistake.

use std::process::Command;

use crate::process::{Server, http_get, run, tasdiq};
use crate::support::TestDb;

/// The certificate number and lot behind a sample URL of `serve`.
fn certificate_of(server: &Server) -> (String, String) {
    let (status, body) = http_get(&server.sample("JSON"));
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    (
        v["label"]["certificate"].as_str().unwrap().to_owned(),
        v["certificate"]["lot"].as_str().unwrap().to_owned(),
    )
}

/// Every QR code zbar finds on the first page of `pdf`, rasterised at 300 dpi by poppler.
fn zbar_first_page(pdf: &std::path::Path) -> Vec<String> {
    let dir = pdf.parent().unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-f", "1", "-l", "1"])
        .arg(pdf)
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) is installed by scripts/test");
    assert!(status.success());
    let page = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .expect("a rendered page");
    let out = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&page)
        .output()
        .expect("zbarimg (zbar-tools) is installed by scripts/test");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn pdftotext(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn labels_export_prints_the_served_public_url_or_refuses() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();
    let server = Server::start(&mut config);
    let served = server.base.clone();
    assert_ne!(served, tasdiq::config::DEFAULT_PUBLIC_URL);
    let (number, lot) = certificate_of(&server);
    let dir = tempfile::tempdir().unwrap();

    // As the README shows it: a shell with no TASDIQ_PUBLIC_URL at all.
    let pdf = dir.path().join("labels.pdf");
    let out = tasdiq(&config)
        .env_remove("TASDIQ_PUBLIC_URL")
        .args(["labels", "export", &number, "--to", "12", "--layout", "2x5"])
        .arg("--pdf")
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let codes = zbar_first_page(&pdf);
    assert!(codes.len() >= 8, "zbar found {} codes", codes.len());
    let prefix = format!("{served}/v/");
    for url in &codes {
        assert!(url.starts_with(&prefix), "{url} is not under {served}");
        let (status, body) = http_get(&format!(
            "{served}/api/v1/verify/{}",
            url.rsplit('/').next().unwrap()
        ));
        assert_eq!(status, 200);
        assert!(body.contains("\"status\":\"authentic\""), "{body}");
    }
    // Each page's margin says which certificate, lot, items and page it holds.
    let text = pdftotext(&pdf);
    assert!(
        text.contains(&format!(
            "Certificat {number} · Lot {lot} · articles 1–10 · page 1/2"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Certificat {number} · Lot {lot} · articles 11–12 · page 2/2"
        )),
        "{text}"
    );

    // The CSV for print shops: every row under the served address.
    let csv = dir.path().join("labels.csv");
    let out = tasdiq(&config)
        .env_remove("TASDIQ_PUBLIC_URL")
        .args(["labels", "export", &number, "--to", "12", "--csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(rows.lines().count(), 13);
    assert!(rows.lines().skip(1).all(|r| r.contains(&prefix)), "{rows}");

    // A shell that still says 8080: refused, with both addresses named, and no file written.
    let stale = dir.path().join("stale.pdf");
    let out = tasdiq(&config)
        .env("TASDIQ_PUBLIC_URL", "http://127.0.0.1:8080")
        .args(["labels", "export", &number, "--pdf"])
        .arg(&stale)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("http://127.0.0.1:8080") && err.contains(&served),
        "{err}"
    );
    assert!(err.contains("tasdiq settings public-url"), "{err}");
    assert!(!stale.exists());

    // So is a second node told another address.
    let mut other = config.clone();
    other.addr = "127.0.0.1:0".parse().unwrap();
    other.public_url = "https://elsewhere.example".into();
    let out = run(&other, &["serve"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("https://elsewhere.example"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server.stop();

    // An admin moves the service: audited, and the next export follows.
    let out = run(
        &config,
        &["settings", "public-url", "https://tasdiq.example.ma/"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = tasdiq(&config)
        .env_remove("TASDIQ_PUBLIC_URL")
        .args(["settings", "show"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&shown.stdout).contains("https://tasdiq.example.ma"));
    let out = tasdiq(&config)
        .env_remove("TASDIQ_PUBLIC_URL")
        .args(["labels", "export", &number, "--to", "2", "--csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert!(
        rows.lines()
            .skip(1)
            .all(|r| r.contains(",https://tasdiq.example.ma/v/")),
        "{rows}"
    );
    let audit = rt.block_on(async {
        use sea_orm::EntityTrait;
        let conn = db.connect().await;
        tasdiq::entity::audit_log::Entity::find()
            .all(&conn)
            .await
            .unwrap()
    });
    let entry = audit
        .iter()
        .rfind(|e| e.action == "settings.public_url")
        .expect("the change is audited");
    assert_eq!(entry.actor, "cli:settings");
    assert_eq!(
        entry.after.as_deref(),
        Some("\"https://tasdiq.example.ma\"")
    );
    assert_eq!(
        run(&config, &["settings", "public-url", "tasdiq.example.ma"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn commands_that_need_a_database_do_not_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nowhere").join("tasdiq.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let mut config = tasdiq::config::Config::for_database(&url);
    config.keys_dir = dir.path().join("keys");
    for args in [
        &["keys", "list"][..],
        &["labels", "export", "1", "--csv", "x.csv"],
        &["apikey", "create", "--role", "retailer", "--name", "x"],
        &["settings", "show"],
    ] {
        let out = run(&config, args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&url) && err.contains("does not exist"),
            "{args:?}: {err}"
        );
        assert!(!file.exists(), "{args:?} created {}", file.display());
    }
}
