//! The officer's day in a real browser (issue 15), without typing a single internal id: sign
//! in, find a producer by name (accents and case ignored), issue a lot with the brand and
//! producer pickers, try the same lot again (refused, naming the first certificate), print the
//! PDF and check that every QR code on it is a URL of the served public address, then revoke
//! with the confirmation step. Renewing the producer's right of use is helper "timeline"'s work
//! and not on this branch: that step is not walked here.

use std::process::Command;

use fantoccini::Locator;

use crate::browser::{Driver, browser, fill, set_date, shot, submit, wait_for_id, wait_for_text};
use crate::process::Server;
use crate::support::TestDb;

/// Every QR code zbar finds on the PDF's pages, rasterised by poppler at two resolutions (zbar
/// reading a whole sheet at once can miss a symbol at one of them).
fn qr_codes(pdf: &[u8]) -> std::collections::BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("labels.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut found = std::collections::BTreeSet::new();
    for dpi in ["300", "400"] {
        let prefix = dir.path().join(format!("page-{dpi}"));
        let status = Command::new("pdftoppm")
            .args(["-r", dpi, "-gray", "-png"])
            .arg(&path)
            .arg(&prefix)
            .status()
            .expect("pdftoppm (poppler-utils) is installed by scripts/test");
        assert!(status.success());
        let pages: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "png")
                    && p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(&format!("page-{dpi}"))
            })
            .collect();
        assert!(!pages.is_empty(), "no page rendered");
        let out = Command::new("zbarimg")
            .args(["-q", "--raw"])
            .args(&pages)
            .output()
            .expect("zbarimg (zbar-tools) is installed by scripts/test");
        found.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_owned),
        );
    }
    found
}

/// The value of the picker option that starts with `name`.
async fn option(c: &fantoccini::Client, list: &str, name: &str) -> String {
    let options = c
        .find_all(Locator::Css(&format!("#{list} option")))
        .await
        .unwrap();
    for o in options {
        let v = o.attr("value").await.unwrap().unwrap_or_default();
        if v.starts_with(name) {
            return v;
        }
    }
    panic!("no option of #{list} starts with {name}");
}

