//! `tasdiq serve`: bootstrap, bind, print where to go, serve until SIGINT or SIGTERM, then
//! finish in-flight requests and flush recorded scans.

use std::process::ExitCode;

use crate::config::{Config, PublicUrlArg, parse_public_url};
use crate::state::{AppState, Background};

pub async fn serve(mut config: Config, public: PublicUrlArg) -> anyhow::Result<ExitCode> {
    if let Some(url) = &public.public_url {
        config.public_url = parse_public_url(url).map_err(anyhow::Error::msg)?;
    }
    let db = crate::db::connect(&config).await?;
    let report = crate::bootstrap::run(&db, &config).await?;
    // The first bootstrap recorded the public URL; every later start serves that one, and a
    // node told another refuses rather than printing labels nobody serves.
    config.public_url = super::settings::public_url(&db, &config, &public).await?;
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let state = AppState::build(db, config.clone()).await?;

    println!("tasdiq is listening on http://{addr}");
    println!("public URL: {}", config.public_base());
    if let Some(kid) = report.key_created {
        println!("created signing key {kid} in {}", config.keys_dir.display());
    }
    if report.shortcode_created {
        println!(
            "created the short-code secret {} (copy it to every node)",
            config
                .keys_dir
                .join(crate::keystore::SHORTCODE_FILE)
                .display()
        );
    }
    if let Some(s) = &report.seeded {
        println!(
            "seeded {} brands, {} producers, {} memberships",
            s.brands.inserted, s.producers.inserted, s.memberships.inserted
        );
    }
    match &report.admin_created {
        Some(admin) => {
            println!("admin officer: {}", admin.email);
            if let Some(p) = &admin.generated_password {
                println!("admin password (shown once): {p}");
            }
        }
        None => println!("admin officer: {}", config.admin_email),
    }
    let base = config.public_base();
    println!("home: {base}/");
    println!("officer pages: {base}/officer");
    println!("API reference: {base}/api/docs");
    println!("registry: {base}/api/v1/brands?limit=5");
    for (what, url) in crate::bootstrap::sample_urls(&state).await? {
        println!("sample ({what}): {url}");
    }

    let background = Background::start(state.clone());
    crate::launch(listener, state, shutdown_signal()).await?;
    background.stop().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
