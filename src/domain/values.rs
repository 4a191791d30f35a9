//! Value types of the registry. Each one parses rather than validates: once you hold a
//! `BrandNumber` or an `Ice`, it is well formed, and the constructor's error says precisely why
//! an input was refused.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A refused input: which field, and why, in words a person can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: std::borrow::Cow<'static, str>,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field: std::borrow::Cow::Borrowed(field),
            message: message.into(),
        }
    }

    /// A field named at run time, e.g. a JSON path like `names.ar`.
    pub fn new_owned(field: String, message: impl Into<String>) -> Self {
        FieldError {
            field: std::borrow::Cow::Owned(field),
            message: message.into(),
        }
    }
}

/// Declares a closed set of lowercase machine words with `as_str`, `parse`, `ALL` and serde.
/// A word type: an enum whose values are machine words. Its OpenAPI schema is written in
/// `views/schema.rs` (add the type there), so this module needs nothing of utoipa.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $word)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every machine word, in declaration order (the API document's enum).
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            /// The machine word.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// Reads the machine word; `field` names the input in the error.
            pub fn parse(field: &'static str, s: &str) -> Result<$name, FieldError> {
                match s {
                    $($word => Ok($name::$variant),)+
                    _ => Err(FieldError::new(
                        field,
                        format!(
                            "{:?} is not one of: {}",
                            crate::domain::values::clip(s),
                            [$($word),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

    };
}

/// Shortens user input quoted back in an error message.
pub fn clip(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(40).collect();
        out.push('…');
        out
    }
}

word_enum!(
    /// The 12 regions of Morocco (2015 division). Their slugs are part of the public contract.
    Region {
        TangerTetouanAlHoceima = "tanger-tetouan-al-hoceima",
        Oriental = "oriental",
        FesMeknes = "fes-meknes",
        RabatSaleKenitra = "rabat-sale-kenitra",
        BeniMellalKhenifra = "beni-mellal-khenifra",
        CasablancaSettat = "casablanca-settat",
        MarrakechSafi = "marrakech-safi",
        DraaTafilalet = "draa-tafilalet",
        SoussMassa = "souss-massa",
        GuelmimOuedNoun = "guelmim-oued-noun",
        LaayouneSakiaElHamra = "laayoune-sakia-el-hamra",
        DakhlaOuedEdDahab = "dakhla-oued-ed-dahab",
    }
);

word_enum!(
    /// The legal nature of a brand.
    BrandKind {
        CollectiveMark = "collective_mark",
        CertificationMark = "certification_mark",
        Igp = "igp",
        Aop = "aop",
        LabelAgricole = "label_agricole",
    }
);

word_enum!(
    /// What a brand covers.
    Category {
        Food = "food",
        Cosmetics = "cosmetics",
        Textiles = "textiles",
        Ceramics = "ceramics",
        Metal = "metal",
        Leather = "leather",
        Wood = "wood",
        Other = "other",
    }
);

word_enum!(
    /// Brand and membership lifecycle: active ⇄ suspended → withdrawn.
    Standing {
        Active = "active",
        Suspended = "suspended",
        Withdrawn = "withdrawn",
    }
);

word_enum!(
    /// What a right of use is on a given day: its status, with expiry (and a start still to
    /// come) derived from its period. `domain::rights::state` decides it.
    RightState {
        Active = "active",
        Pending = "pending",
        Expired = "expired",
        Suspended = "suspended",
        Withdrawn = "withdrawn",
    }
);

word_enum!(
    /// What happened to a right of use. `Expired` is never stored: it is derived from the
    /// period when the history is shown.
    RightEvent {
        Granted = "granted",
        Suspended = "suspended",
        Reinstated = "reinstated",
        Withdrawn = "withdrawn",
        Renewed = "renewed",
        Period = "period",
        Expired = "expired",
    }
);

impl Standing {
    /// Whether the lifecycle allows going from `self` to `to`. Withdrawal is final; setting
    /// the same status again is not a change.
    pub fn can_become(self, to: Standing) -> bool {
        !matches!(
            (self, to),
            (Standing::Withdrawn, Standing::Active | Standing::Suspended)
        ) && self != to
    }
}

word_enum!(
    /// A certificate is issued, then possibly revoked; expiry is derived from its date.
    CertificateStatus {
        Issued = "issued",
        Revoked = "revoked",
    }
);

word_enum!(
    /// Signing key lifecycle: active → retired; any state → compromised.
    KeyStatus {
        Active = "active",
        Retired = "retired",
        Compromised = "compromised",
    }
);

word_enum!(
    /// The legal form of a producer.
    ProducerKind {
        Cooperative = "cooperative",
        Association = "association",
        Company = "company",
        Artisan = "artisan",
    }
);

word_enum!(
    /// Who may do what. Ordered: admin ⊃ officer ⊃ retailer.
    Role {
        Retailer = "retailer",
        Officer = "officer",
        Admin = "admin",
    }
);

/// A brand's number in the registry, 1..=65535. It is printed in every label as a u16.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BrandNumber(u16);

impl BrandNumber {
    pub fn new(n: u16) -> Result<Self, FieldError> {
        if n == 0 {
            return Err(FieldError::new("number", "brand numbers start at 1"));
        }
        Ok(BrandNumber(n))
    }

    /// Reads a number given as text, e.g. from a URL path.
    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let n: u16 = s.parse().map_err(|_| {
            FieldError::new(
                field,
                format!("{:?} is not a brand number (1 to 65535)", clip(s)),
            )
        })?;
        BrandNumber::new(n).map_err(|e| FieldError::new(field, e.message))
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for BrandNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A certificate number: random, never sequential. Issued numbers are below 2^63 so that they
/// fit a signed 64-bit column on every database; the code format itself carries a full u64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateNumber(pub u64);

impl CertificateNumber {
    /// Reads the decimal form used in URLs and JSON.
    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                format!("{:?} is not a certificate number (decimal digits)", clip(s)),
            ));
        }
        s.parse().map(CertificateNumber).map_err(|_| {
            FieldError::new(
                field,
                "a certificate number fits in 64 bits (at most 20 digits)",
            )
        })
    }

    /// The database form, or `None` for a number we can never have issued.
    pub fn to_db(self) -> Option<i64> {
        i64::try_from(self.0).ok()
    }

    /// Draws a fresh random number in 1..2^63.
    pub fn random() -> Self {
        loop {
            let n = rand::random::<u64>() >> 1;
            if n != 0 {
                return CertificateNumber(n);
            }
        }
    }
}

