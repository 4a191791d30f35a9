//! Rules of the certification workflow: what a certificate request must satisfy, and when a
//! producer may be certified under a brand. Pure: the caller passes `today`.

use chrono::NaiveDate;

use super::values::{self, FieldError, Standing, label_days};

/// An issuance request whose fields have been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRequest {
    pub brand: u16,
    pub producer: i64,
    pub product: String,
    pub lot: String,
    pub quantity: u32,
    pub produced_on: NaiveDate,
    pub expires_on: NaiveDate,
}

/// The raw fields of a request, as received.
#[derive(Clone, Debug)]
pub struct RawCertificateRequest<'a> {
    pub brand: i64,
    pub producer: i64,
    pub product: &'a str,
    pub lot: &'a str,
    pub quantity: i64,
    pub produced_on: &'a str,
    pub expires_on: &'a str,
}

impl CertificateRequest {
    /// Checks every field and reports every problem at once, each naming its field.
    pub fn parse(
        raw: &RawCertificateRequest<'_>,
        today: NaiveDate,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let brand = keep(
            &mut errors,
            u16::try_from(raw.brand)
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| FieldError::new("brand", "a brand number is between 1 and 65535")),
        );
        let producer = keep(
            &mut errors,
            if raw.producer > 0 {
                Ok(raw.producer)
            } else {
                Err(FieldError::new(
                    "producer",
                    "a producer id is a positive number",
                ))
            },
        );
        let product = keep(&mut errors, values::product_name(raw.product));
        let lot = keep(&mut errors, values::lot_code(raw.lot));
        let quantity = keep(&mut errors, values::quantity(raw.quantity));
        let produced_on = keep(
            &mut errors,
            values::iso_date("produced_on", raw.produced_on).and_then(|d| {
                if d > today {
                    Err(FieldError::new(
                        "produced_on",
                        format!("{d} is in the future; a lot is certified once it is produced"),
                    ))
                } else {
                    Ok(d)
                }
            }),
        );
        let expires_on = keep(&mut errors, values::iso_date("expires_on", raw.expires_on).and_then(|d| {
            if label_days(d).is_none() {
                Err(FieldError::new(
                    "expires_on",
                    "must be between 2000-01-01 and 2179-06-06 (the label stores it in 16 bits)",
                ))
            } else {
                Ok(d)
            }
        }));
        if let (Some(p), Some(e)) = (produced_on, expires_on)
            && e <= p
        {
            errors.push(FieldError::new(
                "expires_on",
                format!("must be after produced_on ({p})"),
            ));
        }
        match (
            brand,
            producer,
            product,
            lot,
            quantity,
            produced_on,
            expires_on,
        ) {
            (
                Some(brand),
                Some(producer),
                Some(product),
                Some(lot),
                Some(quantity),
                Some(produced_on),
                Some(expires_on),
            ) if errors.is_empty() => Ok(CertificateRequest {
                brand,
                producer,
                product,
                lot,
                quantity,
                produced_on,
                expires_on,
            }),
            _ => Err(errors),
        }
    }
}

