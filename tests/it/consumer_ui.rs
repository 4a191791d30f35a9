//! What a shopper sees (issue #15), in a real browser: a suspected copy is amber, not green;
//! the home page in four languages; badges by producer kind.

use tasdiq::i18n::{I18n, Lang};

use crate::browser::{chromium, screenshots};
use crate::process::{Server, http_get};
use crate::support::{TestApp, TestDb};

/// Pixels of `png` within a small distance of `rgb`.
fn pixels_near(png: &[u8], rgb: [u8; 3]) -> usize {
    let img = image::load_from_memory(png).unwrap().to_rgb8();
    img.pixels()
        .filter(|p| {
            p.0.iter()
                .zip(rgb)
                .all(|(a, b)| (i16::from(*a) - i16::from(b)).abs() <= 12)
        })
        .count()
}

const GREEN: [u8; 3] = [0x1e, 0x7b, 0x34];
const AMBER: [u8; 3] = [0xa1, 0x5c, 0x00];

#[test]
fn a_suspected_copy_is_amber_not_green() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();
    config.copy_scans_per_day = 3;
    let server = Server::start(&mut config);
    let url = server.sample("authentic");

    // Before: a genuine label, once scanned, is green.
    let shot = |name: &str| {
        let path = screenshots().join(name);
        let _ = std::fs::remove_file(&path);
        let out = chromium(&[
            format!("--screenshot={}", path.display()),
            "--window-size=412,915".into(),
            format!("{url}?lang=fr"),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read(&path).expect("a screenshot")
    };
    let fresh = shot("verify-authentic-fr.png");
    assert!(
        pixels_near(&fresh, GREEN) > 200,
        "the genuine page is green"
    );

    // Scanned past the day's threshold, the same label is a suspected copy.
    for _ in 0..4 {
        let (status, _) = http_get(&server.sample("JSON"));
        assert_eq!(status, 200);
    }
    let out = chromium(&["--dump-dom".into(), format!("{url}?lang=fr")]);
    let dom = String::from_utf8_lossy(&out.stdout);
    // The contract's status is unchanged; only the display follows the risk.
    assert!(dom.contains(r#"data-status="authentic""#), "{dom}");
    assert!(dom.contains(r#"data-look="suspected_copy""#), "{dom}");
    let i18n = I18n::global();
    let title = i18n.t(Lang::Fr, "verdict-suspected_copy-title");
    assert!(dom.contains(&format!(">{title}</h1>")), "{dom}");
    assert!(!dom.contains(&format!(
        ">{}</h1>",
        i18n.t(Lang::Fr, "verdict-authentic-title")
    )));
    let advice = i18n.t(Lang::Fr, "verdict-suspected_copy-action");
    assert!(advice.contains("sceau") && advice.contains("lot") && advice.contains("signalez"));
    assert!(dom.contains(&advice.replace('\'', "&#x27;")) || dom.contains(&advice));

    let copied = shot("verify-suspected-copy-fr.png");
    assert_eq!(
        pixels_near(&copied, GREEN),
        0,
        "no green on a suspected copy"
    );
    assert!(
        pixels_near(&copied, AMBER) > 200,
        "the suspected copy is amber"
    );
    server.stop();
}

#[tokio::test]
async fn the_home_page_links_the_ways_in_in_four_languages() {
    let app = TestApp::new().await;
    let i18n = I18n::global();
    for lang in Lang::ALL {
        let res = app.get(&format!("/?lang={}", lang.code())).await;
        assert_eq!(res.status, 200);
        let html = res.text();
        assert!(html.contains(&format!(r#"lang="{}""#, lang.code())));
        assert!(
            html.contains(&i18n.t(lang, "home-title").replace('\'', "&#x27;")),
            "{lang:?}"
        );
        for href in ["/officer", "/api/docs", "/api/v1/brands", "/v?lang="] {
            assert!(
                html.contains(&format!("href=\"{}", href.replace('/', "&#x2f;")))
                    || html.contains(&format!("href=\"{href}")),
                "{lang:?}: no link to {href}"
            );
        }
    }
    // Every link on it answers.
    for path in ["/officer", "/api/docs", "/api/v1/brands", "/v"] {
        let status = app.get(path).await.status;
        assert!(status == 200 || status == 303, "{path}: {status}");
    }
}

#[tokio::test]
async fn badges_follow_the_producer_kind() {
    let app = TestApp::new().await;
    let i18n = I18n::global();
    let women = i18n.t(Lang::Fr, "badge-women-led");
    for cert in app.demo_certificates().await {
        let code = app.code(&cert, 1);
        let html = app.get(&format!("/v/{code}?lang=fr")).await.text();
        let p = &cert.view.producer;
        let expected = match p.kind.as_str() {
            "cooperative" if p.women_led => women.clone(),
            "cooperative" if p.youth_led => i18n.t(Lang::Fr, "badge-youth-led"),
            kind => i18n.t(Lang::Fr, &format!("badge-kind-{kind}")),
        };
        assert!(
            html.contains(&format!("<li>{}</li>", expected.replace('\'', "&#x27;"))),
            "{}: {html}",
            p.kind
        );
        if p.kind != "cooperative" {
            assert!(
                !html.contains(&women),
                "{} shows the cooperative badge",
                p.kind
            );
        }
    }
}