impl fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Moroccan company identifier (Identifiant Commun de l'Entreprise): exactly 15 ASCII digits.
/// Its check-digit algorithm is not public, so only the form is checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Ice(String);

impl Ice {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        if s.len() == 15 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Ice(s.to_owned()))
        } else {
            Err(FieldError::new(
                "ice",
                format!("an ICE is exactly 15 digits 0-9; got {:?}", clip(s)),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text with a length limit: trimmed, not empty, no control characters.
pub fn text(field: &'static str, s: &str, max_chars: usize) -> Result<String, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    let n = t.chars().count();
    if n > max_chars {
        return Err(FieldError::new(
            field,
            format!("at most {max_chars} characters; got {n}"),
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(t.to_owned())
}

/// A name in Arabic script: its letters are Arabic (digits, spaces and punctuation allowed).
pub fn arabic_name(field: &'static str, s: &str) -> Result<String, FieldError> {
    script_name(
        field,
        s,
        "Arabic",
        |c| matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF),
    )
}

/// A name in Tifinagh: its letters are Tifinagh (U+2D30–U+2D7F).
pub fn tifinagh_name(field: &'static str, s: &str) -> Result<String, FieldError> {
    script_name(field, s, "Tifinagh", |c| {
        (0x2D30..=0x2D7F).contains(&(c as u32))
    })
}

fn script_name(
    field: &'static str,
    s: &str,
    script: &str,
    in_script: fn(char) -> bool,
) -> Result<String, FieldError> {
    let t = text(field, s, 200)?;
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() || !letters.iter().all(|c| in_script(*c)) {
        return Err(FieldError::new(
            field,
            format!("must be written in {script} script"),
        ));
    }
    Ok(t)
}

/// A brand code: 2 to 64 of `a-z`, `0-9` and `-`.
pub fn brand_code(s: &str) -> Result<String, FieldError> {
    let ok = (2..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(FieldError::new(
            "code",
            "2 to 64 characters among a-z, 0-9 and -",
        ))
    }
}

/// A lot code, as the producer declares it: 1..=64 characters.
pub fn lot_code(s: &str) -> Result<String, FieldError> {
    text("lot", s, 64)
}

/// A product description: 1..=200 characters.
pub fn product_name(s: &str) -> Result<String, FieldError> {
    text("product", s, 200)
}

/// Lot sizes a certificate may cover.
pub const MAX_QUANTITY: u32 = 1_000_000;

/// The number of items in a lot, 1..=1,000,000.
pub fn quantity(n: i64) -> Result<u32, FieldError> {
    if (1..=i64::from(MAX_QUANTITY)).contains(&n) {
        Ok(n as u32)
    } else {
        Err(FieldError::new(
            "quantity",
            format!("must be between 1 and {MAX_QUANTITY}; got {n}"),
        ))
    }
}

/// Day zero of the label's expiry field.
pub fn epoch_2000() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date")
}

/// A date as the label's u16 day count since 2000-01-01, if it fits (2000-01-01..=2179-06-06).
pub fn label_days(date: NaiveDate) -> Option<u16> {
    u16::try_from((date - epoch_2000()).num_days()).ok()
}

/// The date a label's day count stands for.
pub fn date_from_label_days(days: u16) -> NaiveDate {
    epoch_2000() + chrono::Days::new(u64::from(days))
}

/// Parses `YYYY-MM-DD`, with a message naming the field.
pub fn iso_date(field: &'static str, s: &str) -> Result<NaiveDate, FieldError> {
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        FieldError::new(
            field,
            format!("{:?} is not a date of the form YYYY-MM-DD", clip(s)),
        )
    })?;
    // chrono accepts years far outside anything meaningful here; keep dates printable.
    if !(1900..=9999).contains(&d.year()) {
        return Err(FieldError::new(field, "year must be between 1900 and 9999"));
    }
    Ok(d)
}

/// An e-mail address, lowercased. Only the shape is checked: one `@`, something on each side.
pub fn email(s: &str) -> Result<String, FieldError> {
    let t = s.trim().to_lowercase();
    let ok = t.len() <= 254
        && t.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !t.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(t)
    } else {
        Err(FieldError::new("email", "is not an e-mail address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_parse_and_print() {
        assert_eq!(
            Region::parse("region", "souss-massa"),
            Ok(Region::SoussMassa)
        );
        assert_eq!(Region::ALL.len(), 12);
        let err = Region::parse("region", "atlantis").unwrap_err();
        assert_eq!(err.field, "region");
        assert!(err.message.contains("souss-massa"));
        assert_eq!(BrandKind::LabelAgricole.as_str(), "label_agricole");
        assert!(Role::Admin > Role::Officer && Role::Officer > Role::Retailer);
    }

    #[test]
    fn withdrawal_is_final() {
        assert!(Standing::Active.can_become(Standing::Suspended));
        assert!(Standing::Suspended.can_become(Standing::Active));
        assert!(Standing::Active.can_become(Standing::Withdrawn));
        assert!(!Standing::Withdrawn.can_become(Standing::Active));
        assert!(!Standing::Active.can_become(Standing::Active));
    }

    #[test]
    fn ice_is_exactly_fifteen_ascii_digits() {
        assert!(Ice::parse("999000000000001").is_ok());
        assert!(Ice::parse("99900000000001").is_err());
        assert!(Ice::parse("9990000000000012").is_err());
        assert!(Ice::parse("99900000000000a").is_err());
        assert!(Ice::parse("٩٩٩000000000001").is_err());
    }

    #[test]
    fn brand_numbers_and_certificate_numbers() {
        assert!(BrandNumber::parse("n", "0").is_err());
        assert!(BrandNumber::parse("n", "65536").is_err());
        assert!(BrandNumber::parse("n", "-1").is_err());
        assert_eq!(BrandNumber::parse("n", "65535").unwrap().get(), 65535);
        assert!(CertificateNumber::parse("n", "18446744073709551615").is_ok());
        assert!(CertificateNumber::parse("n", "18446744073709551616").is_err());
        assert!(CertificateNumber::parse("n", "+5").is_err());
        assert_eq!(CertificateNumber(u64::MAX).to_db(), None);
        for _ in 0..100 {
            let n = CertificateNumber::random();
            assert!(n.0 > 0 && n.to_db().is_some());
        }
    }

    #[test]
    fn text_limits() {
        assert_eq!(lot_code("  L1 ").unwrap(), "L1");
        assert!(lot_code("").unwrap_err().message.contains("empty"));
        assert!(lot_code(&"x".repeat(65)).is_err());
        assert!(lot_code(&"é".repeat(64)).is_ok());
        assert!(product_name(&"x".repeat(201)).is_err());
        assert!(product_name("a\u{0}b").is_err());
        assert!(quantity(0).is_err());
        assert!(quantity(1_000_001).is_err());
        assert_eq!(quantity(1_000_000), Ok(1_000_000));
    }

    #[test]
    fn label_days_cover_2000_to_2179() {
        assert_eq!(label_days(epoch_2000()), Some(0));
        let last = NaiveDate::from_ymd_opt(2179, 6, 6).unwrap();
        assert_eq!(label_days(last), Some(u16::MAX));
        assert_eq!(label_days(last.succ_opt().unwrap()), None);
        assert_eq!(
            label_days(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()),
            None
        );
        assert_eq!(date_from_label_days(u16::MAX), last);
        assert!(iso_date("d", "2026-02-30").is_err());
        assert!(iso_date("d", "+10000-01-01").is_err());
    }

    #[test]
    fn names_in_their_own_script() {
        assert!(arabic_name("names.ar", "زعفران تالوين").is_ok());
        assert!(arabic_name("names.ar", "Safran").is_err());
        assert!(tifinagh_name("names.zgh", "ⴰⵔⴳⴰⵏ ⵏ ⵙⵓⵙ").is_ok());
        assert!(tifinagh_name("names.zgh", "ⴰⵔⴳⴰⵏ argan").is_err());
        assert!(brand_code("safran-taliouine").is_ok());
        assert!(brand_code("Safran").is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(email(" Admin@Tasdiq.Local ").unwrap(), "admin@tasdiq.local");
        assert!(email("nobody").is_err());
        assert!(email("a@b").is_err());
    }
}