fn keep<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// The right of use, as far as issuance needs it.
#[derive(Clone, Copy, Debug)]
pub struct RightOfUse {
    pub status: Standing,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

/// Why a lot may not be certified: a machine word and a sentence.
pub type Refusal = (&'static str, String);

/// Whether a producer may be certified under a brand today.
pub fn may_certify(
    brand_status: Standing,
    right: Option<RightOfUse>,
    today: NaiveDate,
) -> Result<(), Refusal> {
    if brand_status != Standing::Active {
        return Err((
            "brand_not_active",
            format!("the brand is {brand_status}; no lot can be certified under it"),
        ));
    }
    let Some(right) = right else {
        return Err((
            "not_a_member",
            "the producer has no right to use this brand; grant a membership first".into(),
        ));
    };
    if right.status != Standing::Active {
        return Err((
            "membership_not_active",
            format!("the producer's right to use this brand is {}", right.status),
        ));
    }
    if today < right.valid_from || today > right.valid_until {
        return Err((
            "membership_not_valid",
            format!(
                "the producer's right of use runs from {} to {}, which does not include today ({today})",
                right.valid_from, right.valid_until
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn raw() -> RawCertificateRequest<'static> {
        RawCertificateRequest {
            brand: 12,
            producer: 345,
            product: "Huile d'argan alimentaire 250 ml",
            lot: "L2026-11-A",
            quantity: 500,
            produced_on: "2026-11-01",
            expires_on: "2028-11-01",
        }
    }

    #[test]
    fn a_good_request_parses() {
        let r = CertificateRequest::parse(&raw(), day("2026-11-29")).unwrap();
        assert_eq!(r.quantity, 500);
        assert_eq!(r.expires_on, day("2028-11-01"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let today = day("2026-11-29");
        let fields = |r: RawCertificateRequest<'static>| -> Vec<String> {
            CertificateRequest::parse(&r, today)
                .unwrap_err()
                .iter()
                .map(|e| e.field.to_string())
                .collect()
        };
        assert_eq!(
            fields(RawCertificateRequest {
                quantity: 0,
                ..raw()
            }),
            ["quantity"]
        );
        assert_eq!(
            fields(RawCertificateRequest {
                quantity: 1_000_001,
                ..raw()
            }),
            ["quantity"]
        );
        assert_eq!(
            fields(RawCertificateRequest {
                produced_on: "2026-11-30",
                ..raw()
            }),
            ["produced_on"]
        );
        assert_eq!(
            fields(RawCertificateRequest {
                expires_on: "2026-11-01",
                ..raw()
            }),
            ["expires_on"]
        );
        assert_eq!(
            fields(RawCertificateRequest {
                expires_on: "2180-01-01",
                ..raw()
            }),
            ["expires_on"]
        );
        assert_eq!(fields(RawCertificateRequest { lot: "", ..raw() }), ["lot"]);
        assert_eq!(
            fields(RawCertificateRequest {
                product: "   ",
                ..raw()
            }),
            ["product"]
        );
        assert_eq!(
            fields(RawCertificateRequest {
                brand: 70_000,
                ..raw()
            }),
            ["brand"]
        );
        assert_eq!(
            fields(RawCertificateRequest {
                quantity: -1,
                lot: "",
                produced_on: "nope",
                ..raw()
            }),
            ["lot", "quantity", "produced_on"]
        );
    }

    #[test]
    fn certification_needs_an_active_valid_right_of_use() {
        let today = day("2026-11-29");
        let right = RightOfUse {
            status: Standing::Active,
            valid_from: day("2025-01-01"),
            valid_until: day("2027-12-31"),
        };
        assert!(may_certify(Standing::Active, Some(right), today).is_ok());
        assert_eq!(
            may_certify(Standing::Suspended, Some(right), today)
                .unwrap_err()
                .0,
            "brand_not_active"
        );
        assert_eq!(
            may_certify(Standing::Active, None, today).unwrap_err().0,
            "not_a_member"
        );
        let suspended = RightOfUse {
            status: Standing::Suspended,
            ..right
        };
        assert_eq!(
            may_certify(Standing::Active, Some(suspended), today)
                .unwrap_err()
                .0,
            "membership_not_active"
        );
        let lapsed = RightOfUse {
            valid_until: day("2026-11-28"),
            ..right
        };
        assert_eq!(
            may_certify(Standing::Active, Some(lapsed), today)
                .unwrap_err()
                .0,
            "membership_not_valid"
        );
        let future = RightOfUse {
            valid_from: day("2026-11-30"),
            ..right
        };
        assert_eq!(
            may_certify(Standing::Active, Some(future), today)
                .unwrap_err()
                .0,
            "membership_not_valid"
        );
    }
}
