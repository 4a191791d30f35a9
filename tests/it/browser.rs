//! Pages in a real browser: Debian's Chromium, headless. `scripts/test` installs it.

use std::path::PathBuf;
use std::process::Command;

use tasdiq::i18n::{I18n, Lang};

use crate::process::Server;
use crate::support::{TestDb, repo};

/// Where screenshots go: `target/screenshots/`.
pub fn screenshots() -> PathBuf {
    let dir = repo().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs headless Chromium with the flags this machine needs, plus `args`.
pub fn chromium(args: &[String]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .expect("chromium is installed (scripts/test installs Debian's chromium)")
}

#[test]
fn chromium_renders_the_verdict_in_arabic_and_french() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();
    let server = Server::start(&mut config);
    let url = server.sample("authentic");

    for lang in [Lang::Ar, Lang::Fr] {
        let page = format!("{url}?lang={}", lang.code());
        let out = chromium(&["--dump-dom".into(), page.clone()]);
        let dom = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let want_dir = if lang == Lang::Ar {
            r#"dir="rtl""#
        } else {
            r#"dir="ltr""#
        };
        let html_tag = dom
            .lines()
            .find(|l| l.contains("<html"))
            .unwrap_or_default();
        assert!(html_tag.contains(want_dir), "{html_tag}");
        assert!(
            html_tag.contains(&format!(r#"lang="{}""#, lang.code())),
            "{html_tag}"
        );
        let title = I18n::global().t(lang, "verdict-authentic-title");
        assert!(
            dom.contains(&format!(">{title}</h1>")),
            "{lang:?}: no verdict title in the DOM"
        );
        assert!(dom.contains(r#"data-status="authentic""#));

        let shot = screenshots().join(format!("verify-{}.png", lang.code()));
        let _ = std::fs::remove_file(&shot);
        let out = chromium(&[
            format!("--screenshot={}", shot.display()),
            "--window-size=412,915".into(),
            page,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let png = std::fs::read(&shot).expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG") && png.len() > 5_000);
    }
    server.stop();
}
