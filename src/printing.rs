//! Print jobs: the labels of a certificate as PNG, SVG, a PDF of sticker sheets, or CSV rows for
//! print shops. Labels are derived on demand from the certificate and its key, never stored.
//!
//! The PDF and CSV are produced a chunk at a time by blocking iterators, so the HTTP layer can
//! stream them from a worker thread and the CLI can write them to a file with a progress bar;
//! either way memory stays bounded however long the range.

use std::sync::Arc;

use crate::domain::humancode::{HumanCode, ShortCodeKey};
use crate::domain::keys::{KeyRing, SignError};
use crate::store::certificates::CertRecord;
use tasdiq_custody::claim::{ClaimCode, ClaimSecret};
use tasdiq_label::{Ecc, Fonts, LabelError, LabelText, PdfSheet, SheetLayout, StaticText};

/// The most labels one request may ask for.
pub const MAX_LABELS: u32 = 10_000;
/// Labels per PDF chunk: one or a few sheets.
const CHUNK: usize = 48;

/// Why a print job failed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error(transparent)]
    Sign(#[from] SignError),
    #[error(transparent)]
    Label(#[from] LabelError),
}

/// A checked range of items within a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub from: u32,
    pub to: u32,
}

/// Why a range was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("the lot has items 1 to {quantity}; {field}={value} is outside it")]
    Outside {
        field: &'static str,
        value: u32,
        quantity: u32,
    },
    #[error("from ({from}) must not be after to ({to})")]
    Reversed { from: u32, to: u32 },
    #[error("{count} labels asked for; at most {MAX_LABELS} per request — split the range")]
    TooMany { count: u32 },
}

impl Range {
    /// `from`..=`to` within 1..=`quantity`, defaulting to the whole lot, at most 10,000 labels.
    pub fn check(from: Option<u32>, to: Option<u32>, quantity: u32) -> Result<Range, RangeError> {
        let from = from.unwrap_or(1);
        let to = to.unwrap_or(quantity);
        for (field, value) in [("from", from), ("to", to)] {
            if value == 0 || value > quantity {
                return Err(RangeError::Outside {
                    field,
                    value,
                    quantity,
                });
            }
        }
        if from > to {
            return Err(RangeError::Reversed { from, to });
        }
        let count = to - from + 1;
        if count > MAX_LABELS {
            return Err(RangeError::TooMany { count });
        }
        Ok(Range { from, to })
    }

    /// `from`..=`to` within 1..=`quantity`, with no cap: for print jobs prepared offline.
    pub fn check_uncapped(
        from: Option<u32>,
        to: Option<u32>,
        quantity: u32,
    ) -> Result<Range, RangeError> {
        match Range::check(from, to, quantity) {
            Err(RangeError::TooMany { .. }) => Ok(Range {
                from: from.unwrap_or(1),
                to: to.unwrap_or(quantity),
            }),
            other => other,
        }
    }

    /// How many labels the range holds.
    pub fn count(&self) -> u32 {
        self.to - self.from + 1
    }
}

/// One label of a certificate: its code, URL and short human code.
pub struct Printed {
    pub item: u32,
    pub code: String,
    pub url: String,
    pub human: String,
}

/// The French and Arabic lines of a label that do not change from item to item.
struct Lines {
    expires: String,
    scan: String,
    address: String,
}

/// A certificate ready to print: its record, the ring that signs it, the secret that keys the
/// short codes, and where QR codes point.
#[derive(Clone)]
pub struct Job {
    pub ring: Arc<KeyRing>,
    pub shortcodes: ShortCodeKey,
    pub cert: Arc<CertRecord>,
    /// `{public_url}/v/`.
    pub url_prefix: String,
    pub ecc: Ecc,
}

impl Job {
    /// Signs one item's label.
    pub fn label(&self, item: u32) -> Result<Printed, PrintError> {
        let code = self.ring.sign_label(&self.cert.facts, item)?.to_code();
        let human = HumanCode::new(self.cert.facts.number, item)
            .map(|h| h.encode(&self.shortcodes))
            .unwrap_or_default();
        Ok(Printed {
            item,
            url: format!("{}{code}", self.url_prefix),
            code,
            human,
        })
    }

    /// The lines every label of the certificate prints below the product and lot.
    fn lines(&self) -> Lines {
        let base = self.url_prefix.trim_end_matches('/');
        let short = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"))
            .unwrap_or(base);
        Lines {
            expires: format!(
                "Valable jusqu'au {}",
                crate::i18n::date(self.cert.view.expires_on)
            ),
            scan: "Scannez pour vérifier · امسح للتحقق".to_owned(),
            address: format!("ou tapez le code sur {short}"),
        }
    }

