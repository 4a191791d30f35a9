//! Printed labels, read back with a real QR decoder (`rqrr`) and verified through the API:
//! PNG and SVG labels, CSV rows, and a PDF sheet rasterised by poppler.

use axum::http::Method;
use serde_json::json;
use tasdiq::domain::values::Role;

use crate::support::{Reply, TestApp};

fn decode_png(bytes: &[u8]) -> Vec<(usize, String)> {
    let img = image::load_from_memory(bytes).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok())
        .map(|(meta, content)| (meta.version.0, content))
        .collect()
}

async fn issue(app: &TestApp, key: &str, quantity: u32) -> String {
    let cert = app.authentic_certificate().await;
    let body = json!({
        "brand": cert.facts.brand, "producer": cert.view.producer.id,
        "product": "Huile d'argan <b>bio</b> 250 ml", "lot": "L-PRINT-1", "quantity": quantity,
        "produced_on": "2026-11-01", "expires_on": "2028-11-01"
    });
    let res = app
        .json(Method::POST, "/api/v1/certificates", Some(key), &body)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["number"].as_str().unwrap().to_owned()
}

async fn verdict_of_url(app: &TestApp, url: &str) -> serde_json::Value {
    let code = url.rsplit('/').next().unwrap();
    app.get(&format!("/api/v1/verify/{code}")).await.json()
}

#[tokio::test]
async fn a_png_label_scans_to_an_authentic_code() {
    let app = TestApp::new().await;
    let k = app.key(Role::Officer).await;
    let number = issue(&app, &k, 1000).await;
    let res = app
        .get_as(&format!("/api/v1/certificates/{number}/labels/7.png"), &k)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.content_type(), "image/png");
    let found = decode_png(&res.bytes);
    assert_eq!(found.len(), 1);
    let (version, url) = &found[0];
    assert!(*version <= 7, "version {version}");
    assert!(url.starts_with("http://127.0.0.1:8080/v/"), "{url}");
    let v = verdict_of_url(&app, url).await;
    assert_eq!(v["status"], "authentic");
    assert_eq!(v["label"]["item"], 7);
    assert_eq!(v["label"]["certificate"], number);
    // Deterministic: the same label renders to the same bytes.
    let again = app
        .get_as(&format!("/api/v1/certificates/{number}/labels/7.png"), &k)
        .await;
    assert_eq!(again.bytes, res.bytes);

    // The CSV row for item 7 carries the same URL.
    let csv = app
        .get_as(&format!("/api/v1/certificates/{number}/labels.csv"), &k)
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type().starts_with("text/csv"));
    let text = csv.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "item,url,human_code");
    assert_eq!(lines.len(), 1001);
    let row7: Vec<&str> = lines[7].split(',').collect();
    assert_eq!(row7[0], "7");
    assert_eq!(row7[1], url);
    assert_eq!(
        row7[2].len(),
        29,
        "a 25-character short code in five groups"
    );
    let part = app
        .get_as(
            &format!("/api/v1/certificates/{number}/labels.csv?from=10&to=19"),
            &k,
        )
        .await;
    assert_eq!(part.text().lines().count(), 11);

    // Higher resolution and level Q still decode; SVG is vector.
    let q = app
        .get_as(
            &format!("/api/v1/certificates/{number}/labels/8.png?dpi=600&ecc=Q"),
            &k,
        )
        .await;
    assert_eq!(
        decode_png(&q.bytes)[0].1,
        lines[8].split(',').nth(1).unwrap()
    );
    let svg = app
        .get_as(&format!("/api/v1/certificates/{number}/labels/7.svg"), &k)
        .await;
    assert_eq!(svg.content_type(), "image/svg+xml");
    let s = svg.text();
    assert!(
        s.starts_with("<svg") || s.starts_with("<?xml"),
        "{}",
        &s[..80]
    );
    assert!(s.contains("viewBox") && !s.contains("<b>"));
}

#[tokio::test]
async fn a_pdf_sheet_rasterised_by_poppler_scans() {
    let app = TestApp::new().await;
    let k = app.key(Role::Officer).await;
    let number = issue(&app, &k, 1000).await;
    let res = app
        .get_as(
            &format!("/api/v1/certificates/{number}/labels.pdf?from=1&to=1000"),
            &k,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.content_type(), "application/pdf");
    assert!(res.bytes.starts_with(b"%PDF-"));
    assert!(res.bytes.ends_with(b"%%EOF\n") || res.bytes.ends_with(b"%%EOF"));

    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("labels.pdf");
    std::fs::write(&pdf, &res.bytes).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "300", "-f", "1", "-l", "1", "-gray", "-png"])
        .arg(&pdf)
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm (poppler-utils) is installed by scripts/test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .expect("a rendered page");
    // rqrr reads one symbol per image best: cut the sheet into its 3 × 8 stickers of 70 × 37 mm.
    let sheet = image::open(&page).unwrap().to_luma8();
    let (cw, ch, top) = (70.0 * 300.0 / 25.4, 37.0 * 300.0 / 25.4, 0.5 * 300.0 / 25.4);
    let mut found = Vec::new();
    for i in 0..24 {
        let (x, y) = ((i % 3) as f64 * cw, top + (i / 3) as f64 * ch);
        let cell =
            image::imageops::crop_imm(&sheet, x as u32, y as u32, cw as u32, ch as u32).to_image();
        let mut png = Vec::new();
        cell.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        found.extend(decode_png(&png));
    }
    assert!(found.len() >= 10, "only {} codes on page 1", found.len());
    // zbar, as print shops and the acceptance check use it, reads the whole page at once.
    let zbar = std::process::Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&page)
        .output()
        .expect("zbarimg (zbar-tools) is installed by scripts/test");
    let zbar_codes = String::from_utf8_lossy(&zbar.stdout)
        .lines()
        .filter(|l| l.contains("/v/"))
        .count();
    assert!(zbar_codes >= 10, "zbar found {zbar_codes} codes on page 1");
    let mut items = Vec::new();
    for (_, url) in &found {
        let v = verdict_of_url(&app, url).await;
        assert_eq!(v["status"], "authentic", "{url}");
        items.push(v["label"]["item"].as_u64().unwrap());
    }
    items.sort_unstable();
    assert!(
        items.iter().all(|i| (1..=24).contains(i)),
        "page 1 holds items 1-24: {items:?}"
    );

    let two = app
        .get_as(
            &format!("/api/v1/certificates/{number}/labels.pdf?from=1&to=10&layout=2x5"),
            &k,
        )
        .await;
    assert_eq!(two.status, 200);
}