#[test]
fn an_officer_renews_a_right_and_certifies_a_lot_by_name_but_not_twice() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();
    let server = Server::start(&mut config);
    let base = server.base.clone();
    // What the officer knows: the names of a producer holding a right and of its brand (read
    // from the database the server made, as the officer would read them on paper).
    let (producer_name, brand_name, brand_number) = rt.block_on(async {
        let conn = db.connect().await;
        let numbers = tasdiq::store::certificates::recent(&conn, 50)
            .await
            .unwrap();
        let recs = tasdiq::store::certificates::records(&conn, &numbers)
            .await
            .unwrap();
        let cert = recs
            .into_values()
            .filter(|r| r.facts.status == tasdiq::domain::values::CertificateStatus::Issued)
            .max_by_key(|r| r.facts.quantity)
            .expect("a demo certificate");
        (
            cert.view.producer.name,
            cert.view.brand.names.fr,
            cert.facts.brand,
        )
    });
    let public_url = rt.block_on(async {
        let conn = db.connect().await;
        tasdiq::store::settings::public_url(&conn)
            .await
            .unwrap()
            .expect("a stored public URL")
    });
    let driver = Driver::start();
    rt.block_on(async {
        let c = browser(&driver).await;
        c.goto(&format!("{base}/officer?lang=fr")).await.unwrap();
        fill(&c, "email", "admin@tasdiq.local").await;
        fill(&c, "password", "correct horse battery staple").await;
        submit(&c, "form button[type=submit]").await;
        wait_for_text(&c, "action=\"/officer/logout\"").await;

        // Find the producer by its name, typed without accents in capitals.
        c.goto(&format!("{base}/officer/producers")).await.unwrap();
        let typed = tasdiq::domain::search::fold(&producer_name).to_uppercase();
        fill(&c, "q", &typed).await;
        submit(&c, "form[role=search] button").await;
        wait_for_text(&c, &format!("value=\"{typed}\"")).await;
        c.find(Locator::LinkText(&producer_name))
            .await
            .unwrap_or_else(|e| panic!("{producer_name} not found by {typed}: {e}"))
            .click()
            .await
            .unwrap();
        wait_for_id(&c, "/officer/producers/").await;
        shot(&c, "flow-1-producer").await;

        // Renew its right of this brand from the row, with the dates the form suggests: the
        // right stays in force (renewing early leaves no gap) and the history shows it.
        let renewed_before = c
            .source()
            .await
            .unwrap()
            .matches("data-kind=\"renewed\"")
            .count();
        submit(&c, &format!("#renew-{brand_number} button[type=submit]")).await;
        let mut renewed = 0;
        for _ in 0..100 {
            renewed = c
                .source()
                .await
                .unwrap()
                .matches("data-kind=\"renewed\"")
                .count();
            if renewed > renewed_before {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(
            renewed,
            renewed_before + 1,
            "the renewal is in the right's history"
        );
        shot(&c, "flow-1b-renewed").await;

        // Issue a lot: brand and producer chosen from the pickers.
        let issue = |lot: &'static str| {
            let (c, base, brand_name, producer_name) = (&c, &base, &brand_name, &producer_name);
            async move {
                c.goto(&format!("{base}/officer/certificates/new"))
                    .await
                    .unwrap();
                let brand = option(c, "brand-list", brand_name).await;
                let producer = option(c, "producer-list", producer_name).await;
                fill(c, "brand", &brand).await;
                fill(c, "producer", &producer).await;
                fill(c, "product", "Huile d'argan cosmétique 100 ml").await;
                fill(c, "lot", lot).await;
                fill(c, "quantity", "30").await;
                let today = chrono::Utc::now().date_naive();
                set_date(
                    c,
                    "produced_on",
                    &(today - chrono::Days::new(2)).to_string(),
                )
                .await;
                set_date(
                    c,
                    "expires_on",
                    &(today + chrono::Days::new(700)).to_string(),
                )
                .await;
                submit(c, "#issue").await;
            }
        };
        issue("L-FLOW-2026-07").await;
        let number = wait_for_id(&c, "/officer/certificates/").await;
        shot(&c, "flow-2-certificate").await;

        // The same lot again: refused, naming the first certificate.
        issue("L-FLOW-2026-07").await;
        wait_for_text(&c, "id=\"existing\"").await;
        let existing = c.find(Locator::Id("existing")).await.unwrap();
        assert!(existing.text().await.unwrap().contains(&number));
        assert_eq!(
            existing.attr("href").await.unwrap().as_deref(),
            Some(format!("/officer/certificates/{number}").as_str())
        );
        shot(&c, "flow-3-refused").await;

        // Print: the PDF the page links to, with the browser's session.
        let session = c
            .get_all_cookies()
            .await
            .unwrap()
            .into_iter()
            .find(|k| k.name() == "tasdiq_session")
            .expect("a session cookie");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut pdf = agent
            .get(&format!(
                "{base}/api/v1/certificates/{number}/labels.pdf?layout=2x5&from=1&to=10"
            ))
            .header("Cookie", &format!("tasdiq_session={}", session.value()))
            .call()
            .unwrap();
        assert_eq!(pdf.status().as_u16(), 200);
        let bytes = pdf
            .body_mut()
            .with_config()
            .limit(50_000_000)
            .read_to_vec()
            .unwrap();
        let codes = qr_codes(&bytes);
        // The same URLs the service gives print shops for items 1 to 10.
        let mut csv = agent
            .get(&format!(
                "{base}/api/v1/certificates/{number}/labels.csv?from=1&to=10"
            ))
            .header("Cookie", &format!("tasdiq_session={}", session.value()))
            .call()
            .unwrap();
        let served: std::collections::BTreeSet<String> = csv
            .body_mut()
            .read_to_string()
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().to_owned())
            .collect();
        assert_eq!(served.len(), 10);
        assert_eq!(
            codes, served,
            "the PDF's QR codes are the served label URLs"
        );
        let served = format!("{}/v/", public_url.trim_end_matches('/'));
        for code in &codes {
            assert!(code.starts_with(&served), "{code} is not under {served}");
            let (status, _) = crate::process::http_get(code);
            assert_eq!(status, 200, "{code}");
        }

        // Revoke, with the confirmation step naming what will happen.
        c.goto(&format!("{base}/officer/certificates/{number}"))
            .await
            .unwrap();
        fill(&c, "reason", "Lot rappelé").await;
        submit(&c, "#revoke").await;
        wait_for_text(&c, "id=\"effect\"").await;
        let effect = c
            .find(Locator::Id("effect"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(effect.contains("30"), "{effect}");
        let source = c.source().await.unwrap();
        assert!(source.contains(&number) && source.contains("L-FLOW-2026-07"));
        shot(&c, "flow-4-confirm").await;
        submit(&c, "#confirm").await;
        let revoked = tasdiq::i18n::I18n::global().t(tasdiq::i18n::Lang::Fr, "o-revoked-note");
        wait_for_text(&c, &revoked).await;
        shot(&c, "flow-5-revoked").await;
        c.close().await.unwrap();
    });
    drop(driver);
    server.stop();
}