    fn text<'a>(&'a self, p: &'a Printed, lines: &'a Lines) -> LabelText<'a> {
        let v = &self.cert.view;
        LabelText {
            brand_latin: &v.brand.names.fr,
            brand_arabic: &v.brand.names.ar,
            product: &v.product,
            lot: &v.lot,
            expires: &lines.expires,
            scan: &lines.scan,
            address: &lines.address,
            item: p.item,
            quantity: v.quantity,
            item_word: "article",
            human_code: &p.human,
        }
    }

    /// One label as PNG at `dpi`.
    pub fn png(&self, item: u32, dpi: u32) -> Result<Vec<u8>, PrintError> {
        let p = self.label(item)?;
        let qr = tasdiq_label::qr(&self.url_prefix, &p.code, self.ecc)?;
        Ok(tasdiq_label::render_png(
            &qr,
            &self.text(&p, &self.lines()),
            dpi,
        )?)
    }

    /// One label as SVG.
    pub fn svg(&self, item: u32) -> Result<String, PrintError> {
        let p = self.label(item)?;
        let qr = tasdiq_label::qr(&self.url_prefix, &p.code, self.ecc)?;
        Ok(tasdiq_label::render_svg(&qr, &self.text(&p, &self.lines())))
    }

    /// The PDF of a range, chunk by chunk; `on_labels` is told how many labels each chunk held.
    pub fn pdf(
        &self,
        range: Range,
        layout: SheetLayout,
        mut emit: impl FnMut(Vec<u8>, u32) -> bool,
    ) -> Result<(), PrintError> {
        let v = &self.cert.view;
        let lines = self.lines();
        let margin = format!(
            "Certificat {} · Lot {} · articles {{first}}–{{last}} · page {{page}}/{{pages}}",
            v.number, v.lot
        );
        let per_page = u32::try_from(layout.per_page()).unwrap_or(1);
        let mut sheet = PdfSheet::new(
            layout,
            StaticText {
                brand_latin: &v.brand.names.fr,
                brand_arabic: &v.brand.names.ar,
                product: &v.product,
                lot: &v.lot,
                expires: &lines.expires,
                scan: &lines.scan,
                address: &lines.address,
                quantity: v.quantity,
                item_word: "article",
                margin: &margin,
                pages: range.count().div_ceil(per_page),
            },
            Fonts::embedded(),
        );
        if !emit(sheet.begin(), 0) {
            return Ok(());
        }
        let items: Vec<u32> = (range.from..=range.to).collect();
        let per_chunk = CHUNK - CHUNK % layout.per_page();
        for chunk in items.chunks(per_chunk.max(layout.per_page())) {
            let mut labels = Vec::with_capacity(chunk.len());
            for item in chunk {
                let p = self.label(*item)?;
                let qr = tasdiq_label::qr(&self.url_prefix, &p.code, self.ecc)?;
                labels.push((p.item, qr, p.human));
            }
            if !emit(sheet.page(&labels), u32::try_from(chunk.len()).unwrap_or(0)) {
                return Ok(());
            }
        }
        emit(sheet.finish(), 0);
        Ok(())
    }

    /// CSV for print shops: `item,url,human_code`, then one row per label, in chunks.
    pub fn csv(
        &self,
        range: Range,
        emit: impl FnMut(String, u32) -> bool,
    ) -> Result<(), PrintError> {
        self.csv_with_claims(range, None, emit)
    }

    /// [`Job::csv`], with a `claim` column (each item's one-time claim code) for a lot issued
    /// with claim codes.
    pub fn csv_with_claims(
        &self,
        range: Range,
        claims: Option<&ClaimSecret>,
        mut emit: impl FnMut(String, u32) -> bool,
    ) -> Result<(), PrintError> {
        let header = if claims.is_some() {
            "item,url,human_code,claim\r\n"
        } else {
            "item,url,human_code\r\n"
        };
        if !emit(header.to_owned(), 0) {
            return Ok(());
        }
        let number = self.cert.facts.number;
        let items: Vec<u32> = (range.from..=range.to).collect();
        for chunk in items.chunks(256) {
            let mut out = String::with_capacity(chunk.len() * 300);
            for item in chunk {
                let p = self.label(*item)?;
                // Neither URL nor human code can hold a comma or a quote: no escaping needed.
                out.push_str(&format!("{},{},{}", p.item, p.url, p.human));
                if let Some(secret) = claims {
                    out.push_str(&format!(",{}", ClaimCode::derive(secret, number, *item)));
                }
                out.push_str("\r\n");
            }
            if !emit(out, u32::try_from(chunk.len()).unwrap_or(0)) {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The inner labels of a range (item and claim code), on the outer labels' grid so that
    /// item n sits in the same cell of the same sheet.
    pub fn inner_pdf(
        &self,
        range: Range,
        layout: SheetLayout,
        claims: &ClaimSecret,
        mut emit: impl FnMut(Vec<u8>, u32) -> bool,
    ) -> Result<(), PrintError> {
        let v = &self.cert.view;
        let number = self.cert.facts.number;
        let margin = format!(
            "Certificat {} · Lot {} · codes intérieurs, articles {{first}}–{{last}} · page {{page}}/{{pages}}",
            v.number, v.lot
        );
        let cells: Vec<(u32, String)> = (range.from..=range.to)
            .map(|item| (item, ClaimCode::derive(claims, number, item).to_string()))
            .collect();
        let pdf = tasdiq_label::inner_sheet(
            layout,
            tasdiq_label::InnerText {
                quantity: v.quantity,
                margin: &margin,
            },
            &cells,
        );
        emit(pdf, range.count());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(Range::check(None, None, 50), Ok(Range { from: 1, to: 50 }));
        assert_eq!(Range::check(Some(7), Some(7), 50).unwrap().count(), 1);
        assert!(matches!(
            Range::check(Some(0), None, 50),
            Err(RangeError::Outside { field: "from", .. })
        ));
        assert!(matches!(
            Range::check(None, Some(51), 50),
            Err(RangeError::Outside { field: "to", .. })
        ));
        assert!(matches!(
            Range::check(Some(9), Some(3), 50),
            Err(RangeError::Reversed { .. })
        ));
        assert_eq!(
            Range::check(Some(1), Some(10_000), 20_000).unwrap().count(),
            10_000
        );
        assert_eq!(
            Range::check(Some(1), Some(10_001), 20_000),
            Err(RangeError::TooMany { count: 10_001 })
        );
    }
}
