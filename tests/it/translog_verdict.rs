//! "Publicly logged" in verdicts (issue 20 item 2): the verdict JSON names the certificate's
//! issue entry in the log and where its proof is; the page says so in the four languages; a
//! label that does not verify gets no log reference.

use serde_json::Value;
use tasdiq::store::translog as st;

use crate::support::{TestApp, tamper};

#[tokio::test]
async fn a_verdict_names_the_log_entry_and_the_page_says_publicly_logged() {
    let app = TestApp::new().await;
    tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .unwrap();
    let cert = app.authentic_certificate().await;
    let number = cert.facts.number;
    let (index, _) = st::opening(app.conn(), number as i64)
        .await
        .unwrap()
        .expect("the demo certificate is logged");
    let code = app.code(&cert, 1);

    let res = app.get(&format!("/api/v1/verify/{code}")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let v: Value = res.json();
    assert_eq!(v["status"], "authentic");
    assert_eq!(v["log"]["index"], index);
    let proof = format!("/api/v1/certificates/{number}/proof");
    assert_eq!(v["log"]["proof"], proof.as_str());
    // The reference leads to a proof of that entry.
    let p = app.get(&proof).await;
    assert_eq!(p.status, 200, "{}", p.text());
    let p = tasdiq_tlog::proof::TlogProof::parse(&p.bytes).unwrap();
    assert_eq!(p.index, index);
    // Cached: the second verdict says the same.
    let again: Value = app.get(&format!("/api/v1/verify/{code}")).await.json();
    assert_eq!(again["log"], v["log"]);

    // The batch route carries it too.
    let officer = app.key(tasdiq::domain::values::Role::Officer).await;
    let batch = app
        .json(
            axum::http::Method::POST,
            "/api/v1/verify",
            Some(officer.as_str()),
            &serde_json::json!({"codes": [code.clone(), tamper(&code, 150)]}),
        )
        .await;
    assert_eq!(batch.status, 200, "{}", batch.text());
    let results = batch.json()["results"].clone();
    assert_eq!(results[0]["log"]["index"], index);
    assert_eq!(results[1]["status"], "counterfeit");
    assert!(results[1]["log"].is_null());

    // A forgery is not "logged".
    let forged: Value = app
        .get(&format!("/api/v1/verify/{}", tamper(&code, 150)))
        .await
        .json();
    assert_eq!(forged["status"], "counterfeit");
    assert!(forged["log"].is_null());

    for (lang, words) in [
        ("en", "Publicly logged (entry"),
        ("fr", "Inscrit au registre public (entrée"),
        ("ar", "مُسجَّل في السجل العمومي (المدخل"),
        ("zgh", "ⵉⵜⵜⵓⵣⵎⵎⴻⵎ ⴳ ⵓⵙⵎⵉⵍ ⴰⴳⴷⵓⴷⴰⵏ (ⴰⵎⵙⵏⴰⵍ"),
    ] {
        let page = app.get(&format!("/v/{code}?lang={lang}")).await;
        assert_eq!(page.status, 200);
        // minijinja's HTML escaping writes `/` as `&#x2f;`.
        let html = page.text().replace("&#x2f;", "/");
        assert!(
            html.contains(&format!("{words} {index})")),
            "{lang}: {html}"
        );
        assert!(html.contains(&format!("href=\"{proof}\"")), "{lang}");
    }
    let page = app
        .get(&format!("/v/{}?lang=en", tamper(&code, 150)))
        .await
        .text();
    assert!(!page.contains("Publicly logged"));
}