#[tokio::test]
async fn print_requests_are_checked() {
    let app = TestApp::new().await;
    let k = app.key(Role::Officer).await;
    let number = issue(&app, &k, 20_000).await;
    let base = format!("/api/v1/certificates/{number}");
    let p = app
        .get_as(&format!("{base}/labels.pdf?from=1&to=10001"), &k)
        .await
        .problem(413);
    assert!(p["detail"].as_str().unwrap().contains("10000"));
    app.get_as(&format!("{base}/labels.csv?from=1&to=10001"), &k)
        .await
        .problem(413);
    app.get_as(&format!("{base}/labels.pdf?from=0"), &k)
        .await
        .problem(400);
    app.get_as(&format!("{base}/labels.pdf?from=9&to=3"), &k)
        .await
        .problem(400);
    app.get_as(&format!("{base}/labels.pdf?to=20001"), &k)
        .await
        .problem(400);
    app.get_as(&format!("{base}/labels.pdf?from=1&to=2&layout=4x4"), &k)
        .await
        .problem(400);
    app.get_as(&format!("{base}/labels.pdf?from=-1"), &k)
        .await
        .problem(400);
    app.get_as(&format!("{base}/labels/0.png"), &k)
        .await
        .problem(404);
    app.get_as(&format!("{base}/labels/20001.png"), &k)
        .await
        .problem(404);
    app.get_as(&format!("{base}/labels/1.gif"), &k)
        .await
        .problem(404);
    app.get_as(&format!("{base}/labels/1.png?dpi=5000"), &k)
        .await
        .problem(422);
    app.get_as(&format!("{base}/labels/1.png?ecc=H"), &k)
        .await
        .problem(400);
    app.get_as("/api/v1/certificates/123/labels/1.png", &k)
        .await
        .problem(404);
    // Only officers print.
    let r: Reply = app.get(&format!("{base}/labels/1.png")).await;
    r.problem(401);
    let retailer = app.key(Role::Retailer).await;
    app.get_as(&format!("{base}/labels.csv"), &retailer)
        .await
        .problem(403);
    // A revoked certificate prints nothing.
    let res = app
        .json(
            Method::POST,
            &format!("{base}/revoke"),
            Some(&k),
            &json!({"reason": "test"}),
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        app.get_as(&format!("{base}/labels/1.png"), &k)
            .await
            .problem(409)["reason"],
        "certificate_revoked"
    );
}

/// zxing-cpp, the decoder family most phones use, reads a PNG label and every sticker of a
/// rendered PDF sheet at level M, and each code it reads verifies as authentic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zxing_cpp_reads_png_labels_and_pdf_sheets() {
    let app = TestApp::new().await;
    let k = app.key(Role::Officer).await;
    let number = issue(&app, &k, 30).await;
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("label.png");
    let res = app
        .get_as(&format!("/api/v1/certificates/{number}/labels/7.png"), &k)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    std::fs::write(&png, &res.bytes).unwrap();
    let res = app
        .get_as(
            &format!("/api/v1/certificates/{number}/labels.pdf?from=1&to=24"),
            &k,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let pdf = dir.path().join("labels.pdf");
    std::fs::write(&pdf, &res.bytes).unwrap();
    let mut cmd = std::process::Command::new("pdftoppm");
    cmd.args([
        "-r",
        "200",
        "-f",
        "1",
        "-l",
        "1",
        "-gray",
        "-png",
        "-singlefile",
    ])
    .arg(&pdf)
    .arg(dir.path().join("page"));
    let out = crate::interop::run(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut cmd = crate::interop::python();
    cmd.arg("qr.py").arg(&png).arg(dir.path().join("page.png"));
    let out = crate::interop::run(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (label, sheet) = (found[0].as_array().unwrap(), found[1].as_array().unwrap());
    assert_eq!(label.len(), 1, "{found}");
    assert_eq!(label[0]["format"], "QR Code");
    assert_eq!(label[0]["ec_level"], "M");
    assert!(label[0]["version"].as_u64().unwrap() <= 7, "{found}");
    let v = verdict_of_url(&app, label[0]["text"].as_str().unwrap()).await;
    assert_eq!(
        (v["status"].as_str(), v["label"]["item"].as_u64()),
        (Some("authentic"), Some(7))
    );

    let mut items: Vec<u64> = Vec::new();
    for code in sheet {
        let v = verdict_of_url(&app, code["text"].as_str().unwrap()).await;
        assert_eq!(v["status"], "authentic", "{v}");
        items.push(v["label"]["item"].as_u64().unwrap());
    }
    items.sort_unstable();
    assert_eq!(
        items,
        (1..=24).collect::<Vec<_>>(),
        "every sticker of the sheet reads"
    );
}
