//! Form tokens against cross-site request forgery. A token is an HMAC-SHA256 over a purpose, a
//! subject (the page it was issued for) and a day, keyed with a secret every node shares.

use chrono::NaiveDate;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

fn mac(key: &[u8], purpose: &str, subject: &str, day: NaiveDate) -> Option<Hmac<Sha256>> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).ok()?;
    m.update(purpose.as_bytes());
    m.update(&[0]);
    m.update(subject.as_bytes());
    m.update(&[0]);
    m.update(day.format("%Y%m%d").to_string().as_bytes());
    Some(m)
}

/// A token for `subject`, valid on `day`: `YYYYMMDD.` followed by the MAC in hex.
pub fn token(key: &[u8], purpose: &str, subject: &str, day: NaiveDate) -> String {
    mac(key, purpose, subject, day)
        .map(|m| {
            format!(
                "{}.{}",
                day.format("%Y%m%d"),
                hex::encode(m.finalize().into_bytes())
            )
        })
        .unwrap_or_default()
}

/// Checks a token issued today or yesterday; `key_for` gives a day's key if it is still known.
pub fn check(
    key_for: impl Fn(NaiveDate) -> Option<[u8; 32]>,
    purpose: &str,
    subject: &str,
    token: &str,
    today: NaiveDate,
) -> bool {
    let Some((day, tag)) = token.split_once('.') else {
        return false;
    };
    let Ok(day) = NaiveDate::parse_from_str(day, "%Y%m%d") else {
        return false;
    };
    if day > today || (today - day).num_days() > 1 {
        return false;
    }
    let (Some(key), Ok(tag)) = (key_for(day), hex::decode(tag)) else {
        return false;
    };
    mac(&key, purpose, subject, day).is_some_and(|m| m.verify_slice(&tag).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bind_purpose_subject_and_day() {
        let key = [7u8; 32];
        let day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let t = token(&key, "report", "123", day);
        let k = |_| Some(key);
        assert!(check(k, "report", "123", &t, day));
        assert!(check(k, "report", "123", &t, day.succ_opt().unwrap()));
        assert!(!check(k, "report", "124", &t, day));
        assert!(!check(k, "login", "123", &t, day));
        assert!(!check(k, "report", "123", &t, day + chrono::Days::new(2)));
        assert!(!check(|_| Some([8u8; 32]), "report", "123", &t, day));
        assert!(!check(k, "report", "123", "garbage", day));
        assert!(!check(k, "report", "123", "20261129.zz", day));
    }
}
