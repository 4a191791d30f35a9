//! `tasdiq labels export CERT --pdf FILE | --csv FILE | --png-dir DIR [--from N] [--to N]
//! [--layout 3x8|2x5|inner|inner-2x5]`: print jobs prepared offline, with a progress bar. The
//! `inner` layouts print a claim-code lot's inner labels on the outer sheet's grid.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::{Config, DatabaseArg, KeysDirArg, PublicUrlArg};
use crate::domain::values::{CertificateNumber, CertificateStatus};
use crate::printing::{Job, Range};
use tasdiq_label::{Ecc, SheetLayout};

#[derive(Debug, Subcommand)]
pub enum LabelsCommand {
    /// Write a certificate's labels to a PDF of sticker sheets, a CSV, or a folder of PNGs.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The certificate number.
    pub certificate: String,
    /// Write a PDF of A4 sticker sheets to this file.
    #[arg(long, group = "out")]
    pub pdf: Option<PathBuf>,
    /// Write `item,url,human_code` rows to this file.
    #[arg(long, group = "out")]
    pub csv: Option<PathBuf>,
    /// Write one PNG per label into this folder.
    #[arg(long, group = "out")]
    pub png_dir: Option<PathBuf>,
    /// First item to print (default 1).
    #[arg(long)]
    pub from: Option<u32>,
    /// Last item to print (default: the lot's quantity).
    #[arg(long)]
    pub to: Option<u32>,
    /// `3x8` (default) or `2x5`; `inner` or `inner-2x5` for the inner labels (claim codes) of a
    /// lot issued with them.
    #[arg(long, default_value = "3x8")]
    pub layout: String,
    /// PNG resolution.
    #[arg(long, default_value_t = 300)]
    pub dpi: u32,
    #[command(flatten)]
    pub db: DatabaseArg,
    #[command(flatten)]
    pub keys: KeysDirArg,
    #[command(flatten)]
    pub public: PublicUrlArg,
}

fn usage(msg: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {msg}");
    Ok(ExitCode::from(2))
}

pub async fn run(cmd: LabelsCommand) -> anyhow::Result<ExitCode> {
    let LabelsCommand::Export(args) = cmd;
    let config = super::existing(Config::for_command(&args.db, Some(&args.keys)))?;
    let Ok(number) = CertificateNumber::parse("certificate", &args.certificate) else {
        return usage("the certificate number is decimal digits");
    };
    let inner = match args.layout.as_str() {
        "inner" => Some(SheetLayout::A4_3x8),
        "inner-2x5" => Some(SheetLayout::A4_2x5),
        _ => None,
    };
    let Some(layout) = inner.or_else(|| SheetLayout::parse(&args.layout)) else {
        return usage("--layout is 3x8, 2x5, inner or inner-2x5");
    };
    if args.pdf.is_none() && args.csv.is_none() && args.png_dir.is_none() {
        return usage("choose one of --pdf FILE, --csv FILE or --png-dir DIR");
    }
    let db = crate::db::connect(&config).await?;
    // QR codes point to the served address, never to a default or a stale shell variable.
    let public_url = super::settings::public_url(&db, &config, &args.public).await?;
    let ring = Arc::new(crate::keystore::load_ring(&db, &config.keys_dir).await?);
    let shortcodes = crate::keystore::load_shortcode_key(&db, &config.keys_dir).await?;
    let cert = match crate::store::certificates::record(&db, number).await {
        Ok(c) => Arc::new(c),
        Err(crate::store::StoreError::NotFound(m)) => return usage(m),
        Err(e) => return Err(e.into()),
    };
    if cert.facts.status == CertificateStatus::Revoked {
        return usage(format!(
            "certificate {number} is revoked; its labels must not be printed"
        ));
    }
    let range = match Range::check_uncapped(args.from, args.to, cert.facts.quantity) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    // A lot issued with claim codes prints them in the CSV's `claim` column.
    let n = i64::try_from(cert.facts.number).unwrap_or(i64::MAX);
    let claims = crate::store::claims::lots(&db, &[n])
        .await?
        .contains(&n)
        .then(|| crate::service::claims::secret(&shortcodes));
    if inner.is_some() && claims.is_none() {
        return usage(format!(
            "certificate {number} was issued without claim codes: it has no inner labels"
        ));
    }
    let job = Job {
        ring,
        shortcodes,
        cert,
        url_prefix: format!("{public_url}/v/"),
        ecc: Ecc::M,
    };
    let bar = ProgressBar::new(u64::from(range.count()));
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} labels  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let result = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        if let Some(path) = &args.pdf {
            let mut sink = FileSink::create(path, &bar)?;
            match (&claims, inner) {
                (Some(secret), Some(_)) => {
                    job.inner_pdf(range, layout, secret, |chunk, n| sink.write(&chunk, n))?;
                }
                _ => job.pdf(range, layout, |chunk, n| sink.write(&chunk, n))?,
            }
            sink.finish()?;
            return Ok(format!(
                "wrote {} labels to {}",
                range.count(),
                path.display()
            ));
        }
        if let Some(path) = &args.csv {
            let mut sink = FileSink::create(path, &bar)?;
            job.csv_with_claims(range, claims.as_ref(), |chunk, n| {
                sink.write(chunk.as_bytes(), n)
            })?;
            sink.finish()?;
            return Ok(format!(
                "wrote {} rows to {}",
                range.count(),
                path.display()
            ));
        }
        let dir = args.png_dir.clone().unwrap_or_default();
        std::fs::create_dir_all(&dir)?;
        for item in range.from..=range.to {
            let png = job.png(item, args.dpi)?;
            std::fs::write(dir.join(format!("label-{item:07}.png")), png)?;
            bar.inc(1);
        }
        bar.finish();
        Ok(format!(
            "wrote {} PNG labels to {}",
            range.count(),
            dir.display()
        ))
    })
    .await??;
    println!("{result}");
    Ok(ExitCode::SUCCESS)
}

/// A file labels stream into, ticking the progress bar. The first write error stops the
/// stream, and `finish` returns it.
struct FileSink<'a> {
    out: std::io::BufWriter<std::fs::File>,
    bar: &'a ProgressBar,
    failed: Option<std::io::Error>,
}

impl<'a> FileSink<'a> {
    fn create(path: &std::path::Path, bar: &'a ProgressBar) -> std::io::Result<Self> {
        Ok(FileSink {
            out: std::io::BufWriter::new(std::fs::File::create(path)?),
            bar,
            failed: None,
        })
    }

    /// Writes a chunk of `n` labels; false once a write has failed, to stop the stream.
    fn write(&mut self, chunk: &[u8], n: u32) -> bool {
        self.bar.inc(u64::from(n));
        match self.out.write_all(chunk) {
            Ok(()) => true,
            Err(e) => {
                self.failed = Some(e);
                false
            }
        }
    }

    fn finish(mut self) -> anyhow::Result<()> {
        if let Some(e) = self.failed {
            return Err(e.into());
        }
        self.out.flush()?;
        self.bar.finish();
        Ok(())
    }
}
